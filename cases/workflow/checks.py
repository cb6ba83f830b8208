"""The start-up check of the kernel's wiring (``manage.py check``, and the test run's start).

A step whose proof kind no app verifies could never be taken (or, worse, be taken unchecked);
an effect keyed by a name that is not a step would silently never run. Both are wiring mistakes
that show only when the step is taken: this check shows them before anything runs.
"""

from django.core import checks

from cases.choices import Step
from cases.workflow import registry
from cases.workflow.proofs import ProofKind


@checks.register("workflow")
def check_workflow(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    from cases.steps import STEPS

    errors = []
    for rule in STEPS.values():
        if rule.proof != ProofKind.NONE and rule.proof not in registry.verifiers:
            errors.append(
                checks.Error(
                    f"step {rule.step.value} needs a proof of kind {rule.proof.value}, "
                    "and no app registered its verifier",
                    hint="register_verifier() in the AppConfig.ready() of the app that keeps it",
                    id="workflow.E001",
                )
            )
        if rule.automatic and rule.proof != ProofKind.NONE:
            errors.append(
                checks.Error(
                    f"step {rule.step.value} is taken by the system and cannot name a proof",
                    id="workflow.E002",
                )
            )
    for kind in registry.verifiers:
        if kind not in ProofKind.values or kind == ProofKind.NONE:
            errors.append(
                checks.Error(
                    f"verifier registered for {kind!r}, not a proof kind", id="workflow.E003"
                )
            )
    for effect in registry.effects:
        bad = sorted(str(step) for step in effect.steps if step not in Step.values)
        if bad:
            errors.append(
                checks.Error(
                    f"effect {effect.name} follows {', '.join(bad)}, which is not a step",
                    id="workflow.E004",
                )
            )
    return errors
