"""The national permanent working group: one queue of every province's approved cases, and a
batch confirmed or refused at once, all or nothing."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.choices import CaseState, Step
from cases.services import case_take_step
from committees.models import Session
from shared import clock
from shared.persian import digits_to_persian, jalali
from tests.proofs import proof_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def national(client, users):
    client.force_login(users["national"])
    return client


def open_national(national, number="ک/۳/۱۴۰۵") -> Session:
    page = national.post(
        reverse("committees:new"),
        {"number": number, "held_on": jalali(clock.today()), "place": "وزارت کشور"},
    )
    assert page.status_code == 302
    session = Session.objects.get(number=number)
    assert session.group.is_national
    return session


def test_a_batch_from_tehran_and_isfahan_is_confirmed_in_one_session(national, case_in, actors_b):
    tehran = [case_in(CaseState.APPROVED_BY_PROVINCE) for _ in range(2)]
    isfahan = [case_in(CaseState.APPROVED_BY_PROVINCE, actors=actors_b)]
    queue = national.get(reverse("committees:national_queue")).content.decode()
    for case in [*tehran, *isfahan]:
        assert digits_to_persian(case.number) in queue
    assert "اصفهان" in queue and "تهران" in queue
    session = open_national(national)
    page = national.post(
        reverse("committees:national_queue"),
        {"session": session.pk, "cases": [c.pk for c in [*tehran, *isfahan]]},
    )
    assert page.status_code == 302
    items = list(session.items.order_by("position"))
    assert len(items) == 3
    # A refusal needs its reason: the whole batch is refused, nothing recorded.
    decisions = {f"outcome_{i.pk}": "confirm" for i in items}
    decisions[f"outcome_{items[2].pk}"] = "refuse"
    page = national.post(reverse("committees:batch", args=[session.pk]), decisions)
    assert page.status_code == 400
    assert "دلیل" in page.content.decode()
    assert not session.items.exclude(outcome="").exists()
    decisions[f"reason_{items[2].pk}"] = "مستندات استان کافی نیست."
    assert (
        national.post(reverse("committees:batch", args=[session.pk]), decisions).status_code == 302
    )
    page = national.post(
        reverse("committees:close", args=[session.pk]), {"letter_number": "۱۲۳۴/ک‌د"}
    )
    assert page.status_code == 302
    for case in [*tehran, *isfahan]:
        case.refresh_from_db()
    assert [c.state for c in tehran] == [CaseState.CONFIRMED_NATIONALLY] * 2
    assert isfahan[0].state == CaseState.REFUSED_NATIONALLY
    assert {c.national_letter_number for c in [*tehran, *isfahan]} == {"۱۲۳۴/ک‌د"}
    assert isfahan[0].reason == "مستندات استان کافی نیست."
    assert all(c.events.filter(action=Step.CONFIRM_NATIONALLY).count() == 1 for c in tehran)


def test_a_batch_with_one_failing_case_moves_none(national, case_in, users):
    cases = [case_in(CaseState.APPROVED_BY_PROVINCE) for _ in range(2)]
    session = open_national(national)
    national.post(
        reverse("committees:national_queue"),
        {"session": session.pk, "cases": [c.pk for c in cases]},
    )
    batch = national.post(
        reverse("committees:batch", args=[session.pk]),
        {f"outcome_{i.pk}": "confirm" for i in session.items.all()},
    )
    assert batch.status_code == 302
    # Confirmed meanwhile on its own (a second tab): it no longer waits for this session.
    case_take_step(
        case=cases[1],
        by=users["national"],
        step=Step.CONFIRM_NATIONALLY,
        **proof_for(cases[1], Step.CONFIRM_NATIONALLY),
        national_letter_number="۹",
        national_letter_date=clock.today(),
    )
    page = national.post(reverse("committees:close", args=[session.pk]), {"letter_number": "۱"})
    assert page.status_code == 400
    assert digits_to_persian(cases[1].number) in page.content.decode()  # the case that stopped it
    cases[0].refresh_from_db()
    assert cases[0].state == CaseState.APPROVED_BY_PROVINCE
    session.refresh_from_db()
    assert session.is_open


def test_the_queue_filters_by_province_and_shows_the_provincial_votes_one_click_away(
    national, case_in, actors_b, isfahan
):
    tehran = case_in(CaseState.APPROVED_BY_PROVINCE)
    other = case_in(CaseState.APPROVED_BY_PROVINCE, actors=actors_b)
    page = national.get(reverse("committees:national_queue"), {"province": isfahan.pk})
    text = page.content.decode()
    assert digits_to_persian(other.number) in text
    assert digits_to_persian(tehran.number) not in text


def test_the_queue_reads_a_constant_number_of_queries(national, case_in, actors_b):
    national.get("/")  # the session's once-a-minute touch, out of the way
    counts = []
    for batch in (1, 6):
        for _ in range(batch):
            case_in(CaseState.APPROVED_BY_PROVINCE, actors=actors_b)
        with CaptureQueriesContext(connection) as captured:
            assert national.get(reverse("committees:national_queue")).status_code == 200
        counts.append([q["sql"][:150] for q in captured.captured_queries])
    assert len(counts[0]) == len(counts[1]), "\n".join(["--1--", *counts[0], "--6--", *counts[1]])


def test_only_national_roles_see_the_queue(client, users):
    for who, status in [
        ("secretary_a", 403),
        ("expert_a", 403),
        ("auditor", 200),
        ("registry", 403),
    ]:
        client.force_login(users[who])
        assert client.get(reverse("committees:national_queue")).status_code == status, who
