"""Across provinces (issue 11, item 8): another province's expert who types a person's document
number learns only what avoids a duplicate (the name, the document's status, where a case is
open), cannot touch the household, cannot register the person again, and is warned before
opening a second case on them; both provinces' supervisors are then told."""

import jdatetime
import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from audit.models import Event
from cases import services
from cases.choices import CaseState, SubjectDecision
from cases.models import Case
from cases.rules import household_members_decided, household_settled, undecided_members
from cases.selectors.cancellation import cancellation_preview
from intake.selectors import found_elsewhere
from people.models import DocumentStatus, Household, IdentityDocument, Person
from people.tests import factories
from reference.models import DocumentType
from shared import clock
from shared.persian import digits_to_persian

pytestmark = pytest.mark.django_db


def html(response) -> str:
    return response.content.decode()


def find(client, number):
    """The find step of intake, as the expert does it: POSTed, then the result under a token."""
    response = client.post(reverse("intake:intake"), {"step": "find", "number": number})
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
        "source_date": str(jdatetime.date.fromgregorian(date=clock.today())),
        "s": found.wsgi_request.GET["s"],
        **data,
    }
    return client.post(reverse("intake:intake"), data)


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


# Once Isfahan's case is open on a person Tehran registered, it is Isfahan's case on that person
# only: its page names nothing else of the household, and nobody else of it can be added.


@pytest.fixture
def isfahans_case(case_in, actors_b):
    """A Tehran household of three with a postal address; Isfahan's case on the child only."""
    head, spouse, child = factories.household_with_members(3)
    household = head.household
    household.postal_address = "تهران، خیابان ولیعصر، کوچه ۱۴، پلاک 4719"
    household.postal_code = "1415913579"
    household.save()
    case = case_in(CaseState.EXPERT_REVIEW, actors=actors_b, subjects=[child])
    return case, head, spouse, child


def test_isfahans_case_page_names_tehrans_person_only(client, users, isfahans_case):
    case, head, spouse, child = isfahans_case
    household = head.household
    client.force_login(users["expert_b"])
    page = client.get(case.get_absolute_url())
    assert page.status_code == 200
    text = html(page)
    assert child.full_name in text
    assert digits_to_persian(child.documents.get().number) in text
    assert "در استان تهران ثبت شده است و همان استان به آن رسیدگی می‌کند" in text
    for absent in (
        household.number,
        digits_to_persian(household.number),
        head.full_name,
        spouse.full_name,
        head.documents.get().number,
        digits_to_persian(head.documents.get().number),
        digits_to_persian(spouse.documents.get().number),
        "خیابان ولیعصر",
        household.postal_code,
        digits_to_persian(household.postal_code),
        "4719",
        digits_to_persian("4719"),
        "نشانی پستی",
        "افزودن به پرونده",
        reverse("cases:subject_add", args=[case.number, head.pk]),
        reverse("cases:subject_add", args=[case.number, spouse.pk]),
        reverse("people:household_address", args=[household.pk]),
    ):
        assert absent not in text, absent
    assert [h.elsewhere for h in page.context["households"]] == [True]


def test_adding_another_member_of_tehrans_household_is_refused(client, users, isfahans_case):
    case, head, spouse, _child = isfahans_case
    client.force_login(users["expert_b"])
    subjects, events = case.subjects.count(), Event.objects.count()
    for person in (head, spouse):
        answer = client.post(reverse("cases:subject_add", args=[case.number, person.pk]))
        assert answer.status_code == 403
        assert "این خانوار در استان تهران ثبت شده است" in html(answer)
        assert "افزودن اعضای آن به پرونده این استان ممکن نیست" in html(answer)
        assert person.documents.get().status == DocumentStatus.VALID
    assert (case.subjects.count(), Event.objects.count()) == (subjects, events)
    # The service refuses too, whoever calls it.
    with pytest.raises(PermissionDenied):
        services.subject_add(case=case, by=users["expert_b"], person=spouse)
    assert case.subjects.count() == subjects


def test_isfahans_case_on_tehrans_person_moves_on_deciding_that_person_only(
    users, actors_b, case_in
):
    head, spouse, child = factories.household_with_members(3)
    case = case_in(CaseState.CARD_CANCELLED, actors=actors_b, subjects=[spouse])
    assert case.state == CaseState.CARD_CANCELLED
    assert case.province == users["expert_b"].province
    assert [s.person for s in case.subjects.all()] == [spouse]
    assert spouse.documents.get().status == DocumentStatus.CANCELLED
    # The rest of Tehran's household is Tehran's: untouched, and never asked for.
    assert head.documents.get().status == DocumentStatus.VALID
    assert child.documents.get().status == DocumentStatus.VALID
    assert undecided_members(case) == []


def test_the_undecided_members_of_a_foreign_household_are_its_subjects_on_the_case_only(
    actors_b, case_in
):
    head, spouse, child = factories.household_with_members(3)
    case = case_in(CaseState.EXPERT_REVIEW, actors=actors_b, subjects=[child])
    assert undecided_members(case) == [child]
    assert not household_members_decided(case)
    services.subject_decide(
        case=case, by=actors_b.expert, person=child, decision=SubjectDecision.CANCEL
    )
    assert household_members_decided(case)
    # Tehran's own case on the same household still asks for every member.
    own = case_in(CaseState.EXPERT_REVIEW, subjects=[head])
    assert set(undecided_members(own)) == {head, spouse, child}
    assert cancellation_preview(case)["others"] == []
    assert {p.pk for p in cancellation_preview(own)["others"]} == {spouse.pk, child.pk}


def test_a_foreign_head_cancelled_waits_for_tehran_to_record_a_new_head(
    client, users, actors_b, case_in
):
    head, spouse = factories.household_with_members(2)
    case = case_in(CaseState.EXPERT_REVIEW, actors=actors_b, subjects=[head])
    services.subject_decide(case=case, by=actors_b.expert, person=head, decision="cancel")
    assert household_members_decided(case)
    assert not household_settled(case)
    client.force_login(users["expert_b"])
    text = html(client.get(case.get_absolute_url()))
    assert "سرپرست جدید را کارشناس استان تهران ثبت می‌کند" in text
    assert spouse.full_name not in text and 'name="new_head"' not in text
    # Once Tehran's expert records the new head, Isfahan's case is settled.
    household = head.household
    household.head = spouse
    household.save()
    assert household_settled(Case.objects.get(pk=case.pk))
