"""The vocabulary of a case: its states, sources, evidence, inquiries and the steps of the work.

Plain enumerations with their Persian labels, imported by the models, the rules and the rule book.
"""

from django.db import models


class CaseState(models.TextChoices):
    RECEIVED = "received", "دریافت‌شده"
    EXPERT_REVIEW = "expert_review", "در بررسی کارشناس"
    RETURNED = "returned", "بازگشت برای تکمیل اطلاعات"
    AWAITING_INQUIRIES = "awaiting_inquiries", "در انتظار پاسخ استعلام‌ها"
    READY_FOR_PROVINCE = "ready_for_province", "آماده طرح در کارگروه استان"
    APPROVED_BY_PROVINCE = "approved_by_province", "مصوب کارگروه استان"
    REJECTED_BY_PROVINCE = "rejected_by_province", "رد در کارگروه استان (مختومه)"
    CONFIRMED_NATIONALLY = "confirmed_nationally", "تأیید کارگروه دائمی کشور"
    AWAITING_NAJVA = "awaiting_najva", "کارت باطل شد؛ در انتظار ثبت در نجوا"
    REFUSED_NATIONALLY = "refused_nationally", "رد در کارگروه دائمی کشور (مختومه)"
    CARD_CANCELLED = "card_cancelled", "کارت باطل و در نجوا ثبت شد"
    EXPULSION_ORDERED = "expulsion_ordered", "دستور اخراج صادر شد"
    EXPELLED = "expelled", "اخراج شد (مختومه)"
    CLOSED_DEPARTED = "closed_departed", "مختومه: خروج پیشین از کشور"
    WITHDRAWN = "withdrawn", "مختومه: استرداد درخواست"


# The WITHDRAW step's sources (cases.steps), declared here once: before the provincial working group
# votes, a case can still be withdrawn. Every other set of states is derived from the rule book
# (cases.states).
WITHDRAWABLE_STATES = (
    CaseState.RECEIVED,
    CaseState.EXPERT_REVIEW,
    CaseState.RETURNED,
    CaseState.AWAITING_INQUIRIES,
    CaseState.READY_FOR_PROVINCE,
)


class CaseLabels:
    """The Persian labels of a case's state and source, for a ``Case`` and for a list's plain row
    (cases.selectors.search.ListRow) alike: ``get_state_display`` rebuilds a dict of the choices
    per call."""

    @property
    def state_label(self) -> str:
        return CaseState(self.state).label

    @property
    def source_label(self) -> str:
        return SourceType(self.source_type).label


class Step(models.TextChoices):
    """The steps of the work: one transition each (see cases.steps for the rule book)."""

    START_REVIEW = "start_review", "شروع بررسی کارشناسی"
    SEND_INQUIRIES = "send_inquiries", "ثبت ارسال استعلام‌ها"
    SUBMIT_TO_PROVINCE = "submit_to_province", "ارسال به کارگروه استان"
    RETURN_FOR_INFORMATION = "return_for_information", "بازگشت برای تکمیل اطلاعات"
    RESUME_REVIEW = "resume_review", "ازسرگیری بررسی کارشناسی"
    APPROVE_IN_PROVINCE = "approve_in_province", "تصویب در کارگروه استان"
    REJECT_IN_PROVINCE = "reject_in_province", "رد در کارگروه استان"
    CONFIRM_NATIONALLY = "confirm_nationally", "تأیید در کارگروه دائمی کشور"
    REFUSE_NATIONALLY = "refuse_nationally", "رد در کارگروه دائمی کشور"
    CANCEL_CARD = "cancel_card", "ابطال کارت و ارسال به نجوا"
    NAJVA_REGISTERED = "najva_registered", "ثبت همه ابطال‌ها در نجوا"
    ORDER_EXPULSION = "order_expulsion", "صدور دستور اخراج"
    RECORD_EXPULSION = "record_expulsion", "ثبت اجرای اخراج"
    CLOSE_AS_DEPARTED = "close_as_departed", "مختومه: خروج پیشین از کشور"
    WITHDRAW = "withdraw", "مختومه کردن به علت استرداد"


class SourceType(models.TextChoices):
    JUDICIAL_RULING = "judicial_ruling", "حکم قضایی"
    COMMISSION_RESOLUTION = "commission_resolution", "مصوبه کمیسیون ساماندهی"
    AGENCY_REPORT = "agency_report", "گزارش دستگاه ذی‌ربط (اطلاعات، انتظامی)"
    ILLEGAL_EXIT_REPORT = "illegal_exit_report", "گزارش مبادی مبنی بر خروج غیرقانونی"
    HOUSEHOLD_MEMBER = "household_member", "درخواست یا گزارش عضو خانوار"


class EvidenceType(models.TextChoices):
    LOCAL_AFFIDAVIT = "local_affidavit", "استشهاد محلی"
    EXIT_PROOF = "exit_proof", "مستندات خروج غیرقانونی"
    JUDICIAL_RULING = "judicial_ruling", "حکم قضایی"
    COMMISSION_RESOLUTION = "commission_resolution", "مصوبه کمیسیون ساماندهی"
    AGENCY_REPORT = "agency_report", "گزارش دستگاه ذی‌ربط"
    ID_DOCUMENT_COPY = "id_document_copy", "تصویر کارت آمایش یا برگه تردد ۹۰ روزه"
    OTHER = "other", "سایر"


# The required-documents checklist of each source type (from the service card).
REQUIRED_EVIDENCE = {
    SourceType.JUDICIAL_RULING: [EvidenceType.JUDICIAL_RULING, EvidenceType.ID_DOCUMENT_COPY],
    SourceType.COMMISSION_RESOLUTION: [
        EvidenceType.COMMISSION_RESOLUTION,
        EvidenceType.ID_DOCUMENT_COPY,
    ],
    SourceType.AGENCY_REPORT: [EvidenceType.AGENCY_REPORT, EvidenceType.ID_DOCUMENT_COPY],
    SourceType.ILLEGAL_EXIT_REPORT: [
        EvidenceType.EXIT_PROOF,
        EvidenceType.LOCAL_AFFIDAVIT,
        EvidenceType.ID_DOCUMENT_COPY,
    ],
    SourceType.HOUSEHOLD_MEMBER: [EvidenceType.LOCAL_AFFIDAVIT, EvidenceType.ID_DOCUMENT_COPY],
}


class Agency(models.TextChoices):
    INTELLIGENCE = "intelligence", "اداره اطلاعات"
    POLICE = "police", "انتظامی"


class InquiryOutcome(models.TextChoices):
    NO_RECORD = "no_record", "فاقد سابقه"
    RECORD_FOUND = "record_found", "دارای سابقه"
    OBJECTION = "objection", "اعلام مخالفت"


class SubjectDecision(models.TextChoices):
    PENDING = "pending", "در انتظار تصمیم"
    CANCEL = "cancel", "ابطال مدارک"
    KEEP = "keep", "حفظ وضعیت"
    SEPARATE = "separate", "رسیدگی در پرونده جداگانه"
