"""From national confirmation to «کارت باطل» in Chromium, in Persian, with the stub Najva down
and then up: the registry operator cancels, the registrations wait in the outbox, Najva comes
back and the sweep delivers them; the supervisor prints the form and records it signed.
Screenshots go to test-artifacts/."""

import pytest
from playwright.sync_api import expect

from cases.choices import CaseState
from najva import tasks
from najva.models import CancellationForm, Registration
from revocation.demo.walk import DEMO_PDF
from shared.persian import digits_to_persian
from tests.test_browser import ARTIFACTS, Journey
from tests.tools import poppler, read_qr_codes

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("private_storage"),
]


def test_a_card_is_cancelled_through_an_outage_and_its_form_printed_and_signed(
    page, live_server, case_in, users, http_najva, settings, tmp_path
):
    settings.SITE_URL = live_server.url
    stub = http_najva
    case = case_in(CaseState.CONFIRMED_NATIONALLY)
    people = [s.person for s in case.subjects.order_by("pk")]
    stub.stop()  # Najva is down when the operator cancels

    journey = Journey(page, live_server.url)
    journey.sign_in("registry")
    journey.goto(case.get_absolute_url())
    journey.follow(page.get_by_role("link", name="ابطال کارت و ارسال به نجوا").first)
    preview = page.locator("#cancellation-preview")
    for person in people:
        expect(preview).to_contain_text(person.full_name)
    expect(preview.get_by_text("باطل (قطعی)")).to_have_count(2)
    journey.check_and_shoot("najva-cancel-confirm")
    journey.submit("ثبت نهایی: ابطال کارت و ارسال به نجوا")

    # The cancellation is recorded; Najva was unreachable: both wait in the outbox.
    expect(page.locator("body")).to_contain_text(CaseState.AWAITING_NAJVA.label)
    rows = page.locator("#najva .najva-row")
    expect(rows).to_have_count(2)
    expect(page.locator('#najva [data-status="pending"]')).to_have_count(2)
    expect(page.locator("#najva")).to_contain_text("اتصال به نجوا برقرار نشد")
    page.locator("#najva").scroll_into_view_if_needed()
    journey.check_and_shoot("najva-waiting-outage")
    journey.follow(page.get_by_role("link", name="صف نجوا"))
    expect(page.locator("#pending")).to_contain_text(digits_to_persian(case.number))
    journey.check_and_shoot("najva-queue-outage")

    # Najva is back; the beat's sweep delivers both, once each.
    stub.start()
    assert tasks.sweep() == 2
    assert stub.total_registrations() == 2 and stub.duplicates() == 0
    journey.goto(case.get_absolute_url())
    expect(page.locator("body")).to_contain_text(CaseState.CARD_CANCELLED.label)
    expect(page.locator('#najva [data-status="delivered"]')).to_have_count(2)
    for number in stub.registered.values():
        expect(page.locator("#najva")).to_contain_text(digits_to_persian(number))
    journey.check_and_shoot("najva-delivered")

    # The supervisor prints the first person's form and records it signed.
    page.context.clear_cookies()
    journey.sign_in("supervisor_a")
    journey.goto(case.get_absolute_url() + "#najva")
    journey.follow(page.get_by_role("link", name="چاپ فرم ابطال کارت").first)
    journey.check_and_shoot("najva-form-before-print")
    journey.submit("ساخت فرم برای چاپ")
    expect(page.locator("#form-pdf")).to_be_visible()
    journey.check_and_shoot("najva-form-ready")
    pdf = page.request.get(live_server.url + page.locator("#form-pdf").get_attribute("href"))
    assert pdf.headers["content-type"] == "application/pdf"
    path = ARTIFACTS / "najva-cancellation-form.pdf"
    path.write_bytes(pdf.body())
    text = poppler("pdftotext", "-layout", str(path), "-")
    assert people[0].full_name in text and digits_to_persian(case.number) in text
    poppler(
        "pdftoppm", "-png", "-r", "110", "-singlefile", str(path), str(ARTIFACTS / "najva-form")
    )
    (url,) = read_qr_codes(ARTIFACTS / "najva-form.png")
    form = CancellationForm.objects.get()
    assert url.startswith(f"{live_server.url}/documents/cancellation-form/{form.serial}/verify/?h=")

    journey.follow(page.get_by_role("link", name="ثبت فرم امضاشده"))
    scan = tmp_path / "signed-form.pdf"
    scan.write_bytes(DEMO_PDF + b"signed by the supervisor")
    page.set_input_files("#id_scan", str(scan))
    journey.check_and_shoot("najva-form-signed-upload")
    journey.submit("ثبت فرم امضاشده")
    expect(page.locator("#najva")).to_contain_text("امضاشده")
    journey.check_and_shoot("najva-form-signed")

    # Whoever reads the QR code, signed in, is told the paper is genuine.
    page.goto(url)
    expect(page.locator("#verdict")).to_contain_text("این فرم اصیل است")
    journey.check_and_shoot("najva-verify")
    assert set(Registration.objects.values_list("status", flat=True)) == {"delivered"}
    form.refresh_from_db()
    assert form.signed_at is not None
