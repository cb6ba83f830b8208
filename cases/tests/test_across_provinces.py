"""Across provinces (issue 11, item 8): another province's expert who types a person's document
number learns only what avoids a duplicate (the name, the document's status, where a case is
open), cannot touch the household, cannot register the person again, and is warned before
opening a second case on them; both provinces' supervisors are then told."""

import jdatetime
import pytest
from django.core import mail
from django.urls import reverse

from audit.models import Event
from cases import services
from cases.choices import CaseState
from cases.models import Case
from cases.selectors import found_elsewhere
from people.models import DocumentStatus, Household, IdentityDocument, Person
from people.tests import factories
from reference.models import DocumentType
from revocation.persian import digits_to_persian

pytestmark = pytest.mark.django_db


def html(response) -> str:
    return response.content.decode()


def find(client, number):
    """The find step of intake, as the expert does it: POSTed, then the result under a token."""
    response = client.post(reverse("cases:intake"), {"step": "find", "number": number})
    assert response.status_code == 302
    return client.get(response["Location"])


@pytest.fixture
def tehran_case(case_in):
    """A Tehran household of three; a case open on its head only."""
    head, spouse, child = factories.household_with_members(3)
    case = case_in(CaseState.RECEIVED, subjects=[head])
    return case, head, spouse, child


def test_another_provinces_expert_sees_the_name_the_status_and_where_a_case_is_open_only(
    client, users, tehran_case
):
    case, head, spouse, child = tehran_case
    document = head.documents.get()
    client.force_login(users["expert_b"])
    page = find(client, digits_to_persian(document.number))
    assert page.status_code == 200
    text = html(page)
    assert head.full_name in text
    assert DocumentStatus.SUSPENDED.label in text  # «معلق (پرونده باز)»
    assert "پرونده باز در استان تهران" in text
    assert "ثبت‌شده در استان تهران" in text
    # Nothing else: no household number, no case number, no other member, no address.
    household = head.household
    for absent in (
        household.number,
        digits_to_persian(household.number),
        case.number,
        digits_to_persian(case.number),
        spouse.full_name,
        child.full_name,
        spouse.documents.get().number,
        household.postal_address or "no address",
        reverse("people:household_member_new", args=[household.pk]),
    ):
        assert absent not in text, absent
    assert page.context["households"] == []


def test_the_selector_returns_small_values_not_the_register(users, tehran_case):
    _case, head, _spouse, child = tehran_case
    number = head.documents.get().number
    (found,) = found_elsewhere(user=users["expert_b"], document_number=digits_to_persian(number))
    assert (found.name, found.status, found.registered_in, found.open_cases_in) == (
        head.full_name,
        DocumentStatus.SUSPENDED.label,
        "تهران",
        ("تهران",),
    )
    assert not any(isinstance(v, Household | Person | Case) for v in vars(found).values())
    # The same province's expert is not "elsewhere"; a part of a number finds nothing.
    assert found_elsewhere(user=users["expert_a"], document_number=number) == []
    assert found_elsewhere(user=users["expert_b"], document_number=number[:-1]) == []
    (free,) = found_elsewhere(user=users["expert_b"], document_number=child.documents.get().number)
    assert (free.status, free.open_cases_in) == (DocumentStatus.VALID.label, ())


def test_another_provinces_expert_cannot_reach_the_households_pages(client, users, tehran_case):
    _case, head, _spouse, _child = tehran_case
    household = head.household
    client.force_login(users["expert_b"])
    find(client, head.documents.get().number)  # even right after finding the person
    member_new = reverse("people:household_member_new", args=[household.pk])
    address = reverse("people:household_address", args=[household.pk])
    assert client.get(member_new).status_code == 404
    assert client.get(address).status_code == 404
    persons = Person.objects.count()
    posted = client.post(
        member_new,
        {
            "relation_to_head": "child",
            "first_name": "رضا",
            "last_name": "احمدی",
            "father_name": "علی",
            "nationality": "AF",
            "sex": "male",
            "document_type": DocumentType.objects.get(code=DocumentType.AMAYESH).pk,
            "document_number": "5550001112",
        },
    )
    assert posted.status_code == 404
    assert Person.objects.count() == persons
    assert client.post(address, {"postal_address": "اصفهان"}).status_code == 404
    household.refresh_from_db()
    assert household.postal_address != "اصفهان"


def test_registering_a_person_another_province_registered_is_refused_naming_it(
    client, users, tehran_case
):
    _case, head, _spouse, _child = tehran_case
    document = head.documents.get()
    client.force_login(users["expert_b"])
    households, persons = Household.objects.count(), Person.objects.count()
    answer = client.post(
        reverse("people:household_new"),
        {
            "household_number": "990011",
            "first_name": head.first_name,
            "last_name": head.last_name,
            "father_name": "حسن",
            "nationality": "AF",
            "sex": "male",
            "document_type": document.document_type.pk,
            "document_number": digits_to_persian(document.number),
        },
    )
    assert answer.status_code == 400
    assert "پیش‌تر در استان تهران ثبت شده است" in html(answer)
    assert "از همان استان" in html(answer)
    assert (Household.objects.count(), Person.objects.count()) == (households, persons)
    assert IdentityDocument.objects.filter(number=document.number).count() == 1


def _intake_post(client, found, data):
    """The case form of intake, sent from the page of a search (its token)."""
    data = {
        "step": "open",
        "source_type": "judicial_ruling",
        "source_reference": "ر-۵۵",
        "source_date": str(jdatetime.date.today()),
        "s": found.wsgi_request.GET["s"],
        **data,
    }
    return client.post(reverse("cases:intake"), data)


def test_a_second_case_elsewhere_is_warned_then_confirmed_and_both_supervisors_told(
    client, users, tehran_case, django_capture_on_commit_callbacks
):
    case, head, spouse, child = tehran_case
    client.force_login(users["expert_b"])
    page = find(client, head.documents.get().number)
    cases, events = Case.objects.count(), Event.objects.count()

    warned = _intake_post(client, page, {"person": head.pk, "subjects": [head.pk]})
    assert warned.status_code == 400
    assert f"{head.full_name} پرونده باز در استان تهران دارد" in html(warned)
    assert 'name="confirm_open_cases"' in html(warned)
    # The form shows the one person found, none of the household.
    assert spouse.full_name not in html(warned) and child.full_name not in html(warned)
    assert "(سرپرست خانوار)" not in html(warned)
    assert case.number not in html(warned)
    assert (Case.objects.count(), Event.objects.count()) == (cases, events)
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = _intake_post(
            client,
            page,
            {"person": head.pk, "subjects": [head.pk], "confirm_open_cases": "on"},
        )
    assert confirmed.status_code == 302
    second = Case.objects.exclude(pk=case.pk).get()
    assert second.province == users["expert_b"].province
    assert [s.person for s in second.subjects.all()] == [head]
    event = second.events.get(action="case_open_despite_open_case")
    assert event.kind == "security"
    assert event.actor == users["expert_b"]
    assert "تهران" in event.label
    assert [c["new"] for c in event.changes] == [
        f"{head.full_name} پرونده باز در استان تهران دارد."
    ]
    told = {m.to[0]: m for m in mail.outbox if "پرونده دوم" in m.subject}
    supervisor_a, supervisor_b = users["supervisor_a"], users["supervisor_b"]
    assert {supervisor_a.email, supervisor_b.email} <= set(told)
    # Each supervisor hears of their own case: Isfahan's of the new one, Tehran's of theirs.
    assert digits_to_persian(second.number) in told[supervisor_b.email].subject
    assert "پرونده باز در استان تهران" in told[supervisor_b.email].body
    assert digits_to_persian(case.number) not in told[supervisor_b.email].body
    assert digits_to_persian(case.number) in told[supervisor_a.email].subject
    assert "استان اصفهان" in told[supervisor_a.email].body
    assert digits_to_persian(second.number) not in told[supervisor_a.email].body


def test_a_second_case_in_the_same_province_is_warned_too(client, users, tehran_case):
    _case, head, _spouse, child = tehran_case
    client.force_login(users["expert_a"])
    page = find(client, head.household.number)
    data = {"household": head.household_id, "subjects": [head.pk, child.pk]}
    warned = _intake_post(client, page, data)
    assert warned.status_code == 400
    assert f"{head.full_name} پرونده باز در استان تهران دارد" in html(warned)
    assert Case.objects.count() == 1
    assert _intake_post(client, page, {**data, "confirm_open_cases": "on"}).status_code == 302
    assert Case.objects.count() == 2
    # A person on no open case is no warning.
    (fresh,) = factories.household_with_members(1)
    page = find(client, fresh.household.number)
    opened = _intake_post(client, page, {"household": fresh.household_id, "subjects": [fresh.pk]})
    assert opened.status_code == 302
    assert not Case.objects.get(subjects__person=fresh).events.filter(kind="security").exists()


def test_the_service_refuses_a_second_case_unconfirmed(users, tehran_case):
    case, head, _spouse, _child = tehran_case
    with pytest.raises(services.OpenCasesElsewhere) as refusal:
        services.case_open(
            by=users["expert_b"],
            source_type="judicial_ruling",
            source_reference="X-1",
            source_date=factories.days_ago(1),
            subjects=[head],
        )
    assert [c.case_id for c in refusal.value.open_cases] == [case.pk]
    assert Case.objects.count() == 1
