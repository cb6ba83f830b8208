"""In Chromium, as a person would: sign in, and read the Persian home page."""

import os
from pathlib import Path

import pytest

from cases.models import CaseState

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_expert_signs_in_and_sees_the_cases_of_the_province(
    page, live_server, case_in, actors_a
):
    case_in(CaseState.RECEIVED)
    case_in(CaseState.AWAITING_INQUIRIES)
    ARTIFACTS.mkdir(exist_ok=True)

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", actors_a.expert.username)
    page.fill("#id_password", "test-pass-1405")
    page.screenshot(path=str(ARTIFACTS / "login.png"), full_page=True)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    assert page.get_attribute("html", "dir") == "rtl"
    assert page.get_attribute("html", "lang") == "fa"
    row = page.locator('tr[data-state="awaiting_inquiries"] td')
    assert row.all_inner_texts() == ["در انتظار پاسخ استعلام‌ها", "۱"]
    header = page.locator("nav.navbar").inner_text()
    assert "کارشناس اتباع استان" in header and "استان تهران" in header
    page.screenshot(path=str(ARTIFACTS / "home-expert.png"), full_page=True)
    assert os.path.getsize(ARTIFACTS / "home-expert.png") > 10_000
