"""The refusals of the workflow, shared by the engine and every case service."""

from django.core.exceptions import ValidationError


class CaseActionRefused(ValidationError):
    """A change the case is not ready for, or bad input: Persian messages, keyed by field where
    the rule names one. Nothing was saved."""


class ProofRefused(CaseActionRefused):
    """The proof given with a step does not prove it: of another kind, of another case or
    province, a session not closed or without its quorum, a resolution that is not this step.
    Nothing was saved."""


class CaseStateConflict(Exception):
    """The step or change does not apply in the case's present state: usually someone else moved
    the case first. Pages answer 409 and say who moved it, when, and to which state."""

    def __init__(self, case, what: str):
        super().__init__(f"{what} is not possible in state {case.state}")
        self.case = case
        self.what = what
