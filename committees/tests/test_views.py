"""The session pages as the secretary uses them: open, attendance, agenda, votes, close."""

import pytest
from django.urls import reverse

from cases.choices import CaseState, Step
from cases.services import case_take_step
from committees.models import Session
from reference.models import OffenceType
from shared import clock
from shared.persian import jalali

pytestmark = pytest.mark.django_db


def html(page) -> str:
    return page.content.decode()


@pytest.fixture
def secretary(client, users):
    client.force_login(users["secretary_a"])
    return client


def open_session(secretary, number="۱۲/۱۴۰۵") -> Session:
    page = secretary.post(
        reverse("committees:new"),
        {"number": number, "held_on": jalali(clock.today()), "place": "استانداری تهران"},
    )
    assert page.status_code == 302, html(page)
    return Session.objects.get(number=number)


def in_force():
    return OffenceType.objects.order_by("-version_year", "code").first()


def test_the_secretary_holds_a_session_from_opening_to_closing(secretary, members, case_in):
    cases = [case_in(CaseState.READY_FOR_PROVINCE) for _ in range(3)]
    session = open_session(secretary)
    present = members[:3]
    page = secretary.post(
        reverse("committees:attendance", args=[session.pk]), {"present": [m.pk for m in present]}
    )
    assert page.status_code == 302
    # The agenda offers the province's ready cases, oldest first.
    page = secretary.get(reverse("committees:agenda", args=[session.pk]))
    assert all(c.number in html(page) for c in cases)
    secretary.post(
        reverse("committees:agenda", args=[session.pk]), {"cases": [c.pk for c in cases]}
    )
    items = list(session.items.order_by("position"))
    assert [i.case for i in items] == cases
    # Nothing preselected on the vote form.
    form = html(secretary.get(reverse("committees:item", args=[session.pk, items[0].pk])))
    assert "checked" not in form
    # A vote missing: refused with the member's name, nothing recorded.
    page = secretary.post(
        reverse("committees:item", args=[session.pk, items[0].pk]),
        {
            f"vote_{present[0].pk}": "for",
            f"vote_{present[1].pk}": "for",
            "outcome": "approve",
            "resolution_number": "م/۱",
            "offence_type": in_force().pk,
        },
    )
    assert page.status_code == 400
    assert f"رأی {present[2].full_name} را ثبت کنید." in html(page)
    decisions = [
        ("approve", ["for", "for", "against"], "", in_force().pk),
        ("reject", ["against", "against", "for"], "سوابق کافی نیست.", ""),
        ("return", ["against", "abstain", "for"], "پاسخ انتظامی ناقص است.", ""),
    ]
    for index, (item, (outcome, votes, reason, offence)) in enumerate(
        zip(items, decisions, strict=True), start=1
    ):
        page = secretary.post(
            reverse("committees:item", args=[session.pk, item.pk]),
            {
                **{f"vote_{m.pk}": v for m, v in zip(present, votes, strict=True)},
                "outcome": outcome,
                "resolution_number": f"م/{index}",
                "offence_type": offence,
                "reason": reason,
            },
        )
        assert page.status_code == 302, html(page)
    detail = html(secretary.get(reverse("committees:detail", args=[session.pk])))
    assert "تصویب" in detail and "بازگشت برای تکمیل اطلاعات" in detail
    assert "مخالف" in detail and "ممتنع" in detail
    # Closing asks first, then moves every case.
    confirm = html(secretary.get(reverse("committees:close", args=[session.pk])))
    assert "بازگشت‌پذیر نیست" in confirm
    page = secretary.post(reverse("committees:close", args=[session.pk]))
    assert page.status_code == 302
    for case in cases:
        case.refresh_from_db()
    assert [c.state for c in cases] == [
        CaseState.APPROVED_BY_PROVINCE,
        CaseState.REJECTED_BY_PROVINCE,
        CaseState.RETURNED,
    ]
    # A closed session answers 409 to any change.
    assert secretary.post(reverse("committees:close", args=[session.pk])).status_code == 409
    assert (
        secretary.get(reverse("committees:item", args=[session.pk, items[0].pk])).status_code == 409
    )


def test_a_close_that_stops_at_one_case_names_it_and_moves_none(secretary, members, case_in, users):
    cases = [case_in(CaseState.READY_FOR_PROVINCE) for _ in range(2)]
    session = open_session(secretary)
    secretary.post(
        reverse("committees:attendance", args=[session.pk]),
        {"present": [m.pk for m in members[:3]]},
    )
    secretary.post(
        reverse("committees:agenda", args=[session.pk]), {"cases": [c.pk for c in cases]}
    )
    for index, item in enumerate(session.items.order_by("position"), start=1):
        secretary.post(
            reverse("committees:item", args=[session.pk, item.pk]),
            {
                **{f"vote_{m.pk}": "for" for m in members[:3]},
                "outcome": "approve",
                "resolution_number": f"م/{index}",
                "offence_type": in_force().pk,
            },
        )
    case_take_step(case=cases[1], by=users["supervisor_a"], step=Step.WITHDRAW, reason="استرداد")
    page = secretary.post(reverse("committees:close", args=[session.pk]))
    assert page.status_code == 400
    text = html(page)
    assert "هیچ پرونده‌ای تغییر نکرد" in text
    assert "۰۰۰۰۲" in text  # the second case's number, in Persian digits
    cases[0].refresh_from_db()
    assert cases[0].state == CaseState.READY_FOR_PROVINCE
    session.refresh_from_db()
    assert session.is_open


def test_a_session_of_another_province_is_not_found_and_other_roles_are_refused(
    client, members, case_in, users
):
    client.force_login(users["secretary_a"])
    session = open_session(client)
    for who, status in [
        ("expert_b", 404),
        ("secretary_b", 404),
        ("enforcement_a", 403),
        ("registry", 403),
        ("auditor", 200),
        ("national", 200),
        ("supervisor_a", 200),
    ]:
        client.force_login(users[who])
        assert client.get(reverse("committees:detail", args=[session.pk])).status_code == status
    client.force_login(users["secretary_b"])
    listing = html(client.get(reverse("committees:list")))
    assert session.number not in listing


def test_the_session_page_reads_the_same_number_of_queries_for_one_case_or_ten(
    secretary, members, case_in
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    session = open_session(secretary)
    url = reverse("committees:detail", args=[session.pk])
    counts = []
    for batch in (1, 9):
        chosen = [case_in(CaseState.READY_FOR_PROVINCE) for _ in range(batch)]
        secretary.post(
            reverse("committees:agenda", args=[session.pk]), {"cases": [c.pk for c in chosen]}
        )
        with CaptureQueriesContext(connection) as captured:
            assert secretary.get(url).status_code == 200
        counts.append(len(captured.captured_queries))
    assert session.items.count() == 10
    assert counts[0] == counts[1] > 0


def test_the_case_page_shows_the_session_votes_and_resolution_and_the_queue_the_open_session(
    secretary, members, case_in, users, client
):
    case = case_in(CaseState.READY_FOR_PROVINCE)
    session = open_session(secretary)
    home = html(secretary.get("/"))
    assert "جلسات در انتظار بستن یا امضا" in home and "باز: مصوبه‌ها ثبت" in home
    secretary.post(
        reverse("committees:attendance", args=[session.pk]),
        {"present": [m.pk for m in members[:3]]},
    )
    secretary.post(reverse("committees:agenda", args=[session.pk]), {"cases": [case.pk]})
    item = session.items.get()
    secretary.post(
        reverse("committees:item", args=[session.pk, item.pk]),
        {
            **{
                f"vote_{m.pk}": v
                for m, v in zip(members[:3], ["for", "for", "abstain"], strict=True)
            },
            "outcome": "approve",
            "resolution_number": "م/۷",
            "offence_type": in_force().pk,
        },
    )
    secretary.post(reverse("committees:close", args=[session.pk]))
    page = html(secretary.get(reverse("cases:detail", args=[case.number])))
    assert "جلسات کارگروه" in page and "تصویب" in page
    assert f"{members[2].full_name}: <strong>ممتنع</strong>" in page
    # The secretary's queue: the closed session waits for its signed minutes.
    assert "صورتجلسه امضاشده بارگذاری شود" in html(secretary.get("/"))
    # The enforcement liaison reads the case but not the working group's votes.
    client.force_login(users["enforcement_a"])
    assert "جلسات کارگروه" not in html(client.get(reverse("cases:detail", args=[case.number])))


def test_each_agenda_item_shows_the_subjects_with_the_experts_proposal_and_the_summary(
    secretary, members, case_in
):
    case = case_in(CaseState.READY_FOR_PROVINCE)
    session = open_session(secretary)
    secretary.post(reverse("committees:agenda", args=[session.pk]), {"cases": [case.pk]})
    page = html(secretary.get(reverse("committees:detail", args=[session.pk])))
    for subject in case.subjects.select_related("person"):
        assert f"{subject.person.full_name}: <span" in page
        assert subject.get_decision_display() in page


def test_a_national_session_has_its_own_minutes(
    client, users, case_in, private_storage, django_capture_on_commit_callbacks
):
    from committees import services
    from committees.models import Minutes
    from committees.selectors import working_group_of

    national = users["national"]
    session = services.session_open(
        group=working_group_of(None), by=national, number="ک/۹/۱۴۰۵",
        held_on=clock.today(), place="وزارت کشور",
    )  # fmt: skip
    services.agenda_add(
        session=session, by=national, cases=[case_in(CaseState.APPROVED_BY_PROVINCE)]
    )
    client.force_login(national)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("committees:minutes", args=[session.pk])).status_code == 302
    assert Minutes.objects.get(session=session).is_current()
    pdf = client.get(session.minutes.download_url)
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
