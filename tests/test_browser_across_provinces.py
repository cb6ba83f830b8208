"""Across provinces in Chromium: Isfahan's expert types the Amayesh number of a man Tehran
registered and has a case on, sees his name, the card's status and "open case in province
Tehran" and nothing of his household, then opens Isfahan's case on him after the warning.
Screenshots under test-artifacts/."""

import pytest
from playwright.sync_api import expect

from cases import services
from cases.models import Case
from conftest import make_user
from people.tests import factories
from shared.persian import digits_to_persian
from tests.test_browser import Journey, days_from_today

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_isfahans_expert_is_warned_of_tehrans_open_case(page, live_server, tehran, isfahan):
    expert_teh = make_user("expert_teh", "provincial_expert", tehran)
    make_user("expert_isf", "provincial_expert", isfahan)
    head, spouse = factories.household_with_members(2)
    head.first_name, head.last_name = "علی", "کریمی‌نژاد"
    head.save()
    household = head.household
    household.postal_address = "تهران، خیابان ولیعصر، پلاک 4719"
    household.save()
    tehrans = services.case_open(
        by=expert_teh,
        source_type="agency_report",
        source_reference="۱۲/ت",
        source_date=factories.days_ago(3),
        subjects=[head],
    )
    journey = Journey(page, live_server.url)
    journey.sign_in("expert_isf")
    journey.goto("/cases/new/")
    page.fill("#id_number", digits_to_persian(head.documents.get().number))
    journey.submit("یافتن")
    found = page.locator("[data-found-elsewhere]")
    expect(found).to_contain_text("علی کریمی‌نژاد")
    expect(found).to_contain_text("معلق (پرونده باز)")
    expect(found).to_contain_text("پرونده باز در استان تهران")
    text = page.content()
    assert head.household.number not in text and spouse.full_name not in text
    assert digits_to_persian(tehrans.number) not in text
    journey.check_and_shoot("found-elsewhere")

    journey.follow(page.get_by_role("link", name="ثبت پرونده برای این شخص"))
    page.select_option("#id_source_type", "agency_report")
    page.fill("#id_source_reference", "۷۷/الف")
    page.fill("#id_source_date", days_from_today(-1))
    page.get_by_label("علی کریمی‌نژاد", exact=False).check()
    journey.submit("ثبت پرونده")
    expect(page.locator(".invalid-feedback")).to_contain_text(
        "علی کریمی‌نژاد پرونده باز در استان تهران دارد"
    )
    assert Case.objects.count() == 1
    journey.check_and_shoot("open-case-warning")
    page.locator("#id_confirm_open_cases").check()
    journey.submit("ثبت پرونده")
    assert Case.objects.count() == 2
    expect(page.locator("#case-state")).to_have_text("دریافت‌شده")
    # Isfahan's case page names the man and his card, and of Tehran's household nothing else.
    expect(page.locator("#subjects")).to_contain_text("علی کریمی‌نژاد")
    expect(page.locator("[data-household-elsewhere]")).to_contain_text(
        "در استان تهران ثبت شده است و همان استان به آن رسیدگی می‌کند"
    )
    text = page.content()
    for absent in (
        household.number,
        digits_to_persian(household.number),
        spouse.full_name,
        "ولیعصر",
        digits_to_persian("4719"),
        "افزودن به پرونده",
    ):
        assert absent not in text, absent
    journey.check_and_shoot("second-case-opened")
