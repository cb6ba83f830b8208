"""The working groups in Chromium, in Persian: Tehran's secretary holds a session of three cases
(approve, reject, return) and prints its minutes; the national secretariat confirms what Tehran
and Isfahan approved in one batch. Screenshots go to test-artifacts/."""

import pytest
from playwright.sync_api import expect

from cases.choices import CaseState
from committees.models import Minutes, Session
from shared import clock
from shared.persian import digits_to_persian, jalali
from tests.test_browser import ARTIFACTS, Journey
from tests.tools import poppler

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_secretary_holds_a_session_and_prints_its_minutes(
    page, live_server, members, case_in, users
):
    cases = [case_in(CaseState.READY_FOR_PROVINCE) for _ in range(3)]
    journey = Journey(page, live_server.url)
    journey.sign_in("secretary_a")
    journey.follow(page.get_by_role("link", name="جلسات کارگروه"))
    journey.check_and_shoot("sessions-empty")
    journey.follow(page.get_by_role("link", name="جلسه جدید"))
    page.fill("#id_number", "۱۲/۱۴۰۵")
    page.fill("#id_held_on", jalali(clock.today()))
    page.fill("#id_place", "سالن جلسات استانداری تهران")
    journey.check_and_shoot("session-new")
    journey.submit("ثبت جلسه")

    # Attendance: four of the five members.
    for member in members[:4]:
        page.get_by_label(member.full_name).check()
    journey.submit("ثبت حاضران")
    journey.follow(page.get_by_role("link", name="افزودن پرونده"))
    for case in cases:
        page.get_by_label(case.number).check()
    journey.check_and_shoot("session-agenda")
    journey.submit("افزودن")
    journey.check_and_shoot("session-with-agenda")

    decisions = [
        ("تصویب", ["موافق", "موافق", "موافق", "مخالف"], ""),
        ("رد", ["مخالف", "مخالف", "مخالف", "موافق"], "مستندات برای ابطال کافی نیست."),
        (
            "بازگشت برای تکمیل اطلاعات",
            ["مخالف", "ممتنع", "مخالف", "موافق"],
            "پاسخ انتظامی ناقص است.",
        ),
    ]
    for index, (outcome, votes, reason) in enumerate(decisions, start=1):
        journey.follow(page.get_by_role("link", name="ثبت رأی و مصوبه").first)
        expect(page.locator("input[type=radio]:checked")).to_have_count(0)  # nothing preselected
        for member, vote in zip(members[:4], votes, strict=True):
            row = page.locator("fieldset div.d-flex").filter(has_text=member.full_name)
            row.get_by_label(vote, exact=True).check()
        page.get_by_label(outcome, exact=True).check()
        page.fill("#id_resolution_number", f"ک‌ا/{index}/۱۴۰۵")
        if outcome == "تصویب":
            page.select_option("#id_offence_type", index=1)
        else:
            page.fill("#id_reason", reason)
        if index == 1:
            journey.check_and_shoot("item-votes")
        journey.submit("ثبت رأی و مصوبه")
    journey.check_and_shoot("session-resolved")

    journey.follow(page.get_by_role("link", name="بستن جلسه و اعمال مصوبه‌ها"))
    journey.check_and_shoot("session-close-confirm")
    journey.submit("ثبت نهایی: بستن جلسه")
    expect(page.locator(".badge").filter(has_text="بسته‌شده")).to_be_visible()
    for case in cases:
        case.refresh_from_db()
    assert [c.state for c in cases] == [
        CaseState.APPROVED_BY_PROVINCE,
        CaseState.REJECTED_BY_PROVINCE,
        CaseState.RETURNED,
    ]

    journey.follow(page.get_by_role("link", name="صورتجلسه"))
    journey.submit("تهیه صورتجلسه")
    link = page.get_by_role("link", name="دریافت PDF صورتجلسه")
    expect(link).to_be_visible(timeout=20_000)
    journey.check_and_shoot("minutes-ready")
    with page.expect_download() as download:
        link.click()
    pdf = ARTIFACTS / "minutes-session.pdf"
    download.value.save_as(pdf)
    session = Session.objects.get(number="۱۲/۱۴۰۵")
    assert Minutes.objects.get(session=session).is_current()
    text = poppler("pdftotext", "-layout", str(pdf), "-")
    assert "صورتجلسه" in text
    assert all(digits_to_persian(c.number) in text for c in cases)
    poppler(
        "pdftoppm", "-r", "70", "-png", "-f", "1", "-l", "1", str(pdf), str(ARTIFACTS / "minutes")
    )
    # The case page now shows the session, the votes and the resolution.
    journey.goto(f"/cases/{cases[0].number}/")
    expect(page.locator("#sessions")).to_contain_text("تصویب")
    journey.check_and_shoot("case-with-session")


def test_the_national_secretariat_confirms_tehran_and_isfahan_in_one_batch(
    page, live_server, case_in, actors_b
):
    tehran = [case_in(CaseState.APPROVED_BY_PROVINCE) for _ in range(2)]
    isfahan = case_in(CaseState.APPROVED_BY_PROVINCE, actors=actors_b)
    journey = Journey(page, live_server.url)
    journey.sign_in("national")
    journey.follow(page.get_by_role("link", name="جلسات کارگروه"))
    journey.follow(page.get_by_role("link", name="جلسه جدید"))
    page.fill("#id_number", "ک/۴/۱۴۰۵")
    page.fill("#id_held_on", jalali(clock.today()))
    page.fill("#id_place", "وزارت کشور")
    journey.submit("ثبت جلسه")
    journey.follow(page.get_by_role("link", name="افزودن از صف کشور"))
    expect(page.locator("tbody")).to_contain_text("اصفهان")
    expect(page.locator("tbody")).to_contain_text("تهران")
    journey.check_and_shoot("national-queue")
    for case in [*tehran, isfahan]:
        page.get_by_label(f"انتخاب {case.number}").check()
    page.select_option("#id_session", index=1)
    journey.submit("افزودن به دستور جلسه")
    journey.follow(page.get_by_role("link", name="تأیید یا رد دسته‌ای"))
    rows = page.locator("tbody tr")
    for index in range(3):
        rows.nth(index).get_by_label("تأیید", exact=True).check()
    journey.check_and_shoot("national-batch")
    journey.submit("ثبت تصمیم‌ها")
    journey.follow(page.get_by_role("link", name="بستن جلسه و اعمال تصمیم‌ها"))
    page.fill("#id_letter_number", "۱۲۳۴/ک‌د")
    journey.check_and_shoot("national-close")
    journey.submit("ثبت نهایی: بستن جلسه")
    journey.check_and_shoot("national-closed")
    for case in [*tehran, isfahan]:
        case.refresh_from_db()
        assert case.state == CaseState.CONFIRMED_NATIONALLY
        assert case.national_letter_number == "۱۲۳۴/ک‌د"
