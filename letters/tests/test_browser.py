"""The letters of a cancellation in Chromium, in Persian, as the expert and the supervisor take
them: the expert records the household's postal address from the case page; the supervisor finds
the letters in the print queue, prints the head of household's letter (read back with poppler,
its QR code with zbar, verified), records it signed, posts it and records its delivery; the
mother's letter comes back from the post and is posted again, then delivered; the day's dispatch
register and its PDF for the post office. Screenshots go to test-artifacts/."""

import pytest
from playwright.sync_api import expect

from letters.models import AgencyOffice, Dispatch, Letter
from letters.tests.conftest import ADDRESS, letter_to, pdf_text, said
from shared import clock
from shared.persian import digits_to_persian, jalali
from tests.test_browser import ARTIFACTS, Journey
from tests.tools import poppler, read_qr_codes

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("private_storage"),
]


def fa(value) -> str:
    return digits_to_persian(value)


class LetterJourney(Journey):
    """The project's journey (right to left, Persian, Vazirmatn checked on every page), its
    screenshots named letters-NN-…."""

    def check_and_shoot(self, name, page=None):
        super().check_and_shoot(f"letters-{name}", page)

    def letter_row(self, letter):
        return self.page.locator(f'#letters tr[data-letter="{letter.pk}"]')

    def action(self, letter, label):
        """From the case page, the supervisor's button of one letter."""
        self.goto(letter.case.get_absolute_url() + "#letters")
        self.follow(self.letter_row(letter).get_by_role("link", name=label))

    def post_letter(self, number):
        self.page.fill("#id_tracking_number", number)
        self.page.fill("#id_sent_on", jalali(clock.today()))


def test_letters_are_printed_signed_posted_delivered_and_one_returned_and_posted_again(
    page, live_server, cancelled_case, family, users, settings
):
    settings.SITE_URL = live_server.url
    case = cancelled_case
    father, mother, daughter = family
    head, own = letter_to(case, "head"), letter_to(case, "person")
    # The agencies' addresses are the IT administrator's to record, in the admin.
    AgencyOffice.objects.filter(province=case.province).update(
        postal_address="تهران، خیابان شریعتی، ساختمان شماره ۲", postal_code="1611111111"
    )
    journey = LetterJourney(page, live_server.url)

    # The expert records the household's postal address from the case page.
    journey.sign_in("expert_a")
    journey.goto(case.get_absolute_url())
    address = page.locator(f'.household-address[data-household="{father.household_id}"]')
    expect(address).to_contain_text("ثبت نشده (نامه به این خانوار پست نمی‌شود)")
    journey.follow(address.get_by_role("link", name="ثبت نشانی پستی"))
    page.fill("#id_postal_address", ADDRESS)
    page.fill("#id_postal_code", "۱۳۱۴۵۶۷۸۹۰")
    journey.check_and_shoot("address-form")
    journey.submit("ثبت نشانی")
    assert page.url.startswith(live_server.url + case.get_absolute_url())
    expect(address).to_contain_text(ADDRESS)
    expect(page.locator("#letters")).to_contain_text("در انتظار چاپ")
    expect(page.locator("#letters").get_by_role("link", name="چاپ نامه")).to_have_count(0)
    journey.check_and_shoot("case-page-expert")

    # The supervisor finds the four letters waiting to be printed.
    page.context.clear_cookies()
    journey.sign_in("supervisor_a")
    journey.follow(page.get_by_role("link", name="نامه‌ها و ارسال پستی"))
    expect(page.locator("#to-print .letter-row")).to_have_count(4)
    expect(page.locator("#to-print")).to_contain_text(father.full_name)
    journey.check_and_shoot("queue-to-print")

    # The head of household's letter: printed, read back, verified.
    journey.action(head, "چاپ نامه")
    expect(page.locator("#letter-facts")).to_contain_text(daughter.full_name)
    journey.check_and_shoot("print-confirm")
    journey.submit("شماره‌گذاری و ساخت نامه برای چاپ")
    head.refresh_from_db()
    expect(page.locator("body")).to_contain_text(fa(head.number))
    journey.check_and_shoot("printed")
    pdf = page.request.get(live_server.url + page.locator("#letter-pdf").get_attribute("href"))
    assert pdf.headers["content-type"] == "application/pdf"
    path = ARTIFACTS / "letters-head-of-household.pdf"
    path.write_bytes(pdf.body())
    text = pdf_text(path)
    for expected in [father.full_name, mother.full_name, daughter.full_name, fa(head.number),
                     fa(case.number), fa(jalali(head.dated_on)), fa("1314567890")]:  # fmt: skip
        assert said(expected) in text, (expected, text)
    poppler(
        "pdftoppm", "-png", "-r", "110", "-singlefile", str(path), str(ARTIFACTS / "letters-head")
    )
    (url,) = read_qr_codes(ARTIFACTS / "letters-head.png")
    verify = f"/documents/letter/{head.serial}/verify/?h={head.content_sha256}"
    assert url == f"{live_server.url}{verify}"

    journey.follow(page.get_by_role("link", name="ثبت امضا"))
    journey.check_and_shoot("sign-confirm")
    journey.submit("ثبت امضا")
    expect(page.locator(".whereabouts").first).to_contain_text("امضاشده")
    # Posted, with the tracking number typed in Persian digits.
    journey.follow(page.locator("#actions").get_by_role("link", name="ثبت ارسال پستی"))
    journey.post_letter("۱۱۲۲۳۳۴۴۵۵۶۶۷۷۸۸۹۹۰۰")
    journey.check_and_shoot("dispatch-form")
    journey.submit("ثبت ارسال")
    expect(page.locator(".whereabouts").first).to_contain_text("ارسال‌شده")
    expect(page.locator("#dispatches")).to_contain_text(fa("11223344556677889900"))
    # Delivered: who received it, as the post office's receipt says.
    journey.follow(page.locator("#actions").get_by_role("link", name="ثبت تحویل"))
    page.fill("#id_delivered_on", jalali(clock.today()))
    page.fill("#id_received_by", "علی احمدی (خود گیرنده)")
    journey.check_and_shoot("delivery-form")
    journey.submit("ثبت تحویل")
    expect(page.locator(".whereabouts").first).to_contain_text("تحویل‌شده")
    journey.check_and_shoot("delivered")

    # The mother's letter comes back from the post, and is posted again.
    journey.action(own, "چاپ نامه")
    journey.submit("شماره‌گذاری و ساخت نامه برای چاپ")
    journey.follow(page.get_by_role("link", name="ثبت امضا"))
    journey.submit("ثبت امضا")
    journey.follow(page.locator("#actions").get_by_role("link", name="ثبت ارسال پستی"))
    journey.post_letter("RR 0001 2345 IR")
    journey.submit("ثبت ارسال")
    journey.follow(page.locator("#actions").get_by_role("link", name="ثبت برگشت"))
    page.fill("#id_returned_on", jalali(clock.today()))
    page.fill("#id_reason", "گیرنده در نشانی شناخته نشد (واحد نادرست).")
    journey.check_and_shoot("return-form")
    journey.submit("ثبت برگشت")
    expect(page.locator(".whereabouts").first).to_contain_text("برگشتی")
    journey.check_and_shoot("returned")
    journey.goto("/letters/#returned")
    expect(page.locator("#returned")).to_contain_text("گیرنده در نشانی شناخته نشد")
    journey.check_and_shoot("queue-returned")
    journey.follow(page.locator("#returned").get_by_role("link", name="ارسال دوباره"))
    # The same number again is refused, in Persian, on its field.
    journey.post_letter("RR00012345IR")
    journey.submit("ثبت ارسال دوباره")
    expect(page.locator(".invalid-feedback")).to_contain_text(
        "این شماره پیگیری پستی پیش‌تر برای ارسال دیگری ثبت شده است."
    )
    journey.check_and_shoot("redispatch-refused")
    journey.post_letter("RR00012346IR")
    journey.submit("ثبت ارسال دوباره")
    journey.follow(page.locator("#actions").get_by_role("link", name="ثبت تحویل"))
    page.fill("#id_delivered_on", jalali(clock.today()))
    page.fill("#id_received_by", "فاطمه رحیمی")
    journey.submit("ثبت تحویل")
    rows = page.locator("#dispatches .dispatch-row")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("برگشت خورد")
    expect(rows.nth(1)).to_contain_text("تحویل شد")
    journey.check_and_shoot("returned-then-delivered")

    # The case page: each letter and where it is; the timeline names them.
    journey.goto(case.get_absolute_url() + "#letters")
    expect(journey.letter_row(head)).to_have_attribute("data-status", "delivered")
    expect(journey.letter_row(own)).to_have_attribute("data-status", "delivered")
    expect(page.locator("#letters .letter-row[data-status=waiting]")).to_have_count(2)
    own.refresh_from_db()
    expect(page.locator("#timeline")).to_contain_text(f"برگشت نامه {fa(own.number)}")
    page.locator("#letters").scroll_into_view_if_needed()
    journey.check_and_shoot("case-page-letters")

    # The day's dispatch register and its list for the post office.
    journey.goto("/letters/register/")
    expect(page.locator("#register .dispatch-row")).to_have_count(3)
    journey.check_and_shoot("register")
    href = page.locator("#register-pdf").get_attribute("href")
    listing = page.request.get(live_server.url + href)
    path = ARTIFACTS / "letters-dispatch-list.pdf"
    path.write_bytes(listing.body())
    text = pdf_text(path)
    for expected in [fa("11223344556677889900"), fa("RR00012345IR"), fa("RR00012346IR"),
                     fa(head.number), ADDRESS, "متصدی اداره پست"]:  # fmt: skip
        assert said(expected) in text, (expected, text)
    poppler(
        "pdftoppm",
        "-png",
        "-r",
        "80",
        "-singlefile",
        str(path),
        str(ARTIFACTS / "letters-dispatch-list"),
    )

    # Whoever reads the QR code, signed in, is told the paper is genuine.
    page.goto(url)
    expect(page.locator("#verdict")).to_contain_text("این نامه اصیل است")
    journey.check_and_shoot("verify")

    assert list(
        Letter.objects.filter(pk__in=[head.pk, own.pk]).values_list("status", flat=True)
    ) == [
        "delivered",
        "delivered",
    ]
    assert list(Dispatch.objects.order_by("pk").values_list("outcome", flat=True)) == [
        "delivered",
        "returned",
        "delivered",
    ]
