"""The rule book: every rule is a condition of its step, checked by the one service path, so no
caller can go round it; each refusal says why in Persian and changes nothing."""

import datetime

import pytest

from accounts.permissions import confirmed_states
from audit.models import Event
from cases import services
from cases.choices import CaseState, Step
from cases.models import Case
from cases.services import CaseActionRefused
from cases.states import FROM_NATIONAL_CONFIRMATION
from cases.steps import STEPS
from people.tests import factories
from shared import clock
from tests.proofs import proof_for

pytestmark = pytest.mark.django_db

TOMORROW = 1
ONE_YEAR = 365


def days(n: int) -> datetime.date:
    return clock.today() + datetime.timedelta(days=n)


def refused(case, by, step, **inputs) -> dict:
    """Take a step that must be refused: the messages by field; the case and trail unchanged."""
    before = Case.objects.get(pk=case.pk)
    events = Event.objects.count()
    with pytest.raises(CaseActionRefused) as refusal:
        services.case_take_step(case=case, by=by, step=step, **proof_for(case, step), **inputs)
    after = Case.objects.get(pk=case.pk)
    assert after.state == before.state
    assert after.state_entered_at == before.state_entered_at
    assert Event.objects.count() == events
    return refusal.value.message_dict


def backdate(case: Case, **fields) -> None:
    """Move a case's own timestamps into the past, as if it had been opened or moved earlier."""
    Case.objects.filter(pk=case.pk).update(**fields)


def test_every_step_has_one_rule_and_the_transition_carries_it():
    for step, rule in STEPS.items():
        meta = getattr(Case, step.value)._django_fsm
        for source in rule.source:
            transition = meta.get_transition(source)
            assert transition.target == rule.target
            assert list(transition.conditions) == list(rule.conditions)
            assert transition.custom["rule"] is rule


def test_the_registry_scope_is_exactly_the_states_from_national_confirmation():
    assert confirmed_states() == {state.value for state in FROM_NATIONAL_CONFIRMATION}


def test_a_provincial_resolution_dated_tomorrow_is_refused(case_in, actors_a):
    case = case_in(CaseState.READY_FOR_PROVINCE)
    errors = refused(
        case,
        actors_a.secretary,
        Step.APPROVE_IN_PROVINCE,
        province_resolution_number="R/1",
        province_resolution_date=days(TOMORROW),
    )
    assert errors["province_resolution_date"] == [
        "تاریخ مصوبه کارگروه استان نمی‌تواند در آینده باشد."
    ]


def test_a_provincial_resolution_dated_before_the_case_existed_is_refused(case_in, actors_a):
    case = case_in(CaseState.READY_FOR_PROVINCE)
    errors = refused(
        case,
        actors_a.secretary,
        Step.APPROVE_IN_PROVINCE,
        province_resolution_number="R/1",
        province_resolution_date=days(-ONE_YEAR),
    )
    assert (
        "تاریخ مصوبه کارگروه استان نمی‌تواند پیش از تاریخ ثبت پرونده باشد."
        in (errors["province_resolution_date"])
    )


def test_a_resolution_dated_before_the_case_was_sent_to_the_working_group_is_refused(
    case_in, actors_a
):
    case = case_in(CaseState.READY_FOR_PROVINCE)
    # Opened ten days ago, sent to the working group two days ago; a resolution of five days ago
    # is after the opening but before the working group had the case.
    backdate(
        case,
        opened_at=clock.now() - datetime.timedelta(days=10),
        state_entered_at=clock.now() - datetime.timedelta(days=2),
    )
    errors = refused(
        case,
        actors_a.secretary,
        Step.APPROVE_IN_PROVINCE,
        province_resolution_number="R/1",
        province_resolution_date=days(-5),
    )
    assert errors["province_resolution_date"] == [
        "تاریخ مصوبه کارگروه استان نمی‌تواند پیش از ارسال پرونده به کارگروه باشد."
    ]
    case = services.case_take_step(
        case=case,
        by=actors_a.secretary,
        step=Step.APPROVE_IN_PROVINCE,
        **proof_for(case, Step.APPROVE_IN_PROVINCE),
        province_resolution_number="R/1",
        province_resolution_date=days(-2),
        offence_type=in_force(),
    )
    assert case.state == CaseState.APPROVED_BY_PROVINCE


def test_a_national_letter_dated_before_the_provincial_resolution_is_refused(case_in, actors_a):
    case = case_in(CaseState.READY_FOR_PROVINCE)
    backdate(
        case,
        opened_at=clock.now() - datetime.timedelta(days=10),
        state_entered_at=clock.now() - datetime.timedelta(days=10),
    )
    case = services.case_take_step(
        case=case,
        by=actors_a.secretary,
        step=Step.APPROVE_IN_PROVINCE,
        **proof_for(case, Step.APPROVE_IN_PROVINCE),
        province_resolution_number="R/1",
        province_resolution_date=days(-3),
        offence_type=in_force(),
    )
    errors = refused(
        case,
        actors_a.national,
        Step.CONFIRM_NATIONALLY,
        national_letter_number="N/1",
        national_letter_date=days(-4),
    )
    assert errors["national_letter_date"] == [
        "تاریخ نامه کارگروه دائمی کشور نمی‌تواند پیش از تاریخ مصوبه کارگروه استان باشد."
    ]


def test_an_offence_type_no_longer_in_force_is_refused_through_the_one_path(
    case_in, actors_a, offences
):
    case = case_in(CaseState.READY_FOR_PROVINCE)
    old = factories.OffenceTypeFactory(version_year=1390, code="99", title="منسوخ")
    errors = refused(
        case,
        actors_a.secretary,
        Step.APPROVE_IN_PROVINCE,
        province_resolution_number="R/OLD",
        province_resolution_date=clock.today(),
        offence_type=old,
    )
    assert errors["offence_type"] == ["نوع جرم باید از فهرست جرائم دستورالعمل جاری انتخاب شود."]


def test_an_unknown_input_for_a_step_is_a_programming_error(case_in, actors_a):
    case = case_in(CaseState.RECEIVED)
    with pytest.raises(TypeError):
        services.case_take_step(
            case=case, by=actors_a.expert, step=Step.START_REVIEW, national_letter_number="x"
        )
    assert Case.objects.get(pk=case.pk).state == CaseState.RECEIVED


def test_a_step_in_the_wrong_state_is_a_conflict_not_a_permission_refusal(case_in, actors_a):
    case = case_in(CaseState.EXPERT_REVIEW)
    with pytest.raises(services.CaseStateConflict):
        services.case_take_step(case=case, by=actors_a.expert, step=Step.START_REVIEW)


def in_force():
    from cases.models import Case
    from reference.models import OffenceType

    return OffenceType.objects.in_force(Case.year_of(clock.now())).first()
