"""'May an expulsion order be issued / reissued' is asked of enforcement.rules alone, which reads
the rule book: the first order from the cards' cancellation, further ones once ordered, an order
replacing another only then, and never on a case of illegal exit."""

from types import SimpleNamespace

import pytest

from cases.choices import CaseState, SourceType
from enforcement import rules


def case(state, source=SourceType.JUDICIAL_RULING):
    return SimpleNamespace(state=state, source_type=source)


@pytest.mark.parametrize("state", [CaseState.CARD_CANCELLED, CaseState.EXPULSION_ORDERED])
def test_an_order_may_be_issued_from_the_cancellation_on_until_the_case_closes(state):
    assert rules.order_refusal(case(state)) is None


@pytest.mark.parametrize(
    "state",
    [s for s in CaseState if s not in {CaseState.CARD_CANCELLED, CaseState.EXPULSION_ORDERED}],
)
def test_no_order_in_any_other_state(state):
    assert rules.order_refusal(case(state)) == rules.WRONG_STATE


def test_an_order_replacing_another_only_once_the_case_is_ordered():
    assert rules.order_refusal(case(CaseState.CARD_CANCELLED), replacing=True) == rules.WRONG_STATE
    assert rules.order_refusal(case(CaseState.EXPULSION_ORDERED), replacing=True) is None


def test_a_case_of_illegal_exit_gets_no_order_but_closes_on_its_exits():
    gone = case(CaseState.CARD_CANCELLED, SourceType.ILLEGAL_EXIT_REPORT)
    assert rules.order_refusal(gone) not in (None, rules.WRONG_STATE)
    assert rules.departure_refusal(gone) is None
    assert rules.departure_refusal(case(CaseState.CARD_CANCELLED)) not in (None, rules.WRONG_STATE)


def test_outcomes_are_recorded_only_while_the_case_is_ordered():
    assert [s for s in CaseState if rules.outcomes_open(case(s))] == [CaseState.EXPULSION_ORDERED]
