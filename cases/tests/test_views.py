"""The expert's pages: for each page and action, the response, the database after it, the event."""

import datetime
import re
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.middleware import SESSION_STARTED_KEY
from cases.demo import DEMO_PDF, prepare
from cases.models import (
    Case,
    CaseEvent,
    CaseState,
    DocumentStatus,
    Evidence,
    Household,
    IdentityDocument,
    Inquiry,
    Person,
)
from cases.tests import factories
from revocation.persian import digits_to_persian, jalali

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def html(response):
    return response.content.decode()


@pytest.fixture
def expert(client, actors_a):
    client.force_login(actors_a.expert)
    return client


def today_jalali():
    return jalali(timezone.localdate())


# --------------------------------------------------------------------------------------------------
# Sign-in, session, caching


def test_a_wrong_password_gets_a_persian_message(client, users):
    page = client.post(reverse("login"), {"username": "expert_a", "password": "wrong"}, follow=True)
    assert "نام کاربری یا گذرواژه نادرست است." in html(page)


def test_signing_in_leads_to_the_work_queue(client, users):
    page = client.post(
        reverse("login"), {"username": "expert_a", "password": "test-pass-1405"}, follow=True
    )
    assert page.redirect_chain[-1][0] == "/"
    assert "کارتابل" in html(page)


def test_a_session_ends_twelve_hours_after_sign_in_however_active(expert, case_in):
    assert expert.get("/").status_code == 200
    session = expert.session
    session[SESSION_STARTED_KEY] = time.time() - 12 * 60 * 60 - 1
    session.save()
    page = expert.get("/")
    assert page.status_code == 302
    assert page["Location"].startswith(reverse("login"))
    assert expert.get("/").status_code == 302  # signed out for good


def test_sessions_end_after_thirty_idle_minutes(settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


def test_pages_with_case_data_are_never_stored(expert, case_in):
    case = case_in(CaseState.RECEIVED)
    for url in ["/", reverse("cases:list"), reverse("cases:detail", args=[case.number])]:
        cache_control = expert.get(url)["Cache-Control"]
        assert "no-store" in cache_control and "private" in cache_control


def test_the_password_change_page_is_persian(expert):
    page = expert.get(reverse("password_change"))
    assert page.status_code == 200
    assert "تغییر گذرواژه" in html(page)


# --------------------------------------------------------------------------------------------------
# Work queue


def test_the_work_queue_shows_what_waits_for_this_user(client, case_in, actors_a, actors_b):
    received = case_in(CaseState.RECEIVED)
    ready = case_in(CaseState.READY_FOR_PROVINCE)
    case_in(CaseState.RECEIVED, actors=actors_b)

    client.force_login(actors_a.expert)
    page = html(client.get("/"))
    assert received.number in page and ready.number not in page
    assert 'data-queue-state="received"' in page
    assert "شروع بررسی کارشناسی" in page
    assert "۰ روز" in page  # age
    due = timezone.localdate(received.opened_at) + datetime.timedelta(days=30)
    assert jalali(due) in page

    client.force_login(actors_a.secretary)
    page = html(client.get("/"))
    assert ready.number in page and received.number not in page
    assert "تصویب در کارگروه استان" in page


def test_the_queue_flags_overdue_inquiries(client, case_in, actors_a):
    case = case_in(CaseState.AWAITING_INQUIRIES)
    overdue = timezone.localdate() - datetime.timedelta(days=2)
    Inquiry.objects.filter(case=case).update(due_on=overdue)
    client.force_login(actors_a.expert)
    queue = client.get("/")
    assert 'data-queue-state="awaiting_inquiries"' in html(queue)
    assert "پاسخ استعلام اداره اطلاعات و انتظامی هر دو ثبت شده باشد." in html(queue)
    (item,) = queue.context["groups"][0][2]
    assert (item.case, item.due_on, item.overdue) == (case, overdue, True)
    assert "(گذشته)" in html(queue)
    page = html(client.get(reverse("cases:detail", args=[case.number])))
    assert page.count("گذشته از مهلت") == 2


# --------------------------------------------------------------------------------------------------
# Case list and search


def test_the_list_shows_only_the_users_province(expert, case_in, actors_b):
    own = case_in(CaseState.RECEIVED)
    other = case_in(CaseState.RECEIVED, actors=actors_b)
    page = html(expert.get(reverse("cases:list")))
    assert own.number in page and other.number not in page


def search(client, **data):
    return client.post(reverse("cases:list"), data)


@pytest.mark.parametrize(
    "typed",
    ["علي كريمي نژاد", "علی کریمی نژاد", "علی کریمینژاد", "کریمی‌نژاد", "كريمي"],
)
def test_the_search_box_finds_a_name_however_it_was_typed(expert, case_in, typed):
    people = factories.household_with_members(1)
    Person.objects.filter(pk=people[0].pk).update(first_name="علی", last_name="کریمی‌نژاد")
    people[0].refresh_from_db()
    people[0].save()  # recompute the search key
    target = case_in(CaseState.RECEIVED, subjects=people)
    noise = case_in(CaseState.RECEIVED)
    page = html(search(expert, q=typed))
    assert target.number in page
    assert noise.number not in page


def test_the_search_box_finds_document_household_and_case_numbers_in_any_digits(expert, case_in):
    case = case_in(CaseState.RECEIVED)
    noise = case_in(CaseState.RECEIVED)
    person = case.subjects.first().person
    document = person.documents.get()
    for typed in [
        digits_to_persian(document.number),
        document.number,
        digits_to_persian(person.household.number),
        digits_to_persian(case.number),
    ]:
        page = html(search(expert, q=typed))
        assert case.number in page, typed
        assert noise.number not in page, typed


def test_identity_numbers_are_searched_by_post_only(expert, case_in):
    case = case_in(CaseState.RECEIVED)
    number = case.subjects.first().person.documents.get().number
    # The form posts: nothing of what was typed goes into a URL.
    form = re.search(
        r'<form method="(\w+)"[^>]*id="search-form"', html(expert.get(reverse("cases:list")))
    )
    assert form.group(1) == "post"
    page = html(expert.get(reverse("cases:list"), {"q": number}))
    assert "پرونده" in page  # a GET with a query string is ignored, not searched


def test_filters_by_state_and_solar_hijri_dates(expert, case_in):
    received = case_in(CaseState.RECEIVED)
    reviewing = case_in(CaseState.EXPERT_REVIEW)
    page = html(search(expert, state="expert_review"))
    assert reviewing.number in page and received.number not in page
    page = html(search(expert, opened_from=today_jalali(), opened_to=today_jalali()))
    assert reviewing.number in page and received.number in page
    tomorrow = jalali(timezone.localdate() + datetime.timedelta(days=1))
    page = html(search(expert, opened_from=tomorrow))
    assert reviewing.number not in page and "یافت نشد" in page


def test_an_impossible_date_in_a_filter_gets_a_persian_message(expert, case_in):
    page = search(expert, opened_from="1404/12/30")
    assert page.status_code == 400
    assert "در تقویم خورشیدی وجود ندارد" in html(page)


def test_the_list_is_paginated(expert, case_in):
    for _ in range(27):
        case_in(CaseState.RECEIVED)
    first = html(expert.get(reverse("cases:list")))
    assert "صفحه ۱ از ۲" in first
    second = html(search(expert, page=2))
    assert "صفحه ۲ از ۲" in second
    assert len(re.findall(r'href="/cases/23-', second)) == 2


# --------------------------------------------------------------------------------------------------
# Intake


def test_intake_finds_the_household_by_a_document_number_in_persian_digits(expert, case_in):
    people = factories.household_with_members(2)
    number = digits_to_persian(people[1].documents.get().number)
    page = expert.post(reverse("cases:intake"), {"step": "find", "number": number})
    assert page.status_code == 200
    assert page.context["household"] == people[0].household
    assert people[0].full_name in html(page) and people[1].full_name in html(page)


def test_intake_says_so_when_nothing_is_found(expert):
    page = expert.post(reverse("cases:intake"), {"step": "find", "number": "۹۹۹۹۹"})
    assert "ثبت نشده است" in html(page)


def find(client, household):
    """The find step of intake, by the household number, as the expert does it."""
    page = client.post(reverse("cases:intake"), {"step": "find", "number": household.number})
    assert page.context["household"] == household


def test_intake_opens_a_case_and_suspends_the_documents(expert, actors_a):
    head, child = factories.household_with_members(2)
    find(expert, head.household)
    response = expert.post(
        reverse("cases:intake"),
        {
            "step": "open",
            "household": head.household_id,
            "source_type": "agency_report",
            "source_reference": "۱۲۳/ا",
            "source_date": "۱۴۰۵/۰۹/۰۱",
            "summary": "گزارش انتظامی",
            "subjects": [head.pk, child.pk],
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", args=[case.number])
    assert case.source_date == datetime.date(2026, 11, 22)
    assert case.opened_by == actors_a.expert
    assert set(case.subjects.values_list("person", flat=True)) == {head.pk, child.pk}
    assert set(IdentityDocument.objects.values_list("status", flat=True)) == {
        DocumentStatus.SUSPENDED
    }
    assert case.events.get().action == "case_open"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("source_date", "1405/07/31", "وجود ندارد"),
        ("source_date", "۱۴۱۰/۰۱/۰۱", "آینده"),
        ("source_date", "", "تاریخ را وارد کنید"),
        ("subjects", [], "دست‌کم یک شخص"),
        ("source_type", "bogus", "معتبر"),
    ],
)
def test_intake_rejects_bad_input_with_a_persian_message_and_saves_nothing(
    expert, field, value, message
):
    (head,) = factories.household_with_members(1)
    find(expert, head.household)
    data = {
        "step": "open",
        "household": head.household_id,
        "source_type": "agency_report",
        "source_reference": "123",
        "source_date": "1405/09/01",
        "subjects": [head.pk],
        field: value,
    }
    page = expert.post(reverse("cases:intake"), data)
    assert page.status_code == 400
    assert message in html(page)
    assert not Case.objects.exists()
    assert head.documents.get().status == DocumentStatus.VALID


def test_only_an_expert_registers_cases(client, users):
    client.force_login(users["secretary_a"])
    assert client.get(reverse("cases:intake")).status_code == 403
    assert client.get(reverse("cases:household_new")).status_code == 403


HOUSEHOLD = {
    "household_number": "۸۸۰۰۱",
    "first_name": "رحیم",
    "last_name": "احمدزی",
    "father_name": "کریم",
    "nationality": "AF",
    "sex": "male",
    "birth_date": "۱۳۶۵/۰۲/۱۰",
    "document_type": "",
    "document_number": "۴۴۵۵۶۶۷۷",
    "document_series": "",
    "issued_on": "1403/01/15",
    "expires_on": "1406/01/15",
}


def amayesh_pk():
    from cases.models import DocumentType

    return DocumentType.objects.get(code="amayesh").pk


def test_a_new_household_is_registered_with_its_head(expert):
    response = expert.post(
        reverse("cases:household_new"), {**HOUSEHOLD, "document_type": amayesh_pk()}
    )
    household = Household.objects.get(number="88001")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('cases:intake')}?household={household.pk}"
    assert household.head.full_name == "رحیم احمدزی"
    assert household.head.birth_date == datetime.date(1986, 4, 30)
    assert household.head.documents.get().number == "44556677"

    member = expert.post(
        reverse("cases:household_member_new", args=[household.pk]),
        {
            **HOUSEHOLD,
            "first_name": "سکینه",
            "sex": "female",
            "relation_to_head": "spouse",
            "document_type": amayesh_pk(),
            "document_number": "44556678",
        },
    )
    assert member.status_code == 302
    assert household.members.count() == 2


def test_a_document_number_already_registered_is_refused_and_nothing_is_half_saved(expert):
    factories.IdentityDocumentFactory(number="44556677")
    page = expert.post(reverse("cases:household_new"), {**HOUSEHOLD, "document_type": amayesh_pk()})
    assert page.status_code == 400
    assert "پیش‌تر ثبت شده است" in html(page)
    assert not Household.objects.filter(number="88001").exists()
    assert not Person.objects.filter(last_name="احمدزی").exists()


# --------------------------------------------------------------------------------------------------
# The case file and its steps


def test_the_case_file_shows_the_case(expert, case_in):
    case = case_in(CaseState.AWAITING_INQUIRIES)
    page = html(expert.get(reverse("cases:detail", args=[case.number])))
    assert f'<bdi dir="ltr" class="case-number">{digits_to_persian(case.number)}</bdi>' in page
    assert "در انتظار پاسخ استعلام‌ها" in page
    assert 'class="ok"' in page  # the checklist, ticked
    for subject in case.subjects.all():
        assert subject.person.full_name in page
        assert digits_to_persian(subject.person.documents.get().number) in page
    assert "ثبت ارسال استعلام‌ها" in page  # the timeline
    assert "اداره اطلاعات" in page and "انتظامی" in page


def test_a_step_asks_for_confirmation_on_get_and_acts_on_post(expert, case_in, actors_a):
    case = case_in(CaseState.RECEIVED)
    url = reverse("cases:action", args=[case.number, "start_review"])
    confirm = expert.get(url)
    assert confirm.status_code == 200
    assert "«دریافت‌شده» به «در بررسی کارشناس»" in html(confirm)
    case.refresh_from_db()
    assert case.state == CaseState.RECEIVED  # a GET changes nothing

    done = expert.post(url)
    assert done.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.EXPERT_REVIEW
    event = case.events.order_by("pk").last()
    assert (event.action, event.actor) == ("start_review", actors_a.expert)


def test_a_rejection_without_a_reason_is_refused_in_persian(client, case_in, actors_a):
    case = case_in(CaseState.READY_FOR_PROVINCE)
    client.force_login(actors_a.secretary)
    url = reverse("cases:action", args=[case.number, "reject_in_province"])
    page = client.post(
        url, {"resolution_number": "۱۲", "resolution_date": today_jalali(), "reason": "  "}
    )
    assert page.status_code == 400
    assert "دلیل را بنویسید." in html(page)
    case.refresh_from_db()
    assert case.state == CaseState.READY_FOR_PROVINCE
    done = client.post(
        url, {"resolution_number": "۱۲", "resolution_date": today_jalali(), "reason": "ناقص"}
    )
    assert done.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.REJECTED_BY_PROVINCE
    assert case.events.order_by("pk").last().reason == "ناقص"


def test_a_step_not_yet_possible_says_what_is_missing(expert, case_in):
    case = case_in(CaseState.EXPERT_REVIEW)
    page = expert.post(reverse("cases:action", args=[case.number, "send_inquiries"]))
    assert page.status_code == 400
    assert "نامه استعلام به اداره اطلاعات و به انتظامی" in html(page)
    case.refresh_from_db()
    assert case.state == CaseState.EXPERT_REVIEW


def test_a_step_of_another_role_is_forbidden(expert, case_in):
    case = case_in(CaseState.READY_FOR_PROVINCE)
    url = reverse("cases:action", args=[case.number, "approve_in_province"])
    assert expert.get(url).status_code == 403
    assert (
        expert.post(url, {"resolution_number": "1", "resolution_date": today_jalali()}).status_code
        == 403
    )
    assert (
        expert.get(reverse("cases:action", args=[case.number, "no_such_step"])).status_code == 404
    )
    case.refresh_from_db()
    assert case.state == CaseState.READY_FOR_PROVINCE


def test_the_expert_sends_and_records_both_inquiries(expert, case_in):
    case = case_in(CaseState.EXPERT_REVIEW)
    for agency in ["intelligence", "police"]:
        sent = expert.post(
            reverse("cases:inquiry_send", args=[case.number, agency]),
            {"letter_number": "۱۲/ص", "sent_on": today_jalali(), "due_on": "1405/10/15"},
        )
        assert sent.status_code == 302
    assert case.inquiries.get(agency="police").due_on == datetime.date(2027, 1, 5)
    assert (
        expert.post(reverse("cases:action", args=[case.number, "send_inquiries"])).status_code
        == 302
    )
    reply = expert.post(
        reverse("cases:inquiry_reply", args=[case.number, "police"]),
        {
            "replied_on": today_jalali(),
            "outcome": "record_found",
            "reply_document": SimpleUploadedFile("reply.png", PNG),
        },
    )
    assert reply.status_code == 302
    police = case.inquiries.get(agency="police")
    assert police.outcome == "record_found" and police.reply_document
    download = expert.get(reverse("cases:inquiry_reply_download", args=[case.number, "police"]))
    assert download["Content-Type"] == "image/png"
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content) == PNG
    actions = list(case.events.values_list("action", flat=True))
    assert actions.count("inquiry_record_sent") == 2 and "inquiry_record_reply" in actions


def test_an_inquiry_due_before_it_was_sent_is_refused(expert, case_in):
    case = case_in(CaseState.EXPERT_REVIEW)
    page = expert.post(
        reverse("cases:inquiry_send", args=[case.number, "police"]),
        {"letter_number": "1", "sent_on": "1405/09/01", "due_on": "1405/08/01"},
    )
    assert page.status_code == 400
    assert "مهلت پاسخ نمی‌تواند پیش از تاریخ ارسال باشد." in html(page)
    assert not case.inquiries.exists()


def test_decisions_and_a_new_head_are_recorded_from_the_case_file(expert, case_in, actors_a):
    case = case_in(CaseState.AWAITING_INQUIRIES)
    head, child = [s.person for s in case.subjects.order_by("person__pk")]
    expert.post(
        reverse("cases:subject_decision", args=[case.number, head.pk]), {"decision": "cancel"}
    )
    expert.post(
        reverse("cases:subject_decision", args=[case.number, child.pk]), {"decision": "keep"}
    )
    expert.post(
        reverse("cases:household_head", args=[case.number, head.household_id]),
        {"new_head": child.pk},
    )
    assert dict(case.subjects.values_list("person", "decision")) == {
        head.pk: "cancel",
        child.pk: "keep",
    }
    head.household.refresh_from_db()
    assert head.household.head == child
    assert case.events.filter(action="subject_decide").count() == 2


# --------------------------------------------------------------------------------------------------
# Uploads


def upload(client, case, name, content, evidence_type="agency_report"):
    return client.post(
        reverse("cases:evidence_upload", args=[case.number]),
        {"evidence_type": evidence_type, "file": SimpleUploadedFile(name, content)},
    )


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("scan.pdf", DEMO_PDF, "application/pdf"),
        ("scan.png", PNG, "image/png"),
        ("x.jpg", JPEG, "image/jpeg"),
    ],
)
def test_an_upload_is_stored_privately_with_its_checksum(
    expert, case_in, settings, name, content, content_type
):
    import hashlib

    case = case_in(CaseState.RECEIVED)
    response = upload(expert, case, name, content)
    assert response.status_code == 302
    item = case.evidence.latest("pk")
    assert item.content_type == content_type
    assert item.sha256 == hashlib.sha256(content).hexdigest()
    assert item.size == len(content)
    assert name not in item.file.name  # a generated name
    assert str(settings.PRIVATE_MEDIA_ROOT) in item.file.path
    assert (
        case.events.filter(action="evidence_add").count() == len(case.missing_evidence_types()) + 3
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("letter.pdf", b"<html>not a pdf</html>", "محتوای این فایل PDF، JPEG یا PNG نیست"),
        ("run.exe", b"MZ\x90\x00", "محتوای این فایل PDF، JPEG یا PNG نیست"),
        ("empty.pdf", b"", "فایل خالی است."),
    ],
)
def test_a_file_that_is_not_a_pdf_or_an_image_is_refused(expert, case_in, name, content, message):
    case = case_in(CaseState.RECEIVED)
    before = Evidence.objects.count()
    page = upload(expert, case, name, content)
    assert page.status_code == 400
    assert message in html(page)
    assert Evidence.objects.count() == before


def test_a_file_over_the_limit_is_refused(expert, case_in, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    case = case_in(CaseState.RECEIVED)
    page = upload(expert, case, "big.pdf", DEMO_PDF + b"0" * 2048)
    assert page.status_code == 400
    assert "اندازه فایل بیش از حد مجاز" in html(page)


def test_evidence_is_downloaded_as_an_attachment_never_sniffed(expert, case_in):
    case = case_in(CaseState.RECEIVED)
    item = case.evidence.first()
    response = expert.get(reverse("cases:evidence_download", args=[case.number, item.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == item.file.open("rb").read()


def test_evidence_is_never_under_a_public_url(settings):
    assert settings.STORAGES["default"]["OPTIONS"]["base_url"] is None
    assert not str(settings.PRIVATE_MEDIA_ROOT).startswith(str(settings.STATIC_ROOT))


# --------------------------------------------------------------------------------------------------
# Province isolation: every URL of a Tehran case is a 404 for an Isfahan expert


def case_urls(case):
    evidence = case.evidence.first()
    person = case.subjects.first().person
    return [
        ("get", reverse("cases:detail", args=[case.number])),
        ("get", reverse("cases:action", args=[case.number, "start_review"])),
        ("post", reverse("cases:action", args=[case.number, "start_review"])),
        ("post", reverse("cases:action", args=[case.number, "withdraw"])),
        ("post", reverse("cases:evidence_upload", args=[case.number])),
        ("get", reverse("cases:evidence_download", args=[case.number, evidence.pk])),
        ("get", reverse("cases:inquiry_send", args=[case.number, "police"])),
        ("post", reverse("cases:inquiry_send", args=[case.number, "police"])),
        ("get", reverse("cases:inquiry_reply", args=[case.number, "police"])),
        ("post", reverse("cases:inquiry_reply", args=[case.number, "police"])),
        ("get", reverse("cases:inquiry_reply_download", args=[case.number, "police"])),
        ("post", reverse("cases:subject_decision", args=[case.number, person.pk])),
        ("post", reverse("cases:household_head", args=[case.number, person.household_id])),
    ]


@pytest.mark.parametrize("username", ["expert_b", "secretary_b", "supervisor_b", "enforcement_b"])
def test_another_provinces_users_get_404_on_every_url_of_a_case(client, case_in, users, username):
    case = case_in(CaseState.RECEIVED)
    client.force_login(users[username])
    for method, url in case_urls(case):
        response = getattr(client, method)(url, {"evidence_type": "other", "decision": "keep"})
        assert response.status_code == 404, (method, url)
    case.refresh_from_db()
    assert case.state == CaseState.RECEIVED
    assert list(case.events.values_list("action", flat=True)).count("case_open") == 1
    assert case.events.count() == CaseEvent.objects.filter(case=case).count()


def test_a_visitor_is_sent_to_sign_in_from_every_url(client, case_in):
    case = case_in(CaseState.RECEIVED)
    for method, url in case_urls(case):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login"))


def test_the_own_province_reads_every_page_of_its_case(client, case_in, actors_a, users):
    case = case_in(CaseState.AWAITING_INQUIRIES)
    prepare(case, "submit_to_province", actors_a)
    Inquiry.objects.filter(case=case, agency="police").update(reply_document="inquiries/x")
    for username in [
        "expert_a",
        "secretary_a",
        "supervisor_a",
        "enforcement_a",
        "auditor",
        "national",
    ]:
        client.force_login(users[username])
        assert client.get(reverse("cases:detail", args=[case.number])).status_code == 200, username
        evidence = case.evidence.first()
        download = client.get(reverse("cases:evidence_download", args=[case.number, evidence.pk]))
        assert download.status_code == 200, username


# --------------------------------------------------------------------------------------------------
# No page answers 500, whatever arrives


GARBAGE = [
    {},
    {"evidence_type": "x" * 500, "decision": "drop table", "new_head": "abc"},
    {"letter_number": "", "sent_on": "۱۴۰۵/۱۳/۴۰", "due_on": "yesterday", "replied_on": "٠"},
    {"resolution_number": "1", "resolution_date": "0000/00/00", "reason": "\x00"},
    {"source_type": "judicial_ruling", "source_date": "99999/1/1", "subjects": ["abc", "-1"]},
    {"offence_type": "999999", "najva_registration_number": "x", "border_point": "abc"},
]


def test_no_page_answers_500_to_bad_input(client, case_in, users):
    case = case_in(CaseState.AWAITING_INQUIRIES)
    client.raise_request_exception = False
    urls = [url for _, url in case_urls(case)] + [
        reverse("cases:list"),
        reverse("cases:intake") + "?household=abc",
        reverse("cases:intake") + "?household=999999",
        reverse("cases:household_new"),
        reverse("cases:action", args=[case.number, "cancel_card"]),
        reverse("cases:action", args=[case.number, "record_expulsion"]),
        reverse("cases:evidence_download", args=[case.number, 999999]),
        reverse("cases:inquiry_send", args=[case.number, "nobody"]),
        "/cases/no-such-case/",
        reverse("cases:list") + "?page=abc",
    ]
    for username in ["expert_a", "secretary_a", "national", "expert_b"]:
        client.force_login(users[username])
        for url in urls:
            for data in GARBAGE:
                for method in ("get", "post"):
                    status = getattr(client, method)(url, data).status_code
                    assert status < 500, (username, method, url, data, status)
    case.refresh_from_db()
    assert case.state == CaseState.AWAITING_INQUIRIES


def test_a_missing_stored_file_is_a_404_not_a_500(expert, case_in):
    case = case_in(CaseState.RECEIVED)
    item = case.evidence.first()
    item.file.storage.delete(item.file.name)
    expert.raise_request_exception = False
    response = expert.get(reverse("cases:evidence_download", args=[case.number, item.pk]))
    assert response.status_code == 404


def test_every_step_has_a_form_and_a_service():
    import inspect

    from cases import services, views
    from cases.selectors import case_transitions

    assert set(views.ACTION_FORMS) == {t.name for t in case_transitions()}
    for name, form_class in views.ACTION_FORMS.items():
        service = getattr(services, f"case_{name}")
        parameters = set(inspect.signature(service).parameters) - {"case", "by"}
        assert set(form_class.base_fields) == parameters, name


# --------------------------------------------------------------------------------------------------
# What a first walk through found


def test_inquiries_are_sent_once_review_started_and_a_second_recording_is_a_correction(
    expert, case_in
):
    received = case_in(CaseState.RECEIVED)
    refused = expert.post(
        reverse("cases:inquiry_send", args=[received.number, "police"]),
        {"letter_number": "1", "sent_on": today_jalali(), "due_on": today_jalali()},
    )
    assert refused.status_code == 400
    assert not received.inquiries.exists()

    case = case_in(CaseState.EXPERT_REVIEW)
    url = reverse("cases:inquiry_send", args=[case.number, "police"])
    for letter in ["۴۵۶۷/الف", "۴۵۶۸/الف"]:
        expert.post(
            url, {"letter_number": letter, "sent_on": today_jalali(), "due_on": today_jalali()}
        )
    assert case.inquiries.get().letter_number == "۴۵۶۸/الف"
    correction = case.events.get(action="inquiry_correct_sent")
    assert correction.changes["inquiry:police:letter_number"] == ["۴۵۶۷/الف", "۴۵۶۸/الف"]
    assert correction.label == "اصلاح نامه استعلام — انتظامی"


def test_a_wrong_filter_shows_its_message_and_no_cases(expert, case_in):
    case = case_in(CaseState.RECEIVED)
    page = search(expert, opened_from="1405/09/10", opened_to="1405/09/01")
    assert page.status_code == 400
    assert "تاریخ شروع بازه نمی‌تواند پس از تاریخ پایان باشد." in html(page)
    assert case.number not in html(page)


def test_reloading_a_form_target_goes_back_to_the_case(expert, case_in):
    case = case_in(CaseState.RECEIVED)
    person = case.subjects.first().person
    for url, anchor in [
        (reverse("cases:evidence_upload", args=[case.number]), "#evidence"),
        (reverse("cases:subject_decision", args=[case.number, person.pk]), "#subjects"),
        (reverse("cases:household_head", args=[case.number, person.household_id]), "#subjects"),
    ]:
        response = expert.get(url)
        assert response.status_code == 302
        assert response["Location"] == reverse("cases:detail", args=[case.number]) + anchor


def test_a_card_issued_in_the_future_and_a_missing_sex_are_refused(expert):
    data = {**HOUSEHOLD, "document_type": amayesh_pk(), "issued_on": "۱۴۱۰/۰۱/۰۱", "sex": ""}
    page = expert.post(reverse("cases:household_new"), data)
    assert page.status_code == 400
    assert "تاریخ نمی‌تواند در آینده باشد." in html(page)
    assert "جنسیت را انتخاب کنید." in html(page)
    assert not Household.objects.exists()


def test_a_new_head_is_asked_for_only_when_the_head_loses_the_card(expert, case_in, actors_a):
    from cases import services

    case = case_in(CaseState.AWAITING_INQUIRIES)
    head, child = [s.person for s in case.subjects.order_by("person__pk")]
    url = reverse("cases:detail", args=[case.number])
    assert "سرپرست جدید را ثبت کنید" not in html(expert.get(url))
    services.subject_decide(case=case, by=actors_a.expert, person=head, decision="cancel")
    services.subject_decide(case=case, by=actors_a.expert, person=child, decision="keep")
    page = html(expert.get(url))
    assert "سرپرست جدید را ثبت کنید" in page
    assert f"ثبت تصمیم درباره شخص — {head.full_name}: ابطال مدارک" in page


# --------------------------------------------------------------------------------------------------
# What a second review found


def test_the_national_register_is_not_browsed_by_household_id(client, case_in, actors_b):
    case = case_in(CaseState.RECEIVED)  # Tehran
    household = case.subjects.first().person.household
    client.force_login(actors_b.expert)  # Isfahan
    for suffix in [f"?household={household.pk}", "?household=²", "?household=abc"]:
        assert client.get(reverse("cases:intake") + suffix).status_code == 404, suffix
    assert client.get(reverse("cases:household_member_new", args=[household.pk])).status_code == 404
    # Found by its number, it shows its people and numbers, but not that a case holds them.
    page = client.post(
        reverse("cases:intake"), {"step": "find", "number": household.number}
    ).content.decode()
    assert case.subjects.first().person.full_name in page
    assert "معلق" not in page and "پرونده باز" not in page


def test_recording_a_reply_again_without_a_new_scan_keeps_the_old_one(expert, case_in):
    case = case_in(CaseState.AWAITING_INQUIRIES)
    url = reverse("cases:inquiry_reply", args=[case.number, "police"])
    expert.post(
        url,
        {
            "replied_on": today_jalali(),
            "outcome": "no_record",
            "reply_document": SimpleUploadedFile("r.png", PNG),
        },
    )
    kept = case.inquiries.get(agency="police").reply_document.name
    again = expert.post(
        url,
        {"replied_on": today_jalali(), "outcome": "objection", "reply_document-clear": "on"},
    )
    assert again.status_code == 302
    police = case.inquiries.get(agency="police")
    assert (police.outcome, police.reply_document.name) == ("objection", kept)


@pytest.mark.parametrize("username", ["secretary_a", "supervisor_a", "auditor"])
def test_only_the_expert_posts_evidence_and_inquiries(client, case_in, users, username):
    case = case_in(CaseState.EXPERT_REVIEW)
    client.force_login(users[username])
    for url in [
        reverse("cases:evidence_upload", args=[case.number]),
        reverse("cases:inquiry_send", args=[case.number, "police"]),
        reverse("cases:inquiry_reply", args=[case.number, "police"]),
    ]:
        assert client.post(url, {}).status_code == 403, url


def test_a_household_number_does_not_match_inside_a_case_number(expert, case_in):
    case = case_in(CaseState.RECEIVED)
    other = case_in(CaseState.RECEIVED)
    household = case.subjects.first().person.household
    household.number = "500002"
    household.save()
    page = html(search(expert, q="500002"))
    assert case.number in page and other.number not in page  # not 23-1405-00002
    year_and_sequence = other.number.split("-", 1)[1]
    assert other.number in html(search(expert, q=year_and_sequence))


def test_the_search_box_shows_its_own_errors(expert):
    page = search(expert, q="۱" * 101)
    assert page.status_code == 400
    assert "invalid-feedback" in html(page)


def test_pages_have_clean_titles_and_offer_only_possible_work(expert, case_in):
    title = re.search(
        r"<title>\s*(.*?)\s*</title>", html(expert.get(reverse("cases:intake"))), re.S
    )
    assert title.group(1) == "ثبت پرونده"
    received = case_in(CaseState.RECEIVED)
    page = html(expert.get(reverse("cases:detail", args=[received.number])))
    assert reverse("cases:inquiry_send", args=[received.number, "police"]) not in page
