"""Proofs for the tests that take a step through the engine directly (its rules, its refusals):
the records a session or step 7 would leave, made in the database as they would stand, without
taking the step (closing a real session takes it: ``revocation.demo.committees.decide`` is the
whole path, and the ``case_in`` fixture walks it).

``proof_for(case, step)`` is a record that proves ``step`` of ``case``; the keyword arguments
make one that must not (another province, an open session, no quorum, another case...).
"""

import datetime
import itertools

from cases.choices import EvidenceType, Step, SubjectDecision
from cases.models import Case, Evidence
from cases.steps import STEPS
from cases.workflow.proofs import ProofKind
from committees.models import AgendaItem, Outcome, Session, Vote
from enforcement.models import ExpulsionOrder, OrderedPerson, PriorDeparture
from enforcement.models import Outcome as ExitOutcome
from reference.models import BorderPoint, OffenceType
from revocation.demo.committees import OUTCOME_OF, group_with_members
from shared import clock

_serial = itertools.count(1)


def resolution(
    case: Case,
    step: Step,
    *,
    province=None,
    national: bool | None = None,
    closed: bool = True,
    quorum: bool = True,
    outcome=None,
    of_case: Case | None = None,
) -> AgendaItem:
    """An agenda item deciding ``step`` (its outcome) on ``case`` in a session of its group."""
    if national is None:
        national = STEPS[step].proof == ProofKind.NATIONAL_LETTER
    group = group_with_members(None if national else (province or case.province))
    n = next(_serial)
    session = Session.objects.create(
        group=group,
        number=f"آزمون/{n}",
        held_on=clock.today(),
        place="سالن آزمون",
        state=Session.State.CLOSED if closed else Session.State.OPEN,
        letter_number=f"ک‌د/{n}" if national else "",
        created_by=case.opened_by,
        closed_by=case.opened_by if closed else None,
        closed_at=clock.now() if closed else None,
    )
    members = list(group.members.filter(active=True))
    present = members if quorum else members[:1]
    if present:
        session.present.set(present)
    outcome = outcome or OUTCOME_OF.get(step, Outcome.APPROVE)
    item = AgendaItem.objects.create(
        session=session,
        case=of_case or case,
        position=1,
        outcome=outcome,
        reason="دلیل آزمون" if outcome != Outcome.APPROVE else "",
        resolution_number="" if national else f"آزمون/{n}",
        offence_type=(
            OffenceType.objects.in_force(Case.year_of(clock.now())).order_by("code").first()
            if outcome == Outcome.APPROVE
            else None
        ),
        recorded_by=case.opened_by,
        recorded_at=clock.now(),
    )
    if not national:
        choice = Vote.Choice.FOR if outcome == Outcome.APPROVE else Vote.Choice.AGAINST
        Vote.objects.bulk_create(Vote(item=item, member=m, choice=choice) for m in present)
    return item


def order(case: Case, *, of_case: Case | None = None) -> ExpulsionOrder:
    """An expulsion order of ``case`` (its first), for every person whose documents it cancelled."""
    case = of_case or case
    today = clock.today()
    made = ExpulsionOrder.objects.create(
        case=case,
        number=f"E-T-{next(_serial):05d}",
        issued_on=today,
        border_point=BorderPoint.objects.filter(is_active=True).first(),
        leave_by=today + datetime.timedelta(days=30),
        reentry_ban_years=5,
        issued_by=case.opened_by,
        content_sha256="0" * 64,
        file="orders/test.pdf",
        sha256="0" * 64,
    )
    return made


def exit_record(case: Case, *, of_case: Case | None = None, outcome=ExitOutcome.EXPELLED):
    """The recorded exit of the first person on an order of ``case`` (on its order, where the
    case has one)."""
    case = of_case or case
    entry = OrderedPerson.objects.filter(order__case=case).order_by("pk").first()
    if entry is None:
        made = order(case)
        subject = case.subjects.filter(decision=SubjectDecision.CANCEL).order_by("pk").first()
        entry = OrderedPerson.objects.create(order=made, subject=subject)
    entry.outcome, entry.outcome_on = outcome, clock.today()
    entry.save(update_fields=["outcome", "outcome_on"])
    return entry


def exit_report(case: Case, *, of_case: Case | None = None):
    """The case's report of an illegal exit, each person's earlier exit recorded on it."""
    case = of_case or case
    report = case.evidence.filter(evidence_type=EvidenceType.EXIT_PROOF).first()
    if report is None:  # a case of another source: a report as the expert would have attached
        report = Evidence.objects.create(
            case=case,
            evidence_type=EvidenceType.EXIT_PROOF,
            file="evidence/test.pdf",
            original_name="report.pdf",
            sha256="0" * 64,
            size=1,
            content_type="application/pdf",
            uploaded_by=case.opened_by,
        )
    for subject in case.subjects.filter(decision=SubjectDecision.CANCEL):
        if not hasattr(subject, "prior_departure"):
            PriorDeparture.objects.create(
                subject=subject,
                exited_on=case.source_date,
                report=report,
                recorded_by=case.opened_by,
            )
    return report


MAKERS = {
    ProofKind.PROVINCIAL_RESOLUTION: resolution,
    ProofKind.NATIONAL_LETTER: resolution,
    ProofKind.EXPULSION_ORDER: lambda case, step, **kw: order(case, **kw),
    ProofKind.EXIT_RECORD: lambda case, step, **kw: exit_record(case, **kw),
    ProofKind.PRIOR_EXIT_REPORT: lambda case, step, **kw: exit_report(case, **kw),
}


def proof_for(case: Case, step: Step, **wrong):
    """``{"proof": record}`` proving ``step`` of ``case`` ({} for a step that needs none)."""
    kind = STEPS[Step(step)].proof
    if kind == ProofKind.NONE:
        return {}
    return {"proof": MAKERS[kind](case, Step(step), **wrong)}
