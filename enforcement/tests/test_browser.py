"""Step 7 in Chromium, in Persian: the supervisor issues the expulsion order from the case page
and prints it; the enforcement liaison records each person's hand-over and expulsion until the
case is «اخراج شد»; and a case opened on a report of illegal exit is closed as «خروج پیشین از
کشور». Screenshots go to test-artifacts/."""

import pytest
from playwright.sync_api import expect

from cases.choices import CaseState, SourceType
from enforcement.models import ExpulsionOrder
from letters.models import Letter
from reference.models import BorderPoint
from shared import clock
from shared.persian import digits_to_persian, jalali
from tests.test_browser import ARTIFACTS, Journey
from tests.tools import poppler

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("private_storage"),
]


def test_from_card_cancelled_to_expelled(page, live_server, case_in, users, settings):
    settings.SITE_URL = live_server.url
    case = case_in(CaseState.CARD_CANCELLED)
    people = [s.person for s in case.subjects.order_by("pk")]
    household = people[0].household
    household.postal_address, household.postal_code = "تهران، خیابان آزادی، پلاک ۷", "1315700001"
    household.save(update_fields=["postal_address", "postal_code"])

    journey = Journey(page, live_server.url)
    journey.sign_in("supervisor_a")
    journey.goto(case.get_absolute_url() + "#enforcement")
    part = page.locator("#enforcement")
    expect(part).to_be_visible()
    journey.check_and_shoot("enforcement-card-cancelled")
    journey.follow(part.get_by_role("link", name="صدور دستور اخراج"))
    for person in people:
        expect(page.get_by_label(person.full_name, exact=False)).to_be_checked()
    expect(page.locator("#id_reentry_ban_years")).to_have_value("5")
    journey.check_and_shoot("enforcement-order-form")
    journey.submit("صدور و چاپ دستور اخراج")

    order = ExpulsionOrder.objects.get()
    expect(page.locator("h1")).to_contain_text(digits_to_persian(order.number))
    expect(page.locator(".alert-success")).to_contain_text("صادر شد")
    journey.check_and_shoot("enforcement-order-issued")
    pdf = page.request.get(live_server.url + order.download_url)
    assert pdf.headers["content-type"] == "application/pdf"
    path = ARTIFACTS / "enforcement-expulsion-order.pdf"
    path.write_bytes(pdf.body())
    assert digits_to_persian(order.number) in poppler("pdftotext", "-layout", str(path), "-")
    poppler(
        "pdftoppm",
        "-png",
        "-r",
        "80",
        "-singlefile",
        str(path),
        str(ARTIFACTS / "enforcement-expulsion-order"),
    )

    # The enforcement liaison hands over and records each person's expulsion.
    page.context.clear_cookies()
    journey.sign_in("enforcement_a")
    expect(page.locator("#enforcement-waiting")).to_contain_text("۲ شخص")
    journey.goto(f"/enforcement/orders/{order.pk}/")
    for index in range(len(people)):
        row = page.locator(".order-person").nth(index)
        journey.follow(row.get_by_role("link", name="ثبت تحویل"))
        page.fill("#id_receiving_unit", "اردوگاه اخراج")
        if index == 0:
            journey.check_and_shoot("enforcement-handover")
        journey.submit("ثبت")
        row = page.locator(".order-person").nth(index)
        journey.follow(row.get_by_role("link", name="ثبت نتیجه"))
        page.get_by_label("اخراج شد").check()
        page.fill("#id_exit_sheet_number", f"۴۴۰{index}")
        if index == 0:
            journey.check_and_shoot("enforcement-outcome")
        journey.submit("ثبت")
        if index == 0:
            expect(page.locator("body")).to_contain_text(CaseState.EXPULSION_ORDERED.label)
            journey.goto(f"/enforcement/orders/{order.pk}/")

    expect(page.locator("body")).to_contain_text(CaseState.EXPELLED.label)
    expect(page.locator('#enforcement [data-outcome="expelled"]')).to_have_count(2)
    expect(page.locator("#enforcement")).to_contain_text("۴۴۰۱")
    page.locator("#enforcement").scroll_into_view_if_needed()
    journey.check_and_shoot("enforcement-expelled")
    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text("ثبت اجرای اخراج")
    expect(timeline).to_contain_text(f"تحویل {people[0].full_name}")

    # The supervisor sends the head of household's letter by post, and it is delivered.
    page.context.clear_cookies()
    journey.sign_in("supervisor_a")
    head = Letter.objects.get(case=case, addressee_kind="head", kind=Letter.Kind.CANCELLATION)
    row = f'#letters tr[data-letter="{head.pk}"]'
    journey.goto(case.get_absolute_url() + "#letters")
    journey.follow(page.locator(row).get_by_role("link", name="چاپ نامه"))
    journey.submit("شماره‌گذاری و ساخت نامه برای چاپ")
    journey.follow(page.get_by_role("link", name="ثبت امضا"))
    journey.submit("ثبت امضا")
    journey.follow(page.locator("#actions").get_by_role("link", name="ثبت ارسال پستی"))
    page.fill("#id_tracking_number", "۹۰۱۲۳۴۵۶۷۸۹۰")
    page.fill("#id_sent_on", digits_to_persian(jalali(clock.today())))
    journey.submit("ثبت ارسال")
    journey.follow(page.locator("#actions").get_by_role("link", name="ثبت تحویل"))
    page.fill("#id_delivered_on", digits_to_persian(jalali(clock.today())))
    page.fill("#id_received_by", people[0].full_name)
    journey.submit("ثبت تحویل")
    head.refresh_from_db()
    assert head.status == "delivered"
    journey.goto(case.get_absolute_url() + "#letters")
    expect(page.locator(row)).to_contain_text("۹۰۱۲۳۴۵۶۷۸۹۰")
    expect(page.locator("body")).to_contain_text(CaseState.EXPELLED.label)
    page.locator("#letters").scroll_into_view_if_needed()
    journey.check_and_shoot("enforcement-expelled-letter-delivered")


def test_a_case_of_illegal_exit_closes_as_already_gone(page, live_server, case_in, users):
    case = case_in(CaseState.CARD_CANCELLED, source_type=SourceType.ILLEGAL_EXIT_REPORT)
    journey = Journey(page, live_server.url)
    journey.sign_in("supervisor_a")
    journey.goto(case.get_absolute_url() + "#enforcement")
    part = page.locator("#enforcement")
    expect(part.get_by_role("link", name="صدور دستور اخراج")).to_have_count(0)
    journey.follow(part.get_by_role("link", name="ثبت خروج پیشین و مختومه کردن پرونده"))
    expect(page.locator("#leaving li")).to_have_count(2)
    first, second = case.subjects.order_by("pk")
    # Typed wrong (a year alone), and the second person's date missing.
    page.fill(f"#id_exited_on_{first.pk}", digits_to_persian(case.source_date.strftime("%Y")))
    journey.submit("ثبت خروج و مختومه کردن پرونده")
    expect(page.locator(".invalid-feedback")).to_have_count(2)
    exited = digits_to_persian(jalali(case.source_date))
    page.fill(f"#id_exited_on_{first.pk}", exited)
    page.fill(f"#id_exited_on_{second.pk}", exited)
    milak = BorderPoint.objects.get(name="مرز میلک")
    page.select_option(f"#id_border_point_{first.pk}", value=str(milak.pk))
    journey.check_and_shoot("enforcement-departed-form")
    journey.submit("ثبت خروج و مختومه کردن پرونده")
    expect(page.locator("body")).to_contain_text(CaseState.CLOSED_DEPARTED.label)
    expect(page.locator("#enforcement .prior-departure")).to_have_count(2)
    expect(page.locator("#enforcement")).to_contain_text("مرز میلک")
    page.locator("#enforcement").scroll_into_view_if_needed()
    journey.check_and_shoot("enforcement-closed-departed")
