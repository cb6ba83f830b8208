"""What every case service shares: the locked read, the refusals, and the event."""

import logging

from audit import services as audit
from cases.models import Case
from cases.workflow.engine import lock, require
from cases.workflow.errors import CaseActionRefused, CaseStateConflict, ProofRefused
from notices import services as notices

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
    """Write the notice of ``event`` to those who must act next, in the step's transaction: it is
    queued once that commits, and kept until sent (notices.services)."""
    notices.later("cases.tasks.notify_next_actors", event.pk)


def record(*, case: Case, by, kind: str, action: str, label: str, **fields):
    """Append the case event (inside the caller's transaction)."""
    return audit.record(case=case, by=by, kind=kind, action=action, label=label, **fields)


def queue_notice(event) -> None:
    """Tell those who must act next (nothing is sent for a rolled-back change)."""
    notify_next_actors(event)
