"""What the cases app tells the apps above it, without knowing them.

``step_taken`` is sent by ``cases.services.case_take_step`` inside the step's transaction, after
the case is saved and its event written: a receiver's writes commit or roll back with the step,
and an exception in a receiver refuses the step. The najva app writes its outbox rows here when
a card is cancelled (a row written with the cancellation, never after it).

Arguments: ``case``, ``step`` (``cases.choices.Step``), ``by`` (None for the system), ``event``
(the step's audit event) and ``cancelled_documents`` (the identity documents this step
cancelled, as a list). A receiver returns whether it moved the case further (through the case
services), so that the step's service returns the case as it then is.
"""

from django.dispatch import Signal

step_taken = Signal()
