"""Which letters a decision writes, and to whom: on the cancellation of the cards, one to the head
of each household concerned naming every member it covers (minors included), one to each other
adult, one to each agency; on closing a case whose persons had left, one to the head who remains
and one to each agency. Written in the step's transaction: none when the step is rolled back."""

import pytest
from django.db import transaction

from cases import services as case_services
from cases.choices import CaseState, Step, SubjectDecision
from cases.services import CaseActionRefused
from cases.workflow import registry
from letters import documents
from letters import services as letters
from letters.models import AgencyOffice, Letter
from letters.tests.conftest import letter_to, letters_of, walk_deciding, years_ago
from najva.models import Registration
from people.tests import factories
from revocation.demo.walk import prepare
from shared.persian import digits_to_persian

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_storage")]


def named(letter: Letter) -> set[str]:
    return {subject.person.full_name for subject in letter.subjects.select_related("person")}


def test_the_cancellation_writes_to_the_head_to_each_other_adult_and_to_both_agencies(
    cancelled_case, family, users
):
    father, mother, daughter = family
    letters = letters_of(cancelled_case)
    assert [(x.kind, x.addressee_kind, x.addressee_name) for x in letters] == [
        ("cancellation", "head", father.full_name),
        ("cancellation", "person", mother.full_name),
        ("cancellation", "agency", "فرماندهی انتظامی استان تهران"),
        ("cancellation", "agency", "اداره کل اطلاعات استان تهران"),
    ]
    head, own, police, intelligence = letters
    everybody = {father.full_name, mother.full_name, daughter.full_name}
    # The daughter (nine) has no letter of her own: her father's letter names her.
    assert named(head) == everybody
    assert named(own) == {mother.full_name}
    assert named(police) == named(intelligence) == everybody
    assert {x.status for x in letters} == {Letter.Status.WAITING}
    assert all(x.number == "" and not x.file for x in letters)
    assert {x.household_id for x in (head, own)} == {father.household_id}
    # Made with the cancellation of the cards, by who cancelled them; no event of their own (the
    # step's event is the decision's).
    assert {x.created_by for x in letters} == {users["registry"]}
    assert not cancelled_case.events.filter(action__startswith="letter").exists()


def test_an_unknown_birth_date_counts_as_an_adult_and_eighteen_today_is_an_adult(case_in, users):
    head, unknown, eighteen, almost = factories.household_with_members(4)
    unknown.birth_date = None
    eighteen.birth_date = years_ago(18)
    almost.birth_date = years_ago(18, days=-1)  # eighteen tomorrow
    for person in (unknown, eighteen, almost):
        person.save()
    case = case_in(CaseState.CARD_CANCELLED, subjects=[head, unknown, eighteen, almost])
    own = {x.person_id for x in letters_of(case) if x.addressee_kind == Letter.Addressee.PERSON}
    assert own == {unknown.pk, eighteen.pk}
    assert named(letter_to(case, "head")) == {
        p.full_name for p in (head, unknown, eighteen, almost)
    }


def test_a_head_who_keeps_their_card_is_told_of_their_child(actors_a, offences):
    father, son = factories.household_with_members(2)
    son.birth_date = years_ago(15)
    son.save()
    case = walk_deciding(actors_a, [father, son], decisions={father: SubjectDecision.KEEP})
    letters = letters_of(case)
    assert [(x.addressee_kind, x.addressee_name) for x in letters] == [
        ("head", father.full_name),
        ("agency", "فرماندهی انتظامی استان تهران"),
        ("agency", "اداره کل اطلاعات استان تهران"),
    ]
    assert all(named(x) == {son.full_name} for x in letters)


def test_a_household_without_a_head_recorded_gets_a_letter_to_its_head_for_a_minor(case_in, users):
    adult, child = factories.household_with_members(2)
    child.birth_date = years_ago(12)
    child.save()
    household = adult.household
    household.head = None
    household.save()
    case = case_in(CaseState.CARD_CANCELLED, subjects=[adult, child])
    head_letter = letter_to(case, "head")
    assert head_letter.person is None
    assert head_letter.addressee_name == f"سرپرست خانوار {digits_to_persian(household.number)}"
    assert named(head_letter) == {adult.full_name, child.full_name}
    assert {x.person_id for x in letters_of(case) if x.addressee_kind == "person"} == {adult.pk}


def test_no_letter_is_written_when_the_cancellation_is_rolled_back(case_in, actors_a, monkeypatch):
    case = case_in(CaseState.CONFIRMED_NATIONALLY)
    prepare(case, Step.CANCEL_CARD, actors_a)

    written = []

    def refuse_after_everything(taken):
        written.append(Letter.objects.filter(case=case).count())
        raise CaseActionRefused("یک اثر دیگر این مرحله را رد کرد.")

    # An effect declared after the letters': the letters are written, then the step is refused.
    monkeypatch.setattr(registry, "effects", list(registry.effects))
    registry.register_effect("test.refuse", refuse_after_everything, order=99)
    with pytest.raises(CaseActionRefused), transaction.atomic():
        case_services.case_take_step(case=case, by=actors_a.registry, step=Step.CANCEL_CARD)
    assert written == [4]  # written in the step's transaction, then rolled back with it
    case.refresh_from_db()
    assert case.state == CaseState.CONFIRMED_NATIONALLY
    assert not Letter.objects.exists()
    assert not Registration.objects.exists()


def test_closing_as_departed_writes_to_the_head_who_remains_and_to_the_agencies(actors_a, offences):
    father, mother, son = factories.household_with_members(3)
    mother.first_name, mother.sex, mother.relation_to_head = "فاطمه", "female", "spouse"
    mother.save()
    case = walk_deciding(
        actors_a,
        [father, mother, son],
        decisions={mother: SubjectDecision.KEEP},
        new_head=mother,
        state=CaseState.CLOSED_DEPARTED,
    )
    closing = [x for x in letters_of(case) if x.kind == Letter.Kind.CLOSED_DEPARTED]
    assert [(x.addressee_kind, x.addressee_name) for x in closing] == [
        ("head", mother.full_name),
        ("agency", "فرماندهی انتظامی استان تهران"),
        ("agency", "اداره کل اطلاعات استان تهران"),
    ]
    assert all(named(x) == {father.full_name, son.full_name} for x in closing)
    # Printed, the head's letter says who keeps their status: the mother.
    printed = letters.letter_print(letter=closing[0], by=actors_a.supervisor)
    facts = documents.letter_facts(printed)
    assert [k["name"] for k in facts["keeping"]] == [mother.full_name]
    assert {p["name"] for p in facts["persons"]} == {father.full_name, son.full_name}
    # At the cancellation before it, the new head was told too, and each adult who left.
    cancelling = [x for x in letters_of(case) if x.kind == Letter.Kind.CANCELLATION]
    assert [(x.addressee_kind, x.person_id) for x in cancelling[:3]] == [
        ("head", mother.pk),
        ("person", father.pk),
        ("person", son.pk),
    ]


def test_a_household_whose_every_member_left_gets_no_closing_letter(case_in):
    case = case_in(CaseState.CLOSED_DEPARTED)
    closing = [x for x in letters_of(case) if x.kind == Letter.Kind.CLOSED_DEPARTED]
    assert [x.addressee_kind for x in closing] == ["agency", "agency"]


def test_the_agencies_are_seeded_for_every_province_and_made_if_missing(case_in, tehran):
    from reference.models import Province

    # The migration seeded two per province (a transactional test's flush may have emptied
    # them; the service makes them again, named after the province).
    AgencyOffice.objects.filter(province=tehran).delete()
    case = case_in(CaseState.CARD_CANCELLED)
    assert {x.agency.name for x in letters_of(case) if x.agency} == {
        "فرماندهی انتظامی استان تهران",
        "اداره کل اطلاعات استان تهران",
    }
    assert AgencyOffice.objects.count() == 2 * Province.objects.count()
