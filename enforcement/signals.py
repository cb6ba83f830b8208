"""What the enforcement app tells the apps above it, without knowing them.

``order_issued`` is sent by ``enforcement.services.order_issue`` inside the order's transaction,
after the order, its persons and its PDF are saved: a receiver's writes commit or roll back with
the order (the letters app writes the letters that tell the persons and the police of it).

Arguments: ``order`` (the ``ExpulsionOrder``) and ``by`` (the supervisor who issued it).
"""

from django.dispatch import Signal

order_issued = Signal()
