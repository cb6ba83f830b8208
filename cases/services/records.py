"""The expert's records on a case (inquiries, evidence, decisions about people), and grants.

Each change is an event with the old and new value of every field it touched.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from guardian.shortcuts import assign_perm

from accounts import permissions
from accounts.roles import Capability
from audit import services as audit
from cases.choices import Agency, EvidenceType, InquiryOutcome, SubjectDecision
from cases.models import Case, CaseSubject, Evidence, Inquiry, ReplyScanVersion
from cases.rules import household_elsewhere
from cases.selectors.intake import subjects_unavailable
from cases.services.opening import subject_attach
from cases.states import EXPERT_STATES, INQUIRY_STATES
from cases.workflow.engine import lock, require
from cases.workflow.errors import CaseActionRefused, CaseStateConflict
from people import services as people
from people.models import Household, Person
from shared import clock, daterules
from shared.text import checked_text
from shared.uploads import sniff_content_type


def _require_expert_step(case: Case, by, states=EXPERT_STATES, what="تغییر اطلاعات پرونده"):
    require(case, by, Capability.REVIEW_CASE)
    if case.state not in states:
        raise CaseStateConflict(case, what)


INQUIRY_SENT_FIELDS = ("letter_number", "sent_on", "due_on")
INQUIRY_REPLY_FIELDS = (
    "replied_on",
    "outcome",
    "reply_document",
    "reply_on_paper_only",
    "reply_note",
)


@transaction.atomic
def inquiry_record_sent(*, case, by, agency: str, letter_number: str, sent_on, due_on) -> Inquiry:
    """Record the inquiry letter sent to the intelligence office or the police.

    Recording it again corrects the letter: the event shows the old and new values.
    """
    case = lock(case, by)
    _require_expert_step(case, by, INQUIRY_STATES, "ثبت استعلام")
    if agency not in Agency.values:
        raise CaseActionRefused("مرجع استعلام نامعتبر است.")
    if not letter_number.strip():
        raise CaseActionRefused({"letter_number": "شماره نامه استعلام را وارد کنید."})
    refusal = daterules.not_in_future(sent_on, "تاریخ ارسال") or daterules.not_before_opening(
        sent_on, case.opened_at, "تاریخ ارسال"
    )
    if refusal:
        raise CaseActionRefused({"sent_on": refusal})
    refusal = daterules.not_before(due_on, sent_on, "مهلت پاسخ", "تاریخ ارسال")
    if refusal:
        raise CaseActionRefused({"due_on": refusal})
    inquiry, _ = Inquiry.objects.select_for_update().get_or_create(case=case, agency=agency)
    refusal = daterules.not_after(sent_on, inquiry.replied_on, "تاریخ ارسال", "تاریخ پاسخ ثبت‌شده")
    if refusal:
        raise CaseActionRefused({"sent_on": refusal})
    correction = inquiry.sent_on is not None
    before = audit.snapshot(inquiry, INQUIRY_SENT_FIELDS)
    inquiry.letter_number = letter_number.strip()
    inquiry.sent_on = sent_on
    inquiry.due_on = due_on
    inquiry.save()
    changes = audit.diff(before, audit.snapshot(inquiry, INQUIRY_SENT_FIELDS))
    label = Agency(agency).label
    if changes or not correction:
        audit.record_change(
            case=case,
            by=by,
            action="inquiry_correct_sent" if correction else "inquiry_record_sent",
            label=f"{'اصلاح نامه' if correction else 'ثبت ارسال'} استعلام {label}",
            changes=changes,
        )
    return inquiry


@transaction.atomic
def inquiry_record_reply(
    *,
    case,
    by,
    agency: str,
    replied_on,
    outcome: str,
    reply_document=None,
    reply_on_paper_only: bool = False,
    reply_note: str = "",
) -> Inquiry:
    """Record the reply to an inquiry, usually received on paper and entered by the expert.

    A reply needs its scan, or the explicit statement that it is kept on paper only, with a note.
    """
    case = lock(case, by)
    _require_expert_step(case, by, INQUIRY_STATES, "ثبت پاسخ استعلام")
    try:
        inquiry = Inquiry.objects.select_for_update().get(case=case, agency=agency)
    except Inquiry.DoesNotExist:
        raise CaseActionRefused("پیش از ثبت پاسخ، ارسال استعلام را ثبت کنید.") from None
    if inquiry.sent_on is None:
        raise CaseActionRefused("پیش از ثبت پاسخ، ارسال استعلام را ثبت کنید.")
    if outcome not in InquiryOutcome.values:
        raise CaseActionRefused({"outcome": "نتیجه پاسخ استعلام را انتخاب کنید."})
    refusal = daterules.not_before(
        replied_on, inquiry.sent_on, "تاریخ پاسخ", "تاریخ ارسال استعلام"
    ) or daterules.not_in_future(replied_on, "تاریخ پاسخ")
    if refusal:
        raise CaseActionRefused({"replied_on": refusal})
    has_scan = reply_document is not None or (
        bool(inquiry.reply_document) and not reply_on_paper_only
    )
    if reply_on_paper_only and reply_document is not None:
        raise CaseActionRefused(
            {"reply_on_paper_only": "یا تصویر پاسخ را بارگذاری کنید یا «پاسخ کاغذی بدون تصویر»."}
        )
    if not has_scan and not reply_on_paper_only:
        raise CaseActionRefused(
            {"reply_document": "تصویر پاسخ را بارگذاری کنید یا «پاسخ کاغذی بدون تصویر» را بزنید."}
        )
    if reply_on_paper_only and not reply_note.strip():
        raise CaseActionRefused(
            {"reply_note": "برای پاسخ کاغذی بنویسید نسخه کاغذی کجا نگهداری می‌شود."}
        )
    before = audit.snapshot(inquiry, INQUIRY_REPLY_FIELDS)
    correction = inquiry.replied_on is not None
    inquiry.replied_on = replied_on
    inquiry.outcome = outcome
    inquiry.reply_on_paper_only = reply_on_paper_only
    inquiry.reply_note = reply_note.strip()
    changes = []
    if reply_document is not None:
        old_sha256 = inquiry.reply_sha256
        if inquiry.reply_document:
            # The scan it replaces stays on disk and in the record, as an earlier version.
            ReplyScanVersion.objects.create(
                inquiry=inquiry,
                file=inquiry.reply_document.name,
                sha256=inquiry.reply_sha256,
                content_type=inquiry.reply_content_type,
                replaced_by=by,
            )
        inquiry.reply_document = reply_document
        inquiry.reply_sha256 = Evidence.digest(reply_document)
        inquiry.reply_content_type = sniff_content_type(reply_document) or ""
        # Which scan: its checksum, kept as it is (a replaced scan shows as a new one).
        changes.append(
            audit.change(
                "چکیده SHA-256 تصویر پاسخ",
                old_sha256,
                inquiry.reply_sha256,
                field="reply_sha256",
                kind="code",
            )
        )
    inquiry.save()
    audit.record_change(
        case=case,
        by=by,
        action="inquiry_record_reply",
        label=f"{'اصلاح' if correction else 'ثبت'} پاسخ استعلام {Agency(agency).label}",
        changes=[
            *audit.diff(before, audit.snapshot(inquiry, INQUIRY_REPLY_FIELDS)),
            *changes,
        ],
    )
    return inquiry


@transaction.atomic
def evidence_add(*, case, by, evidence_type: str, file, content_type: str) -> Evidence:
    """Attach a scan or PDF to the case, with its checksum, size and the uploader.

    The caller (the upload form) has already recognised the content type from the bytes.
    """
    case = lock(case, by)
    _require_expert_step(case, by, what="بارگذاری مستند")
    if evidence_type not in EvidenceType.values:
        raise CaseActionRefused({"evidence_type": "نوع مستند را از فهرست انتخاب کنید."})
    original_name = getattr(file, "name", "") or ""
    if len(original_name) > 255:
        raise CaseActionRefused({"file": "نام فایل بیش از ۲۵۵ نویسه است؛ نام کوتاه‌تری بدهید."})
    sha256 = Evidence.digest(file)
    evidence = Evidence(
        case=case,
        evidence_type=evidence_type,
        original_name=original_name,
        sha256=sha256,
        size=file.size,
        content_type=content_type,
        uploaded_by=by,
    )
    evidence.full_clean(exclude=["file"])
    evidence.file.save(sha256, file, save=False)
    try:
        evidence.save()
        audit.record_change(
            case=case,
            by=by,
            action="evidence_add",
            label=f"بارگذاری مستند: {EvidenceType(evidence_type).label}",
            changes=[
                audit.change("فایل", "", original_name, field="file"),
                audit.change("چکیده SHA-256", "", sha256, field="sha256", kind="code"),
            ],
        )
    except Exception:
        evidence.file.delete(save=False)  # no row and event, no file
        raise
    return evidence


@transaction.atomic
def evidence_withdraw(*, case, by, evidence: Evidence, reason: str) -> Evidence:
    """Set aside evidence filed under the wrong type while the case is with the expert: the row
    and the file stay (the trail names them); the checklist no longer counts it."""
    case = lock(case, by)
    _require_expert_step(case, by, what="کنار گذاشتن مستند")
    evidence = Evidence.objects.select_for_update().get(pk=evidence.pk, case=case)
    if evidence.withdrawn_at is not None:  # someone set it aside a moment ago
        raise CaseStateConflict(case, "کنار گذاشتن مستند")
    if not reason.strip():
        raise CaseActionRefused({"reason": "دلیل کنار گذاشتن مستند را بنویسید."})
    evidence.withdrawn_at = clock.now()
    evidence.withdrawn_by = by
    evidence.withdraw_reason = checked_text(reason, refuse=CaseActionRefused)
    evidence.save(update_fields=["withdrawn_at", "withdrawn_by", "withdraw_reason"])
    audit.record_change(
        case=case,
        by=by,
        action="evidence_withdraw",
        label=f"کنار گذاشتن مستند: {evidence.get_evidence_type_display()}",
        changes=[
            audit.change(
                "وضعیت مستند",
                f"{evidence.original_name}",
                f"کنار گذاشته شد: {evidence.withdraw_reason}",
                field="withdrawn",
            )
        ],
    )
    return evidence


@transaction.atomic
def subject_add(*, case, by, person: Person) -> CaseSubject:
    """Name another member of a subject's household on the case, so that the case decides for
    them explicitly (cancel, keep, or a separate case); their valid documents are suspended."""
    case = lock(case, by)
    _require_expert_step(case, by, what="افزودن عضو خانوار به پرونده")
    people.lock_persons([person.pk])
    if case.subjects.filter(person=person).exists():
        raise CaseActionRefused("این شخص پیش‌تر در این پرونده است.")
    if not case.subjects.filter(person__household_id=person.household_id).exists():
        raise CaseActionRefused("فقط اعضای خانوار اشخاص همین پرونده افزوده می‌شوند.")
    household = person.household
    if household_elsewhere(case, household):
        # The case was opened on a person another province registered: the rest of that
        # household is that province's (issue 11, item 8), whoever asks.
        raise PermissionDenied(
            f"این خانوار در استان {household.province} ثبت شده است و همان استان به اعضای آن "
            "رسیدگی می‌کند؛ افزودن اعضای آن به پرونده این استان ممکن نیست."
        )
    why = subjects_unavailable([person])
    if why:
        raise CaseActionRefused(f"{person.full_name} {why[person.pk]}.")
    changes = subject_attach(case, person)
    audit.record_change(
        case=case,
        by=by,
        action="subject_add",
        label=f"افزودن {person.full_name} به پرونده",
        changes=changes,
    )
    return case.subjects.get(person=person)


@transaction.atomic
def subject_decide(*, case, by, person: Person, decision: str) -> CaseSubject:
    """Record what the case decides for one of its subjects: cancel, keep, or a separate case."""
    case = lock(case, by)
    _require_expert_step(case, by, what="ثبت تصمیم درباره شخص")
    if decision not in SubjectDecision.values or decision == SubjectDecision.PENDING:
        raise CaseActionRefused({"decision": "تصمیم را از فهرست انتخاب کنید."})
    try:
        subject = case.subjects.select_for_update().select_related("person").get(person=person)
    except CaseSubject.DoesNotExist:
        raise CaseActionRefused("این شخص در این پرونده نیست.") from None
    before = subject.get_decision_display()
    subject.decision = decision
    subject.save(update_fields=["decision"])
    audit.record_change(
        case=case,
        by=by,
        action="subject_decide",
        label=f"ثبت تصمیم درباره {subject.person.full_name}",
        changes=[audit.change("تصمیم", before, subject.get_decision_display(), field="decision")],
    )
    return subject


@transaction.atomic
def household_change_head(*, case, by, household: Household, new_head: Person) -> Household:
    """Record a new head for a household whose head's documents this case cancels."""
    case = lock(case, by)
    _require_expert_step(case, by, what="ثبت سرپرست جدید")
    if not case.subjects.filter(person__household=household).exists():
        raise CaseActionRefused("این خانوار به این پرونده مربوط نیست.")
    try:
        former, head = people.household_set_head(by=by, household=household, new_head=new_head)
    except ValidationError as error:
        raise CaseActionRefused(error.messages) from None
    audit.record_change(
        case=case,
        by=by,
        action="household_change_head",
        label=f"ثبت سرپرست جدید خانوار {household.number}",
        changes=[
            audit.change(
                "سرپرست خانوار",
                former.full_name if former else "",
                head.full_name,
                field="head",
            )
        ],
    )
    household.refresh_from_db()
    return household


# What a case may be shared for: reading it, or the expert's work on it; never a decision.
SHAREABLE = {Capability.VIEW_CASE: "view_case", Capability.REVIEW_CASE: "review_case"}


@transaction.atomic
def case_grant_access(*, case, by, user, capabilities=(Capability.VIEW_CASE,)) -> None:
    """Share one case with a user outside its scope (e.g. an expert of another province).

    An exceptional, per-case grant: a django-guardian object permission, recorded as an event.
    """
    case = lock(case, by)
    require(case, by, Capability.SUPERVISE_CASE)
    if user == by:
        raise CaseActionRefused("نمی‌توانید پرونده را با خودتان به اشتراک بگذارید.")
    if not permissions.roles_of(user):
        raise PermissionDenied("پرونده فقط با کاربری که نقش پرونده دارد به اشتراک گذاشته می‌شود.")
    for capability in capabilities:
        if capability not in SHAREABLE:
            raise CaseActionRefused("فقط خواندن یا بررسی کارشناسی پرونده قابل اشتراک است.")
        if capability != Capability.VIEW_CASE and not permissions.can(user, capability):
            raise CaseActionRefused("این کاربر نقشی ندارد که این اقدام را انجام دهد.")
    for capability in capabilities:
        assign_perm(f"cases.{SHAREABLE[capability]}", user, case)
    permissions.forget_grants(user)
    audit.record_change(
        case=case,
        by=by,
        action="case_grant_access",
        label="اشتراک پرونده با کاربر دیگر",
        changes=[
            audit.change(
                f"دسترسی {user.get_full_name() or user.username}",
                "",
                "، ".join(Capability(c).label for c in capabilities),
                field="grant",
            )
        ],
    )
