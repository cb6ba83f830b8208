"""The letters telling an expulsion order are written with the order (enforcement.signals)."""

from django.dispatch import receiver

from enforcement.signals import order_issued
from letters import services


@receiver(order_issued, dispatch_uid="letters.order_letters")
def queue_order_letters(sender, *, order, by, **kwargs) -> None:
    """The letters telling an expulsion order, written with it."""
    services.letters_for_order(order=order, by=by)
