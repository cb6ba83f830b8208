"""Every write of step 7: issuing an expulsion order, recording each person's hand-over and
outcome, and closing a case whose persons had already left.

The case moves only through ``cases.services.case_take_step``, here in the same transaction as
the record that justifies it: the first order takes «صدور دستور اخراج», the exit of the last
person on the orders takes «ثبت اجرای اخراج», the recorded exits of those already gone take
«مختومه: خروج پیشین از کشور». Each gives its record as the step's proof, which the verifiers
below check (registered in enforcement.apps).
"""

import datetime
import hashlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from accounts import permissions
from accounts.roles import Capability
from audit import services as audit
from cases import rules
from cases import services as case_services
from cases.choices import CaseState, EvidenceType, Step, SubjectDecision
from cases.models import Case, CaseSubject, Evidence
from cases.services import CaseStateConflict
from enforcement import order_pdf, signals, tasks
from enforcement import rules as enforcement_rules
from enforcement.models import (
    CLOSING_OUTCOMES,
    ExpulsionOrder,
    OrderedPerson,
    OrderNumberSequence,
    Outcome,
    PriorDeparture,
)
from reference.models import BorderPoint, YearlyPolicy
from shared import clock, daterules
from shared.numbering import next_value
from shared.persian import digits_to_persian, jalali, jalali_year
from shared.text import checked_text


class EnforcementRefused(ValidationError):
    """The order or the record cannot be made as given (Persian, keyed by field where it can)."""


def require(case: Case, by, capability: Capability) -> None:
    """The role step 7 needs on the case (403 in Persian): the supervisor's or the liaison's."""
    if not permissions.may(by, capability, case):
        raise PermissionDenied(
            "صدور دستور اخراج و مختومه کردن پرونده با مدیرکل یا معاون استان است."
            if capability == Capability.SUPERVISE_CASE
            else "ثبت تحویل و اجرای اخراج با رابط انتظامی استان است."
        )


def _lock(case: Case, by, capability: Capability) -> Case:
    """The case under a row lock through the user's scope (DoesNotExist: 404), then the role."""
    case = Case.objects.for_user(by).select_for_update().get(pk=case.pk)
    require(case, by, capability)
    return case


def _day(value: datetime.date | None) -> str:
    return jalali(value) if value else ""


def _record_departure(case: Case, subject: CaseSubject, *, on, by, label: str, changes) -> None:
    """The day a person whose documents the case cancelled left the country, kept on the case
    (``CaseSubject.departed_on``, which the steps that close it wait for: cases.rules.
    subjects_departed), with its event. The caller holds the case locked, in a state where the
    step the exit leads to is taken, with the role that takes it (``_lock``, then
    ``outcomes_open`` or ``departure_refusal``)."""
    subject = CaseSubject.objects.select_for_update().select_related("person").get(pk=subject.pk)
    if subject.case_id != case.pk or subject.decision != SubjectDecision.CANCEL:
        raise ValueError("only a subject whose documents this case cancelled leaves on it")
    if subject.departed_on is not None:
        raise ValueError("the subject's exit is already recorded")
    subject.departed_on = on
    subject.save(update_fields=["departed_on"])
    audit.record_change(case=case, by=by, action="departure", label=label, changes=changes)


def policy_for(day: datetime.date) -> YearlyPolicy:
    """The yearly policy in force on ``day`` (reference.models.YearlyPolicy)."""
    return YearlyPolicy.objects.in_force(jalali_year(day))


# --------------------------------------------------------------------------------------------------
# The order


def orderable_subjects(case: Case, replaces: ExpulsionOrder | None = None) -> list[CaseSubject]:
    """The persons an order of this case may cover: documents cancelled by the case and not yet
    gone. Without ``replaces``, those on no order yet; with it, those that order did not find
    and no later order names (an order given again says which one it replaces, and why)."""
    subjects = case.subjects.filter(decision=SubjectDecision.CANCEL, departed_on__isnull=True)
    entries = OrderedPerson.objects.filter(order__case=case)
    if replaces is None:
        subjects = subjects.exclude(pk__in=entries.values("subject_id"))
    else:
        missed = entries.filter(order=replaces, outcome=Outcome.NOT_FOUND)
        later = entries.filter(order__pk__gt=replaces.pk)
        subjects = subjects.filter(pk__in=missed.values("subject_id")).exclude(
            pk__in=later.values("subject_id")
        )
    return list(subjects.select_related("person").order_by("pk"))


def default_border_point(subjects) -> BorderPoint | None:
    """The first active land border that serves every person's nationality, else an airport."""
    nationalities = {s.person.nationality for s in subjects}
    serving = [
        point
        for point in BorderPoint.objects.filter(is_active=True)
        if all(point.serves(n) for n in nationalities)
    ]
    serving.sort(key=lambda p: (p.kind != BorderPoint.Kind.LAND, p.name))
    return serving[0] if serving else None


def _next_number(case: Case, year: int) -> str:
    # The book's row stays locked for the rest of the transaction (shared.numbering).
    value = next_value(OrderNumberSequence, province=case.province, year=year)
    return f"E-{case.province.code}-{year}-{value:05d}"


def _earliest_order_date(case, subjects, replaces) -> tuple[datetime.date, str]:
    """The first day an order may bear, and what it may not precede: the cancellation for the
    first order; after it, the case's first order, the order it replaces, and the day each of
    its persons was found missing."""
    first = case.expulsion_orders.order_by("pk").first()
    if first is None:
        return timezone.localdate(case.state_entered_at), "ابطال کارت و ثبت در نجوا"
    earliest, since = first.issued_on, "دستور نخست پرونده"
    if replaces is not None and replaces.issued_on > earliest:
        earliest, since = replaces.issued_on, "دستور پیشین"
    missed = OrderedPerson.objects.filter(
        subject__in=subjects, outcome=Outcome.NOT_FOUND, outcome_on__gt=earliest
    ).aggregate(last=models.Max("outcome_on"))["last"]
    if missed is not None:
        earliest, since = missed, "ثبت «یافت نشد»"
    return earliest, since


def _ordered_meanwhile(case, subjects, replaces) -> bool:
    """Whether an order of this case (a later one than ``replaces``) already names one of
    ``subjects``: the form offered them, so another order took them since."""
    entries = OrderedPerson.objects.filter(order__case=case, subject__in=subjects)
    if replaces is not None:
        entries = entries.filter(order__pk__gt=replaces.pk)
    else:  # one not found is ordered again only by an order that replaces it: a rule, no race
        entries = entries.exclude(outcome=Outcome.NOT_FOUND)
    return entries.exists()


def _check_order(
    *, case, subjects, issued_on, border_point, leave_by, reentry_ban_years, replaces
) -> None:
    errors: dict[str, list[str]] = {}
    orderable = {s.pk for s in orderable_subjects(case, replaces)}
    if not subjects:
        errors.setdefault("subjects", []).append("دست‌کم یک شخص را برای دستور اخراج برگزینید.")
    for subject in subjects:
        if subject.case_id != case.pk or subject.decision != SubjectDecision.CANCEL:
            errors.setdefault("subjects", []).append(
                f"مدارک {subject.person.full_name} در این پرونده باطل نشده است؛ "
                "دستور اخراج فقط برای اشخاصی است که مدارکشان باطل شده."
            )
        elif subject.pk not in orderable:
            errors.setdefault("subjects", []).append(
                f"{subject.person.full_name} خارج شده، در دستور اخراج دیگری است، یا یافت نشده و "
                "دستور تازه‌اش باید جایگزین همان دستور باشد."
                if replaces is None
                else f"دستور {digits_to_persian(replaces.number)} "
                f"{subject.person.full_name} را نیافته بود؛ دستور جایگزین فقط برای آنان است."
            )
    if refusal := daterules.not_in_future(issued_on, "تاریخ دستور"):
        errors.setdefault("issued_on", []).append(refusal)
    earliest, since = _earliest_order_date(case, subjects, replaces)
    shown = f"{since} ({digits_to_persian(_day(earliest))})"
    if refusal := daterules.not_before(issued_on, earliest, "تاریخ دستور", shown):
        errors.setdefault("issued_on", []).append(refusal)
    if refusal := daterules.not_before(leave_by, issued_on, "مهلت خروج", "تاریخ دستور"):
        errors.setdefault("leave_by", []).append(refusal)
    minimum = policy_for(issued_on).reentry_ban_min_years
    if reentry_ban_years < minimum:
        errors.setdefault("reentry_ban_years", []).append(
            f"مدت ممنوعیت ورود دست‌کم {digits_to_persian(minimum)} سال است "
            "(سیاست سالانه وزارت کشور)."
        )
    if not border_point.is_active:
        errors.setdefault("border_point", []).append("این مرز خروجی فعال نیست.")
    else:
        for subject in subjects:
            if not border_point.serves(subject.person.nationality):
                errors.setdefault("border_point", []).append(
                    f"اتباع {subject.person.get_nationality_display()} "
                    f"({subject.person.full_name}) از {border_point} اخراج نمی‌شوند."
                )
    if errors:
        raise EnforcementRefused(errors)


@transaction.atomic
def order_issue(
    *,
    case: Case,
    by,
    subjects: list[CaseSubject],
    issued_on: datetime.date,
    border_point: BorderPoint,
    leave_by: datetime.date,
    reentry_ban_years: int,
    replaces: ExpulsionOrder | None = None,
    reason: str = "",
) -> ExpulsionOrder:
    """The supervisor's expulsion order for ``subjects``, numbered from the province's book and
    printed as a PDF for signature. The first order of a case takes the step «صدور دستور اخراج»;
    an order for persons an earlier one did not find (``replaces``) leaves the case where it is.
    """
    case = _lock(case, by, Capability.SUPERVISE_CASE)
    first = case.state == CaseState.CARD_CANCELLED
    refusal = enforcement_rules.order_refusal(case, replacing=replaces is not None)
    if refusal == enforcement_rules.WRONG_STATE:
        raise CaseStateConflict(case, Step.ORDER_EXPULSION.label)
    if refusal:
        raise EnforcementRefused(refusal)
    if replaces is not None and replaces.case_id != case.pk:
        raise EnforcementRefused("دستور پیشین از این پرونده نیست.")
    subjects = list(
        CaseSubject.objects.filter(pk__in=[s.pk for s in subjects]).select_related("person")
    )
    if _ordered_meanwhile(case, subjects, replaces):
        # Another supervisor's order took them while this one's page was open: the 409 page
        # (who moved the case, when), not a form error (issue 21).
        raise CaseStateConflict(case, Step.ORDER_EXPULSION.label)
    if replaces is not None and not reason.strip():
        raise EnforcementRefused({"reason": ["بنویسید چرا دستور دوباره صادر می‌شود."]})
    reason = checked_text(reason, refuse=EnforcementRefused)
    _check_order(
        case=case,
        subjects=subjects,
        issued_on=issued_on,
        border_point=border_point,
        leave_by=leave_by,
        reentry_ban_years=reentry_ban_years,
        replaces=replaces,
    )
    order = ExpulsionOrder(
        case=case,
        number=_next_number(case, jalali_year(issued_on)),
        issued_on=issued_on,
        border_point=border_point,
        leave_by=leave_by,
        reentry_ban_years=reentry_ban_years,
        replaces=replaces,
        reason=reason.strip(),
        issued_by=by,
    )
    order.save()
    try:
        with transaction.atomic():
            OrderedPerson.objects.bulk_create(
                [OrderedPerson(order=order, subject=subject) for subject in subjects]
            )
    except IntegrityError:  # another order took one of them at this moment (the constraint)
        raise CaseStateConflict(case, Step.ORDER_EXPULSION.label) from None
    _print(order, by)
    # The apps above hear of it in this transaction (letters writes the letters telling it).
    signals.order_issued.send(sender=ExpulsionOrder, order=order, by=by)
    number = digits_to_persian(order.number)
    if first:
        case_services.case_take_step(case=case, by=by, step=Step.ORDER_EXPULSION, proof=order)
    audit.record_change(
        case=case,
        by=by,
        action="expulsion_order",
        label=f"صدور دستور اخراج {number}"
        + (f" به جای دستور {digits_to_persian(replaces.number)}" if replaces else ""),
        reason=order.reason,
        changes=[
            audit.change("اشخاص", "", "، ".join(s.person.full_name for s in subjects)),
            audit.change("تاریخ دستور", "", _day(issued_on), field="issued_on"),
            audit.change("مرز خروجی", "", str(border_point), field="border_point"),
            audit.change("مهلت خروج", "", _day(leave_by), field="leave_by"),
            audit.change(
                "ممنوعیت ورود",
                "",
                f"{digits_to_persian(reentry_ban_years)} سال",
                field="reentry_ban_years",
            ),
            audit.change(
                "چکیده SHA-256 فایل دستور", "", order.sha256, field="order_sha256", kind="code"
            ),
        ],
    )
    return order


def _print(order: ExpulsionOrder, by) -> None:
    """Make the order's PDF and keep it with its digests (inside the issuing transaction).

    The number printed on it is taken first, so the province's book stays locked while the PDF
    is made (about a second; a province issues a few orders a day). A rollback after the file is
    written leaves the file, never a row pointing at a missing one."""
    persons = list(
        order.persons.select_related("subject__person__household").order_by("subject_id")
    )
    facts = order_pdf.order_facts(order, persons)
    order.content_sha256 = order_pdf.content_digest(facts)
    order.printed_at, order.printed_by = clock.now(), by
    pdf = order_pdf.render_order(order=order, persons=persons, facts=facts)
    order.sha256 = hashlib.sha256(pdf).hexdigest()
    order.file.save("order.pdf", ContentFile(pdf), save=False)
    order.save(update_fields=["content_sha256", "sha256", "file", "printed_at", "printed_by"])


# --------------------------------------------------------------------------------------------------
# Hand-over and outcome, per person


def _lock_entry(entry: OrderedPerson, by) -> tuple[Case, OrderedPerson]:
    case = _lock(entry.order.case, by, Capability.RECORD_EXPULSION)
    entry = (
        OrderedPerson.objects.select_for_update(of=("self",))
        .select_related("order__border_point", "subject__person")
        .get(pk=entry.pk)
    )
    if not enforcement_rules.outcomes_open(case):
        raise CaseStateConflict(case, "ثبت تحویل یا اجرای اخراج")
    return case, entry


@transaction.atomic
def handover_record(*, entry: OrderedPerson, by, on: datetime.date, receiving_unit: str):
    """The person was handed over to the unit that takes them to the border."""
    case, entry = _lock_entry(entry, by)
    errors: dict[str, list[str]] = {}
    if entry.outcome:
        raise EnforcementRefused("نتیجه این شخص ثبت شده است؛ تحویل پس از آن ثبت نمی‌شود.")
    if entry.handed_over_on is not None:
        raise EnforcementRefused("تحویل این شخص پیش‌تر ثبت شده است.")
    if refusal := daterules.not_in_future(on, "تاریخ تحویل") or daterules.not_before(
        on, entry.order.issued_on, "تاریخ تحویل", "تاریخ دستور اخراج"
    ):
        errors["handed_over_on"] = [refusal]
    if not receiving_unit.strip():
        errors["receiving_unit"] = ["یگان تحویل‌گیرنده را بنویسید."]
    if errors:
        raise EnforcementRefused(errors)
    entry.handed_over_on = on
    entry.receiving_unit = receiving_unit.strip()
    entry.handed_over_by = by
    entry.save(update_fields=["handed_over_on", "receiving_unit", "handed_over_by"])
    audit.record_change(
        case=case,
        by=by,
        action="expulsion_handover",
        label=f"تحویل {entry.subject.person.full_name} برای اجرای اخراج",
        changes=[
            audit.change("دستور", "", digits_to_persian(entry.order.number), field="order"),
            audit.change("تاریخ تحویل", "", _day(on), field="handed_over_on"),
            audit.change("یگان تحویل‌گیرنده", "", entry.receiving_unit, field="receiving_unit"),
        ],
    )
    return entry


def _check_outcome(entry, *, outcome, on, border_point, exit_sheet_number, proof, note) -> None:
    errors: dict[str, list[str]] = {}
    order = entry.order
    if refusal := daterules.not_in_future(on, "تاریخ") or daterules.not_before(
        on, order.issued_on, "تاریخ", "تاریخ دستور اخراج"
    ):
        errors["outcome_on"] = [refusal]
    if outcome == Outcome.EXPELLED:
        if entry.handed_over_on is None:
            errors.setdefault("__all__", []).append(
                "پیش از ثبت اجرای اخراج، تحویل شخص به یگان اجراکننده را ثبت کنید."
            )
        elif "outcome_on" not in errors and (
            refusal := daterules.not_before(on, entry.handed_over_on, "تاریخ اخراج", "تاریخ تحویل")
        ):
            errors["outcome_on"] = [refusal]
        if border_point is None:
            errors["exit_border_point"] = ["مرز خروج را انتخاب کنید."]
        elif not border_point.is_active:
            errors["exit_border_point"] = ["این مرز خروجی فعال نیست."]
        elif not border_point.serves(entry.subject.person.nationality):
            errors["exit_border_point"] = [
                f"اتباع {entry.subject.person.get_nationality_display()} از {border_point} "
                "اخراج نمی‌شوند."
            ]
        if not exit_sheet_number.strip():
            errors["exit_sheet_number"] = ["شماره برگه خروج را بنویسید."]
    elif outcome == Outcome.LEFT:
        if entry.handed_over_on is not None:
            errors.setdefault("__all__", []).append(
                "این شخص به یگان اجراکننده تحویل شده است؛ خروج داوطلبانه برای او ثبت نمی‌شود."
            )
        if on > order.leave_by and "outcome_on" not in errors:
            errors["outcome_on"] = [
                "خروج پس از پایان مهلت دستور، خروج داوطلبانه نیست: "
                f"مهلت {digits_to_persian(_day(order.leave_by))} بود."
            ]
        if proof is None:
            errors["proof"] = ["مدرک خروج (مهر خروج گذرنامه یا گزارش مرز) را بارگذاری کنید."]
    elif outcome == Outcome.NOT_FOUND:
        # Also after a hand-over (a person who escaped from custody), with what happened.
        if not note.strip():
            errors["note"] = ["بنویسید چه اقدامی شد و شخص کجا جست‌وجو شد."]
    else:
        errors["outcome"] = ["نتیجه را انتخاب کنید."]
    if errors:
        raise EnforcementRefused(errors)


@transaction.atomic
def outcome_record(
    *,
    entry: OrderedPerson,
    by,
    outcome: str,
    on: datetime.date,
    exit_border_point: BorderPoint | None = None,
    exit_sheet_number: str = "",
    proof=None,
    proof_content_type: str = "",
    note: str = "",
) -> OrderedPerson:
    """What became of one person on an order, once: expelled (date, border, exit sheet), gone on
    their own before the deadline (date, proof), or not found (the supervisor is told, and may
    order again). When every person whose documents the case cancelled has left, the case takes
    «ثبت اجرای اخراج» in this transaction."""
    case, entry = _lock_entry(entry, by)
    if entry.outcome:
        raise EnforcementRefused("نتیجه این شخص پیش‌تر ثبت شده است و تغییر نمی‌کند.")
    _check_outcome(
        entry,
        outcome=outcome,
        on=on,
        border_point=exit_border_point,
        exit_sheet_number=exit_sheet_number,
        proof=proof,
        note=note,
    )
    person = entry.subject.person
    entry.outcome = outcome
    entry.outcome_on = on
    entry.note = checked_text(note, field="note", refuse=EnforcementRefused)
    entry.recorded_by = by
    entry.recorded_at = clock.now()
    changes = [
        audit.change("دستور", "", digits_to_persian(entry.order.number), field="order"),
        audit.change("نتیجه", "", Outcome(outcome).label, field="outcome"),
        audit.change("تاریخ", "", _day(on), field="outcome_on"),
    ]
    if outcome == Outcome.EXPELLED:
        entry.exit_border_point = exit_border_point
        entry.exit_sheet_number = exit_sheet_number.strip()
        changes += [
            audit.change("مرز خروج", "", str(exit_border_point), field="exit_border_point"),
            audit.change("شماره برگه خروج", "", entry.exit_sheet_number, field="exit_sheet"),
        ]
    if outcome == Outcome.LEFT:
        entry.proof_sha256 = Evidence.digest(proof)
        entry.proof_name = (proof.name or "proof")[:255]
        entry.proof_content_type = proof_content_type
        entry.proof.save(entry.proof_name, proof, save=False)
        changes.append(
            audit.change(
                "چکیده SHA-256 مدرک خروج", "", entry.proof_sha256, field="proof", kind="code"
            )
        )
    if entry.note:
        changes.append(audit.change("توضیح", "", entry.note, field="note"))
    entry.save()
    label = f"{Outcome(outcome).label}: {person.full_name}"
    if outcome in CLOSING_OUTCOMES:
        _record_departure(case, entry.subject, on=on, by=by, label=label, changes=changes)
        case.refresh_from_db()
        if rules.subjects_departed(case):
            case_services.case_take_step(case=case, by=by, step=Step.RECORD_EXPULSION, proof=entry)
    else:
        audit.record_change(
            case=case, by=by, action="expulsion_not_found", label=label, changes=changes
        )
        tasks.queue_not_found_notice(entry)
    return entry


# --------------------------------------------------------------------------------------------------
# Already gone


def exit_reports(case: Case) -> list[Evidence]:
    """The case's reports that prove an exit (evidence of that type, not withdrawn)."""
    return list(
        case.evidence.filter(evidence_type=EvidenceType.EXIT_PROOF, withdrawn_at__isnull=True)
    )


def staying_members(case: Case) -> list[tuple[str, str]]:
    """Who of the households stays, and how the case left them: (name, what), for the page and
    the event. The head now recorded for each household is named."""
    cancelled = {s.person_id for s in case.subjects.all() if s.decision == SubjectDecision.CANCEL}
    decisions = {s.person_id: s for s in case.subjects.all()}
    staying = []
    households = {s.person.household for s in case.subjects.select_related("person__household")}
    for household in sorted(households, key=lambda h: h.pk):
        for member in household.members.order_by("pk"):
            if member.pk in cancelled:
                continue
            subject = decisions.get(member.pk)
            what = subject.get_decision_display() if subject else "خارج از این پرونده"
            if household.head_id == member.pk:
                what += "؛ سرپرست خانوار"
            staying.append((member.full_name, what))
    return staying


def leaving_subjects(case: Case) -> list[CaseSubject]:
    """The persons a closing as already gone records: those whose documents the case cancelled
    (the household decisions left the others in the country)."""
    return list(
        case.subjects.filter(decision=SubjectDecision.CANCEL, departed_on__isnull=True)
        .select_related("person")
        .order_by("pk")
    )


@transaction.atomic
def close_as_departed(*, case: Case, by, exits: dict, report: Evidence) -> Case:
    """A case opened on a report of illegal exit closes without an order: each person whose
    documents it cancelled with their own exit (``exits``: {subject id: (day, border point or
    None)}), the report that proves it, and the household members who stay named as the case left
    them; then «مختومه: خروج پیشین از کشور»."""
    case = _lock(case, by, Capability.SUPERVISE_CASE)
    refusal = enforcement_rules.departure_refusal(case)
    if refusal == enforcement_rules.WRONG_STATE:
        raise CaseStateConflict(case, Step.CLOSE_AS_DEPARTED.label)
    if refusal:
        raise EnforcementRefused(refusal)
    subjects = leaving_subjects(case)
    errors: dict[str, list[str]] = {}
    for subject in subjects:
        field = f"exited_on_{subject.pk}"
        exited_on, border_point = exits.get(subject.pk, (None, None))
        if exited_on is None:
            errors[field] = [f"تاریخ خروج {subject.person.full_name} را وارد کنید."]
        elif refusal := daterules.not_in_future(exited_on, "تاریخ خروج") or daterules.not_after(
            exited_on,
            case.source_date,
            "تاریخ خروج",
            f"تاریخ گزارش مبادی ({digits_to_persian(_day(case.source_date))})",
        ):
            errors[field] = [refusal]
        if border_point is not None and not border_point.is_active:
            errors[f"border_point_{subject.pk}"] = ["این مرز خروجی فعال نیست."]
    if report.case_id != case.pk or report.pk not in {e.pk for e in exit_reports(case)}:
        errors["report"] = ["گزارش خروج را از مستندات همین پرونده برگزینید."]
    if errors:
        raise EnforcementRefused(errors)
    for subject in subjects:
        exited_on, border_point = exits[subject.pk]
        PriorDeparture.objects.create(
            subject=subject,
            exited_on=exited_on,
            border_point=border_point,
            report=report,
            recorded_by=by,
        )
        _record_departure(
            case,
            subject,
            on=exited_on,
            by=by,
            label=f"خروج پیشین از کشور: {subject.person.full_name}",
            changes=[
                audit.change("تاریخ خروج", "", _day(exited_on), field="exited_on"),
                audit.change(
                    "مرز خروج", "", str(border_point) if border_point else "نامعلوم", field="border"
                ),
                audit.change("گزارش خروج", "", report.original_name, field="report"),
            ],
        )
    staying = staying_members(case)
    if staying:
        audit.record_change(
            case=case,
            by=by,
            action="household_stays",
            label="وضعیت اعضای ماندگار خانوار",
            changes=[audit.change(name, "", what) for name, what in staying],
        )
    return case_services.case_take_step(case=case, by=by, step=Step.CLOSE_AS_DEPARTED, proof=report)


# --------------------------------------------------------------------------------------------------
# The proofs of step 7 (cases.workflow: the engine asks these; enforcement.apps registers them)


def _refuse(message: str):
    raise case_services.ProofRefused(message)


def order_verify(*, case: Case, step: Step, proof: ExpulsionOrder) -> str:
    """The case's first order proves «صدور دستور اخراج» (an order given again moves nothing)."""
    order = ExpulsionOrder.objects.get(pk=proof.pk)
    if order.case_id != case.pk:
        _refuse("این دستور اخراج از پرونده دیگری است.")
    if order.replaces_id is not None:
        _refuse("دستور جایگزین، دستور نخست پرونده نیست.")
    return f"دستور اخراج {digits_to_persian(order.number)}"


def exit_verify(*, case: Case, step: Step, proof: OrderedPerson) -> str:
    """A recorded exit (expelled, or gone before the deadline) of a person on the case's orders
    proves «ثبت اجرای اخراج» (whose condition is that every such person has left)."""
    entry = OrderedPerson.objects.select_related("order", "subject__person").get(pk=proof.pk)
    if entry.order.case_id != case.pk:
        _refuse("این ثبت خروج از دستور اخراج پرونده دیگری است.")
    if entry.outcome not in CLOSING_OUTCOMES:
        _refuse(f"خروج {entry.subject.person.full_name} از کشور ثبت نشده است.")
    numbers = "، ".join(
        digits_to_persian(n)
        for n in case.expulsion_orders.order_by("pk").values_list("number", flat=True)
    )
    return f"دستور اخراج {numbers}"


def prior_exit_verify(*, case: Case, step: Step, proof: Evidence) -> str:
    """The case's report of an illegal exit, on which the persons' exits are recorded, proves
    «مختومه: خروج پیشین از کشور»."""
    if proof.case_id != case.pk:
        _refuse("این گزارش خروج از پرونده دیگری است.")
    if not PriorDeparture.objects.filter(report_id=proof.pk, subject__case=case).exists():
        _refuse("خروج پیشین اشخاص با این گزارش ثبت نشده است.")
    return f"گزارش خروج غیرقانونی {digits_to_persian(case.source_reference)}"
