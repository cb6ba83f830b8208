"""The engine: ``case_take_step`` is the one path by which a case changes state.

It locks the case, checks the role, the state, the proof (through the verifier its kind has in
``cases.workflow.registry``) and the rule book's conditions, moves the case, records one event
naming the proof, and runs the effects the apps above registered, in their declared order. The
per-subject records that lead to a step are their apps' (a Najva registration, a person's exit:
najva and enforcement, under the case's lock and the checks of their own work); the system's own
step that may follow one is taken here (``follow``).
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from accounts import permissions
from accounts.roles import Capability
from audit import services as audit
from cases.choices import CaseState, Step, SubjectDecision
from cases.models import Case, CaseSubject
from cases.states import CLOSED_STATES, CLOSED_WITHOUT_CANCELLATION, DECIDING_STATES
from cases.steps import STEPS, rules_from
from cases.trail import CaseEvent
from cases.workflow import registry
from cases.workflow.errors import CaseActionRefused, CaseStateConflict, ProofRefused
from cases.workflow.proofs import ProofKind
from people import services as people
from people.models import DocumentStatus, IdentityDocument
from shared import clock
from shared.text import checked_text


def lock(case: Case, by) -> Case:
    """The case re-read under a row lock, through the user's scope (DoesNotExist outside it)."""
    return Case.objects.for_user(by).select_for_update().get(pk=case.pk)


def require(case: Case, by, capability: Capability) -> None:
    if not permissions.may(by, capability, case):
        raise PermissionDenied("شما اجازه این اقدام را در این پرونده ندارید.")


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


def verify_proof(case: Case, step: Step, proof) -> str:
    """The proof as the step's event names it, or the refusal. A step that needs none takes none;
    one that needs one is refused without it as a side door (``PermissionDenied``), and with a
    record that does not prove it (``ProofRefused``)."""
    rule = STEPS[step]
    if rule.proof == ProofKind.NONE:
        if proof is not None:
            raise ProofRefused(f"«{rule.label}» با سندی از جای دیگر برداشته نمی‌شود.")
        return ""
    if proof is None:
        # A working group's decision is taken where its votes and quorum are (a session), an
        # expulsion where its order and each person's exit are recorded (enforcement).
        raise PermissionDenied(rule.elsewhere_refusal)
    verifier = registry.verifiers[rule.proof]  # the start-up check makes sure there is one
    if not isinstance(proof, verifier.model):
        raise ProofRefused(f"سند «{rule.label}» باید {rule.proof.label} باشد.")
    return verifier.verify(case=case, step=step, proof=proof)


@transaction.atomic
def case_take_step(*, case: Case, by, step: Step, proof=None, reason: str = "", **inputs) -> Case:
    """Take ``step`` on the case: the one path by which a case changes state.

    ``proof`` is the record that decided the step where the rule book names one (``STEPS[step].
    proof``: an agenda item of a closed session, an expulsion order, an exit record), checked by
    the verifier its app registered and named in the event. ``inputs`` are the case fields the
    step records (``STEPS[step].inputs``); ``reason`` is kept on the case and in the event.

    Raises ``PermissionDenied`` when the user's role may not take the step on this case, or the
    step needs a proof and none is given; ``CaseStateConflict`` when the step does not apply in
    the case's present state (someone moved it first); ``ProofRefused`` when the proof does not
    prove this step of this case; and ``CaseActionRefused`` (the failed rules, in Persian) when
    the case or the input is not ready. In every refusal nothing is saved and no event is written.
    """
    step = Step(step)
    rule = STEPS[step]
    if rule.automatic:
        # The system's step: taken with ``by=None`` when its conditions are met (``follow``).
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
    proven_by = verify_proof(case, step, proof)
    unexpected = set(inputs) - set(rule.inputs)
    if unexpected:  # a programming error: a step records only its own fields
        raise TypeError(f"{step} does not record {sorted(unexpected)}")
    # The reason too: a step that clears the last return's reason shows it cleared.
    watched = [*rule.inputs, "reason"]
    before = audit.snapshot(case, watched)
    for name, value in inputs.items():
        setattr(case, name, value.strip() if isinstance(value, str) else value)
    if rule.needs_reason:
        case.reason = checked_text(reason, refuse=CaseActionRefused)
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
    if proven_by:
        # The label users have read on the trail since the first sessions: what decided it.
        changes.insert(0, audit.change("مرجع تصمیم", "", proven_by, field="proof"))
    settled, cancelled_documents = _settle_documents(case)
    changes += settled
    event = audit.record(
        case=case,
        by=by,
        kind=CaseEvent.STEP,
        action=step.value,
        label=rule.label,
        from_state=from_state,
        from_state_label=CaseState(from_state).label,
        to_state=case.state,
        to_state_label=CaseState(case.state).label,
        reason=case.reason if rule.needs_reason else "",
        changes=changes,
    )
    taken = registry.StepTaken(
        case=case,
        step=step,
        by=by,
        event=event,
        proof=proof,
        cancelled_documents=cancelled_documents,
    )
    for effect in registry.effects_of(step):
        if effect.on_commit:
            transaction.on_commit(lambda effect=effect: effect.run(taken))
        else:
            effect.run(taken)
    return follow(case)


def follow(case: Case) -> Case:
    """The case as it is after a step or a record, taken on by the system's own step where the
    rule book has one from its state and its conditions hold (the last Najva registration, which
    the najva app records on the case and then calls this, under the case's lock)."""
    if not any(rule.automatic for rule in rules_from(case.state)):
        return case
    # An effect may have moved it already (through this engine): read it again, under the lock
    # the transaction holds.
    case.refresh_from_db()
    for rule in rules_from(case.state):
        if rule.automatic and all(condition(case) for condition in rule.conditions):
            return case_take_step(case=case, by=None, step=rule.step)
    return case
