"""The trail of a case: an event for every step and every change, with the actor, the states, the
reason and each changed field's label and old and new values (append-only: audit/tests)."""

import pytest

from accounts.roles import Role
from audit.models import Event
from cases import services
from cases.choices import CaseState, Step
from cases.trail import CaseEvent
from shared import clock
from tests.proofs import proof_for

pytestmark = pytest.mark.django_db


def test_every_step_and_change_leaves_an_event(case_in, actors_a):
    case = case_in(CaseState.APPROVED_BY_PROVINCE)
    actions = list(case.events.order_by("pk").values_list("action", "actor__username"))
    assert actions[0] == ("case_open", "expert_a")
    assert ("evidence_add", "expert_a") in actions
    assert actions.count(("inquiry_record_sent", "expert_a")) == 2
    assert actions.count(("inquiry_record_reply", "expert_a")) == 2
    assert ("subject_decide", "expert_a") in actions
    steps = [a for a in actions if a[0] in {Step.START_REVIEW, Step.SEND_INQUIRIES}]
    assert steps == [("start_review", "expert_a"), ("send_inquiries", "expert_a")]
    assert list(case.events.filter(kind=CaseEvent.STEP).values_list("action", flat=True)) == [
        Step.START_REVIEW,
        Step.SEND_INQUIRIES,
        Step.SUBMIT_TO_PROVINCE,
        Step.APPROVE_IN_PROVINCE,
    ]

    approval = case.events.get(action=Step.APPROVE_IN_PROVINCE)
    assert approval.actor == actors_a.secretary
    assert (approval.actor_name, approval.actor_roles) == (
        actors_a.secretary.get_full_name() or actors_a.secretary.username,
        f"{Role.SECRETARY.label}، استان تهران",
    )
    assert (approval.from_state, approval.to_state) == (
        CaseState.READY_FOR_PROVINCE,
        CaseState.APPROVED_BY_PROVINCE,
    )
    assert (approval.from_state_label, approval.to_state_label) == (
        CaseState.READY_FOR_PROVINCE.label,
        CaseState.APPROVED_BY_PROVINCE.label,
    )
    changes = {c["field"]: c for c in approval.changes}
    assert set(changes) == {
        "proof",  # the session and resolution that decided it (the walk's real session)
        "province_resolution_number",
        "province_resolution_date",
        "offence_type",
    }
    number = changes["province_resolution_number"]
    assert (number["label"], number["old"], number["new"], number["type"]) == (
        "شماره مصوبه کارگروه استان",
        "",
        case.province_resolution_number,
        "text",
    )
    date = changes["province_resolution_date"]
    assert (date["old"], date["new"], date["type"]) == (
        "",
        case.province_resolution_date.isoformat(),
        "date",
    )
    assert approval.at is not None and approval.at.tzinfo is not None


def test_a_rejection_keeps_its_reason_in_the_event(case_in, actors_a):
    case = case_in(CaseState.READY_FOR_PROVINCE)
    services.case_take_step(
        case=case,
        by=actors_a.secretary,
        step=Step.REJECT_IN_PROVINCE,
        **proof_for(case, Step.REJECT_IN_PROVINCE),
        province_resolution_number="۹",
        province_resolution_date=clock.today(),
        reason="  گزارش تأیید نشد.  ",
    )
    case.refresh_from_db()
    event = case.events.get(action=Step.REJECT_IN_PROVINCE)
    assert event.reason == case.reason == "گزارش تأیید نشد."
    assert (event.to_state, event.to_state_label) == (
        CaseState.REJECTED_BY_PROVINCE,
        CaseState.REJECTED_BY_PROVINCE.label,
    )
    assert case.closed_at is not None and case.closed_at <= event.at
    numbers = [c for c in event.changes if c["field"] == "province_resolution_number"]
    assert [(c["old"], c["new"]) for c in numbers] == [("", "۹")]


def test_a_refused_step_leaves_no_event(case_in, actors_a):
    case = case_in(CaseState.READY_FOR_PROVINCE)
    events = Event.objects.filter(case_id=case.pk).count()
    with pytest.raises(services.CaseActionRefused):
        services.case_take_step(
            case=case,
            by=actors_a.secretary,
            step=Step.RETURN_FOR_INFORMATION,
            **proof_for(case, Step.RETURN_FOR_INFORMATION),
            reason=" ",
        )
    assert Event.objects.filter(case_id=case.pk).count() == events
