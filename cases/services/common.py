"""What every case service shares: the locked read, the refusals, and the event."""

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts import permissions
from accounts.roles import Capability
from audit import services as audit
from cases import tasks
from cases.models import Case

logger = logging.getLogger(__name__)


class CaseActionRefused(ValidationError):
    """A change the case is not ready for, or bad input: Persian messages, keyed by field where
    the rule names one. Nothing was saved."""


class CaseStateConflict(Exception):
    """The step or change does not apply in the case's present state: usually someone else moved
    the case first. Pages answer 409 and say who moved it, when, and to which state."""

    def __init__(self, case: Case, what: str):
        super().__init__(f"{what} is not possible in state {case.state}")
        self.case = case
        self.what = what


def lock(case: Case, by) -> Case:
    """The case re-read under a row lock, through the user's scope (DoesNotExist outside it)."""
    return Case.objects.for_user(by).select_for_update().get(pk=case.pk)


def require(case: Case, by, capability: Capability) -> None:
    if not permissions.may(by, capability, case):
        raise PermissionDenied("شما اجازه این اقدام را در این پرونده ندارید.")


def record(*, case: Case, by, kind: str, action: str, label: str, **fields):
    """Append the case event (inside the caller's transaction)."""
    return audit.record(case=case, by=by, kind=kind, action=action, label=label, **fields)


def queue_notice(event) -> None:
    """After commit, tell those who must act next (nothing is sent for a rolled-back change)."""

    def send():
        try:
            tasks.notify_next_actors.delay(event.pk)
        except Exception:  # the decision is committed; a lost e-mail must not turn it into an error
            logger.exception("could not queue the notice for %s", event.pk)

    transaction.on_commit(send)
