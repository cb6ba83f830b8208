"""What every case service shares: the locked read, the refusals, and the event."""

import logging

from django.db import transaction

from audit import services as audit
from cases import tasks
from cases.models import Case
from cases.workflow.engine import lock, require
from cases.workflow.errors import CaseActionRefused, CaseStateConflict, ProofRefused

__all__ = [
    "CaseActionRefused",
    "CaseStateConflict",
    "ProofRefused",
    "lock",
    "notify_next_actors",
    "queue_notice",
    "record",
    "require",
]

logger = logging.getLogger(__name__)


def notify_next_actors(event) -> None:
    """Queue the notice of ``event`` to those who must act next (called once committed)."""
    try:
        tasks.notify_next_actors.delay(event.pk)
    except Exception:  # the decision is committed; a lost e-mail must not turn it into an error
        logger.exception("could not queue the notice for %s", event.pk)


def record(*, case: Case, by, kind: str, action: str, label: str, **fields):
    """Append the case event (inside the caller's transaction)."""
    return audit.record(case=case, by=by, kind=kind, action=action, label=label, **fields)


def queue_notice(event) -> None:
    """After commit, tell those who must act next (nothing is sent for a rolled-back change)."""
    transaction.on_commit(lambda: notify_next_actors(event))
