"""Every write that matters to a case: views, commands and tasks call these, nothing else.

Each service is atomic: it re-reads the case through ``Case.objects.for_user(by)`` with a row lock,
checks the user's permission, changes the case (a transition, or its data), saves, writes one
``CaseEvent``, and queues follow-up work with ``transaction.on_commit`` so that nothing is sent
for a change that was rolled back.
"""

import datetime
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from guardian.shortcuts import assign_perm

from cases.models import (
    CLOSED_STATES,
    CLOSED_WITHOUT_CANCELLATION,
    Agency,
    BorderPoint,
    Case,
    CaseEvent,
    CaseNumberSequence,
    CaseState,
    CaseSubject,
    DocumentStatus,
    Evidence,
    EvidenceType,
    Household,
    IdentityDocument,
    Inquiry,
    InquiryOutcome,
    OffenceType,
    Person,
    Relation,
    SourceType,
    SubjectDecision,
    role_permission,
)

logger = logging.getLogger(__name__)


class CaseActionRefused(ValidationError):
    """A step that cannot be taken now: wrong state, or a condition not met. Persian messages."""


# --------------------------------------------------------------------------------------------------
# Helpers


def _lock(case: Case, by) -> Case:
    """The case re-read under a row lock, through the user's scope (DoesNotExist outside it)."""
    return Case.objects.for_user(by).select_for_update().get(pk=case.pk)


def _require(case: Case, by, codename: str) -> None:
    if not role_permission(codename)(case, by):
        raise PermissionDenied("شما اجازه این اقدام را در این پرونده ندارید.")


def _value(field, instance):
    value = field.value_from_object(instance)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if hasattr(value, "name"):  # files
        return value.name or ""
    return value


def _snapshot(instance, fields=None) -> dict:
    return {
        f.attname: _value(f, instance)
        for f in instance._meta.concrete_fields
        if fields is None or f.name in fields or f.attname in fields
    }


def _diff(before: dict, after: dict) -> dict:
    return {key: [before[key], after[key]] for key in after if before.get(key) != after[key]}


def _record(*, case, by, kind, action, from_state="", to_state="", reason="", changes=None):
    return CaseEvent.objects.create(
        case=case,
        actor=by,
        kind=kind,
        action=action,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        changes=changes or {},
    )


def _queue_notification(event: CaseEvent) -> None:
    from cases import tasks

    def send():
        try:
            tasks.notify_next_actors.delay(event.pk)
        except Exception:  # the decision is committed; a lost e-mail must not turn it into an error
            logger.exception("could not queue the notification for case event %s", event.pk)

    transaction.on_commit(send)


# Cases still deciding about their subjects' documents (from cancellation on, they have settled).
DECIDING_STATES = [
    CaseState.RECEIVED,
    CaseState.EXPERT_REVIEW,
    CaseState.RETURNED,
    CaseState.AWAITING_INQUIRIES,
    CaseState.READY_FOR_PROVINCE,
    CaseState.APPROVED_BY_PROVINCE,
    CaseState.CONFIRMED_NATIONALLY,
]


def _person_held_elsewhere(person_id: int, case: Case) -> bool:
    """Whether another case still deciding names this person (their documents stay suspended)."""
    return (
        CaseSubject.objects.filter(person_id=person_id, case__state__in=DECIDING_STATES)
        .exclude(case=case)
        .exists()
    )


def _settle_documents(case: Case) -> dict:
    """Apply the end of a case to its subjects' documents; returns what changed, for the event.

    Closing without cancellation restores suspended documents; cancellation cancels the documents
    of the subjects decided ``cancel`` and restores the others. A document stays suspended while
    another open case names its holder.
    """
    if case.state not in CLOSED_WITHOUT_CANCELLATION and case.state != CaseState.CARD_CANCELLED:
        return {}
    changes = {}
    subjects = case.subjects.select_related("person")
    for subject in subjects:
        documents = IdentityDocument.objects.select_for_update().filter(person=subject.person)
        cancel = (
            case.state == CaseState.CARD_CANCELLED and subject.decision == SubjectDecision.CANCEL
        )
        held = not cancel and _person_held_elsewhere(subject.person_id, case)
        for document in documents:
            before = document.status
            if cancel and document.status != DocumentStatus.CANCELLED:
                document.cancel()
            elif not cancel and not held and document.status == DocumentStatus.SUSPENDED:
                document.restore()
            else:
                continue
            document.save()
            changes[f"document:{document.pk}"] = [before, document.status]
    return changes


# --------------------------------------------------------------------------------------------------
# Opening a case


def _next_sequence(province, year: int) -> int:
    try:
        with transaction.atomic():
            sequence, _ = CaseNumberSequence.objects.select_for_update().get_or_create(
                province=province, year=year
            )
    except IntegrityError:  # another transaction created this year's row first
        sequence = CaseNumberSequence.objects.select_for_update().get(province=province, year=year)
    sequence.last_value += 1
    sequence.save(update_fields=["last_value"])
    return sequence.last_value


@transaction.atomic
def case_open(
    *,
    by,
    source_type: str,
    source_reference: str,
    source_date: datetime.date,
    subjects: list[Person],
    summary: str = "",
) -> Case:
    """Register a case in the expert's province and suspend the subjects' valid documents."""
    if not by.is_active or not by.roles_granting("cases.open_case") or by.province_id is None:
        raise PermissionDenied("فقط کارشناس استان می‌تواند پرونده ثبت کند.")
    if source_type not in SourceType.values:
        raise CaseActionRefused("منشأ پرونده را از فهرست انتخاب کنید.")
    if not subjects:
        raise CaseActionRefused("دست‌کم یک شخص موضوع پرونده را مشخص کنید.")
    if len({person.household_id for person in subjects}) != 1:
        raise CaseActionRefused("اشخاص یک پرونده باید اعضای یک خانوار باشند.")
    if not source_reference.strip():
        raise CaseActionRefused("شماره مرجع منشأ را وارد کنید.")
    now = timezone.now()
    if source_date > timezone.localdate(now):
        raise CaseActionRefused("تاریخ مرجع منشأ نمی‌تواند در آینده باشد.")
    year = Case.year_of(now)
    sequence = _next_sequence(by.province, year)
    case = Case.objects.create(
        number=Case.format_number(by.province.code, year, sequence),
        province=by.province,
        year=year,
        sequence=sequence,
        source_type=source_type,
        source_reference=source_reference.strip(),
        source_date=source_date,
        summary=summary,
        assigned_expert=by,
        opened_by=by,
        opened_at=now,
    )
    changes = {"subjects": [None, sorted(person.pk for person in subjects)]}
    for person in subjects:
        CaseSubject.objects.create(case=case, person=person)
        for document in IdentityDocument.objects.select_for_update().filter(
            person=person, status=DocumentStatus.VALID
        ):
            document.suspend()
            document.save()
            changes[f"document:{document.pk}"] = [DocumentStatus.VALID, DocumentStatus.SUSPENDED]
    event = _record(
        case=case,
        by=by,
        kind=CaseEvent.Kind.OPENED,
        action="case_open",
        to_state=case.state,
        changes=changes,
    )
    _queue_notification(event)
    return case


# --------------------------------------------------------------------------------------------------
# Moving a case


def transition_for(case: Case, name: str):
    """The django-fsm Transition object of ``name`` from the case's current state, or None."""
    method = getattr(type(case), name, None)
    meta = getattr(method, "_django_fsm", None)
    if meta is None:
        raise ValueError(f"{name} is not a case transition")
    return meta.get_transition(case.state)


@transaction.atomic
def case_transition(*, case: Case, by, name: str, reason: str = "", **inputs) -> Case:
    """Take step ``name`` on the case: the one path by which a case changes state.

    ``inputs`` are the case fields the step records (a resolution number, a letter date ...);
    ``reason`` is kept on the case and in the event. Raises ``PermissionDenied`` for a user whose
    role may not take the step, ``CaseActionRefused`` (with the failed conditions in Persian) for
    a step the case is not ready for. Either way nothing is saved and no event is written.
    """
    case = _lock(case, by)
    transition = transition_for(case, name)
    if transition is None:
        raise CaseActionRefused(f"این اقدام در وضعیت «{case.get_state_display()}» ممکن نیست.")
    if not transition.has_perm(case, by):
        raise PermissionDenied("شما اجازه این اقدام را در این پرونده ندارید.")
    unexpected = set(inputs) - set(transition.custom.get("inputs", ()))
    if unexpected:  # a programming error: a step records only its own fields
        raise TypeError(f"{name} does not record {sorted(unexpected)}")
    before = _snapshot(case)
    for field, value in inputs.items():
        setattr(case, field, value)
    if reason or transition.custom.get("needs_reason"):
        case.reason = (reason or "").strip()
    failed = [condition.description for condition in transition.conditions if not condition(case)]
    if failed:
        raise CaseActionRefused(failed)
    from_state = case.state
    getattr(case, name)()
    if case.state in CLOSED_STATES:
        case.closed_at = timezone.now()
    case.save()
    changes = _diff(before, _snapshot(case))
    changes.pop("state", None)  # from_state / to_state say it
    changes.update(_settle_documents(case))
    event = _record(
        case=case,
        by=by,
        kind=CaseEvent.Kind.TRANSITION,
        action=name,
        from_state=from_state,
        to_state=case.state,
        reason=case.reason if transition.custom.get("needs_reason") else "",
        changes=changes,
    )
    _queue_notification(event)
    return case


def case_start_review(*, case, by):
    return case_transition(case=case, by=by, name="start_review")


def case_send_inquiries(*, case, by):
    return case_transition(case=case, by=by, name="send_inquiries")


def case_submit_to_province(*, case, by):
    return case_transition(case=case, by=by, name="submit_to_province")


def case_return_for_information(*, case, by, reason):
    return case_transition(case=case, by=by, name="return_for_information", reason=reason)


def case_resume_review(*, case, by):
    return case_transition(case=case, by=by, name="resume_review")


def case_approve_in_province(*, case, by, resolution_number, resolution_date):
    return case_transition(
        case=case,
        by=by,
        name="approve_in_province",
        province_resolution_number=resolution_number.strip(),
        province_resolution_date=resolution_date,
    )


def case_reject_in_province(*, case, by, resolution_number, resolution_date, reason):
    return case_transition(
        case=case,
        by=by,
        name="reject_in_province",
        reason=reason,
        province_resolution_number=resolution_number.strip(),
        province_resolution_date=resolution_date,
    )


def case_confirm_nationally(*, case, by, letter_number, letter_date):
    return case_transition(
        case=case,
        by=by,
        name="confirm_nationally",
        national_letter_number=letter_number.strip(),
        national_letter_date=letter_date,
    )


def case_refuse_nationally(*, case, by, letter_number, letter_date, reason):
    return case_transition(
        case=case,
        by=by,
        name="refuse_nationally",
        reason=reason,
        national_letter_number=letter_number.strip(),
        national_letter_date=letter_date,
    )


def case_cancel_card(*, case, by, offence_type: OffenceType, najva_registration_number: str):
    """Cancel the documents of the subjects decided ``cancel`` and record the Najva registration.

    The offence type must come from the catalogue in force this year: the case keeps that row even
    when a later catalogue renames or drops it.
    """
    in_force = OffenceType.objects.in_force(Case.year_of(timezone.now()))
    if not in_force.filter(pk=offence_type.pk).exists():
        raise CaseActionRefused("نوع جرم باید از فهرست جرائم دستورالعمل جاری انتخاب شود.")
    return case_transition(
        case=case,
        by=by,
        name="cancel_card",
        offence_type=offence_type,
        najva_registration_number=najva_registration_number.strip(),
    )


def case_order_expulsion(*, case, by):
    return case_transition(case=case, by=by, name="order_expulsion")


def case_record_expulsion(*, case, by, border_point: BorderPoint, expelled_on: datetime.date):
    if expelled_on > timezone.localdate():
        raise CaseActionRefused("تاریخ اجرای اخراج نمی‌تواند در آینده باشد.")
    return case_transition(
        case=case,
        by=by,
        name="record_expulsion",
        expulsion_border_point=border_point,
        expelled_on=expelled_on,
    )


def case_close_as_departed(*, case, by):
    return case_transition(case=case, by=by, name="close_as_departed")


def case_withdraw(*, case, by, reason):
    return case_transition(case=case, by=by, name="withdraw", reason=reason)


# --------------------------------------------------------------------------------------------------
# Changing a case's data (each change is an event too)

# Inquiries and evidence are the expert's work while the case is with the expert.
EXPERT_STATES = {
    CaseState.RECEIVED,
    CaseState.EXPERT_REVIEW,
    CaseState.RETURNED,
    CaseState.AWAITING_INQUIRIES,
}


# Inquiries are sent and answered once the expert's review has started.
INQUIRY_STATES = {CaseState.EXPERT_REVIEW, CaseState.RETURNED, CaseState.AWAITING_INQUIRIES}


def _require_expert_step(case: Case, by, states=EXPERT_STATES) -> None:
    _require(case, by, "review_case")
    if case.state not in states:
        raise CaseActionRefused(
            f"در وضعیت «{case.get_state_display()}» این اطلاعات پرونده را نمی‌توان تغییر داد."
        )


@transaction.atomic
def inquiry_record_sent(*, case, by, agency: str, letter_number: str, sent_on, due_on) -> Inquiry:
    """Record the inquiry letter sent to the intelligence office or the police.

    Recording it again corrects the letter: the event says so, with the old and new values.
    """
    case = _lock(case, by)
    _require_expert_step(case, by, INQUIRY_STATES)
    if agency not in Agency.values:
        raise CaseActionRefused("مرجع استعلام نامعتبر است.")
    if not letter_number.strip():
        raise CaseActionRefused("شماره نامه استعلام را وارد کنید.")
    if due_on < sent_on:
        raise CaseActionRefused("مهلت پاسخ نمی‌تواند پیش از تاریخ ارسال باشد.")
    inquiry, _ = Inquiry.objects.select_for_update().get_or_create(case=case, agency=agency)
    correction = inquiry.sent_on is not None
    before = _snapshot(inquiry)
    inquiry.letter_number = letter_number.strip()
    inquiry.sent_on = sent_on
    inquiry.due_on = due_on
    inquiry.save()
    _record(
        case=case,
        by=by,
        kind=CaseEvent.Kind.CHANGE,
        action="inquiry_correct_sent" if correction else "inquiry_record_sent",
        changes={f"inquiry:{agency}:{k}": v for k, v in _diff(before, _snapshot(inquiry)).items()},
    )
    return inquiry


@transaction.atomic
def inquiry_record_reply(
    *, case, by, agency: str, replied_on, outcome: str, reply_document=None
) -> Inquiry:
    """Record the reply to an inquiry, usually received on paper and entered by the expert."""
    case = _lock(case, by)
    _require_expert_step(case, by, INQUIRY_STATES)
    try:
        inquiry = Inquiry.objects.select_for_update().get(case=case, agency=agency)
    except Inquiry.DoesNotExist:
        raise CaseActionRefused("پیش از ثبت پاسخ، ارسال استعلام را ثبت کنید.") from None
    if inquiry.sent_on is None:
        raise CaseActionRefused("پیش از ثبت پاسخ، ارسال استعلام را ثبت کنید.")
    if outcome not in InquiryOutcome.values:
        raise CaseActionRefused("نتیجه پاسخ استعلام را انتخاب کنید.")
    if replied_on < inquiry.sent_on:
        raise CaseActionRefused("تاریخ پاسخ نمی‌تواند پیش از تاریخ ارسال استعلام باشد.")
    before = _snapshot(inquiry)
    inquiry.replied_on = replied_on
    inquiry.outcome = outcome
    if reply_document is not None:
        inquiry.reply_document = reply_document
    inquiry.save()
    _record(
        case=case,
        by=by,
        kind=CaseEvent.Kind.CHANGE,
        action="inquiry_record_reply",
        changes={f"inquiry:{agency}:{k}": v for k, v in _diff(before, _snapshot(inquiry)).items()},
    )
    return inquiry


@transaction.atomic
def evidence_add(*, case, by, evidence_type: str, file, content_type: str) -> Evidence:
    """Attach a scan or PDF to the case, with its checksum, size and the uploader.

    The caller (the upload form) has already recognised the content type from the bytes.
    """
    case = _lock(case, by)
    _require_expert_step(case, by)
    if evidence_type not in EvidenceType.values:
        raise CaseActionRefused("نوع مستند را از فهرست انتخاب کنید.")
    sha256 = Evidence.digest(file)
    evidence = Evidence(
        case=case,
        evidence_type=evidence_type,
        original_name=(getattr(file, "name", "") or "")[:255],
        sha256=sha256,
        size=file.size,
        content_type=content_type,
        uploaded_by=by,
    )
    evidence.full_clean(exclude=["file"])
    evidence.file.save(sha256, file, save=False)
    try:
        evidence.save()
        _record(
            case=case,
            by=by,
            kind=CaseEvent.Kind.CHANGE,
            action="evidence_add",
            changes={f"evidence:{evidence.pk}": [None, f"{evidence_type} {sha256}"]},
        )
    except Exception:
        evidence.file.delete(save=False)  # no row and event, no file
        raise
    return evidence


@transaction.atomic
def subject_decide(*, case, by, person: Person, decision: str) -> CaseSubject:
    """Record what the case decides for one of its subjects: cancel, keep, or a separate case."""
    case = _lock(case, by)
    _require_expert_step(case, by)
    if decision not in SubjectDecision.values:
        raise CaseActionRefused("تصمیم نامعتبر است.")
    try:
        subject = case.subjects.select_for_update().get(person=person)
    except CaseSubject.DoesNotExist:
        raise CaseActionRefused("این شخص در این پرونده نیست.") from None
    before = subject.decision
    subject.decision = decision
    subject.save(update_fields=["decision"])
    _record(
        case=case,
        by=by,
        kind=CaseEvent.Kind.CHANGE,
        action="subject_decide",
        changes={f"subject:{person.pk}:decision": [before, decision]},
    )
    return subject


@transaction.atomic
def household_change_head(*, case, by, household: Household, new_head: Person) -> Household:
    """Record a new head for a household whose head's documents this case cancels."""
    case = _lock(case, by)
    _require_expert_step(case, by)
    if new_head.household_id != household.pk:
        raise CaseActionRefused("سرپرست جدید باید از اعضای همین خانوار باشد.")
    if not case.subjects.filter(person__household=household).exists():
        raise CaseActionRefused("این خانوار به این پرونده مربوط نیست.")
    household = Household.objects.select_for_update().get(pk=household.pk)
    before = household.head_id
    household.head = new_head
    household.save(update_fields=["head"])
    _record(
        case=case,
        by=by,
        kind=CaseEvent.Kind.CHANGE,
        action="household_change_head",
        changes={f"household:{household.pk}:head": [before, new_head.pk]},
    )
    return household


# What a case may be shared for: reading it, or the expert's work on it; never a decision.
SHAREABLE = {"view_case", "review_case"}


@transaction.atomic
def case_grant_access(*, case, by, user, codenames=("view_case",)) -> None:
    """Share one case with a user outside its scope (e.g. an expert of another province).

    An exceptional, per-case grant: a django-guardian object permission, recorded as an event.
    """
    case = _lock(case, by)
    _require(case, by, "supervise_case")
    if user == by:
        raise CaseActionRefused("نمی‌توانید پرونده را با خودتان به اشتراک بگذارید.")
    for codename in codenames:
        if codename not in SHAREABLE:
            raise CaseActionRefused("فقط خواندن یا بررسی کارشناسی پرونده قابل اشتراک است.")
        if codename != "view_case" and not user.roles_granting(f"cases.{codename}"):
            raise CaseActionRefused("این کاربر نقشی ندارد که این اقدام را انجام دهد.")
    for codename in codenames:
        assign_perm(f"cases.{codename}", user, case)
    _record(
        case=case,
        by=by,
        kind=CaseEvent.Kind.CHANGE,
        action="case_grant_access",
        changes={f"grant:{user.pk}": [None, sorted(codenames)]},
    )


# --------------------------------------------------------------------------------------------------
# The register of people (national: Amayesh households are not a province's)


def _require_registrar(by) -> None:
    if not (
        by.is_active
        and by.roles_granting("cases.add_person")
        and by.roles_granting("cases.add_household")
    ):
        raise PermissionDenied("فقط کارشناس استان می‌تواند اشخاص و خانوارها را ثبت کند.")


def _person_with_document(*, household, relation, person: dict, document: dict) -> Person:
    document_type = document["document_type"]
    number = document["number"]
    if IdentityDocument.objects.filter(document_type=document_type, number=number).exists():
        raise ValidationError(
            {"document_number": f"{document_type} با این شماره پیش‌تر ثبت شده است."}
        )
    created = Person.objects.create(household=household, relation_to_head=relation, **person)
    IdentityDocument.objects.create(person=created, **document)
    return created


@transaction.atomic
def household_register(*, by, number: str, head: dict, document: dict) -> Household:
    """Register a household with its head and the head's identity document, or nothing at all."""
    _require_registrar(by)
    if Household.objects.filter(number=number).exists():
        raise ValidationError({"household_number": "خانواری با این شماره پیش‌تر ثبت شده است."})
    household = Household.objects.create(number=number)
    household.head = _person_with_document(
        household=household, relation=Relation.HEAD, person=head, document=document
    )
    household.save(update_fields=["head"])
    return household


@transaction.atomic
def household_add_member(
    *, by, household: Household, relation: str, person: dict, document: dict
) -> Person:
    """Register another member of a household with their identity document."""
    _require_registrar(by)
    return _person_with_document(
        household=household, relation=relation, person=person, document=document
    )
