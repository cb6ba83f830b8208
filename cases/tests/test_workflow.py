"""The kernel: no step is taken without its proof, and the wiring is checked at start-up."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from audit.models import Event
from cases import services
from cases.choices import CaseState, SourceType, Step
from cases.models import Case
from cases.steps import STEPS
from cases.workflow import checks, registry
from cases.workflow.proofs import ProofKind
from cases.workflow.registry import register_effect
from shared import clock
from tests import proofs

pytestmark = pytest.mark.django_db

ACTOR = {
    ProofKind.PROVINCIAL_RESOLUTION: "secretary",
    ProofKind.NATIONAL_LETTER: "national",
    ProofKind.EXPULSION_ORDER: "supervisor",
    ProofKind.EXIT_RECORD: "enforcement",
    ProofKind.PRIOR_EXIT_REPORT: "supervisor",
}
WITH_PROOF = sorted(step for step, rule in STEPS.items() if rule.proof != ProofKind.NONE)


def wrong_proofs(case, step, other_case, isfahan):
    """Every record that must not prove ``step`` of ``case``, by what is wrong with it."""
    kind = STEPS[step].proof
    other_kind = next(k for k in ACTOR if k != kind and proofs.MAKERS[k] is not proofs.MAKERS[kind])
    wrong = {
        "another kind": proofs.MAKERS[other_kind](case, step),
        "another case": proofs.proof_for(case, step, of_case=other_case)["proof"],
    }
    if kind.in_session:
        wrong |= {
            "an open session": proofs.resolution(case, step, closed=False),
            "another outcome": proofs.resolution(case, step, outcome=other_outcome(step)),
            "the other group": proofs.resolution(
                case, step, national=kind == ProofKind.PROVINCIAL_RESOLUTION
            ),
        }
    if kind == ProofKind.PROVINCIAL_RESOLUTION:
        wrong |= {
            "another province": proofs.resolution(case, step, province=isfahan),
            "no quorum": proofs.resolution(case, step, quorum=False),
        }
    return wrong


def other_outcome(step):
    from committees.models import Outcome

    return {
        Step.APPROVE_IN_PROVINCE: Outcome.REJECT,
        Step.REJECT_IN_PROVINCE: Outcome.APPROVE,
        Step.RETURN_FOR_INFORMATION: Outcome.APPROVE,
        Step.CONFIRM_NATIONALLY: Outcome.REFUSE,
        Step.REFUSE_NATIONALLY: Outcome.CONFIRM,
    }[step]


def source_of(step):
    return STEPS[step].source[0]


def inputs_of(case, step):
    from revocation.demo.walk import REASONS, inputs_for

    inputs = inputs_for(case, step)
    if STEPS[step].needs_reason:
        inputs["reason"] = REASONS[step]
    return inputs


@pytest.mark.parametrize("step", WITH_PROOF)
def test_no_step_is_taken_without_its_proof(step, case_in, actors_a, isfahan):
    source_type = SourceType.ILLEGAL_EXIT_REPORT if step == Step.CLOSE_AS_DEPARTED else None
    case = case_in(source_of(step), source_type=source_type)
    other_case = case_in(source_of(step), source_type=source_type)
    actor = getattr(actors_a, ACTOR[STEPS[step].proof])
    if step in (Step.RECORD_EXPULSION, Step.CLOSE_AS_DEPARTED):
        # Every person has left (as the enforcement app records it): only the proof stands
        # between the case and the step.
        case.subjects.filter(decision="cancel").update(departed_on=case.source_date)
    inputs = inputs_of(case, step)
    refusals = {"no proof": None, **wrong_proofs(case, step, other_case, isfahan)}
    events = Event.objects.filter(case_id=case.pk).count()
    for what, proof in refusals.items():
        expected = PermissionDenied if proof is None else services.ProofRefused
        with pytest.raises(expected):
            services.case_take_step(case=case, by=actor, step=step, proof=proof, **inputs)
        after = Case.objects.get(pk=case.pk)
        assert (after.state, Event.objects.filter(case_id=case.pk).count()) == (
            source_of(step),
            events,
        ), what
    # And the right proof takes it, named in the event.
    services.case_take_step(
        case=case, by=actor, step=step, **proofs.proof_for(case, step), **inputs
    )
    case.refresh_from_db()
    assert case.state == STEPS[step].target
    event = case.events.order_by("pk").last()
    assert event.changes[0]["field"] == "proof" and event.changes[0]["new"]


def test_a_step_without_proof_takes_none(case_in, actors_a):
    case = case_in(CaseState.RECEIVED)
    other = case_in(CaseState.READY_FOR_PROVINCE)
    with pytest.raises(services.ProofRefused):
        services.case_take_step(
            case=case,
            by=actors_a.expert,
            step=Step.START_REVIEW,
            proof=proofs.resolution(other, Step.APPROVE_IN_PROVINCE),
        )
    case.refresh_from_db()
    assert case.state == CaseState.RECEIVED


def test_a_resolution_of_an_earlier_round_decides_nothing(case_in, actors_a):
    """Returned, reviewed again and resubmitted: the first session's resolution is spent."""
    case = case_in(CaseState.READY_FOR_PROVINCE)
    spent = proofs.resolution(case, Step.RETURN_FOR_INFORMATION)
    reason = {"reason": "ناقص است."}
    services.case_take_step(
        case=case, by=actors_a.secretary, step=Step.RETURN_FOR_INFORMATION, proof=spent, **reason
    )
    # Back to review; the inquiries and their replies stand from the first round.
    for step in (Step.RESUME_REVIEW, Step.SEND_INQUIRIES):
        services.case_take_step(case=case, by=actors_a.expert, step=step)
    with clock.shifted(datetime.timedelta(days=1)):  # back before the group a day later
        services.case_take_step(case=case, by=actors_a.expert, step=Step.SUBMIT_TO_PROVINCE)
        with pytest.raises(services.ProofRefused, match="دور پیشین"):
            services.case_take_step(
                case=case,
                by=actors_a.secretary,
                step=Step.RETURN_FOR_INFORMATION,
                proof=spent,
                **reason,
            )
    case.refresh_from_db()
    assert case.state == CaseState.READY_FOR_PROVINCE


def test_the_start_up_check_passes_as_wired():
    assert checks.check_workflow() == []


def test_the_start_up_check_catches_a_missing_verifier(monkeypatch):
    verifiers = dict(registry.verifiers)
    del verifiers[ProofKind.EXPULSION_ORDER]
    monkeypatch.setattr(registry, "verifiers", verifiers)
    errors = checks.check_workflow()
    assert [e.id for e in errors] == ["workflow.E001"]
    assert "order_expulsion" in errors[0].msg


def test_the_start_up_check_catches_a_key_that_is_not_a_step(monkeypatch):
    monkeypatch.setattr(registry, "effects", list(registry.effects))
    register_effect("test.misspelt", lambda taken: None, steps=["aprove_in_province"], order=99)
    errors = checks.check_workflow()
    assert [e.id for e in errors] == ["workflow.E004"]
    assert "aprove_in_province" in errors[0].msg


def test_manage_py_check_runs_it(monkeypatch):
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    monkeypatch.setattr(registry, "verifiers", {})
    with pytest.raises(SystemCheckError, match=r"workflow\.E001"):
        call_command("check")
