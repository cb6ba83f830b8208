"""Identity documents: one number whatever digits it was typed in; suspended while a case is open,
restored when it closes without cancellation, cancelled for good after national confirmation."""

import pytest
from django.db import IntegrityError, transaction
from django_fsm import TransitionNotAllowed

from cases import services
from cases.demo import attach_required_evidence, prepare, walk
from cases.models import CaseState, DocumentStatus, DocumentType, IdentityDocument, SubjectDecision
from cases.tests import factories

pytestmark = pytest.mark.django_db


def test_an_identity_number_in_three_scripts_is_one_number():
    amayesh = DocumentType.objects.get(code="amayesh")
    first = factories.IdentityDocumentFactory(number="۱۲۳۴۵۶۷۸۹۰", document_type=amayesh)
    first.refresh_from_db()
    assert first.number == "1234567890"

    for typed in ["١٢٣٤٥٦٧٨٩٠", "1234567890", " 123-456-7890 "]:
        with pytest.raises(IntegrityError), transaction.atomic():
            factories.IdentityDocumentFactory(number=typed, document_type=amayesh)
    assert IdentityDocument.objects.filter(document_type=amayesh).count() == 1

    # The same number is another document under another type.
    permit = DocumentType.objects.get(code="travel_permit_90")
    factories.IdentityDocumentFactory(number="١٢٣٤٥٦٧٨٩٠", document_type=permit)
    assert IdentityDocument.objects.filter(number="1234567890").count() == 2


def documents_of(case):
    return {
        subject.person_id: list(subject.person.documents.values_list("status", flat=True))
        for subject in case.subjects.select_related("person")
    }


def test_opening_a_case_suspends_the_subjects_documents(case_in):
    case = case_in(CaseState.RECEIVED)
    assert all(statuses == [DocumentStatus.SUSPENDED] for statuses in documents_of(case).values())
    opened = case.events.get(action="case_open")
    assert sorted(k for k in opened.changes if k.startswith("document:")) == sorted(
        f"document:{d.pk}" for s in case.subjects.all() for d in s.person.documents.all()
    )


@pytest.mark.parametrize(
    "state",
    [CaseState.REJECTED_BY_PROVINCE, CaseState.REFUSED_NATIONALLY, CaseState.WITHDRAWN],
)
def test_closing_without_cancellation_restores_the_documents(state, case_in):
    case = case_in(state)
    assert case.closed_at is not None
    assert all(statuses == [DocumentStatus.VALID] for statuses in documents_of(case).values())
    closing = case.events.order_by("pk").last()
    assert [DocumentStatus.SUSPENDED, DocumentStatus.VALID] in closing.changes.values()


def test_cancellation_cancels_only_the_subjects_decided_so(case_in, actors_a):
    head, spouse, child = factories.household_with_members(3)
    case = case_in(CaseState.AWAITING_INQUIRIES, subjects=[head, spouse, child])
    prepare(case, "submit_to_province", actors_a)  # replies in, every subject "cancel"
    services.subject_decide(case=case, by=actors_a.expert, person=child, decision="keep")
    services.household_change_head(
        case=case, by=actors_a.expert, household=head.household, new_head=child
    )
    services.case_submit_to_province(case=case, by=actors_a.expert)
    case = walk(case, ["approve_in_province", "confirm_nationally", "cancel_card"], actors_a)
    statuses = documents_of(case)
    assert statuses[head.pk] == [DocumentStatus.CANCELLED]
    assert statuses[spouse.pk] == [DocumentStatus.CANCELLED]
    assert statuses[child.pk] == [DocumentStatus.VALID]
    event = case.events.get(action="cancel_card")
    assert event.changes[f"document:{head.documents.get().pk}"] == [
        DocumentStatus.SUSPENDED,
        DocumentStatus.CANCELLED,
    ]
    assert case.subjects.get(person=child).decision == SubjectDecision.KEEP


def test_a_document_stays_suspended_while_another_open_case_names_its_holder(case_in, actors_a):
    people = factories.household_with_members(2)
    first = case_in(CaseState.RECEIVED, subjects=people)
    second = services.case_open(
        by=actors_a.expert,
        source_type="agency_report",
        source_reference="R-2",
        source_date=factories.days_ago(1),
        subjects=people[:1],
    )
    services.case_withdraw(case=first, by=actors_a.supervisor, reason="تکراری است.")
    assert people[0].documents.get().status == DocumentStatus.SUSPENDED  # still on `second`
    assert people[1].documents.get().status == DocumentStatus.VALID
    services.case_withdraw(case=second, by=actors_a.supervisor, reason="منتفی شد.")
    assert people[0].documents.get().status == DocumentStatus.VALID


def test_a_cancelled_document_never_becomes_valid_again(case_in):
    case = case_in(CaseState.CARD_CANCELLED)
    document = case.subjects.first().person.documents.get()
    assert document.status == DocumentStatus.CANCELLED
    with pytest.raises(TransitionNotAllowed):
        document.restore()
    with pytest.raises(TransitionNotAllowed):
        document.suspend()
    with pytest.raises(AttributeError):  # the status field is protected
        document.status = DocumentStatus.VALID
    document.refresh_from_db()
    assert document.status == DocumentStatus.CANCELLED


def test_a_new_case_does_not_touch_a_cancelled_document(case_in, actors_a):
    case = case_in(CaseState.CARD_CANCELLED)
    person = case.subjects.first().person
    again = services.case_open(
        by=actors_a.expert,
        source_type="judicial_ruling",
        source_reference="R-9",
        source_date=factories.days_ago(1),
        subjects=[person],
    )
    attach_required_evidence(again, actors_a.expert)
    assert person.documents.get().status == DocumentStatus.CANCELLED
    services.case_withdraw(case=again, by=actors_a.supervisor, reason="تکراری.")
    assert person.documents.get().status == DocumentStatus.CANCELLED


def test_a_kept_member_is_restored_when_the_other_case_ends_after_this_one_settled(
    case_in, actors_a
):
    head, child = factories.household_with_members(2)
    other = services.case_open(
        by=actors_a.expert,
        source_type="agency_report",
        source_reference="R-other",
        source_date=factories.days_ago(1),
        subjects=[child],
    )
    case = case_in(CaseState.AWAITING_INQUIRIES, subjects=[head, child])
    prepare(case, "submit_to_province", actors_a)
    services.subject_decide(case=case, by=actors_a.expert, person=child, decision="keep")
    services.household_change_head(
        case=case, by=actors_a.expert, household=head.household, new_head=child
    )
    services.case_submit_to_province(case=case, by=actors_a.expert)
    walk(
        case,
        ["approve_in_province", "confirm_nationally", "cancel_card", "order_expulsion"],
        actors_a,
    )
    assert child.documents.get().status == DocumentStatus.SUSPENDED  # `other` still deciding

    services.case_withdraw(case=other, by=actors_a.supervisor, reason="منتفی شد.")
    assert child.documents.get().status == DocumentStatus.VALID
    assert head.documents.get().status == DocumentStatus.CANCELLED
