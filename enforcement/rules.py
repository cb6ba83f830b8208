"""When step 7's records may be made on a case, asked in one place: the service refuses by these,
the views answer by them and the case page's part offers its buttons by them.

Each question reads the rule book (cases.steps), never a state written here: the states where an
order may be issued are the order step's sources and its target, those where each person's
hand-over and outcome are recorded are the sources of the step those records take.
"""

from accounts import permissions
from accounts.roles import Capability
from cases.choices import Step
from cases.steps import STEPS

_ORDER = STEPS[Step.ORDER_EXPULSION]
_RECORD = STEPS[Step.RECORD_EXPULSION]
_DEPARTED = STEPS[Step.CLOSE_AS_DEPARTED]

# An order is issued when the cards are cancelled (the first one takes the step), and once the
# case is ordered, for the persons no order names yet or one replacing an order that did not find
# them (that leaves the case where it is).
ORDERING_STATES = frozenset(_ORDER.source) | {_ORDER.target}

# The refusal when the case is in no state for it: callers answer with a state conflict (409).
WRONG_STATE = "wrong_state"


def order_refusal(case, *, replacing: bool = False) -> str | None:
    """Why no expulsion order may be issued on ``case`` now (None: one may), whoever asks.

    ``WRONG_STATE`` when the case is in no state for it (an order replacing another: only once the
    case is ordered); else the Persian sentence of the rule the case does not meet (a case opened
    on a report of illegal exit closes on its exits, never on an order)."""
    if case.state not in ORDERING_STATES or (replacing and case.state in _ORDER.source):
        return WRONG_STATE
    if case.state in _ORDER.source:
        return _kind_of_case_refusal(_ORDER, case)
    return None


def may_issue_order(user, case, *, replacing: bool = False) -> bool:
    """Whether ``user`` may issue an expulsion order on ``case`` now: the supervisor's role on the
    case, and ``order_refusal`` says none."""
    return permissions.may(user, Capability.SUPERVISE_CASE, case) and (
        order_refusal(case, replacing=replacing) is None
    )


def outcomes_open(case) -> bool:
    """Whether each ordered person's hand-over and outcome may be recorded: the case is ordered
    and the last exit has not closed it."""
    return case.state in _RECORD.source


def departure_refusal(case) -> str | None:
    """Why the case may not be closed on its subjects' prior exits now (None: it may):
    ``WRONG_STATE``, or the Persian sentence of the kind-of-case rule it does not meet."""
    if case.state not in _DEPARTED.source:
        return WRONG_STATE
    return _kind_of_case_refusal(_DEPARTED, case)


def _kind_of_case_refusal(rule, case) -> str | None:
    # Only the conditions that say which cases the step is for: the others (each person's exit
    # recorded) are what the records being made will meet.
    for condition in rule.conditions:
        if getattr(condition, "kind_of_case", False) and not condition(case):
            return condition.description
    return None
