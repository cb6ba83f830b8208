"""What the case services share beyond the engine's locked read and refusals
(cases.workflow.engine, cases.workflow.errors): the notice to those who must act next."""

import logging

from django.db import transaction

from cases import tasks

logger = logging.getLogger(__name__)


def queue(task, pk: int) -> None:
    """Queue the notice ``task`` about the row ``pk``, once its change is committed: a broker
    that cannot take it is logged, never turned into an error (a lost e-mail must not undo a
    decision)."""
    try:
        task.delay(pk)
    except Exception:
        logger.exception("could not queue %s for %s", task.name, pk)


def queue_notice(event) -> None:
    """After commit, tell those who must act next (nothing is sent for a rolled-back change)."""
    transaction.on_commit(lambda: queue(tasks.notify_next_actors, event.pk))
