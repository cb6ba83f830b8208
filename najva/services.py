"""The Najva outbox: writing a registration with the cancellation, delivering it, and the
operator's hands on it (retry, a registration made by other means).

Delivery never holds a transaction open across the call to Najva: a worker *claims* a due row in a
short transaction (``select_for_update(skip_locked=True)``, a lease longer than the HTTP timeout,
the attempt counted), calls the backend, then records the answer in another short transaction.
A worker killed mid-call leaves its lease to run out; the next worker calls again with the same
idempotency key, and Najva answers with the first registration instead of making a second.
"""

import datetime
import hashlib
import logging
import random
import secrets
from dataclasses import asdict

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts import permissions
from accounts.roles import Capability
from audit import services as audit
from cases import services as case_services
from cases.choices import CaseState, Step, SubjectDecision
from cases.models import Case, CaseSubject, Evidence
from najva import backends, cancellation_form
from najva.models import CancellationForm, Registration
from shared import clock
from shared.persian import digits_to_persian
from shared.text import text_refusal

logger = logging.getLogger(__name__)


class RegistrationRefused(ValidationError):
    """An operator's action the registration is not in a state for, or bad input (Persian)."""


def idempotency_key(*, case, subject, document, step) -> str:
    """(case, subject, document, step): the same registration, whoever sends it and how often."""
    return f"{case.number}:{subject.pk}:{document.pk}:{step}"


def lease_duration() -> datetime.timedelta:
    """Longer than any call can take, so that a live worker never loses its row mid-call."""
    return datetime.timedelta(
        seconds=backends.deadline_seconds() + settings.NAJVA_LEASE_MARGIN_SECONDS
    )


def backoff(attempts: int) -> datetime.timedelta:
    """The wait after the ``attempts``-th failure: doubling from NAJVA_BACKOFF_SECONDS, capped,
    with jitter (between half and all of it) so that a queue failing together spreads out."""
    doublings = min(max(attempts - 1, 0), 32)  # past the cap long before; no float overflow
    ceiling = min(settings.NAJVA_BACKOFF_MAX_SECONDS, settings.NAJVA_BACKOFF_SECONDS * 2**doublings)
    return datetime.timedelta(seconds=random.uniform(ceiling / 2, ceiling))  # noqa: S311 (jitter)


def _what(registration: Registration) -> str:
    document = registration.document
    return f"{document.document_type} {document.number} ({registration.subject.person.full_name})"


# --------------------------------------------------------------------------------------------------
# Writing: in the cancellation's own transaction


def registrations_queue(*, case, by, cancelled_documents) -> None:
    """One outbox row per document the cancellation cancelled, written in its transaction; the
    delivery is queued only once it commits (a rollback sends nothing).

    A person to cancel whose documents were all cancelled already (by another case, which
    registered them) has nothing to register: the case records that at once (and, every person
    settled so, the system takes the case on: cases.workflow.engine).
    """
    if case.offence_type_id is None:
        raise case_services.CaseActionRefused("نوع جرم پرونده ثبت نشده است؛ ثبت در نجوا ممکن نیست.")
    subjects = {
        s.person_id: s
        for s in case.subjects.select_related("person")
        if s.decision == SubjectDecision.CANCEL
    }
    now = clock.now()
    rows = []
    for document in cancelled_documents:
        subject = subjects[document.person_id]
        row = Registration(
            case=case,
            subject=subject,
            document=document,
            offence_type_id=case.offence_type_id,
            step=Step.CANCEL_CARD.value,
            idempotency_key=idempotency_key(
                case=case, subject=subject, document=document, step=Step.CANCEL_CARD.value
            ),
            next_attempt_at=now,
            created_at=now,
            created_by=by,
        )
        row.payload = asdict(cancellation_of(row))
        row.save()
        rows.append(row)
    ids = [row.pk for row in rows]
    transaction.on_commit(lambda: queue_delivery(ids))
    with_rows = {row.subject_id for row in rows}
    for subject in subjects.values():
        if subject.pk not in with_rows:
            note = audit.change(
                f"مدارک {subject.person.full_name}",
                "",
                "پیش‌تر در پرونده دیگری باطل شده بود؛ ثبت تازه‌ای در نجوا لازم نیست",
                field="najva:none",
            )
            record_subject_registered(case, subject, by=None, changes=[note])


def queue_delivery(ids) -> None:
    """A delivery task per row; a broker that is down loses nothing (the sweep finds the rows)."""
    from najva import tasks

    for pk in ids:
        try:
            tasks.deliver.delay(pk)
        except Exception:
            logger.warning("could not queue the Najva delivery of %s; the sweep will", pk)


# --------------------------------------------------------------------------------------------------
# Delivering: the worker's side


def _due(now):
    return Registration.objects.filter(
        Q(leased_until__isnull=True) | Q(leased_until__lte=now),
        status=Registration.Status.PENDING,
        next_attempt_at__lte=now,
    )


def claim(*, pk: int | None = None, exclude=()) -> Registration | None:
    """Take one due row for this worker (skipping rows other workers hold, and ``exclude``), or
    None. A row that used up its attempts without an answer being recorded (its worker died each
    time) is parked instead of tried again."""
    while True:
        now = clock.now()
        with transaction.atomic():
            due = _due(now).select_for_update(skip_locked=True).order_by("next_attempt_at", "pk")
            if pk is not None:
                due = due.filter(pk=pk)
            if exclude:
                due = due.exclude(pk__in=exclude)
            row = due.first()
            if row is None:
                return None
            if row.attempts >= settings.NAJVA_MAX_ATTEMPTS:
                _park(row, row.last_error or "پاسخی از تلاش‌های پیشین ثبت نشد.")
                continue
            row.leased_until = now + lease_duration()
            row.lease_token = secrets.token_hex(8)
            row.attempts += 1  # counted before the call: a worker killed mid-call still used it
            row.last_attempt_at = now
            row.save(update_fields=["leased_until", "lease_token", "attempts", "last_attempt_at"])
        return row


def cancellation_of(row: Registration) -> backends.Cancellation:
    """What the row sends: its payload as written with the cancellation (built here then)."""
    if row.payload:
        return backends.Cancellation(**row.payload)
    person = row.subject.person
    document = row.document
    return backends.Cancellation(
        idempotency_key=row.idempotency_key,
        case_number=row.case.number,
        province_code=row.case.province.code,
        person_first_name=person.first_name,
        person_last_name=person.last_name,
        person_father_name=person.father_name,
        person_nationality=person.nationality,
        document_type=document.document_type.code,
        document_number=document.number,
        document_series=document.series,
        offence_code=row.offence_type.code,
        offence_version_year=row.offence_type.version_year,
        offence_title=row.offence_type.title,
        cancelled_on=timezone.localdate(row.created_at).isoformat(),
    )


def deliver(claimed: Registration, backend=None) -> None:
    """Call Najva for a claimed row and record the answer."""
    row = Registration.objects.select_related(
        "case__province", "subject__person", "document__document_type", "offence_type"
    ).get(pk=claimed.pk)
    row.lease_token = claimed.lease_token
    backend = backend or backends.get_backend()
    try:
        number = backend.register_cancellation(cancellation_of(row))
    except backends.NajvaError as error:
        _record_failure(row, str(error), retryable=error.retryable)
    except Exception as error:  # a bug or an unexpected answer: kept on the row, tried again
        logger.exception("Najva delivery of %s failed", row.pk)
        _record_failure(row, f"خطای پیش‌بینی‌نشده: {type(error).__name__}", retryable=True)
    else:
        _record_success(row, backends.tracking_key(number))


def deliver_due(*, pk: int | None = None, limit: int | None = None, backend=None) -> int:
    """Claim and deliver due rows one after another (one row when ``pk`` is given) until none is
    due or ``limit`` were tried, each row once: a row that fails waits for its next attempt in a
    later sweep, whatever its backoff. Returns how many were tried."""
    tried: list[int] = []
    backend = backend or backends.get_backend()
    while limit is None or len(tried) < limit:
        row = claim(pk=pk, exclude=tried)
        if row is None:
            break
        deliver(row, backend)
        tried.append(row.pk)
        if pk is not None:
            break
    return len(tried)


@transaction.atomic
def _record_success(claimed: Registration, number: str) -> None:
    row = Registration.objects.select_for_update().get(pk=claimed.pk)
    if row.is_done:
        # Recorded meanwhile (by the operator, or by a worker that took over after this one's
        # lease ran out): Najva answered the same key, so the number is the same; a different one
        # is told on the case, never silently dropped.
        if row.tracking_number != number:
            audit.record_change(
                case=row.case,
                by=None,
                action="najva_late_answer",
                label="پاسخ دیرهنگام نجوا با شماره‌ای دیگر",
                changes=[audit.change(_what(row), row.tracking_number, number, field="tracking")],
            )
        return
    row.status = Registration.Status.DELIVERED
    row.tracking_number = number
    row.delivered_at = clock.now()
    row.leased_until = None
    row.last_error = ""
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        row.refresh_from_db()
        _park(row, f"نجوا شماره پیگیری {number} را داد که پیش‌تر برای ثبت دیگری آمده است.")
        return
    _settle_subject(row, by=None)


@transaction.atomic
def _record_failure(claimed: Registration, error: str, *, retryable: bool) -> None:
    row = Registration.objects.select_for_update().get(pk=claimed.pk)
    if row.is_done or row.status == Registration.Status.FAILED:
        return
    if row.lease_token != claimed.lease_token:
        return  # another worker took the row over after this lease ran out: its answer counts
    row.last_error = error
    row.leased_until = None
    if not retryable or row.attempts >= settings.NAJVA_MAX_ATTEMPTS:
        _park(row, error)
        return
    row.next_attempt_at = clock.now() + backoff(row.attempts)
    row.save(update_fields=["last_error", "leased_until", "next_attempt_at"])


def _park(row: Registration, error: str) -> None:
    """Stop trying: the row waits in the operator's queue, and the case says so."""
    row.status = Registration.Status.FAILED
    row.last_error = error
    row.leased_until = None
    row.save(update_fields=["status", "last_error", "leased_until"])
    audit.record_change(
        case=row.case,
        by=None,
        action="najva_failed",
        label="ثبت در نجوا ناموفق ماند و متوقف شد",
        changes=[
            audit.change(
                _what(row),
                "در صف ارسال",
                f"ناموفق پس از {digits_to_persian(row.attempts)} تلاش: {error}",
            )
        ],
    )


def _settle_subject(row: Registration, *, by) -> None:
    """When every registration of the subject is done, the case records it (and, with the last
    subject, the system moves the case to «کارت باطل و در نجوا ثبت شد»).

    The case row is locked first: two workers delivering a person's two documents at the same
    moment would otherwise each see the other's row still pending, and neither would settle.
    """
    case = Case.objects.select_for_update().get(pk=row.case_id)
    rows = list(
        Registration.objects.filter(subject_id=row.subject_id, step=row.step).select_related(
            "document__document_type", "subject__person"
        )
    )
    if not all(r.is_done for r in rows):
        return
    changes = [
        audit.change(
            f"{r.document.document_type} {r.document.number}",
            "",
            f"شماره پیگیری {r.tracking_number}"
            + ("" if r.status == Registration.Status.DELIVERED else " (ثبت به روش دیگر)"),
            field=f"najva:{r.pk}",
        )
        for r in rows
    ]
    record_subject_registered(case, row.subject, by=by, changes=changes)


def record_subject_registered(case: Case, subject: CaseSubject, *, by, changes) -> Case:
    """Every document the case cancelled for ``subject`` is registered in Najva: the case keeps the
    moment (``CaseSubject.najva_registered_at``, what the system's step «کارت باطل و در نجوا ثبت
    شد» waits for), with the registrations as the event's changes; with the last subject the
    system takes that step in the same transaction (cases.services.follow).

    ``by`` is None for the system (a worker's delivery, or a cancellation with nothing left to
    register), else the registry operator the caller has checked. The caller holds the case
    locked: the cancellation's own transaction, or ``_settle_subject``."""
    subject = CaseSubject.objects.select_for_update().select_related("person").get(pk=subject.pk)
    if subject.case_id != case.pk or subject.decision != SubjectDecision.CANCEL:
        raise ValueError("only a subject whose documents this case cancels is registered")
    if subject.najva_registered_at is not None:
        return case  # a delivery retried after it was recorded: nothing more to say
    if case.state != CaseState.AWAITING_NAJVA:
        raise case_services.CaseStateConflict(case, "ثبت ابطال مدارک در نجوا")
    subject.najva_registered_at = clock.now()
    subject.save(update_fields=["najva_registered_at"])
    audit.record_change(
        case=case,
        by=by,
        action="najva_registration",
        label=f"ثبت ابطال مدارک {subject.person.full_name} در نجوا",
        changes=changes,
    )
    return case_services.follow(case)


# --------------------------------------------------------------------------------------------------
# The operator's side


def _lock_for_operator(registration: Registration, by) -> Registration:
    if not permissions.may(by, Capability.REGISTER_IN_NAJVA, registration.case):
        raise PermissionDenied("فقط کاربر نجوا این اقدام را انجام می‌دهد.")
    return (
        Registration.objects.select_for_update()
        .select_related("case", "subject__person", "document__document_type")
        .get(pk=registration.pk)
    )


@transaction.atomic
def registration_retry(*, registration: Registration, by) -> Registration:
    """Put a parked registration back in the queue, to be tried now (the operator's button)."""
    row = _lock_for_operator(registration, by)
    if row.status != Registration.Status.FAILED:
        raise RegistrationRefused("فقط ثبت ناموفق دوباره ارسال می‌شود.")
    row.status = Registration.Status.PENDING
    row.attempts = 0
    row.next_attempt_at = clock.now()
    row.save(update_fields=["status", "attempts", "next_attempt_at"])
    audit.record_change(
        case=row.case,
        by=by,
        action="najva_retry",
        label="ارسال دوباره به نجوا",
        changes=[audit.change(_what(row), "ناموفق", "در صف ارسال", field=f"najva:{row.pk}")],
    )
    transaction.on_commit(lambda: queue_delivery([row.pk]))
    return row


def document_report(row: Registration) -> str:
    """What Najva says of the row's document now, in Persian, for the operator about to record a
    registration by hand: an earlier attempt may have registered it with its answer lost."""
    try:
        report = backends.get_backend().document_status(
            row.document.document_type.code, row.document.number
        )
    except backends.NajvaError as error:
        return f"نجوا پاسخ نداد: {error}"
    if report.status == "cancelled":
        return f"در نجوا باطل‌شده ثبت است، با شماره پیگیری {report.tracking_number or 'نامعلوم'}."
    if report.status == "valid":
        return "در نجوا معتبر ثبت است (ابطالی ثبت نشده)."
    return "نجوا این مدرک را نمی‌شناسد."


@transaction.atomic
def registration_record_manual(
    *, registration: Registration, by, tracking_number: str, reason: str
) -> Registration:
    """Record a registration made by other means during an outage (by telephone, on paper at the
    national office): its Najva number and why; the row is not sent again."""
    row = _lock_for_operator(registration, by)
    number = backends.tracking_key(tracking_number)
    errors = {}
    if not number:
        errors["tracking_number"] = ["شماره پیگیری نجوا را وارد کنید."]
    if not reason.strip():
        errors["reason"] = ["دلیل ثبت به روش دیگر را بنویسید."]
    elif problem := text_refusal(reason):
        errors["reason"] = [problem]
    if errors:
        raise RegistrationRefused(errors)
    if row.is_done:
        raise RegistrationRefused("این مدرک پیش‌تر در نجوا ثبت شده است.")
    if row.is_leased:
        # A worker is calling Najva with this row right now: its answer may be a registration.
        raise RegistrationRefused(
            "این ثبت هم‌اکنون در حال ارسال به نجواست؛ چند لحظه بعد دوباره نگاه کنید."
        )
    before = row.get_status_display()
    row.status = Registration.Status.RECORDED
    row.tracking_number = number
    row.delivered_at = clock.now()
    row.recorded_by = by
    row.recorded_reason = reason.strip()
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:  # the number is another registration's (a unique constraint)
        raise RegistrationRefused(
            {"tracking_number": ["این شماره پیگیری پیش‌تر برای ثبت دیگری آمده است."]}
        ) from None
    audit.record_change(
        case=row.case,
        by=by,
        action="najva_recorded",
        label="ثبت در نجوا به روش دیگر (هنگام قطعی)",
        reason=row.recorded_reason,
        changes=[
            audit.change(_what(row), before, f"شماره پیگیری {number}", field=f"najva:{row.pk}")
        ],
    )
    _settle_subject(row, by=by)
    return row


# --------------------------------------------------------------------------------------------------
# The card cancellation form


class FormRefused(ValidationError):
    """The form cannot be printed or marked signed now (Persian)."""


def _require_supervisor(case, by) -> None:
    if not permissions.may(by, Capability.SUPERVISE_CASE, case):
        raise PermissionDenied("فرم ابطال کارت را مدیرکل یا معاون استان چاپ و امضا می‌کند.")


def form_registrations(subject) -> list[Registration]:
    return list(
        Registration.objects.filter(subject=subject, step=Step.CANCEL_CARD.value)
        .select_related("document__document_type")
        .order_by("pk")
    )


@transaction.atomic
def form_print(*, subject, by) -> CancellationForm:
    """The subject's card cancellation form: made and stored (with its SHA-256) the first time,
    the same stored document every time after."""
    from cases.models import CaseSubject

    # Only the subject's row is locked (its joined nullable rows cannot be, on PostgreSQL).
    subject = (
        CaseSubject.objects.select_for_update(of=("self",))
        .select_related(
            "case__province",
            "case__offence_type",
            "case__assigned_expert",
            "person__household__head",
        )
        .get(pk=subject.pk)
    )
    _require_supervisor(subject.case, by)
    existing = CancellationForm.objects.filter(subject=subject).first()
    if existing is not None:
        return existing
    if subject.decision != SubjectDecision.CANCEL:
        raise FormRefused("مدارک این شخص در این پرونده باطل نمی‌شود.")
    if subject.najva_registered_at is None:
        raise FormRefused(
            "فرم پس از ثبت همه مدارک این شخص در نجوا چاپ می‌شود (شماره پیگیری در فرم می‌آید)."
        )
    registrations = form_registrations(subject)
    form = CancellationForm(subject=subject, printed_by=by, printed_at=clock.now())
    form.content_sha256 = cancellation_form.content_digest(
        cancellation_form.form_facts(subject, registrations)
    )
    pdf = cancellation_form.render_form(form, registrations)
    form.sha256 = hashlib.sha256(pdf).hexdigest()
    form.file.save("form.pdf", ContentFile(pdf), save=False)
    form.save()
    audit.record_change(
        case=subject.case,
        by=by,
        action="cancellation_form_print",
        label=f"چاپ فرم ابطال کارت {subject.person.full_name}",
        changes=[
            audit.change("چکیده SHA-256 فایل", "", form.sha256, field="form_sha256", kind="code")
        ],
    )
    return form


@transaction.atomic
def form_mark_signed(*, form: CancellationForm, by, upload, content_type: str):
    """The printed form is signed: its scan is kept with its SHA-256 (once, never replaced)."""
    form = (
        CancellationForm.objects.select_for_update()
        .select_related("subject__case", "subject__person")
        .get(pk=form.pk)
    )
    _require_supervisor(form.subject.case, by)
    if form.signed_at is not None:
        raise FormRefused({"scan": ["این فرم پیش‌تر امضاشده ثبت شده است و جایگزین نمی‌شود."]})
    form.scan_sha256 = Evidence.digest(upload)
    form.scan_content_type = content_type
    form.signed_scan.save(upload.name or "signed", upload, save=False)
    form.signed_at = clock.now()
    form.signed_by = by
    form.save()
    audit.record_change(
        case=form.subject.case,
        by=by,
        action="cancellation_form_signed",
        label=f"امضای فرم ابطال کارت {form.subject.person.full_name}",
        changes=[
            audit.change("فرم ابطال کارت", "چاپ‌شده", "امضاشده", field="form_signed"),
            audit.change(
                "چکیده SHA-256 تصویر امضاشده",
                "",
                form.scan_sha256,
                field="scan_sha256",
                kind="code",
            ),
        ],
    )
    return form
