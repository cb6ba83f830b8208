"""The front desk: finding a household, another province's person, and opening the case."""

import datetime
import re

import pytest
from django.urls import reverse

from cases.models import Case
from people.models import DocumentStatus, IdentityDocument
from people.tests import factories
from shared import clock
from shared.persian import digits_to_persian, jalali

pytestmark = pytest.mark.django_db


def html(response):
    return response.content.decode()


def today_jalali():
    return jalali(clock.today())


@pytest.fixture
def expert(client, actors_a):
    client.force_login(actors_a.expert)
    return client


def find(client, number):
    """The find step of intake, as the expert does it: POSTed, then the result under a token."""
    response = client.post(reverse("intake:intake"), {"step": "find", "number": number})
    assert response.status_code == 302
    location = response["Location"]
    assert re.fullmatch(r"/cases/new/\?s=[\w-]+", location), location
    return client.get(location)


def token_of(response) -> str:
    return response.wsgi_request.GET["s"]


def test_intake_finds_the_household_by_a_document_number_in_persian_digits(expert, case_in):
    people = factories.household_with_members(2)
    number = people[1].documents.get().number
    page = find(expert, digits_to_persian(number))
    assert page.status_code == 200
    assert page.context["household"] == people[0].household
    assert people[0].full_name in html(page) and people[1].full_name in html(page)
    assert number not in page.wsgi_request.get_full_path()


def test_intake_says_so_when_nothing_is_found(expert):
    page = find(expert, "۹۹۹۹۹")
    assert page.context["households"] == []
    assert "ثبت نشده است" in html(page)


def test_a_find_without_a_number_is_refused_in_persian(expert):
    page = expert.post(reverse("intake:intake"), {"step": "find", "number": ""})
    assert page.status_code == 400
    assert "شماره را وارد کنید." in html(page)


def test_intake_opens_a_case_and_suspends_the_documents(expert, actors_a):
    head, child = factories.household_with_members(2)
    found = find(expert, head.household.number)
    assert found.context["household"] == head.household
    response = expert.post(
        reverse("intake:intake"),
        {
            "step": "open",
            "s": token_of(found),
            "household": head.household_id,
            "source_type": "agency_report",
            "source_reference": "۱۲۳/ا",
            "source_date": "۱۴۰۵/۰۹/۰۱",
            "summary": "گزارش انتظامی",
            "subjects": [head.pk, child.pk],
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", args=[case.number])
    assert case.source_date == datetime.date(2026, 11, 22)
    assert case.opened_by == actors_a.expert
    assert set(case.subjects.values_list("person", flat=True)) == {head.pk, child.pk}
    assert set(IdentityDocument.objects.values_list("status", flat=True)) == {
        DocumentStatus.SUSPENDED
    }
    assert case.events.get().action == "case_open"


def test_intake_takes_an_own_household_by_id_in_a_fresh_session(client, users):
    """Coming back from registering a household, or from a bookmark: no search needed for a
    household of the expert's own province."""
    head, child = factories.household_with_members(2)
    client.force_login(users["expert_a"])  # a fresh session: no search was made
    page = client.get(reverse("intake:intake"), {"household": head.household_id})
    assert page.status_code == 200
    assert page.context["household"] == head.household
    assert page.context["form"] is not None
    assert f'name="subjects" value="{child.pk}"' in html(page)
    opened = client.post(
        reverse("intake:intake"),
        {
            "step": "open",
            "household": head.household_id,
            "source_type": "judicial_ruling",
            "source_reference": "۷۸",
            "source_date": today_jalali(),
            "subjects": [child.pk],
        },
    )
    assert opened.status_code == 302
    assert Case.objects.get().subjects.get().person == child


def test_another_provinces_person_needs_the_token_of_a_search_of_their_document(
    client, users, isfahan
):
    (theirs,) = factories.household_with_members(1, province=isfahan)
    (ours,) = factories.household_with_members(1)
    client.force_login(users["expert_a"])
    url = reverse("intake:intake")
    assert client.get(url, {"household": theirs.household_id}).status_code == 404
    assert client.get(url, {"person": theirs.pk}).status_code == 404
    # A search that found another household does not open this one.
    other_search = find(client, ours.household.number)
    assert client.get(url, {"s": token_of(other_search), "person": theirs.pk}).status_code == 404
    # Their household number finds nothing across provinces: document numbers only.
    by_household = find(client, theirs.household.number)
    assert by_household.context["households"] == []
    assert by_household.context["elsewhere"] == []
    # Their document number does, the person alone, read-only: no member is added from here.
    found = find(client, theirs.documents.get().number)
    assert [f.person_id for f in found.context["elsewhere"]] == [theirs.pk]
    page = client.get(url, {"s": token_of(found), "person": theirs.pk})
    assert page.status_code == 200
    assert page.context["household"] is None  # the page is given the person, not the household
    assert page.context["person_elsewhere"].person_id == theirs.pk
    assert f'name="subjects" value="{theirs.pk}"' in html(page)
    assert reverse("people:household_member_new", args=[theirs.household_id]) not in html(page)
    # Through the person, never the household: the household id is no key.
    assert (
        client.get(url, {"s": token_of(found), "household": theirs.household_id}).status_code == 404
    )
    # Someone else's token is not a key either.
    client.force_login(users["expert_b"])
    assert client.get(url, {"s": token_of(found), "person": ours.pk}).status_code == 404


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("source_date", "1405/07/31", "وجود ندارد"),
        ("source_date", "۱۴۱۰/۰۱/۰۱", "آینده"),
        ("source_date", "", "تاریخ را وارد کنید"),
        ("subjects", [], "دست‌کم یک شخص"),
        ("source_type", "bogus", "معتبر"),
    ],
)
def test_intake_rejects_bad_input_with_a_persian_message_and_saves_nothing(
    expert, field, value, message
):
    (head,) = factories.household_with_members(1)
    data = {
        "step": "open",
        "household": head.household_id,
        "source_type": "agency_report",
        "source_reference": "123",
        "source_date": "1405/09/01",
        "subjects": [head.pk],
        field: value,
    }
    page = expert.post(reverse("intake:intake"), data)
    assert page.status_code == 400
    assert message in html(page)
    assert not Case.objects.exists()
    assert head.documents.get().status == DocumentStatus.VALID


def test_a_text_over_its_length_gets_a_persian_message_not_a_silent_cut(expert, case_in, users):
    (head,) = factories.household_with_members(1)
    url = f"{reverse('intake:intake')}?household={head.household_id}"
    # The browser does not cut what is typed or pasted: no maxlength on the input.
    form_page = html(expert.get(url))
    assert 'name="source_reference"' in form_page
    assert "maxlength" not in form_page
    page = expert.post(
        url,
        {
            "step": "open",
            "household": head.household_id,
            "source_type": "agency_report",
            "source_reference": "۱" * 65,
            "source_date": today_jalali(),
            "subjects": [head.pk],
        },
    )
    assert page.status_code == 400
    assert page.context["form"].errors["source_reference"] == [
        "این متن بیش از ۶۴ نویسه است؛ کوتاه‌ترش کنید."
    ]
    assert "این متن بیش از ۶۴ نویسه است؛ کوتاه‌ترش کنید." in html(page)
    assert not Case.objects.exists()


def test_only_an_expert_registers_cases(client, users):
    client.force_login(users["secretary_a"])
    assert client.get(reverse("intake:intake")).status_code == 403
    assert client.get(reverse("people:household_new")).status_code == 403
