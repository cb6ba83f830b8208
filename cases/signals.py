"""What the cases app announces to whoever listens, without knowing them.

``step_taken`` is sent by the engine (``cases.workflow.engine.case_take_step``) after a step and
its effects, inside the step's transaction. It only announces: what must follow a step is an
effect registered with the engine (``cases.workflow.registry``), called in a declared order, and
the engine uses nothing a receiver returns.

Arguments: ``case`` (as saved by the step), ``step`` (``cases.choices.Step``), ``by`` (None for
the system) and ``event`` (the step's audit event).
"""

from django.dispatch import Signal

step_taken = Signal()
