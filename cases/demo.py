"""Walking a case along the steps of the work through the services, with plausible inputs.

Used by ``manage.py seed_demo`` and by the tests, so that demo cases and test cases reach a state
the same way a user would: every step through ``cases.services``, every event real.
"""

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
from revocation import clock


def _minimal_pdf() -> bytes:
    """A one-page blank PDF with a correct cross-reference table: enough to stand in for a scanned
    letter, and whole enough for the upload checks (revocation.uploads parses it with pypdf)."""
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj" % number + body + b"endobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out


DEMO_PDF = _minimal_pdf()

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
    # a ``settle`` that delivers them (najva.demo.settle) gets there.
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

# Where the walked cases' working-group decisions say they were taken (committees holds real
# sessions; the demo data has one, for Tehran).
DEMO_SESSION = "داده نمونه: تصمیم بدون جلسه ثبت‌شده در سامانه"

ACTOR_OF = {
    "review_case": "expert",
    "decide_in_province": "secretary",
    "decide_nationally": "national",
    "register_in_najva": "registry",
    "supervise_case": "supervisor",
    "record_expulsion": "enforcement",
}


def take(case: Case, step: Step, actors: Actors, elsewhere=None) -> Case:
    """Take one step through the one service, as its role, with the inputs a user would type.

    A step recorded by an app above (an expulsion order, each person's exit) is taken by
    ``elsewhere(case, step, actors) -> case``, which that app's demo module gives
    (enforcement.demo.take): this app knows nothing of it."""
    rule = STEPS[Step(step)]
    if rule.recorded_in:
        if elsewhere is None:
            raise ValueError(f"{step} is recorded by another app: pass walk(elsewhere=...)")
        return elsewhere(case, step, actors)
    extra = {"reason": REASONS[step]} if rule.needs_reason else {}
    if rule.in_session:
        # Demo and test cases skip the session; their trail says so.
        extra["decided_in"] = DEMO_SESSION
    return services.case_take_step(
        case=case,
        by=getattr(actors, ACTOR_OF[rule.capability]),
        step=step,
        **inputs_for(case, step),
        **extra,
    )


def walk(case: Case, steps: list[Step], actors: Actors, settle=None, elsewhere=None) -> Case:
    """Prepare and take each step in turn; returns the case as saved after the last one.

    ``settle(case) -> case``, where given, runs after each step: what outside systems do in
    between (the apps above pass the delivery of the Najva outbox). ``elsewhere`` takes the steps
    an app above records (see ``take``).
    """
    for step in steps:
        prepare(case, step, actors)
        case = take(case, step, actors, elsewhere)
        if settle is not None:
            case = settle(case)
    return case
