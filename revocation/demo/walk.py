"""Walking a case along the steps of the work through the services, with plausible inputs.

Used by ``manage.py seed_demo`` and by the tests, so that demo cases and test cases reach a state
the same way a user would: every step through ``cases.services``, a working group's decision in a
real session (``revocation.demo.committees``), step 7 through its order and exits
(``revocation.demo.enforcement``), every event real.
"""

import contextlib
import datetime
from dataclasses import dataclass

from django.core.files.base import ContentFile

from cases import services
from cases.choices import (
    REQUIRED_EVIDENCE,
    Agency,
    CaseState,
    InquiryOutcome,
    SourceType,
    Step,
    SubjectDecision,
)
from cases.models import Case
from cases.rules import missing_evidence_types
from cases.steps import STEPS
from reference.models import OffenceType
from shared import clock


def pdf(*objects: bytes, root_extra: bytes = b"", pages: bool = True) -> bytes:
    """A PDF with a correct cross-reference table: a catalog (with ``root_extra``), one blank page
    unless ``pages`` is False, then ``objects`` numbered from 4 (or 2 without pages). Blank, it
    stands in for a scanned letter and is whole enough for the upload checks (shared.uploads
    parses it with pypdf); the upload tests build their hostile PDFs with it too."""
    if pages:
        body = [
            b"<</Type/Catalog/Pages 2 0 R" + root_extra + b">>",
            b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
            b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>",
        ]
    else:
        body = [b"<</Type/Catalog" + root_extra + b">>"]
    body += list(objects)
    out, offsets = b"%PDF-1.4\n", []
    for number, content in enumerate(body, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj" % number + content + b"endobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(body) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(body) + 1, xref)
    return out


DEMO_PDF = pdf()

MAIN_PATH = [
    Step.START_REVIEW,
    Step.SEND_INQUIRIES,
    Step.SUBMIT_TO_PROVINCE,
    Step.APPROVE_IN_PROVINCE,
    Step.CONFIRM_NATIONALLY,
    Step.CANCEL_CARD,
    Step.ORDER_EXPULSION,
    Step.RECORD_EXPULSION,
]


def _upto(step):
    return MAIN_PATH[: MAIN_PATH.index(step) + 1]


# The steps that lead from "received" to each state.
STEPS_TO = {
    CaseState.RECEIVED: [],
    CaseState.EXPERT_REVIEW: _upto(Step.START_REVIEW),
    CaseState.AWAITING_INQUIRIES: _upto(Step.SEND_INQUIRIES),
    CaseState.READY_FOR_PROVINCE: _upto(Step.SUBMIT_TO_PROVINCE),
    CaseState.RETURNED: [*_upto(Step.SUBMIT_TO_PROVINCE), Step.RETURN_FOR_INFORMATION],
    CaseState.APPROVED_BY_PROVINCE: _upto(Step.APPROVE_IN_PROVINCE),
    CaseState.REJECTED_BY_PROVINCE: [*_upto(Step.SUBMIT_TO_PROVINCE), Step.REJECT_IN_PROVINCE],
    CaseState.CONFIRMED_NATIONALLY: _upto(Step.CONFIRM_NATIONALLY),
    CaseState.REFUSED_NATIONALLY: [*_upto(Step.APPROVE_IN_PROVINCE), Step.REFUSE_NATIONALLY],
    CaseState.AWAITING_NAJVA: _upto(Step.CANCEL_CARD),
    # The system takes the card to «cancelled» once Najva has every registration: ``walk`` with
    # a ``settle`` that delivers them (revocation.demo.najva.settle) gets there.
    CaseState.CARD_CANCELLED: _upto(Step.CANCEL_CARD),
    CaseState.EXPULSION_ORDERED: _upto(Step.ORDER_EXPULSION),
    CaseState.EXPELLED: _upto(Step.RECORD_EXPULSION),
    CaseState.CLOSED_DEPARTED: [*_upto(Step.CANCEL_CARD), Step.CLOSE_AS_DEPARTED],
    CaseState.WITHDRAWN: [Step.START_REVIEW, Step.WITHDRAW],
}


def source_for(state) -> str:
    """A source type under which ``state`` can be reached (closing as departed needs an exit)."""
    if state == CaseState.CLOSED_DEPARTED:
        return SourceType.ILLEGAL_EXIT_REPORT
    return SourceType.JUDICIAL_RULING


@dataclass
class Actors:
    """Who takes each kind of step (users of the case's province, or national)."""

    expert: object
    secretary: object
    supervisor: object
    national: object
    registry: object
    enforcement: object


def attach_required_evidence(case: Case, by) -> None:
    for evidence_type in REQUIRED_EVIDENCE[case.source_type]:
        services.evidence_add(
            case=case,
            by=by,
            evidence_type=evidence_type,
            file=ContentFile(DEMO_PDF + case.number.encode(), name=f"{evidence_type}.pdf"),
            content_type="application/pdf",
        )


def prepare(case: Case, step: Step, actors: Actors) -> None:
    """Record what a step needs before it can be taken (inquiries, replies, decisions).

    Every date is the day of the step (today): a walked case happens in one day, so that its
    dates never precede its opening nor its age contradict them.
    """
    today = clock.today()
    if step == Step.SEND_INQUIRIES:
        for agency in Agency.values:
            services.inquiry_record_sent(
                case=case,
                by=actors.expert,
                agency=agency,
                letter_number=f"{agency[:3].upper()}/{case.sequence}/1405",
                sent_on=today,
                due_on=today + datetime.timedelta(days=14),
            )
    elif step == Step.SUBMIT_TO_PROVINCE:
        for agency in Agency.values:
            services.inquiry_record_reply(
                case=case,
                by=actors.expert,
                agency=agency,
                replied_on=today,
                outcome=InquiryOutcome.NO_RECORD,
                reply_document=ContentFile(DEMO_PDF, name="reply.pdf"),
            )
        if missing_evidence_types(case):
            attach_required_evidence(case, actors.expert)
        # The whole household is on the case and every member loses their documents.
        for subject in case.subjects.all():
            services.subject_decide(
                case=case, by=actors.expert, person=subject.person, decision=SubjectDecision.CANCEL
            )


# What a user types with each step that records something (STEPS[step].inputs, and a reason).
def inputs_for(case: Case, step: Step) -> dict:
    today = clock.today()
    if step in {Step.APPROVE_IN_PROVINCE, Step.REJECT_IN_PROVINCE}:
        inputs = {
            "province_resolution_number": f"ک‌ا/{case.sequence}/۱۴۰۵",
            "province_resolution_date": today,
        }
        if step == Step.APPROVE_IN_PROVINCE:
            inputs["offence_type"] = (
                OffenceType.objects.in_force(Case.year_of(clock.now())).order_by("code").first()
            )
        return inputs
    if step in {Step.CONFIRM_NATIONALLY, Step.REFUSE_NATIONALLY}:
        return {"national_letter_number": f"ک‌د/{case.sequence}/۱۴۰۵", "national_letter_date": today}
    return {}


REASONS = {
    Step.RETURN_FOR_INFORMATION: "تصویر حکم قضایی خوانا نیست؛ نسخه برابر اصل لازم است.",
    Step.REJECT_IN_PROVINCE: "گزارش با پاسخ استعلام‌ها تأیید نشد.",
    Step.REFUSE_NATIONALLY: "مستندات برای لغو پناهندگی کافی نیست.",
    Step.WITHDRAW: "متقاضی درخواست خود را مسترد کرد.",
}

ACTOR_OF = {
    "review_case": "expert",
    "decide_in_province": "secretary",
    "decide_nationally": "national",
    "register_in_najva": "registry",
    "supervise_case": "supervisor",
    "record_expulsion": "enforcement",
}


def take(case: Case, step: Step, actors: Actors) -> Case:
    """Take one step as its role would, with the inputs a user would type: a working group's
    decision in a session, step 7 through its order and exits, the others through the engine."""
    from revocation.demo import committees, enforcement

    rule = STEPS[Step(step)]
    reason = REASONS[step] if rule.needs_reason else ""
    if rule.in_session:
        return committees.decide(case, step, actors, reason=reason)
    if rule.recorded_in:
        return enforcement.take(case, step, actors)
    extra = {"reason": reason} if rule.needs_reason else {}
    return services.case_take_step(
        case=case,
        by=getattr(actors, ACTOR_OF[rule.capability]),
        step=step,
        **inputs_for(case, step),
        **extra,
    )


def walk(case: Case, steps: list[Step], actors: Actors, settle=None, days=None) -> Case:
    """Prepare and take each step in turn; returns the case as saved after the last one.

    ``settle(case) -> case``, where given, runs after each step: what outside systems do in
    between (the delivery of the Najva outbox, ``revocation.demo.najva.settle``). ``days``, where
    given, are the days the steps are taken on, one per step (``dated``): the demo's story over
    the past months; without them every step is taken now.
    """
    for index, step in enumerate(steps):
        with dated(days[index]) if days else contextlib.nullcontext():
            prepare(case, step, actors)
            case = take(case, step, actors)
            if settle is not None:
                case = settle(case)
    return case


@contextlib.contextmanager
def dated(day: datetime.date):
    """Everything in the block happens on ``day`` (at ten in Tehran): the clock pinned, which
    every date the app stamps reads, so that a demo story's rows agree on their day."""
    with clock.pinned(day) as moment:
        yield moment


def story_days(opened: datetime.date, steps: int, every: int = 9) -> list[datetime.date]:
    """The days a case opened on ``opened`` takes its steps: one every ``every`` days, never
    after today."""
    today = clock.today()
    return [min(opened + datetime.timedelta(days=every * (n + 1)), today) for n in range(steps)]
