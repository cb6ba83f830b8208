"""The office's one clock: every "now" and "today" of the code comes from here.

Dates in this service are legal facts (a due date, a window to object, a day the case was opened),
so the code never reads the system time directly: it calls ``now()`` or ``today()`` (the day in
Tehran, whatever the server's zone), and a test can move the clock for the whole code at once
(``pinned``, ``shifted``) instead of patching each module. ``CLOCK_SHIFT_DAYS`` in the environment
shifts it for a whole process: the suite is run that way two years ahead to catch dates in tests
that would expire (see docs/operations.md).
"""

import contextlib
import datetime
import os

from django.utils import timezone

# A fixed moment (aware) while pinned; None: the real time.
_pinned: datetime.datetime | None = None
# Added to the real time (a whole run shifted ahead, as CLOCK_SHIFT_DAYS asks).
_shift = datetime.timedelta(days=int(os.environ.get("CLOCK_SHIFT_DAYS") or 0))


def now() -> datetime.datetime:
    """The present moment, aware (UTC inside, shown in Asia/Tehran)."""
    if _pinned is not None:
        return _pinned
    return timezone.now() + _shift


def today() -> datetime.date:
    """The day it is in Tehran (the office's day, not the server's, not UTC's)."""
    return timezone.localdate(now())


def _aware(moment) -> datetime.datetime:
    if isinstance(moment, datetime.datetime):
        return moment if timezone.is_aware(moment) else timezone.make_aware(moment)
    # A date: ten in the morning in Tehran, a plain office hour far from either midnight.
    return timezone.make_aware(datetime.datetime.combine(moment, datetime.time(10, 0)))


@contextlib.contextmanager
def pinned(moment):
    """Stop the clock at ``moment`` (a datetime, or a date: ten o'clock that day in Tehran)."""
    global _pinned
    previous, _pinned = _pinned, _aware(moment)
    try:
        yield _pinned
    finally:
        _pinned = previous


@contextlib.contextmanager
def shifted(delta: datetime.timedelta):
    """Let the clock run, ``delta`` ahead of (or, negative, behind) where it was."""
    global _shift
    previous, _shift = _shift, _shift + delta
    try:
        yield
    finally:
        _shift = previous
