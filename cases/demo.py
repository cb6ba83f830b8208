"""Walking a case along the steps of the work through the services, with plausible inputs.

Used by ``manage.py seed_demo`` and by the tests, so that demo cases and test cases reach a state
the same way a user would: every step through ``cases.services``, every event real.
"""

import datetime
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.utils import timezone

from cases import services
from cases.models import (
    REQUIRED_EVIDENCE,
    Agency,
    BorderPoint,
    Case,
    CaseState,
    InquiryOutcome,
    OffenceType,
    SourceType,
    SubjectDecision,
)

# A one-page PDF: enough to stand in for a scanned letter.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)

MAIN_PATH = [
    "start_review",
    "send_inquiries",
    "submit_to_province",
    "approve_in_province",
    "confirm_nationally",
    "cancel_card",
    "order_expulsion",
    "record_expulsion",
]


def _upto(step):
    return MAIN_PATH[: MAIN_PATH.index(step) + 1]


# The steps that lead from "received" to each state.
STEPS_TO = {
    CaseState.RECEIVED: [],
    CaseState.EXPERT_REVIEW: _upto("start_review"),
    CaseState.AWAITING_INQUIRIES: _upto("send_inquiries"),
    CaseState.READY_FOR_PROVINCE: _upto("submit_to_province"),
    CaseState.RETURNED: [*_upto("submit_to_province"), "return_for_information"],
    CaseState.APPROVED_BY_PROVINCE: _upto("approve_in_province"),
    CaseState.REJECTED_BY_PROVINCE: [*_upto("submit_to_province"), "reject_in_province"],
    CaseState.CONFIRMED_NATIONALLY: _upto("confirm_nationally"),
    CaseState.REFUSED_NATIONALLY: [*_upto("approve_in_province"), "refuse_nationally"],
    CaseState.CARD_CANCELLED: _upto("cancel_card"),
    CaseState.EXPULSION_ORDERED: _upto("order_expulsion"),
    CaseState.EXPELLED: _upto("record_expulsion"),
    CaseState.CLOSED_DEPARTED: [*_upto("cancel_card"), "close_as_departed"],
    CaseState.WITHDRAWN: ["start_review", "withdraw"],
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


def prepare(case: Case, step: str, actors: Actors) -> None:
    """Record what a step needs before it can be taken (inquiries, replies, decisions)."""
    sent = timezone.localdate() - datetime.timedelta(days=30)
    if step == "send_inquiries":
        for agency in Agency.values:
            services.inquiry_record_sent(
                case=case,
                by=actors.expert,
                agency=agency,
                letter_number=f"{agency[:3].upper()}/{case.sequence}/1405",
                sent_on=sent,
                due_on=sent + datetime.timedelta(days=14),
            )
    elif step == "submit_to_province":
        for agency in Agency.values:
            services.inquiry_record_reply(
                case=case,
                by=actors.expert,
                agency=agency,
                replied_on=sent + datetime.timedelta(days=10),
                outcome=InquiryOutcome.NO_RECORD,
            )
        if case.missing_evidence_types():
            attach_required_evidence(case, actors.expert)
        # The whole household is on the case and every member loses their documents.
        for subject in case.subjects.all():
            services.subject_decide(
                case=case, by=actors.expert, person=subject.person, decision=SubjectDecision.CANCEL
            )


def take(case: Case, step: str, actors: Actors) -> Case:
    """Take one step through its service, with the inputs a user would type."""
    day = timezone.localdate() - datetime.timedelta(days=10)
    if step in {"start_review", "send_inquiries", "submit_to_province", "resume_review"}:
        return services.case_transition(case=case, by=actors.expert, name=step)
    if step == "return_for_information":
        return services.case_return_for_information(
            case=case,
            by=actors.secretary,
            reason="تصویر حکم قضایی خوانا نیست؛ نسخه برابر اصل لازم است.",
        )
    if step == "approve_in_province":
        return services.case_approve_in_province(
            case=case,
            by=actors.secretary,
            resolution_number=f"ک‌ا/{case.sequence}/۱۴۰۵",
            resolution_date=day,
        )
    if step == "reject_in_province":
        return services.case_reject_in_province(
            case=case,
            by=actors.secretary,
            resolution_number=f"ک‌ا/{case.sequence}/۱۴۰۵",
            resolution_date=day,
            reason="گزارش با پاسخ استعلام‌ها تأیید نشد.",
        )
    if step == "confirm_nationally":
        return services.case_confirm_nationally(
            case=case,
            by=actors.national,
            letter_number=f"ک‌د/{case.sequence}/۱۴۰۵",
            letter_date=day,
        )
    if step == "refuse_nationally":
        return services.case_refuse_nationally(
            case=case,
            by=actors.national,
            letter_number=f"ک‌د/{case.sequence}/۱۴۰۵",
            letter_date=day,
            reason="مستندات برای لغو پناهندگی کافی نیست.",
        )
    if step == "cancel_card":
        offence = (
            OffenceType.objects.in_force(Case.year_of(timezone.now())).order_by("code").first()
        )
        return services.case_cancel_card(
            case=case,
            by=actors.registry,
            offence_type=offence,
            najva_registration_number=f"NJ-{case.number}",
        )
    if step == "order_expulsion":
        return services.case_order_expulsion(case=case, by=actors.supervisor)
    if step == "record_expulsion":
        return services.case_record_expulsion(
            case=case,
            by=actors.enforcement,
            border_point=BorderPoint.objects.order_by("name").first(),
            expelled_on=timezone.localdate(),
        )
    if step == "close_as_departed":
        return services.case_close_as_departed(case=case, by=actors.supervisor)
    if step == "withdraw":
        return services.case_withdraw(
            case=case, by=actors.supervisor, reason="متقاضی درخواست خود را مسترد کرد."
        )
    raise ValueError(f"unknown step {step}")


def walk(case: Case, steps: list[str], actors: Actors) -> Case:
    """Prepare and take each step in turn; returns the case as saved after the last one."""
    for step in steps:
        prepare(case, step, actors)
        case = take(case, step, actors)
    return case
