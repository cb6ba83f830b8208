"""The date rules every step shares, each written once with its one Persian sentence.

A typed date is a legal fact (the day a letter was sent, a resolution passed, a person left), and
the same three rules hold for all of them: it has happened (not in the future), it comes after the
case existed (not before the case was opened), and it keeps its order with the date it follows or
precedes. Services, forms and the rule book (cases/rules.py) ask these functions, so that a rule and
its sentence cannot drift apart from one copy to the next. This module is at the bottom: it imports
the clock and Django, never an app.

Each ``not_*`` function takes the date and what it is, in Persian («تاریخ ارسال»), and returns the
sentence that refuses it, or None when the date passes (an empty date passes: saying that it is
missing is the caller's own sentence). The sentences are the module's constants, for a rule that
is declared before it has a date to look at (cases.rules' conditions).
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from shared import clock

IN_FUTURE = "{what} نمی‌تواند در آینده باشد."
BEFORE = "{what} نمی‌تواند پیش از {since} باشد."
AFTER = "{what} نمی‌تواند پس از {until} باشد."
# What "before the case was opened" says in place of ``since``.
OPENING = "تاریخ ثبت پرونده"


def opened_on(opened_at: datetime.datetime) -> datetime.date:
    """The case's first day: the day in Tehran of the moment it was opened."""
    return timezone.localdate(opened_at)


def in_future(value: datetime.date | None) -> bool:
    return value is not None and value > clock.today()


def not_in_future(value: datetime.date | None, what: str) -> str | None:
    """Refused when ``value`` is after today (the office's day, from the clock)."""
    return IN_FUTURE.format(what=what) if in_future(value) else None


def not_before(value: datetime.date | None, earliest, what: str, since: str) -> str | None:
    """Refused when ``value`` is before ``earliest`` (``since`` names it: «تاریخ ارسال»)."""
    if value is None or earliest is None or value >= earliest:
        return None
    return BEFORE.format(what=what, since=since)


def not_after(value: datetime.date | None, latest, what: str, until: str) -> str | None:
    """Refused when ``value`` is after ``latest`` (``until`` names it)."""
    if value is None or latest is None or value <= latest:
        return None
    return AFTER.format(what=what, until=until)


def not_before_opening(value: datetime.date | None, opened_at, what: str) -> str | None:
    """Refused when ``value`` is before the day the case was opened (``opened_at``, a moment)."""
    earliest = opened_on(opened_at) if opened_at is not None else None
    return not_before(value, earliest, what, OPENING)


def past_validator(what: str = "تاریخ"):
    """A form field's validator for "not in the future", saying what the date is."""

    def validate(value):
        refusal = not_in_future(value, what)
        if refusal:
            raise ValidationError(refusal, code="in_future")

    validate.__name__ = "not_in_future"
    return validate
