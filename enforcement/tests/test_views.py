"""Step 7's pages as their users meet them: the order issued from the case page, printed as a PDF
(read back with poppler, its QR read with zbar, verified), each person's hand-over and outcome,
the case page and its timeline, the work queue, and bad input answered in Persian."""

import datetime
import hashlib
import re
from pathlib import Path

import pytest
from django.urls import reverse

from cases.choices import CaseState, SourceType
from enforcement.models import ExpulsionOrder, OrderedPerson, Outcome
from shared import clock
from shared.persian import digits_to_persian, jalali
from tests.tools import poppler, read_qr_codes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_storage")]


def html(response) -> str:
    return response.content.decode()


def part(page: str) -> str:
    found = re.search(
        r'<div class="card shadow-sm mb-3" id="enforcement">(.*?)\n  </div>\n', page, re.S
    )
    assert found, "the case page has no enforcement part"
    return found.group(1)


def fa_today() -> str:
    return digits_to_persian(jalali(clock.today()))


def test_the_supervisor_issues_the_order_from_the_case_page_and_prints_it(
    client, case_in, users, tmp_path, settings
):
    settings.SITE_URL = "https://revocation.example.ir"
    case = case_in(CaseState.CARD_CANCELLED)
    people = [s.person for s in case.subjects.order_by("pk")]
    client.force_login(users["supervisor_a"])
    page = html(client.get(case.get_absolute_url()))
    new = reverse("enforcement:order_new", args=[case.number])
    assert new in part(page)
    # The step's generic form is not offered: the order is recorded on its own page.
    assert reverse("cases:action", args=[case.number, "order_expulsion"]) not in page

    form = html(client.get(new))
    for person in people:
        assert person.full_name in form
    assert 'value="۵"' in form or 'value="5"' in form  # the policy's minimum ban
    assert "حذف یا ویرایش نمی‌شود" in form  # said before the irreversible step

    # Bad input is answered in Persian, on the form, and nothing is written.
    bad = client.post(new, {"subjects": [], "issued_on": "۱۴۰۵/۱۳/۴۰", "reentry_ban_years": "x"})
    assert bad.status_code == 400
    assert "دست‌کم یک شخص را برگزینید." in html(bad)
    assert not ExpulsionOrder.objects.exists()

    today = jalali(clock.today())
    from enforcement import services

    point = services.default_border_point(case.subjects.select_related("person"))
    response = client.post(
        new,
        {
            "subjects": [s.pk for s in case.subjects.all()],
            "issued_on": today,
            "border_point": point.pk,
            "leave_by": jalali(clock.today() + datetime.timedelta(days=30)),
            "reentry_ban_years": "۵",
        },
    )
    order = ExpulsionOrder.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("enforcement:order", args=[order.pk])
    case.refresh_from_db()
    assert case.state == CaseState.EXPULSION_ORDERED
    assert order.number.startswith(f"E-{case.province.code}-")

    served = client.get(reverse("documents:download", args=["expulsion-order", order.pk]))
    assert served["Content-Type"] == "application/pdf"
    pdf = b"".join(served.streaming_content)
    assert hashlib.sha256(pdf).hexdigest() == order.sha256
    path = tmp_path / "order.pdf"
    path.write_bytes(pdf)
    artifacts = Path(settings.BASE_DIR) / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    (artifacts / "expulsion-order.pdf").write_bytes(pdf)
    text = poppler("pdftotext", "-layout", str(path), "-")
    for expected in [
        "دستور اخراج",
        "اشخاص مشمول دستور",
        "مهلت خروج از کشور",
        "ممنوعیت ورود",
        "مدیرکل یا معاون اتباع",
        point.name,
        *[p.first_name for p in people],
        *[p.father_name for p in people],
        *[digits_to_persian(p.documents.get().number) for p in people],
        digits_to_persian(order.number),
        digits_to_persian(case.number),
        fa_today(),
        digits_to_persian(jalali(order.leave_by)),
        case.offence_type.title,
    ]:
        assert expected in text, (expected, text)
    fonts = poppler("pdffonts", str(path))
    assert "Vazirmatn" in fonts
    assert all(" yes " in line for line in fonts.splitlines()[2:] if line.strip())
    poppler("pdftoppm", "-png", "-r", "150", "-singlefile", str(path), str(tmp_path / "order"))
    (code,) = read_qr_codes(tmp_path / "order.png")
    verify = reverse("documents:verify", args=["expulsion-order", order.serial])
    assert code == f"https://revocation.example.ir{verify}?h={order.content_sha256}"

    # Verified by whoever sees the case; not with another digest; unknown to another province.
    client.force_login(users["enforcement_a"])
    genuine = html(client.get(f"{verify}?h={order.content_sha256}"))
    assert "این دستور اصیل است" in genuine and order.sha256 in genuine
    assert "یکی نیست" in html(client.get(f"{verify}?h={'0' * 64}"))
    client.force_login(users["enforcement_b"])
    other = client.get(f"{verify}?h={order.content_sha256}")
    assert other.status_code == 404 and people[0].full_name not in html(other)


def test_the_liaison_records_each_person_and_the_case_page_shows_where_each_is(
    client, case_in, users
):
    case = case_in(CaseState.EXPULSION_ORDERED)
    first, second = OrderedPerson.objects.filter(order__case=case).order_by("pk")
    order = first.order
    client.force_login(users["enforcement_a"])
    page = part(html(client.get(case.get_absolute_url())))
    assert digits_to_persian(order.number) in page
    assert page.count("ثبت تحویل") == 2

    handover = reverse("enforcement:handover", args=[first.pk])
    assert client.post(handover, {"handed_over_on": "", "receiving_unit": ""}).status_code == 400
    response = client.post(
        handover, {"handed_over_on": jalali(clock.today()), "receiving_unit": "اردوگاه"}
    )
    assert response.status_code == 302
    outcome = reverse("enforcement:outcome", args=[first.pk])
    form = html(client.get(outcome))
    assert "نتیجه هر شخص یک بار ثبت می‌شود" in form
    refused = client.post(outcome, {"outcome": "expelled", "outcome_on": jalali(clock.today())})
    assert refused.status_code == 400 and "شماره برگه خروج را بنویسید." in html(refused)
    client.post(
        outcome,
        {
            "outcome": "expelled",
            "outcome_on": jalali(clock.today()),
            "exit_border_point": order.border_point_id,
            "exit_sheet_number": "۷۷۱۲",
        },
    )
    first.refresh_from_db()
    assert (first.outcome, first.exit_sheet_number) == (Outcome.EXPELLED, "۷۷۱۲")
    client.post(
        reverse("enforcement:outcome", args=[second.pk]),
        {
            "outcome": "not_found",
            "outcome_on": jalali(clock.today()),
            "note": "در نشانی نبود.",
        },
    )
    page = html(client.get(case.get_absolute_url()))
    shown = part(page)
    assert "اخراج شد" in shown and order.border_point.name in shown and "۷۷۱۲" in shown
    assert "یافت نشد" in shown and "در نشانی نبود." in shown
    assert shown.count(fa_today()) >= 3  # hand-over, expulsion, not found
    # The timeline names each record and who made it.
    assert "تحویل " + first.subject.person.full_name in page
    assert "یافت نشد: " + second.subject.person.full_name in page

    # The supervisor is shown the person not found, on the case and on the work queue.
    client.force_login(users["supervisor_a"])
    shown = part(html(client.get(case.get_absolute_url())))
    assert "صدور دوباره دستور" in shown
    queue = html(client.get("/"))
    assert 'id="enforcement-waiting"' in queue and second.subject.person.full_name in queue
    again = html(
        client.get(reverse("enforcement:order_new", args=[case.number]) + f"?replaces={order.pk}")
    )
    assert second.subject.person.full_name in again and first.subject.person.full_name not in again


def test_the_liaisons_work_queue_counts_the_persons_awaiting_an_outcome(client, case_in, users):
    case_in(CaseState.EXPULSION_ORDERED)
    client.force_login(users["enforcement_a"])
    queue = html(client.get("/"))
    assert "۲ شخص مشمول دستور اخراج در انتظار ثبت نتیجه" in queue
    client.force_login(users["enforcement_b"])
    assert 'id="enforcement-waiting"' not in html(client.get("/"))


def test_a_case_of_illegal_exit_is_closed_from_its_page(client, case_in, users):
    case = case_in(CaseState.CARD_CANCELLED, source_type=SourceType.ILLEGAL_EXIT_REPORT)
    client.force_login(users["supervisor_a"])
    shown = part(html(client.get(case.get_absolute_url())))
    url = reverse("enforcement:departed", args=[case.number])
    assert url in shown and reverse("enforcement:order_new", args=[case.number]) not in shown
    form = html(client.get(url))
    assert "برگشت‌پذیر نیست" in form
    for subject in case.subjects.select_related("person"):
        assert subject.person.full_name in form
    report = case.evidence.get(evidence_type="exit_proof")
    first, second = case.subjects.order_by("pk")
    exits = {
        f"exited_on_{first.pk}": jalali(clock.today()),
        f"exited_on_{second.pk}": "",
        "report": report.pk,
    }
    missing = client.post(url, exits)
    assert missing.status_code == 400
    assert f"تاریخ خروج {second.person.full_name} را وارد کنید." in html(missing)
    exits[f"exited_on_{second.pk}"] = jalali(case.source_date)
    late = client.post(url, exits)
    assert late.status_code == 400 and "پس از تاریخ گزارش مبادی" in html(late)
    exits[f"exited_on_{first.pk}"] = jalali(case.source_date)
    response = client.post(url, exits)
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.CLOSED_DEPARTED
    page = html(client.get(case.get_absolute_url()))
    shown = part(page)
    assert shown.count('class="prior-departure"') == 2
    assert digits_to_persian(jalali(case.source_date)) in shown and report.original_name in shown
    assert "مختومه: خروج پیشین از کشور" in page


def test_step_seven_pages_answer_a_wrong_state_or_a_wrong_order_without_a_form(
    client, case_in, users
):
    client.force_login(users["supervisor_a"])
    early = case_in(CaseState.CONFIRMED_NATIONALLY)
    for name in ("enforcement:order_new", "enforcement:departed"):
        response = client.get(reverse(name, args=[early.number]))
        assert response.status_code == 409 and "<form" not in html(response).split("<main")[-1]
    present = case_in(CaseState.CARD_CANCELLED)
    assert client.get(reverse("enforcement:departed", args=[present.number])).status_code == 403
    gone = case_in(CaseState.CARD_CANCELLED, source_type=SourceType.ILLEGAL_EXIT_REPORT)
    assert client.get(reverse("enforcement:order_new", args=[gone.number])).status_code == 403
    url = reverse("enforcement:order_new", args=[present.number])
    for bad in ("²", "abc", "-1", "99999999999999999999", "0"):
        assert client.get(url, {"replaces": bad}).status_code == 404, bad
    # An order of another case is not one this case's order may replace.
    ordered = case_in(CaseState.EXPULSION_ORDERED)
    other = ExpulsionOrder.objects.get(case=ordered)
    assert client.get(url, {"replaces": other.pk}).status_code == 404


def test_a_proof_that_is_not_a_scan_is_refused_in_persian(client, case_in, users):
    from django.core.files.uploadedfile import SimpleUploadedFile

    case = case_in(CaseState.EXPULSION_ORDERED)
    entry = OrderedPerson.objects.filter(order__case=case).first()
    client.force_login(users["enforcement_a"])
    response = client.post(
        reverse("enforcement:outcome", args=[entry.pk]),
        {
            "outcome": "left",
            "outcome_on": jalali(clock.today()),
            "proof": SimpleUploadedFile("exit.pdf", b"MZ\x90 not a scan", "application/pdf"),
        },
    )
    assert response.status_code == 400
    assert "PDF، JPEG یا PNG نیست" in html(response)
    entry.refresh_from_db()
    assert entry.outcome == ""


def test_the_work_queue_offers_each_kind_of_case_its_own_step_seven(client, case_in, users):
    gone = case_in(CaseState.CARD_CANCELLED, source_type=SourceType.ILLEGAL_EXIT_REPORT)
    present = case_in(CaseState.CARD_CANCELLED)
    client.force_login(users["supervisor_a"])
    page = html(client.get("/"))
    # Each case links to its case page's part for the step that is its own; no rule of the other
    # kind of case is shown as something missing.
    assert f'href="{gone.get_absolute_url()}#enforcement">مختومه: خروج پیشین از کشور</a>' in page
    assert f'href="{present.get_absolute_url()}#enforcement">صدور دستور اخراج</a>' in page
    assert "شخص هنوز در کشور است" not in page and "پیش‌تر از کشور خارج شده است" not in page
    assert "خروج از کشور همه اشخاصی" not in page
    # The liaison's ordered case links to the same part, for the outcome of each person.
    ordered = case_in(CaseState.EXPULSION_ORDERED)
    client.force_login(users["enforcement_a"])
    page = html(client.get("/"))
    assert f'href="{ordered.get_absolute_url()}#enforcement">ثبت اجرای اخراج</a>' in page
    assert "خروج از کشور همه اشخاصی" not in page


def test_a_recorded_person_is_not_offered_the_form_again(client, case_in, users, actors_a):
    from enforcement import services

    case = case_in(CaseState.EXPULSION_ORDERED)
    entry = OrderedPerson.objects.filter(order__case=case).first()
    services.handover_record(
        entry=entry, by=actors_a.enforcement, on=clock.today(), receiving_unit="اردوگاه"
    )
    client.force_login(users["enforcement_a"])
    again = client.get(reverse("enforcement:handover", args=[entry.pk]))
    assert again.status_code == 302
    assert again["Location"] == reverse("enforcement:order", args=[entry.order_id])
    # In custody, the outcome form no longer offers a departure on one's own.
    form = html(client.get(reverse("enforcement:outcome", args=[entry.pk])))
    assert 'value="expelled"' in form and 'value="not_found"' in form
    assert 'value="left"' not in form
    # The ban is typed in Persian digits (a text box: a number box drops them).
    new = reverse("enforcement:order_new", args=[case_in(CaseState.CARD_CANCELLED).number])
    client.force_login(users["supervisor_a"])
    assert 'name="reentry_ban_years" value="5" inputmode="numeric"' in html(client.get(new))
