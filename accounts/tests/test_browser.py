"""The second factor in Chromium, in Persian: a supervisor with no authenticator app yet signs in,
is shown the QR code and the key, types the key into their "app" (here: the key read from the
page, as a person would type it) and confirms with its code; the work queue opens. Screenshots
go to test-artifacts/."""

import base64

import pytest
from django_otp.oath import totp

from accounts.services import totp_device_of
from tests.test_browser import Journey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_supervisor_enrols_an_authenticator_app_at_first_sign_in(page, live_server, users):
    journey = Journey(page, live_server.url)
    journey.goto("/accounts/login/")
    page.fill("#id_username", "supervisor_a")
    page.fill("#id_password", "test-pass-1405")
    journey.follow(page.locator("button[type=submit]"))
    assert "/accounts/second-factor/enrol/" in page.url
    journey.check_and_shoot("second-factor-enrol")
    assert page.locator("h1").inner_text() == "فعال کردن ورود دومرحله‌ای"
    qr = page.locator("img[alt='کد QR برنامه احراز هویت']")
    assert qr.get_attribute("src").startswith("data:image/svg+xml")
    assert qr.evaluate("img => img.naturalWidth") > 0  # drawn, not refused by the policy

    # The key as the page shows it, typed into the app by hand: groups of four, left to right.
    shown = page.locator("bdi[dir=ltr]").inner_text()
    key = base64.b32decode(shown.replace(" ", "") + "=" * (-len(shown.replace(" ", "")) % 8))

    page.fill("#id_code", "000000" if f"{totp(key):06d}" != "000000" else "111111")
    journey.submit("فعال کردن")
    journey.check_and_shoot("second-factor-enrol-wrong")
    assert "کد نادرست است" in page.locator(".invalid-feedback").inner_text()

    page.wait_for_timeout(1100)  # the device's throttling after one wrong code: one second
    code = f"{totp(key):06d}".translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    page.fill("#id_code", code)
    journey.submit("فعال کردن")
    assert page.url == f"{live_server.url}/"
    journey.check_and_shoot("work-queue-after-enrolment")
    assert totp_device_of(users["supervisor_a"]) is not None


def test_the_lockout_page_after_five_wrong_passwords(page, live_server, users):
    journey = Journey(page, live_server.url)
    for _ in range(5):
        journey.goto("/accounts/login/")
        page.fill("#id_username", "auditor")
        page.fill("#id_password", "not-the-password")
        journey.follow(page.locator("button[type=submit]"))
    journey.goto("/accounts/login/")
    page.fill("#id_username", "auditor")
    page.fill("#id_password", "test-pass-1405")
    journey.follow(page.locator("button[type=submit]"))
    journey.check_and_shoot("locked-out")
    assert page.locator("h1").inner_text() == "ورود موقتاً قفل شد"
    assert "۳۰ دقیقه" in page.locator("main").inner_text()
