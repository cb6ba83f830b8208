"""Every rule a step checks: a django-fsm condition with the Persian sentence shown when it fails.

A condition takes the case as it would be after the step's inputs are set on it (the service sets
them first). ``needs_input`` conditions are met by what the user types with the step (a reason, a
resolution number, a date): pages offer such a step and ask for the input; ``field`` names the
input a failure is shown on. Conditions read related rows through ``rows()``: the relation's own
``.all()``, or the plain list a list page prefetched for every case at once (``<name>_rows``).
"""

import datetime

from django.utils import timezone

from cases.choices import REQUIRED_EVIDENCE, Agency, SourceType, SubjectDecision
from people.models import DocumentStatus
from reference.models import OffenceType
from shared import clock, daterules
from shared.persian import jalali_year


def condition(
    description: str,
    *,
    needs_input: bool = False,
    field: str | None = None,
    kind_of_case: bool = False,
):
    """Mark a function as a step condition, with its Persian sentence. ``kind_of_case``: the
    condition says which cases the step is for at all (not work left to do): a step whose such
    condition fails is not offered, and its sentence is not listed as missing."""

    def decorate(func):
        func.description = description
        func.needs_input = needs_input
        func.field = field
        func.kind_of_case = kind_of_case
        return func

    return decorate


def _local_date(moment) -> datetime.date | None:
    return timezone.localdate(moment) if moment else None


def rows(instance, relation: str):
    """The rows of ``instance.<relation>``: the list a list page prefetched into
    ``<relation>_rows`` (a ``Prefetch`` with ``to_attr``, which builds no queryset per row: for the
    80 cases of a work queue, Django's per-row querysets cost more than the queries), or else the
    relation's own ``.all()``, itself prefetched or not."""
    prefetched = getattr(instance, f"{relation}_rows", None)
    return prefetched if prefetched is not None else getattr(instance, relation).all()


# --------------------------------------------------------------------------------------------------
# The expert's work


def missing_evidence_types(case) -> list[str]:
    present = {e.evidence_type for e in rows(case, "evidence") if e.withdrawn_at is None}
    return [t for t in REQUIRED_EVIDENCE.get(case.source_type, []) if t not in present]


@condition("نامه استعلام به اداره اطلاعات و به انتظامی هر دو ارسال و ثبت شده باشد.")
def inquiries_sent(case):
    sent = {i.agency for i in rows(case, "inquiries") if i.letter_number and i.sent_on}
    return sent >= set(Agency.values)


@condition("پاسخ استعلام اداره اطلاعات و انتظامی هر دو ثبت شده باشد.")
def inquiry_replies_recorded(case):
    replied = {i.agency for i in rows(case, "inquiries") if i.replied_on and i.outcome}
    return replied >= set(Agency.values)


@condition("همه مدارک لازم برای این نوع منشأ بارگذاری شده باشد.")
def required_evidence_attached(case):
    return not missing_evidence_types(case)


@condition("برای هر یک از اشخاص پرونده تصمیم (ابطال، حفظ یا پرونده جداگانه) ثبت شده باشد.")
def subjects_decided(case):
    subjects = list(rows(case, "subjects"))
    return bool(subjects) and all(s.decision != SubjectDecision.PENDING for s in subjects)


@condition(
    "اگر مدارک سرپرست خانوار باطل می‌شود، سرپرست جدید خانوار ثبت شده یا همه اعضا در پرونده باشند."
)
def household_settled(case):
    # Cancelling a head never silently settles the others: either every other member is on this
    # case with the decision to cancel, or a new head has been recorded for the household first.
    subjects = list(rows(case, "subjects"))
    cancelled = {s.person_id for s in subjects if s.decision == SubjectDecision.CANCEL}
    for household in {s.person.household for s in subjects}:
        if household.head_id in cancelled:
            if not {m.pk for m in rows(household, "members")} <= cancelled:
                return False
    return True


def _has_live_document(person) -> bool:
    """Whether ``person`` holds a document not yet cancelled: the list pages annotate it on the
    members they prefetch (``has_live_document``); elsewhere it is read."""
    annotated = getattr(person, "has_live_document", None)
    if annotated is not None:
        return annotated
    return person.documents.exclude(status=DocumentStatus.CANCELLED).exists()


def household_elsewhere(case, household) -> bool:
    """Whether ``household`` is registered in another province than the case's: a case opened on
    a person another province registered (intake.selectors.found_elsewhere) decides for that
    person only; the rest of the household is the other province's to manage."""
    return household.province_id != case.province_id


def undecided_members(case) -> list:
    """The members of the subjects' households the case has no decision for: not on the case, or
    on it without a decision. A member whose every document is already cancelled has nothing left
    to decide. Of a household registered in another province only the case's own subjects count:
    its other members cannot be added to the case, and are not this province's to decide."""
    subjects = list(rows(case, "subjects"))
    decided = {s.person_id for s in subjects if s.decision != SubjectDecision.PENDING}
    on_case = {s.person_id for s in subjects}
    undecided = []
    for household in {s.person.household for s in subjects}:
        elsewhere = household_elsewhere(case, household)
        for member in rows(household, "members"):
            if elsewhere and member.pk not in on_case:
                continue
            if member.pk not in decided and _has_live_document(member):
                undecided.append(member)
    return undecided


@condition(
    "برای همه اعضای خانوار تصمیم صریح ثبت شده باشد (ابطال، حفظ وضعیت با ثبت سرپرست جدید، یا "
    "رسیدگی در پرونده جداگانه): عضوی که در پرونده نیست، نخست به پرونده افزوده شود."
)
def household_members_decided(case):
    return not undecided_members(case)


@condition("دست‌کم برای یکی از اشخاص پرونده تصمیم ابطال مدارک ثبت شده باشد.")
def some_subject_to_cancel(case):
    # A case that cancels nobody's documents has nothing to cancel nor to register in Najva.
    return any(s.decision == SubjectDecision.CANCEL for s in rows(case, "subjects"))


@condition("ابطال مدارک همه اشخاص پرونده در نجوا ثبت شده باشد.")
def cancellations_registered(case):
    return all(
        s.najva_registered_at is not None
        for s in rows(case, "subjects")
        if s.decision == SubjectDecision.CANCEL
    )


@condition("خروج از کشور همه اشخاصی که مدارکشان باطل شده ثبت شده باشد.", needs_input=True)
def subjects_departed(case):
    # Each person whose documents were cancelled has left: expelled, gone on their own before the
    # order's deadline, or gone before the case (the enforcement app records how, and when). Met
    # by the record the step is taken with (as an input is), so the step is offered until then.
    return all(
        s.departed_on is not None
        for s in rows(case, "subjects")
        if s.decision == SubjectDecision.CANCEL
    )


# --------------------------------------------------------------------------------------------------
# What is typed with a step


@condition("دلیل ذکر شده باشد.", needs_input=True, field="reason")
def has_reason(case):
    return bool(case.reason.strip())


@condition("شماره و تاریخ مصوبه کارگروه استان ثبت شده باشد.", needs_input=True)
def has_province_resolution(case):
    return (
        bool(case.province_resolution_number.strip()) and case.province_resolution_date is not None
    )


@condition("شماره و تاریخ نامه کارگروه دائمی کشور ثبت شده باشد.", needs_input=True)
def has_national_letter(case):
    return bool(case.national_letter_number.strip()) and case.national_letter_date is not None


@condition(
    "نوع جرم مصوبه از فهرست جرائم دستورالعمل جاری انتخاب شده باشد.",
    needs_input=True,
    field="offence_type",
)
def has_offence_type(case):
    return case.offence_type_id is not None


@condition(
    "نوع جرم باید از فهرست جرائم دستورالعمل جاری انتخاب شود.",
    needs_input=True,
    field="offence_type",
)
def offence_type_in_force(case):
    if case.offence_type_id is None:
        return True  # has_offence_type says what is missing
    in_force = OffenceType.objects.in_force(jalali_year(clock.now()))
    return in_force.filter(pk=case.offence_type_id).exists()


def not_in_future(field: str, what: str):
    """A typed date that has not happened yet is refused."""

    @condition(daterules.IN_FUTURE.format(what=what), needs_input=True, field=field)
    def check(case):
        return not daterules.not_in_future(getattr(case, field), what)

    check.__name__ = f"{field}_not_in_future"
    return check


def not_before_opening(field: str, what: str):
    """A typed date before the case existed is refused."""

    sentence = daterules.BEFORE.format(what=what, since=daterules.OPENING)

    @condition(sentence, needs_input=True, field=field)
    def check(case):
        return not daterules.not_before_opening(getattr(case, field), case.opened_at, what)

    check.__name__ = f"{field}_not_before_opening"
    return check


def not_before_state_entered(field: str, what: str, since: str):
    """A typed date before the case reached its present state (``since`` says how) is refused."""

    @condition(daterules.BEFORE.format(what=what, since=since), needs_input=True, field=field)
    def check(case):
        entered = _local_date(case.state_entered_at)
        return not daterules.not_before(getattr(case, field), entered, what, since)

    check.__name__ = f"{field}_not_before_state"
    return check


_LETTER, _RESOLUTION = "تاریخ نامه کارگروه دائمی کشور", "تاریخ مصوبه کارگروه استان"


@condition(
    daterules.BEFORE.format(what=_LETTER, since=_RESOLUTION),
    needs_input=True,
    field="national_letter_date",
)
def national_letter_not_before_resolution(case):
    letter, resolution = case.national_letter_date, case.province_resolution_date
    return not daterules.not_before(letter, resolution, _LETTER, _RESOLUTION)


# --------------------------------------------------------------------------------------------------
# How the case began


@condition("منشأ پرونده خروج غیرقانونی است؛ شخص پیش‌تر از کشور خارج شده است.", kind_of_case=True)
def source_is_illegal_exit(case):
    return case.source_type == SourceType.ILLEGAL_EXIT_REPORT


@condition("منشأ پرونده خروج غیرقانونی نیست؛ شخص هنوز در کشور است.", kind_of_case=True)
def source_is_not_illegal_exit(case):
    return case.source_type != SourceType.ILLEGAL_EXIT_REPORT
