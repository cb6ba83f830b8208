"""The Najva pages as their users meet them: the cancellation's confirmation, the registrations on
the case page, the operator's queue, the retry and the manual record, and the card cancellation
form (printed once, read back with poppler, its QR read with zbar, verified, signed)."""

import hashlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.choices import CaseState
from najva import services
from najva.models import CancellationForm, Registration
from people.tests import factories
from revocation.demo.najva import OutageBackend
from revocation.demo.walk import DEMO_PDF
from shared import clock
from shared.persian import digits_to_persian, jalali
from tests.tools import poppler, read_qr_codes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_storage")]


def html(response) -> str:
    return response.content.decode()


def test_the_cancellation_page_names_each_person_and_document_and_what_stays(
    client, case_in, users, django_capture_on_commit_callbacks
):
    case = case_in(CaseState.CONFIRMED_NATIONALLY)
    client.force_login(users["registry"])
    url = reverse("cases:action", args=[case.number, "cancel_card"])
    page = html(client.get(url))
    for subject in case.subjects.select_related("person"):
        assert subject.person.full_name in page
        assert digits_to_persian(subject.person.documents.get().number) in page
    assert page.count("باطل (قطعی)") == 2
    assert "این اقدام بازگشت‌پذیر نیست" in page
    assert 'id="members-not-on-case"' not in page
    # A child registered in the household since the submission is named, and keeps her card.
    household = case.subjects.first().person.household
    child = factories.PersonFactory(household=household, relation_to_head="child")
    card = factories.IdentityDocumentFactory(person=child)
    page = html(client.get(url))
    assert 'id="members-not-on-case"' in page
    assert child.full_name in page and digits_to_persian(card.number) in page

    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url).status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.CARD_CANCELLED  # the embedded registry delivered at once
    card.refresh_from_db()
    assert card.status == "valid"


def test_a_household_member_outside_the_case_is_added_before_anything_is_decided(
    client, case_in, users
):
    case = case_in(CaseState.EXPERT_REVIEW)
    household = case.subjects.first().person.household
    newborn = factories.PersonFactory(household=household, relation_to_head="child")
    factories.IdentityDocumentFactory(person=newborn)
    client.force_login(users["expert_a"])
    page = html(client.get(case.get_absolute_url()))
    assert f"{newborn.full_name} (فرزند) در پرونده نیست" in page

    add = reverse("cases:subject_add", args=[case.number, newborn.pk])
    assert client.post(add).status_code == 302
    assert case.subjects.filter(person=newborn, decision="pending").exists()
    assert newborn.documents.get().status == "suspended"
    assert case.events.filter(action="subject_add").exists()
    assert "در پرونده نیست" not in html(client.get(case.get_absolute_url()))
    # A person of another household is not added.
    stranger = factories.household_with_members(1)[0]
    client.post(reverse("cases:subject_add", args=[case.number, stranger.pk]))
    assert not case.subjects.filter(person=stranger).exists()


def test_the_case_page_shows_each_registration_and_the_operator_retries(
    client, case_in, users, django_capture_on_commit_callbacks
):
    case = case_in(CaseState.AWAITING_NAJVA)
    services.deliver_due(backend=OutageBackend())
    client.force_login(users["registry"])
    page = html(client.get(case.get_absolute_url()))
    assert page.count('data-status="pending"') == 2
    assert "اتصال به نجوا برقرار نشد" in page
    assert "تلاش بعدی" in page

    Registration.objects.update(status=Registration.Status.FAILED)
    page = html(client.get(case.get_absolute_url()))
    assert page.count('data-status="failed"') == 2
    assert page.count("ارسال دوباره") == 2
    queue = html(client.get(reverse("najva:queue")))
    assert case.number in queue and "ناموفق و متوقف" in queue

    row = Registration.objects.filter(case=case).first()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("najva:retry", args=[row.pk]), {"next": "https://evil.example/najva/"}
        )
    assert response.status_code == 302
    assert response["Location"] == reverse("najva:queue")  # never to another site
    row.refresh_from_db()
    assert row.status == "delivered"
    # What came of it when the page answered, in Persian digits. Here the test's transaction
    # holds the delivery until the response is sent, so the page saw it still queued; served,
    # the retry commits first and the page names the tracking number.
    told = html(client.get(reverse("najva:queue")))
    number = digits_to_persian(row.document.number)
    assert f"کارت آمایش {number} دوباره در صف ارسال به نجوا است." in told
    page = html(client.get(case.get_absolute_url()))
    assert digits_to_persian(row.tracking_number) in page
    # The supervisor sees the same, without the operator's buttons.
    client.force_login(users["supervisor_a"])
    page = html(client.get(case.get_absolute_url()))
    assert reverse("najva:retry", args=[row.pk]) not in page
    assert digits_to_persian(row.tracking_number) in page


def test_the_manual_record_page_refuses_in_persian_and_records(client, case_in, users):
    case = case_in(CaseState.AWAITING_NAJVA)
    first, second = Registration.objects.filter(case=case).order_by("pk")
    client.force_login(users["registry"])
    url = reverse("najva:record", args=[first.pk])
    # What Najva says of the document now (the embedded registry: not registered there yet).
    assert "نجوا این مدرک را نمی‌شناسد" in html(client.get(url))
    response = client.post(url, {"tracking_number": "", "reason": ""})
    assert response.status_code == 400
    assert "شماره پیگیری نجوا را وارد کنید." in html(response)
    assert "دلیل ثبت به روش دیگر را بنویسید." in html(response)
    for row, number in ((first, "NJ-T-1"), (second, "NJ-T-2")):
        response = client.post(
            reverse("najva:record", args=[row.pk]),
            {"tracking_number": number, "reason": "ثبت تلفنی هنگام قطعی نجوا"},
        )
        assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.CARD_CANCELLED
    assert case.events.filter(action="najva_recorded").count() == 2


def test_the_form_is_printed_once_read_back_and_verified(
    client, case_in, users, tmp_path, settings
):
    settings.SITE_URL = "https://revocation.example.ir"
    case = case_in(CaseState.CARD_CANCELLED)
    subject = case.subjects.select_related("person__household").order_by("pk").first()
    registration = Registration.objects.get(subject=subject)
    client.force_login(users["supervisor_a"])
    page = html(client.get(case.get_absolute_url()))
    assert "چاپ فرم ابطال کارت" in page
    url = reverse("najva:form_print", args=[case.number, subject.pk])
    assert digits_to_persian(registration.tracking_number) in html(client.get(url))

    response = client.post(url)
    form = CancellationForm.objects.get(subject=subject)
    assert response["Location"] == url
    file_url = form.download_url
    assert file_url in html(client.get(url))
    served = client.get(file_url)
    assert served["Content-Type"] == "application/pdf"
    pdf = b"".join(served.streaming_content)
    assert hashlib.sha256(pdf).hexdigest() == form.sha256
    # Printing again gives the same document.
    client.post(url)
    assert CancellationForm.objects.get().sha256 == form.sha256

    path = tmp_path / "form.pdf"
    path.write_bytes(pdf)
    artifacts = Path(settings.BASE_DIR) / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    (artifacts / "cancellation-form.pdf").write_bytes(pdf)
    text = poppler("pdftotext", "-layout", str(path), "-")
    person = subject.person
    document = person.documents.get()
    for expected in [
        "فرم ابطال کارت",
        "نام پدر",
        "تابعیت",
        "شماره پیگیری نجوا",
        "مصوبه کارگروه استان",
        "تأیید کارگروه دائمی کشور",
        "نوع جرم",
        "کارشناس اتباع",
        "مدیرکل یا معاون اتباع",
        person.first_name,
        person.father_name,
        case.offence_type.title,
        digits_to_persian(case.number),
        digits_to_persian(document.number),
        digits_to_persian(registration.tracking_number),
        digits_to_persian(person.household.number),
        digits_to_persian(jalali(clock.today())),
        digits_to_persian(jalali(person.birth_date)),
        # A reference with Persian letters reads right to left (as typed); pdftotext splits its
        # letters from its numbers, which stay in order.
        digits_to_persian(case.province_resolution_number.split("/", 1)[1]),
        digits_to_persian(case.national_letter_number.split("/", 1)[1]),
        digits_to_persian(jalali(case.national_letter_date)),
    ]:
        assert expected in text, (expected, text)
    fonts = poppler("pdffonts", str(path))
    assert "Vazirmatn" in fonts
    assert all(" yes " in line for line in fonts.splitlines()[2:] if line.strip())

    poppler("pdftoppm", "-png", "-r", "150", "-singlefile", str(path), str(tmp_path / "form"))
    (code,) = read_qr_codes(tmp_path / "form.png")
    verify = reverse("documents:verify", args=["cancellation-form", form.serial])
    assert code == f"https://revocation.example.ir{verify}?h={form.content_sha256}"

    # The verification page: genuine for whoever sees the case, not with another digest, and
    # unknown to another province.
    client.force_login(users["expert_a"])
    page = client.get(f"{verify}?h={form.content_sha256}")
    assert "این فرم اصیل است" in html(page) and form.sha256 in html(page)
    assert "یکی نیست" in html(client.get(f"{verify}?h={'0' * 64}"))
    client.force_login(users["expert_b"])
    response = client.get(f"{verify}?h={form.content_sha256}")
    assert response.status_code == 404 and person.full_name not in html(response)
    assert client.get(form.download_url).status_code == 404


def test_the_supervisor_marks_the_form_signed_with_its_scan_once(client, case_in, users):
    case = case_in(CaseState.CARD_CANCELLED)
    subject = case.subjects.order_by("pk").first()
    form = services.form_print(subject=subject, by=users["supervisor_a"])
    client.force_login(users["supervisor_a"])
    url = reverse("najva:form_signed", args=[form.pk])
    assert client.post(url, {}).status_code == 400
    not_a_scan = SimpleUploadedFile("x.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    assert client.post(url, {"scan": not_a_scan}).status_code == 400
    scan = DEMO_PDF + b"signed"
    response = client.post(url, {"scan": SimpleUploadedFile("signed.pdf", scan, "application/pdf")})
    assert response.status_code == 302
    form.refresh_from_db()
    assert (form.signed_by, form.scan_sha256) == (
        users["supervisor_a"],
        hashlib.sha256(scan).hexdigest(),
    )
    assert case.events.filter(action="cancellation_form_signed").count() == 1
    again = client.post(
        url, {"scan": SimpleUploadedFile("other.pdf", DEMO_PDF + b"x", "application/pdf")}
    )
    assert again.status_code == 400
    assert "امضاشده ثبت شده است" in html(again)
    form.refresh_from_db()
    assert form.scan_sha256 == hashlib.sha256(scan).hexdigest()
    served = client.get(reverse("najva:form_scan", args=[form.pk]))
    assert b"".join(served.streaming_content) == scan
    page = html(client.get(case.get_absolute_url()))
    assert "امضاشده" in page
    # The digests in the case's history stay as they are (ASCII), to compare with sha256sum.
    assert form.sha256 in page and form.scan_sha256 in page


def test_no_form_before_the_registration(client, case_in, users):
    case = case_in(CaseState.AWAITING_NAJVA)
    subject = case.subjects.order_by("pk").first()
    client.force_login(users["supervisor_a"])
    response = client.post(reverse("najva:form_print", args=[case.number, subject.pk]))
    assert response.status_code == 302
    assert not CancellationForm.objects.exists()
    page = html(client.get(case.get_absolute_url()))
    assert "فرم پس از ثبت همه مدارک این شخص در نجوا چاپ می‌شود" in page


def test_the_queue_and_the_case_page_cost_the_same_queries_for_1_and_50_rows(
    client, case_in, users
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(url):
        # The fewer of two requests: a session is touched (written) once a minute, whatever page.
        counts = []
        for _ in range(2):
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            counts.append(len(captured))
        return min(counts)

    client.force_login(users["registry"])
    first = case_in(CaseState.AWAITING_NAJVA)
    one = queries(reverse("najva:queue")), queries(first.get_absolute_url())
    for _ in range(24):
        case_in(CaseState.AWAITING_NAJVA)
    Registration.objects.filter(pk__in=Registration.objects.all()[:25]).update(
        status=Registration.Status.FAILED
    )
    assert Registration.objects.count() == 50
    page = html(client.get(reverse("najva:queue")))
    assert page.count("ارسال دوباره") == 25
    fifty = queries(reverse("najva:queue")), queries(first.get_absolute_url())
    assert fifty == one


@pytest.mark.parametrize("target", ["home", "najva", "/a\nb", ""])
def test_the_retry_with_a_next_that_is_no_path_sends_to_the_queue_not_a_500(
    client, case_in, users, target
):
    case = case_in(CaseState.AWAITING_NAJVA)
    services.deliver_due(backend=OutageBackend())
    Registration.objects.filter(case=case).update(status=Registration.Status.FAILED)
    row = Registration.objects.filter(case=case).first()
    client.force_login(users["registry"])
    response = client.post(reverse("najva:retry", args=[row.pk]), {"next": target})
    assert response.status_code == 302
    assert response["Location"] == reverse("najva:queue")
