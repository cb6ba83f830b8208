"""The sets of case states the code asks about, derived from the rule book (``cases.steps``).

Each set is computed once, at import, from the graph the steps draw (a step leads from its
sources to its target), so a step added to the rule book moves every set it belongs to: nothing
here is kept by hand (the withdrawal's sources are the WITHDRAW step's own declaration,
``cases.choices.WITHDRAWABLE_STATES``).
``cases/tests/test_states.py`` holds each set's value as it stood when it was written by hand.
"""

from accounts.roles import Capability
from cases.choices import CaseState, Step
from cases.steps import STEPS


def _edges() -> dict[CaseState, set[CaseState]]:
    edges: dict[CaseState, set[CaseState]] = {state: set() for state in CaseState}
    for rule in STEPS.values():
        for source in rule.source:
            edges[source].add(rule.target)
    return edges


EDGES = _edges()


def reachable_from(state: CaseState) -> frozenset[CaseState]:
    """``state`` and every state some sequence of steps leads to from it."""
    seen, todo = {state}, [state]
    while todo:
        for target in EDGES[todo.pop()]:
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return frozenset(seen)


def _left_by(capability: Capability) -> frozenset[CaseState]:
    return frozenset(
        source for rule in STEPS.values() if rule.capability == capability for source in rule.source
    )


CLOSED_STATES = frozenset(state for state, targets in EDGES.items() if not targets)
"""Closed (مختومه): the states no step leaves."""

CARDS_CANCELLED = reachable_from(STEPS[Step.CANCEL_CARD].target)
"""From the cancellation of the cards on: the subjects' documents are cancelled (and registered in
Najva, or waiting to be). Every state the cancellation's target leads to, itself included."""

FROM_NATIONAL_CONFIRMATION = reachable_from(STEPS[Step.CONFIRM_NATIONALLY].target)
"""From national confirmation on: the registry operator's scope (handed to accounts.permissions at
start-up, cases.apps). Every state the confirmation's target leads to, itself included."""

CLOSED_WITHOUT_CANCELLATION = CLOSED_STATES - CARDS_CANCELLED
"""Closed before any card was cancelled: the subjects' documents are left as they were before the
case."""

DECIDING_STATES = frozenset(CaseState) - CLOSED_STATES - CARDS_CANCELLED
"""Still deciding about the subjects' documents: open, and the cards not cancelled yet (from the
cancellation on, the decisions have settled)."""

EXPERT_STATES = _left_by(Capability.REVIEW_CASE)
"""With the expert: the states a step of the expert's (``REVIEW_CASE``) leaves. Evidence and
decisions are the expert's work there."""

INQUIRY_STATES = EXPERT_STATES & reachable_from(STEPS[Step.START_REVIEW].target)
"""With the expert once the review has started: where inquiries are sent and answered."""
