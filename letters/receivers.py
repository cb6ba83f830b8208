"""The letters of a decision are written in the decision's own transaction (cases.signals)."""

from django.dispatch import receiver

from cases.signals import step_taken
from enforcement.signals import order_issued
from letters import services


@receiver(step_taken, dispatch_uid="letters.letters_queue")
def queue_letters(sender, *, case, step, by, **kwargs) -> bool:
    """Writes the letters the step calls for; they commit or roll back with the step. Returns
    False: writing letters never moves the case (cases.signals)."""
    services.letters_for_step(case=case, step=step, by=by)
    return False


@receiver(order_issued, dispatch_uid="letters.order_letters")
def queue_order_letters(sender, *, order, by, **kwargs) -> None:
    """The letters telling an expulsion order, written with it."""
    services.letters_for_order(order=order, by=by)
