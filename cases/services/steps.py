"""Moving a case: ``case_take_step`` is the one path, and it checks all the rule book says."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from audit import services as audit
from audit.models import Event
from cases import rules
from cases.choices import (
    CLOSED_STATES,
    CLOSED_WITHOUT_CANCELLATION,
    DECIDING_STATES,
    CaseState,
    Step,
    SubjectDecision,
)
from cases.models import Case, CaseSubject
from cases.services.common import (
    CaseActionRefused,
    CaseStateConflict,
    lock,
    queue_notice,
    record,
    require,
)
from cases.signals import step_taken
from cases.steps import STEPS
from people import services as people
from people.models import DocumentStatus, IdentityDocument
from revocation import clock


def transition_for(case: Case, step: Step):
    """The django-fsm Transition of ``step`` from the case's present state, or None."""
    return getattr(Case, Step(step).value)._django_fsm.get_transition(case.state)


def _person_held_elsewhere(person_id: int, case: Case) -> bool:
    """Whether another case still deciding names this person (their documents stay suspended)."""
    return (
        CaseSubject.objects.filter(person_id=person_id, case__state__in=DECIDING_STATES)
        .exclude(case=case)
        .exists()
    )


def _settle_documents(case: Case) -> tuple[list[dict], list[IdentityDocument]]:
    """Apply the end of a case to its subjects' documents; returns what changed, for the event,
    and the documents cancelled.

    Closing without cancellation restores suspended documents; cancellation cancels the documents
    of the subjects decided ``cancel`` and restores the others. A document stays suspended while
    another open case names its holder.
    """
    if case.state not in CLOSED_WITHOUT_CANCELLATION and case.state != CaseState.AWAITING_NAJVA:
        return [], []
    changes, cancelled = [], []
    subjects = list(case.subjects.select_related("person"))
    # A case opening on the same person at this moment waits: it then sees this case closed.
    people.lock_persons([s.person_id for s in subjects])
    for subject in subjects:
        cancel = (
            case.state == CaseState.AWAITING_NAJVA and subject.decision == SubjectDecision.CANCEL
        )
        held = not cancel and _person_held_elsewhere(subject.person_id, case)
        documents = IdentityDocument.objects.select_for_update().filter(person=subject.person)
        for document in documents.select_related("document_type"):
            before = document.get_status_display()
            if cancel and document.status != DocumentStatus.CANCELLED:
                document.cancel()
                cancelled.append(document)
            elif not cancel and not held and document.status == DocumentStatus.SUSPENDED:
                document.restore()
            else:
                continue
            document.save()
            changes.append(
                audit.change(
                    f"{document.document_type} {document.number} ({subject.person.full_name})",
                    before,
                    document.get_status_display(),
                    field=f"document:{document.pk}",
                )
            )
    return changes, cancelled


def _refusal(failed) -> CaseActionRefused:
    """The failed conditions as one refusal, each on the input it is about where it names one."""
    by_field: dict[str, list[str]] = {}
    for condition in failed:
        by_field.setdefault(getattr(condition, "field", None) or "__all__", []).append(
            condition.description
        )
    return CaseActionRefused(by_field)


@transaction.atomic
def case_take_step(
    *, case: Case, by, step: Step, reason: str = "", decided_in: str = "", **inputs
) -> Case:
    """Take ``step`` on the case: the one path by which a case changes state.

    ``inputs`` are the case fields the step records (``STEPS[step].inputs``); ``reason`` is kept
    on the case and in the event; ``decided_in`` names where a body decided it (a working-group
    session) and is kept in the event: the steps the rule book marks ``in_session`` are refused
    without it (``PermissionDenied``). Raises
    ``PermissionDenied`` when the user's role may not take the step on this case,
    ``CaseStateConflict`` when the step does not apply in the case's present
    state (someone moved it first), and ``CaseActionRefused`` (the failed rules, in Persian) when
    the case or the input is not ready. In every refusal nothing is saved and no event is written.
    """
    step = Step(step)
    rule = STEPS[step]
    if rule.automatic:
        # The system's step: taken with ``by=None`` by the service that saw its conditions met.
        if by is not None:
            raise PermissionDenied("این مرحله را سامانه ثبت می‌کند، نه کاربر.")
        case = Case.objects.select_for_update().get(pk=case.pk)
    else:
        case = lock(case, by)
        # Permission first: a role that may never take this step is refused (403) whatever the
        # state; a role that may, finding the case elsewhere, is told who moved it (409).
        require(case, by, rule.capability)
    transition = transition_for(case, step)
    if transition is None:
        raise CaseStateConflict(case, rule.label)
    if rule.elsewhere and not decided_in.strip():
        # A working group's decision is taken where its votes and quorum are (a session), an
        # expulsion where its order and each person's exit are recorded (enforcement): that
        # record names itself here, and no other caller may take the step (no side door).
        raise PermissionDenied(rule.elsewhere_refusal)
    unexpected = set(inputs) - set(rule.inputs)
    if unexpected:  # a programming error: a step records only its own fields
        raise TypeError(f"{step} does not record {sorted(unexpected)}")
    # The reason too: a step that clears the last return's reason shows it cleared.
    watched = [*rule.inputs, "reason"]
    before = audit.snapshot(case, watched)
    for field, value in inputs.items():
        setattr(case, field, value.strip() if isinstance(value, str) else value)
    if rule.needs_reason:
        case.reason = (reason or "").strip()
    failed = [condition for condition in transition.conditions if not condition(case)]
    if failed:
        raise _refusal(failed)
    from_state = case.state
    getattr(case, step.value)()
    now = clock.now()
    case.state_entered_at = now
    if case.state in CLOSED_STATES:
        case.closed_at = now
    case.save()
    changes = [
        item
        for item in audit.diff(before, audit.snapshot(case, watched))
        # A reason given with the step is the event's own reason, shown once.
        if not (rule.needs_reason and item["field"] == "reason")
    ]
    if decided_in:
        changes.insert(0, audit.change("مرجع تصمیم", "", decided_in, field="decided_in"))
    settled, cancelled_documents = _settle_documents(case)
    changes += settled
    event = record(
        case=case,
        by=by,
        kind=Event.Kind.STEP,
        action=step.value,
        label=rule.label,
        from_state=from_state,
        from_state_label=CaseState(from_state).label,
        to_state=case.state,
        to_state_label=CaseState(case.state).label,
        reason=case.reason if rule.needs_reason else "",
        changes=changes,
    )
    queue_notice(event)
    # The apps above hear of it inside this transaction (najva writes its outbox rows here).
    answers = step_taken.send(
        sender=Case,
        case=case,
        step=step,
        by=by,
        event=event,
        cancelled_documents=cancelled_documents,
    )
    if any(moved for _, moved in answers):
        case.refresh_from_db()  # a receiver took the case further (cases.signals)
    return case


@transaction.atomic
def subject_record_registration(*, case: Case, subject: CaseSubject, by, changes: list[dict]):
    """Record that every document the case cancelled for ``subject`` is registered in Najva.

    Called by the najva app (``by`` None when its worker delivered the last registration, or the
    operator who recorded one made by other means), with the registrations as event changes. When
    every subject to cancel is registered, the system takes the step to «کارت باطل و در نجوا ثبت
    شد» in the same transaction.
    """
    case = Case.objects.select_for_update().get(pk=case.pk)
    subject = CaseSubject.objects.select_for_update().select_related("person").get(pk=subject.pk)
    if subject.case_id != case.pk or subject.decision != SubjectDecision.CANCEL:
        raise ValueError("only a subject whose documents this case cancels is registered")
    if subject.najva_registered_at is not None:
        return case
    subject.najva_registered_at = clock.now()
    subject.save(update_fields=["najva_registered_at"])
    record(
        case=case,
        by=by,
        kind=Event.Kind.CHANGE,
        action="najva_registration",
        label=f"ثبت ابطال مدارک {subject.person.full_name} در نجوا",
        changes=changes,
    )
    if case.state == CaseState.AWAITING_NAJVA and rules.cancellations_registered(case):
        case = case_take_step(case=case, by=None, step=Step.NAJVA_REGISTERED)
    return case


@transaction.atomic
def subject_record_departure(
    *, case: Case, subject: CaseSubject, on, by, label: str, changes: list[dict]
) -> CaseSubject:
    """Record the day a person whose documents the case cancelled left the country.

    Called by the enforcement app, which keeps how they left (expelled, gone on their own, gone
    before the case), through which border and on what proof, and gives them as the event's
    ``changes``; it then takes the step that closes the case when every such person has left.
    """
    case = Case.objects.select_for_update().get(pk=case.pk)
    subject = CaseSubject.objects.select_for_update().select_related("person").get(pk=subject.pk)
    if subject.case_id != case.pk or subject.decision != SubjectDecision.CANCEL:
        raise ValueError("only a subject whose documents this case cancelled leaves on it")
    if subject.departed_on is not None:
        raise ValueError("the subject's exit is already recorded")
    subject.departed_on = on
    subject.save(update_fields=["departed_on"])
    record(
        case=case, by=by, kind=Event.Kind.CHANGE, action="departure", label=label, changes=changes
    )
    return subject
