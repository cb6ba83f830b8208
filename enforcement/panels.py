"""Step 7's parts of the cases pages (cases.panels): the orders and exits on the case page, and
what waits for the supervisor and the enforcement liaison on the work queue. What may be done is
asked of enforcement.rules, so the part's template compares no state."""

from accounts import permissions
from accounts.roles import Capability
from enforcement import rules, selectors


def case_part(request, case) -> dict:
    """Each order with each person's hand-over and outcome, the exits of those already gone,
    and the supervisor's and the liaison's actions."""
    user = request.user
    part = selectors.case_part(case=case)
    if not part["shown"]:
        return part
    may_supervise = permissions.may(user, Capability.SUPERVISE_CASE, case)
    unordered = selectors.unordered_subjects(case, part["ordered_subject_ids"])
    part.update(
        case=case,
        may_supervise=may_supervise,
        # The liaison's buttons on each ordered person: their role, while outcomes are recorded.
        may_record=rules.outcomes_open(case)
        and permissions.may(user, Capability.RECORD_EXPULSION, case),
        # An order again for those an order did not find.
        may_reorder=may_supervise and rules.order_refusal(case, replacing=True) is None,
        # The first order, or one for the persons no order names yet.
        may_order=may_supervise
        and rules.order_refusal(case) is None
        and (not part["orders"] or bool(unordered)),
        may_close_departed=may_supervise and rules.departure_refusal(case) is None,
        unordered=unordered,
    )
    return part


def queue_part(request) -> dict:
    user = request.user
    work = selectors.waiting_work(user=user)
    shown = permissions.can(user, Capability.SUPERVISE_CASE) and bool(work["not_found"])
    shown = shown or (permissions.can(user, Capability.RECORD_EXPULSION) and work["awaiting"])
    return {"shown": bool(shown), **work}


def register() -> None:
    from cases import panels

    panels.register_case_panel(
        app="enforcement", template="enforcement/_case_part.html", context=case_part, order=30
    )
    panels.register_queue_panel(
        app="enforcement", template="enforcement/_queue_part.html", context=queue_part, order=30
    )
