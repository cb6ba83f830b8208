"""What a case does to its subjects' identity documents: suspended while a case is open, restored
when it closes without cancellation, cancelled for good after national confirmation (the
document's own transitions are tested in people/tests/test_documents.py)."""

import pytest

from cases import services
from cases.choices import CaseState, SourceType, Step, SubjectDecision
from cases.models import Case
from cases.services import CaseActionRefused
from people.models import DocumentStatus
from people.tests import factories
from revocation.demo.najva import settle as najva_settle
from revocation.demo.walk import prepare, walk

pytestmark = pytest.mark.django_db

VALID, SUSPENDED, CANCELLED = (
    DocumentStatus.VALID.label,
    DocumentStatus.SUSPENDED.label,
    DocumentStatus.CANCELLED.label,
)


def documents_of(case):
    return {
        subject.person_id: list(subject.person.documents.values_list("status", flat=True))
        for subject in case.subjects.select_related("person")
    }


def document_changes(event) -> dict:
    """{document field: (old status, new status)} of an event, as the trail shows them."""
    return {
        change["field"]: (change["old"], change["new"])
        for change in event.changes
        if change["field"].startswith("document:")
    }


def withdraw(case, by, reason):
    return services.case_take_step(case=case, by=by, step=Step.WITHDRAW, reason=reason)


def test_opening_a_case_suspends_the_subjects_documents(case_in):
    case = case_in(CaseState.RECEIVED)
    assert all(statuses == [DocumentStatus.SUSPENDED] for statuses in documents_of(case).values())
    opened = case.events.get(action="case_open")
    documents = [d for s in case.subjects.all() for d in s.person.documents.all()]
    assert document_changes(opened) == {f"document:{d.pk}": (VALID, SUSPENDED) for d in documents}
    # Each change names the document and its holder, read years later without the rows.
    labels = {c["label"] for c in opened.changes if c["field"].startswith("document:")}
    assert labels == {f"{d.document_type} {d.number} ({d.person.full_name})" for d in documents}


@pytest.mark.parametrize(
    "state",
    [CaseState.REJECTED_BY_PROVINCE, CaseState.REFUSED_NATIONALLY, CaseState.WITHDRAWN],
)
def test_closing_without_cancellation_restores_the_documents(state, case_in):
    case = case_in(state)
    assert case.closed_at is not None
    assert all(statuses == [DocumentStatus.VALID] for statuses in documents_of(case).values())
    closing = case.events.order_by("pk").last()
    assert closing.to_state == state
    changes = document_changes(closing)
    assert len(changes) == len(documents_of(case)) == 2
    assert set(changes.values()) == {(SUSPENDED, VALID)}


def test_cancellation_cancels_only_the_subjects_decided_so(case_in, actors_a):
    head, spouse, child = factories.household_with_members(3)
    case = case_in(CaseState.AWAITING_INQUIRIES, subjects=[head, spouse, child])
    prepare(case, Step.SUBMIT_TO_PROVINCE, actors_a)  # replies in, every subject "cancel"
    services.subject_decide(case=case, by=actors_a.expert, person=child, decision="keep")
    services.household_change_head(
        case=case, by=actors_a.expert, household=head.household, new_head=child
    )
    services.case_take_step(case=case, by=actors_a.expert, step=Step.SUBMIT_TO_PROVINCE)
    case = walk(
        case,
        [Step.APPROVE_IN_PROVINCE, Step.CONFIRM_NATIONALLY, Step.CANCEL_CARD],
        actors_a,
    )
    statuses = documents_of(case)
    assert statuses[head.pk] == [DocumentStatus.CANCELLED]
    assert statuses[spouse.pk] == [DocumentStatus.CANCELLED]
    assert statuses[child.pk] == [DocumentStatus.VALID]
    event = case.events.get(action=Step.CANCEL_CARD)
    assert document_changes(event) == {
        f"document:{head.documents.get().pk}": (SUSPENDED, CANCELLED),
        f"document:{spouse.documents.get().pk}": (SUSPENDED, CANCELLED),
        f"document:{child.documents.get().pk}": (SUSPENDED, VALID),
    }
    assert case.subjects.get(person=child).decision == SubjectDecision.KEEP


def test_a_document_stays_suspended_while_another_open_case_names_its_holder(case_in, actors_a):
    people = factories.household_with_members(2)
    first = case_in(CaseState.RECEIVED, subjects=people)
    second = services.case_open(
        by=actors_a.expert,
        source_type=SourceType.AGENCY_REPORT,
        source_reference="R-2",
        source_date=factories.days_ago(1),
        subjects=people[:1],
        confirmed_open_cases=True,  # a second case on a person: opened once confirmed
    )
    withdraw(first, actors_a.supervisor, "تکراری است.")
    assert people[0].documents.get().status == DocumentStatus.SUSPENDED  # still on `second`
    assert people[1].documents.get().status == DocumentStatus.VALID
    withdraw(second, actors_a.supervisor, "منتفی شد.")
    assert people[0].documents.get().status == DocumentStatus.VALID


def test_a_cancelled_card_stays_cancelled_to_the_end_of_the_case(case_in):
    case = case_in(CaseState.EXPELLED)
    for document in [s.person.documents.get() for s in case.subjects.all()]:
        assert document.status == DocumentStatus.CANCELLED
    # The steps after cancellation leave the documents alone.
    for action in [Step.ORDER_EXPULSION, Step.RECORD_EXPULSION]:
        assert document_changes(case.events.get(action=action)) == {}


def test_no_new_case_names_a_person_whose_documents_are_all_cancelled(case_in, actors_a):
    case = case_in(CaseState.CARD_CANCELLED)
    person = case.subjects.first().person
    cases = Case.objects.count()
    with pytest.raises(CaseActionRefused) as refusal:
        services.case_open(
            by=actors_a.expert,
            source_type=SourceType.JUDICIAL_RULING,
            source_reference="R-9",
            source_date=factories.days_ago(1),
            subjects=[person],
        )
    assert refusal.value.message_dict["subjects"] == [
        f"{person.full_name} مدارکش پیش‌تر باطل شده است."
    ]
    assert Case.objects.count() == cases
    assert person.documents.get().status == DocumentStatus.CANCELLED


def test_the_same_source_sent_twice_opens_one_case(actors_a, offences):
    head, child = factories.household_with_members(2)
    opening = {
        "by": actors_a.expert,
        "source_type": SourceType.AGENCY_REPORT,
        "source_reference": "POL/55/1405",
        "source_date": factories.days_ago(1),
        "subjects": [head, child],
    }
    first = services.case_open(**opening)
    with pytest.raises(CaseActionRefused) as refusal:
        services.case_open(**opening)
    assert f"با همین منشأ در پرونده {first.number} ثبت شده است" in " ".join(
        refusal.value.message_dict["subjects"]
    )
    assert Case.objects.filter(source_reference="POL/55/1405").count() == 1


def test_a_kept_member_is_restored_when_the_other_case_ends_after_this_one_settled(
    case_in, actors_a
):
    head, child = factories.household_with_members(2)
    other = services.case_open(
        by=actors_a.expert,
        source_type=SourceType.AGENCY_REPORT,
        source_reference="R-other",
        source_date=factories.days_ago(1),
        subjects=[child],
    )
    case = case_in(CaseState.AWAITING_INQUIRIES, subjects=[head, child])
    prepare(case, Step.SUBMIT_TO_PROVINCE, actors_a)
    services.subject_decide(case=case, by=actors_a.expert, person=child, decision="keep")
    services.household_change_head(
        case=case, by=actors_a.expert, household=head.household, new_head=child
    )
    services.case_take_step(case=case, by=actors_a.expert, step=Step.SUBMIT_TO_PROVINCE)
    walk(
        case,
        [
            Step.APPROVE_IN_PROVINCE,
            Step.CONFIRM_NATIONALLY,
            Step.CANCEL_CARD,
            Step.ORDER_EXPULSION,
        ],
        actors_a,
        settle=najva_settle,
    )
    assert child.documents.get().status == DocumentStatus.SUSPENDED  # `other` still deciding

    withdraw(other, actors_a.supervisor, "منتفی شد.")
    assert child.documents.get().status == DocumentStatus.VALID
    assert head.documents.get().status == DocumentStatus.CANCELLED
