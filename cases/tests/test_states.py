"""The sets of states derived from the rule book (cases.states) are the sets that were kept by hand
in cases/choices.py until issue 20: the derivation is checked against them, so a step added later
that moves a set does so on purpose (change the expectation here, with the reason)."""

import pytest

from cases import states
from cases.choices import CaseState as S

HAND_KEPT = {
    "CLOSED_STATES": {
        S.REJECTED_BY_PROVINCE,
        S.REFUSED_NATIONALLY,
        S.EXPELLED,
        S.CLOSED_DEPARTED,
        S.WITHDRAWN,
    },
    "CLOSED_WITHOUT_CANCELLATION": {S.REJECTED_BY_PROVINCE, S.REFUSED_NATIONALLY, S.WITHDRAWN},
    "FROM_NATIONAL_CONFIRMATION": {
        S.CONFIRMED_NATIONALLY,
        S.AWAITING_NAJVA,
        S.CARD_CANCELLED,
        S.EXPULSION_ORDERED,
        S.EXPELLED,
        S.CLOSED_DEPARTED,
    },
    "CARDS_CANCELLED": {
        S.AWAITING_NAJVA,
        S.CARD_CANCELLED,
        S.EXPULSION_ORDERED,
        S.EXPELLED,
        S.CLOSED_DEPARTED,
    },
    "EXPERT_STATES": {S.RECEIVED, S.EXPERT_REVIEW, S.RETURNED, S.AWAITING_INQUIRIES},
    "INQUIRY_STATES": {S.EXPERT_REVIEW, S.RETURNED, S.AWAITING_INQUIRIES},
    "DECIDING_STATES": {
        S.RECEIVED,
        S.EXPERT_REVIEW,
        S.RETURNED,
        S.AWAITING_INQUIRIES,
        S.READY_FOR_PROVINCE,
        S.APPROVED_BY_PROVINCE,
        S.CONFIRMED_NATIONALLY,
    },
}

# The registry operator's scope in accounts.permissions, as it was written there by value.
HAND_KEPT_SCOPE = {
    "confirmed_nationally",
    "awaiting_najva",
    "card_cancelled",
    "expulsion_ordered",
    "expelled",
    "closed_departed",
}


@pytest.mark.parametrize("name", sorted(HAND_KEPT))
def test_each_derived_set_is_the_set_once_kept_by_hand(name):
    assert getattr(states, name) == HAND_KEPT[name]


def test_the_registry_operators_scope_is_handed_to_the_permissions_at_start_up():
    from accounts.permissions import confirmed_states

    assert confirmed_states() == HAND_KEPT_SCOPE


def test_a_closed_state_is_left_by_no_step_and_every_open_one_leads_to_one():
    for state in S:
        assert (state in states.CLOSED_STATES) == (not states.EDGES[state])
        assert states.reachable_from(state) & states.CLOSED_STATES
