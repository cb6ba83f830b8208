"""The outbox rows are written in the cancellation's own transaction (cases.signals)."""

from django.dispatch import receiver

from cases.choices import Step
from cases.signals import step_taken
from najva import services


@receiver(step_taken, dispatch_uid="najva.registrations_queue")
def queue_registrations(sender, *, case, step, by, cancelled_documents, **kwargs) -> bool:
    """Returns whether the case moved on (cases.signals: the step's service then re-reads it)."""
    if step == Step.CANCEL_CARD:
        return services.registrations_queue(
            case=case, by=by, cancelled_documents=cancelled_documents
        )
    return False
