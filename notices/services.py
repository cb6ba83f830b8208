"""Notices kept in the database until sent, like the Najva outbox (najva.services).

``later(job, *args)`` writes a row in the caller's transaction (the notice exists exactly when the
change it is about does) and, once that commits, queues ``notices.tasks.run`` for it; a broker
that is down loses nothing: the beat's sweep (``notices.tasks.sweep``, every 30 s) queues what is
due. A worker claims a row under a lease (``select_for_update(skip_locked=True)``), runs the job in
a transaction with the row's ``done`` mark, and on an error tries again later with backoff, up to
``NOTICE_MAX_ATTEMPTS``. A job that tells several people writes one e-mail row each (``mail``):
a mail server's error re-sends only that one.
"""

import datetime
import logging
import random
import secrets
from collections.abc import Callable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils.module_loading import import_string

from notices.models import Notice
from shared import clock

logger = logging.getLogger(__name__)

# The jobs a row may name: the functions marked with @job (only these are ever run).
JOBS: dict[str, Callable] = {}


def job(func: Callable) -> Callable:
    """Mark ``func`` as a job a notice may name (by its dotted name)."""
    JOBS[f"{func.__module__}.{func.__name__}"] = func
    return func


def _job(name: str) -> Callable:
    if name not in JOBS:
        import_string(name)  # its module registers it on import
    return JOBS[name]


def later(name: str, *args) -> Notice:
    """Write the notice now (in the caller's transaction); queue it once that commits."""
    _job(name)  # a misspelt job fails here, in the test of the caller, not in a worker
    now = clock.now()
    row = Notice.objects.create(job=name, args=list(args), created_at=now, next_attempt_at=now)
    transaction.on_commit(lambda: queue([row.pk]))
    return row


def mail(email: str, subject: str, body: str) -> Notice:
    """One e-mail to one person, kept until sent."""
    return later("notices.services.send", email, subject, body)


@job
def send(email: str, subject: str, body: str) -> None:
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email])


def queue(ids) -> None:
    """A task per row; never raises and never waits long (settings.BROKER_TIMEOUT): a broker
    that is down leaves the rows to the sweep."""
    from notices import tasks

    for pk in ids:
        try:
            tasks.run.delay(pk)
        except Exception as error:
            logger.warning(
                "could not queue notice %s (%s); the sweep will", pk, type(error).__name__
            )


def lease() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.NOTICE_LEASE_SECONDS)


def backoff(attempts: int) -> datetime.timedelta:
    seconds = min(30 * 2 ** min(max(attempts - 1, 0), 16), 3600)
    return datetime.timedelta(seconds=seconds * random.uniform(0.5, 1))  # noqa: S311


def _due(now):
    return Notice.objects.filter(
        Q(leased_until__isnull=True) | Q(leased_until__lte=now),
        status=Notice.Status.PENDING,
        next_attempt_at__lte=now,
    )


def claim(pk: int | None = None) -> Notice | None:
    """Take one due row (one other workers do not hold), leased to this worker, or None."""
    now = clock.now()
    with transaction.atomic():
        due = _due(now).select_for_update(skip_locked=True).order_by("next_attempt_at", "pk")
        if pk is not None:
            due = due.filter(pk=pk)
        row = due.first()
        if row is None:
            return None
        row.leased_until = now + lease()
        row.lease_token = secrets.token_hex(8)
        row.attempts += 1
        row.save(update_fields=["leased_until", "lease_token", "attempts"])
    return row


def run(row: Notice) -> bool:
    """Do a claimed row's job; True when done. The rows a job writes (the e-mails of a task that
    works out whom to tell) commit with its ``done`` mark, or not at all."""
    mine = Notice.objects.filter(pk=row.pk, lease_token=row.lease_token)
    try:
        with transaction.atomic():
            _job(row.job)(*row.args)
            mine.update(status=Notice.Status.DONE, done_at=clock.now(), leased_until=None)
        return True
    except Exception as error:
        failed = row.attempts >= settings.NOTICE_MAX_ATTEMPTS
        logger.warning(
            "notice %s (%s) failed, attempt %s%s: %s",
            row.pk,
            row.job,
            row.attempts,
            ", given up" if failed else "",
            type(error).__name__,
        )
        mine.update(
            status=Notice.Status.FAILED if failed else Notice.Status.PENDING,
            last_error=f"{type(error).__name__}: {error}"[:1000],
            next_attempt_at=clock.now() + backoff(row.attempts),
            leased_until=None,
        )
        return False


def run_due(*, pk: int | None = None, limit: int = 1000) -> int:
    """Run the row ``pk`` if it is due, or up to ``limit`` due rows; returns how many were done."""
    done = 0
    for _ in range(1 if pk is not None else limit):
        row = claim(pk)
        if row is None:
            break
        done += run(row)
    return done


def purge(days: int = 30) -> int:
    """Done notices older than ``days`` (their text names persons): deleted."""
    cutoff = clock.now() - datetime.timedelta(days=days)
    return Notice.objects.filter(status=Notice.Status.DONE, done_at__lt=cutoff).delete()[0]
