"""What the case services share beyond the engine's locked read and refusals
(cases.workflow.engine, cases.workflow.errors): the notices to those who must act next."""

from cases import tasks
from notices import services as notices


def queue(task, pk: int) -> None:
    """The notice ``task`` about the row ``pk``, written in the caller's transaction
    (notices.Notice): sent once that commits, never for one rolled back, and kept until sent, so
    a broker that is down delays the e-mail and never the request (issue 21)."""
    notices.later(task.name, pk)


def queue_notice(event) -> None:
    """Tell those who must act next about ``event``."""
    queue(tasks.notify_next_actors, event.pk)
