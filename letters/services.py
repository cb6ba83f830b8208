"""Every write of the letters app: writing the letters of a decision, and the supervisor's hands
on each (print, signed, posted, delivered or returned, posted again).

Each action is atomic: the letter's row is re-read with a lock, the user's power checked
(``accounts.permissions``: the supervisor of the case's province), the state moved by the
letter's own transition, and one event written on the case naming the letter's number and its
addressee. A refusal is a ``LetterRefused`` (a ValidationError, in Persian, on the field it is
about where it names one): nothing is saved and no event written.
"""

import hashlib
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts import permissions
from accounts.roles import Capability
from audit import services as audit
from cases.choices import Step
from letters import documents
from letters.addressees import (
    Addressee,
    cancellation_addressees,
    departure_addressees,
    order_addressees,
)
from letters.models import Dispatch, Letter, LetterRegister
from shared import clock, daterules
from shared.numbering import next_value
from shared.persian import isolated, jalali, jalali_year, normalize_identifier
from shared.text import text_refusal


class LetterRefused(ValidationError):
    """The letter is not in a state for this, or the input is wrong (Persian)."""


# --------------------------------------------------------------------------------------------------
# Writing the letters of a decision (in the decision's own transaction)


def letters_queue(
    *, case, kind: str, by, addressees: Iterable[Addressee], order=None
) -> list[Letter]:
    """Write one letter of ``kind`` per addressee, waiting to be printed. Call it inside the
    transaction of the decision the letters tell: they commit or roll back with it.

    No event of its own: the decision's event is the step's (one step, one event, as the cases
    app's tests hold), the letters are on the case page from then on, each with who made it and
    when, and everything that happens to a letter afterwards is an event naming it.

    This is the entry point for an app above the cases that tells a decision by post: the
    enforcement app, for an expulsion order, adds its kind to ``Letter.Kind`` with its body as
    ``templates/pdf/letters/<kind>.html`` and calls this with its addressees
    (``Addressee(Letter.Addressee.PERSON, subjects=(subject,), person=..., household=...)``);
    printing, signing, posting and the dispatch register then work for it as for any letter.
    """
    kind = Letter.Kind(kind)
    now = clock.now()
    letters = []
    for addressee in addressees:
        letter = Letter.objects.create(
            case=case,
            province_id=case.province_id,
            kind=kind,
            addressee_kind=addressee.kind,
            person=addressee.person,
            household=addressee.household,
            agency=addressee.agency,
            order=order,
            created_at=now,
            status_at=now,
            created_by=by,
        )
        letter.subjects.set(addressee.subjects)
        letters.append(letter)
    return letters


def letters_for_order(*, order, by) -> list[Letter]:
    """The letters telling an expulsion order (enforcement): to the persons on it (the head of
    each household for its members) and to the police who execute it."""
    return letters_queue(
        case=order.case,
        kind=Letter.Kind.EXPULSION_ORDER,
        by=by,
        addressees=order_addressees(order, on=order.issued_on),
        order=order,
    )


def letters_for_step(*, case, step, by) -> list[Letter]:
    """The letters a step of the case calls for (none for most steps)."""
    if step == Step.CANCEL_CARD:
        addressees = cancellation_addressees(case, on=clock.today())
        return letters_queue(case=case, kind=Letter.Kind.CANCELLATION, by=by, addressees=addressees)
    if step == Step.CLOSE_AS_DEPARTED:
        return letters_queue(
            case=case,
            kind=Letter.Kind.CLOSED_DEPARTED,
            by=by,
            addressees=departure_addressees(case),
        )
    return []


# --------------------------------------------------------------------------------------------------
# The supervisor's hands on a letter


def _require_supervisor(case, by) -> None:
    if not permissions.may(by, Capability.SUPERVISE_CASE, case):
        raise PermissionDenied("نامه‌ها را مدیرکل یا معاون اتباع استان چاپ، امضا و ارسال می‌کند.")


def _lock(letter: Letter) -> Letter:
    # Only the letter's row is locked (PostgreSQL refuses FOR UPDATE on the nullable side of an
    # outer join: the addressee's person, household and agency are such joins).
    return (
        Letter.objects.select_for_update(of=("self",))
        .select_related(
            "case__province",
            "case__offence_type",
            "person__household",
            "household__head",
            "agency",
        )
        .get(pk=letter.pk)
    )


def _what(letter: Letter) -> str:
    """The letter as the timeline names it: its number (once it has one) and its addressee."""
    number = f" {letter.number}" if letter.number else ""
    return f"نامه{number} به {letter.addressee_label}"


def _event(letter: Letter, *, by, action: str, label: str, changes=(), reason=""):
    return audit.record_change(
        case=letter.case, by=by, action=action, label=label, changes=changes, reason=reason
    )


def _status_change(letter: Letter, before: str) -> dict:
    return audit.change(
        "وضعیت نامه", Letter.Status(before).label, letter.status_label, field=f"letter:{letter.pk}"
    )


def _move(letter: Letter, transition, now) -> str:
    before = letter.status
    transition()
    letter.status_at = now
    return before


@transaction.atomic
def letter_print(*, letter: Letter, by) -> Letter:
    """Print the letter: the first time, number and date it from the letter register, make its
    PDF and keep it with its SHA-256; every time after, the same stored letter."""
    letter = _lock(letter)
    _require_supervisor(letter.case, by)
    if letter.status != Letter.Status.WAITING:
        return letter
    now = clock.now()
    today = timezone.localdate(now)
    year = jalali_year(today)
    province = letter.case.province
    letter.number = LetterRegister.format_number(
        province.code, year, next_value(LetterRegister, province=province, year=year)
    )
    letter.dated_on = today
    letter.printed_at, letter.printed_by = now, by
    facts = documents.letter_facts(letter)
    letter.content_sha256 = documents.content_digest(facts)
    pdf = documents.render_letter(letter, facts)
    letter.sha256 = hashlib.sha256(pdf).hexdigest()
    letter.file.save("letter.pdf", ContentFile(pdf), save=False)
    before = _move(letter, letter.mark_printed, now)
    letter.save()
    _event(
        letter,
        by=by,
        action="letter_print",
        label=f"چاپ {_what(letter)}",
        changes=[
            _status_change(letter, before),
            audit.change("شماره نامه", "", letter.number, field="letter_number"),
            audit.change(
                "تاریخ نامه", "", letter.dated_on.isoformat(), field="letter_date", kind="date"
            ),
            audit.change("چکیده SHA-256 فایل", "", letter.sha256, field="sha256", kind="code"),
        ],
    )
    return letter


@transaction.atomic
def letter_mark_signed(*, letter: Letter, by) -> Letter:
    """Record that the printed letter has been signed (by the director general or deputy)."""
    letter = _lock(letter)
    _require_supervisor(letter.case, by)
    if letter.status == Letter.Status.WAITING:
        raise LetterRefused("این نامه هنوز چاپ نشده است؛ نخست آن را چاپ کنید.")
    if letter.status != Letter.Status.PRINTED:
        raise LetterRefused("امضای این نامه پیش‌تر ثبت شده است.")
    now = clock.now()
    before = _move(letter, letter.mark_signed, now)
    letter.signed_at, letter.signed_by = now, by
    letter.save()
    _event(
        letter,
        by=by,
        action="letter_signed",
        label=f"ثبت امضای {_what(letter)}",
        changes=[_status_change(letter, before)],
    )
    return letter


def _not_in_future(errors: dict, name: str, value, what: str) -> None:
    if value is None:
        errors.setdefault(name, []).append(f"{what} را وارد کنید.")
    elif refusal := daterules.not_in_future(value, what):
        errors.setdefault(name, []).append(refusal)


def _not_before(errors: dict, name: str, value, earliest, what: str, since: str) -> None:
    # The day it may not precede is said with it: «پیش از ارسال (۱۴۰۵/۰۹/۰۴)».
    shown = f"{since} ({jalali(earliest)})" if earliest is not None else since
    if refusal := daterules.not_before(value, earliest, what, shown):
        errors.setdefault(name, []).append(refusal)


def _refuse_dispatch_state(letter: Letter) -> None:
    if letter.status in (Letter.Status.SIGNED, Letter.Status.RETURNED):
        return
    if letter.status in (Letter.Status.WAITING, Letter.Status.PRINTED):
        raise LetterRefused("نامه پیش از ارسال باید چاپ و امضا شود؛ امضای آن را نخست ثبت کنید.")
    if letter.status == Letter.Status.DISPATCHED:
        out = letter.dispatches.get(outcome=Dispatch.Outcome.OUT)
        raise LetterRefused(
            f"این نامه با شماره پیگیری {isolated(out.tracking_number)} در راه است؛ "
            "نخست تحویل یا برگشت آن را ثبت کنید."
        )
    raise LetterRefused("این نامه به گیرنده تحویل شده است و دوباره ارسال نمی‌شود.")


def _refuse_without_address(letter: Letter) -> None:
    if letter.postal_address.strip():
        return
    if letter.addressee_kind == Letter.Addressee.AGENCY:
        raise LetterRefused(
            f"نشانی پستی «{letter.agency.name}» ثبت نشده است؛ نخست مدیر فنی سامانه آن را در "
            "بخش مدیریت (دستگاه‌های گیرنده نامه) ثبت کند، سپس نامه را ارسال کنید."
        )
    raise LetterRefused(
        f"نشانی پستی خانوار {isolated(letter.household.number)} ثبت نشده است؛ نخست کارشناس "
        "اتباع استان نشانی را در صفحه پرونده ثبت کند، سپس نامه را ارسال کنید."
    )


@transaction.atomic
def letter_dispatch(*, letter: Letter, by, tracking_number: str, sent_on) -> Dispatch:
    """Post a signed letter (or post again a returned one): a new row of the dispatch register
    with its postal tracking number (unique), the day it was sent (not in the future, not before
    the letter's date, nor before its last return) and the address written on the envelope."""
    letter = _lock(letter)
    _require_supervisor(letter.case, by)
    _refuse_dispatch_state(letter)
    _refuse_without_address(letter)
    number = normalize_identifier(tracking_number)
    errors: dict[str, list[str]] = {}
    if not number:
        errors["tracking_number"] = ["شماره پیگیری پستی را وارد کنید."]
    _not_in_future(errors, "sent_on", sent_on, "تاریخ ارسال")
    _not_before(errors, "sent_on", sent_on, letter.dated_on, "تاریخ ارسال", "تاریخ نامه")
    last = letter.dispatches.order_by("-pk").first()
    again = letter.status == Letter.Status.RETURNED
    if again:
        _not_before(errors, "sent_on", sent_on, last.returned_on, "تاریخ ارسال دوباره", "برگشت")
    taken = LetterRefused(
        {"tracking_number": ["این شماره پیگیری پستی پیش‌تر برای ارسال دیگری ثبت شده است."]}
    )
    if number and Dispatch.objects.filter(tracking_number=number).exists():
        errors.setdefault("tracking_number", []).extend(taken.messages)
    if errors:
        raise LetterRefused(errors)
    try:
        # A savepoint: the same number recorded by another supervisor since the check above
        # loses here, on the unique constraint, and is told so.
        with transaction.atomic():
            dispatch = Dispatch.objects.create(
                letter=letter,
                tracking_number=number,
                sent_on=sent_on,
                addressee=letter.addressee_label,
                postal_address=letter.postal_address,
                postal_code=letter.postal_code,
                dispatched_by=by,
            )
    except IntegrityError:
        raise taken from None
    before = _move(letter, letter.mark_dispatched, clock.now())
    letter.save()
    _event(
        letter,
        by=by,
        action="letter_dispatch",
        label=f"{'ارسال دوباره' if again else 'ارسال پستی'} {_what(letter)}",
        changes=[
            _status_change(letter, before),
            audit.change("شماره پیگیری پستی", "", number, field=f"dispatch:{dispatch.pk}"),
            audit.change("تاریخ ارسال", "", sent_on.isoformat(), field="sent_on", kind="date"),
            audit.change("نشانی پستی", "", dispatch.postal_address, field="postal_address"),
        ],
    )
    return dispatch


def _refuse_outcome_state(letter: Letter, what: str) -> None:
    if letter.status == Letter.Status.DELIVERED:
        raise LetterRefused(f"این نامه به گیرنده تحویل شده است؛ {what} آن ثبت نمی‌شود.")
    if letter.status == Letter.Status.RETURNED:
        raise LetterRefused(f"این نامه برگشت خورده است؛ {what} پس از ارسال دوباره ثبت می‌شود.")
    if letter.status != Letter.Status.DISPATCHED:
        raise LetterRefused("این نامه هنوز ارسال نشده است.")


def _out(letter: Letter, *, what: str) -> Dispatch:
    """The letter's posting now in the post (locked), or the refusal saying why there is none."""
    _refuse_outcome_state(letter, what)
    return Dispatch.objects.select_for_update().get(letter=letter, outcome=Dispatch.Outcome.OUT)


def why_not_dispatch(letter: Letter) -> str:
    """Why the letter cannot be posted now (the refusal the service would give), or "": shown
    before the supervisor types anything."""
    try:
        _refuse_dispatch_state(letter)
        _refuse_without_address(letter)
    except LetterRefused as refusal:
        return " ".join(refusal.messages)
    return ""


def why_no_outcome(letter: Letter, what: str) -> str:
    """Why no delivery («تحویل») or return («برگشت») can be recorded for the letter now, or ""."""
    try:
        _refuse_outcome_state(letter, what)
    except LetterRefused as refusal:
        return " ".join(refusal.messages)
    return ""


@transaction.atomic
def letter_record_delivery(*, letter: Letter, by, delivered_on, received_by: str) -> Dispatch:
    """The letter reached its addressee: the day (not before it was sent, not in the future) and
    who received it, as the post office's receipt says."""
    letter = _lock(letter)
    _require_supervisor(letter.case, by)
    dispatch = _out(letter, what="تحویل")
    received_by = (received_by or "").strip()
    errors: dict[str, list[str]] = {}
    _not_in_future(errors, "delivered_on", delivered_on, "تاریخ تحویل")
    _not_before(errors, "delivered_on", delivered_on, dispatch.sent_on, "تاریخ تحویل", "ارسال")
    if not received_by:
        errors["received_by"] = ["نام تحویل‌گیرنده را بنویسید."]
    if errors:
        raise LetterRefused(errors)
    now = clock.now()
    dispatch.outcome = Dispatch.Outcome.DELIVERED
    dispatch.delivered_on, dispatch.received_by = delivered_on, received_by
    dispatch.outcome_by, dispatch.outcome_at = by, now
    dispatch.save()
    before = _move(letter, letter.mark_delivered, now)
    letter.save()
    _event(
        letter,
        by=by,
        action="letter_delivered",
        label=f"تحویل {_what(letter)}",
        changes=[
            _status_change(letter, before),
            audit.change(
                "تاریخ تحویل", "", delivered_on.isoformat(), field="delivered_on", kind="date"
            ),
            audit.change("تحویل‌گیرنده", "", received_by, field="received_by"),
            audit.change("شماره پیگیری پستی", "", dispatch.tracking_number, field="tracking"),
        ],
    )
    return dispatch


@transaction.atomic
def letter_record_return(*, letter: Letter, by, returned_on, reason: str) -> Dispatch:
    """The post brought the letter back: the day (not before it was sent, not in the future) and
    why (addressee unknown, moved, refused). The letter then waits to be posted again."""
    letter = _lock(letter)
    _require_supervisor(letter.case, by)
    dispatch = _out(letter, what="برگشت")
    reason = (reason or "").strip()
    errors: dict[str, list[str]] = {}
    _not_in_future(errors, "returned_on", returned_on, "تاریخ برگشت")
    _not_before(errors, "returned_on", returned_on, dispatch.sent_on, "تاریخ برگشت", "ارسال")
    if not reason:
        errors["reason"] = ["علت برگشت را بنویسید."]
    elif problem := text_refusal(reason):
        errors["reason"] = [problem]
    if errors:
        raise LetterRefused(errors)
    now = clock.now()
    dispatch.outcome = Dispatch.Outcome.RETURNED
    dispatch.returned_on, dispatch.return_reason = returned_on, reason
    dispatch.outcome_by, dispatch.outcome_at = by, now
    dispatch.save()
    before = _move(letter, letter.mark_returned, now)
    letter.save()
    _event(
        letter,
        by=by,
        action="letter_returned",
        label=f"برگشت {_what(letter)}",
        reason=reason,
        changes=[
            _status_change(letter, before),
            audit.change(
                "تاریخ برگشت", "", returned_on.isoformat(), field="returned_on", kind="date"
            ),
            audit.change("شماره پیگیری پستی", "", dispatch.tracking_number, field="tracking"),
        ],
    )
    return dispatch
