"""The household's postal address (where the letters go): typed with the household or recorded
later by an expert of its province, with its event; refused in Persian when the postal code is not
ten digits; another province's household is not reached."""

import pytest
from django.urls import reverse

from audit.models import Event
from cases.choices import CaseState
from people.models import Household
from people.tests import factories
from reference.models import DocumentType

pytestmark = pytest.mark.django_db


def html(response) -> str:
    return response.content.decode()


def test_a_household_is_registered_with_its_address_typed_in_persian_digits(client, users):
    client.force_login(users["expert_a"])
    response = client.post(
        reverse("people:household_new"),
        {
            "household_number": "۸۸۰۰۹",
            "first_name": "رحیم",
            "last_name": "احمدزی",
            "father_name": "کریم",
            "nationality": "AF",
            "sex": "male",
            "document_type": DocumentType.objects.get(code="amayesh").pk,
            "document_number": "۴۴۵۵۶۶۷۹",
            "postal_address": "  تهران، خیابان آزادی، کوچه ۳، پلاک ۴  ",
            "postal_code": "۱۳۱۴۵-۶۷۸۹۰",
        },
    )
    assert response.status_code == 302
    household = Household.objects.get(number="88009")
    assert household.postal_address == "تهران، خیابان آزادی، کوچه ۳، پلاک ۴"
    assert household.postal_code == "1314567890"


def test_the_address_is_optional_at_registration_but_a_bad_postal_code_is_refused(client, users):
    client.force_login(users["expert_a"])
    data = {
        "household_number": "88010",
        "first_name": "رحیم",
        "last_name": "احمدزی",
        "father_name": "کریم",
        "nationality": "AF",
        "sex": "male",
        "document_type": DocumentType.objects.get(code="amayesh").pk,
        "document_number": "44556680",
        "postal_code": "۱۲۳",
    }
    response = client.post(reverse("people:household_new"), data)
    assert response.status_code == 400
    assert "کد پستی ده رقم است." in html(response)
    assert not Household.objects.filter(number="88010").exists()
    data["postal_code"] = ""
    assert client.post(reverse("people:household_new"), data).status_code == 302
    assert Household.objects.get(number="88010").postal_address == ""


def test_the_expert_records_the_address_from_the_case_page_and_the_change_is_an_event(
    client, users, case_in
):
    case = case_in(CaseState.CARD_CANCELLED)
    household = case.subjects.first().person.household
    client.force_login(users["expert_a"])
    page = html(client.get(case.get_absolute_url()))
    assert "ثبت نشده (نامه به این خانوار پست نمی‌شود)" in page
    url = reverse("people:household_address", args=[household.pk])
    assert f"{url}?next=" in page
    assert client.get(f"{url}?next={case.get_absolute_url()}").status_code == 200

    response = client.post(url, {"postal_address": "", "postal_code": "12", "next": "/x/"})
    assert response.status_code == 400
    assert "نشانی پستی را بنویسید." in html(response)
    assert "کد پستی ده رقم است." in html(response)

    response = client.post(
        url,
        {
            "postal_address": "تهران، خیابان انقلاب، پلاک ۱۲",
            "postal_code": "1314567890",
            "next": case.get_absolute_url(),
        },
    )
    assert response.status_code == 302
    assert response["Location"] == case.get_absolute_url()
    page = html(client.get(case.get_absolute_url()))
    assert "تهران، خیابان انقلاب، پلاک ۱۲" in page
    assert "۱۳۱۴۵۶۷۸۹۰" in page
    household.refresh_from_db()
    assert (household.postal_address, household.postal_code) == (
        "تهران، خیابان انقلاب، پلاک ۱۲",
        "1314567890",
    )
    event = Event.objects.get(household_id=household.pk, action="household_address")
    assert event.actor == users["expert_a"]
    assert {c["field"] for c in event.changes} == {"postal_address", "postal_code"}
    # The same address again changes nothing and records nothing.
    client.post(
        url, {"postal_address": "تهران، خیابان انقلاب، پلاک ۱۲", "postal_code": "1314567890"}
    )
    assert Event.objects.filter(household_id=household.pk, action="household_address").count() == 1


def test_another_province_does_not_reach_the_household_nor_somewhere_else_after(client, users):
    household = factories.household_with_members(1)[0].household
    url = reverse("people:household_address", args=[household.pk])
    client.force_login(users["expert_b"])
    assert client.get(url).status_code == 404
    client.force_login(users["supervisor_a"])
    assert client.get(url).status_code == 403
    client.force_login(users["expert_a"])
    response = client.post(
        url, {"postal_address": "تهران", "postal_code": "", "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert not response["Location"].startswith("https://evil.example")


@pytest.mark.parametrize(
    "target",
    [
        "home",
        "x",
        "cases:list",
        "/ok\r\nSet-Cookie: a=b",
        "/\u202eevil",
        "//evil.example/",
        "a" * 5000,
    ],
)
def test_a_next_that_is_no_path_of_ours_sends_back_to_the_case_not_a_500(
    client, users, case_in, target
):
    """A ``next`` without ``/`` or ``.`` went to django's redirect() as a view name: a 500 after
    the address was saved (issue 21). Now any value that is not a path of this site is ignored."""
    case = case_in(CaseState.CARD_CANCELLED)
    household = case.subjects.first().person.household
    client.force_login(users["expert_a"])
    url = reverse("people:household_address", args=[household.pk])
    assert client.get(url, {"next": target}).status_code == 200
    response = client.post(
        url, {"postal_address": "تهران", "postal_code": "1314567890", "next": target}
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/") and not response["Location"].startswith("//")
    assert response["Location"] != target
