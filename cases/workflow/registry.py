"""Where the apps above plug into the engine, filled in their ``AppConfig.ready()``.

- ``verifiers``: one per proof kind (``cases.workflow.proofs.ProofKind``): the app that keeps such
  records says whether one proves a step of a case (committees for sessions, enforcement for
  orders and exits).
- ``effects``: what follows a step, called by the engine itself in the order declared here (not a
  signal whose receivers steer): ``on_commit=False`` effects run inside the step's transaction (an
  exception refuses the step, their writes roll back with it); ``on_commit=True`` ones only once
  it commits (a notice, never sent for a step rolled back).

``cases.workflow.checks`` fails at start-up when a step's proof kind has no verifier or a key is
not a real step.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from cases.workflow.proofs import ProofKind


@dataclass(frozen=True)
class Verifier:
    """``verify(case=, step=, proof=) -> str`` raises ``ProofRefused`` (Persian) or returns the
    proof as the step's event names it (the session and resolution, the order number...)."""

    kind: ProofKind
    # The record a proof of this kind is: anything else is refused before ``verify`` is called.
    model: type
    verify: Callable[..., str]
    # The part of the case page (its id) where such a record is made; "" for a session's.
    anchor: str = ""


@dataclass(frozen=True)
class StepTaken:
    """What an effect is told: the case as saved after the step, and what the step did."""

    case: object
    step: object
    by: object
    event: object
    proof: object = None
    # The identity documents this step cancelled (CANCEL_CARD), for najva's outbox.
    cancelled_documents: list = field(default_factory=list)


@dataclass(frozen=True)
class Effect:
    name: str
    run: Callable[[StepTaken], None]
    # The steps it follows (their values); empty: every step.
    steps: frozenset
    order: int
    on_commit: bool = False

    def follows(self, step) -> bool:
        return not self.steps or step in self.steps


verifiers: dict[ProofKind, Verifier] = {}
effects: list[Effect] = []


def register_verifier(
    kind: ProofKind, *, model: type, verify: Callable[..., str], anchor: str = ""
) -> None:
    kind = ProofKind(kind)
    existing = verifiers.get(kind)
    if existing is not None and existing.verify is not verify:
        # Two apps claiming one kind of proof is a wiring mistake, not a choice to make silently.
        raise ValueError(f"a verifier of {kind} is registered already")
    verifiers[kind] = Verifier(kind=kind, model=model, verify=verify, anchor=anchor)


def register_effect(
    name: str, run: Callable[[StepTaken], None], *, steps=(), order: int, on_commit: bool = False
) -> None:
    """Add an after-step effect. ``steps`` are kept as given (checked at start-up, so that a
    misspelt step is caught there and not by a step that silently has no effect)."""
    if any(effect.name == name for effect in effects):
        return  # ready() run twice (tests reloading apps): registered already
    effects.append(
        Effect(name=name, run=run, steps=frozenset(steps), order=order, on_commit=on_commit)
    )
    effects.sort(key=lambda effect: (effect.order, effect.name))


def effects_of(step) -> list[Effect]:
    return [effect for effect in effects if effect.follows(step)]
