"""Permission-filtered reads of cases: every case query of a view starts here."""

from accounts.roles import NATIONAL_ROLES
from cases.models import Case, CaseState


def cases_visible_to(*, user):
    """The cases ``user`` may see (see ``CaseQuerySet.for_user``)."""
    return Case.objects.for_user(user).select_related("province", "assigned_expert")


def case_available_actions(*, case: Case, user) -> list:
    """The steps ``user`` may take on ``case`` now, read from the state machine.

    A step is offered when the user's role may take it and every condition that does not depend on
    what the user types with the action (a reason, a resolution number) is met.
    """
    actions = []
    for transition in case.get_all_state_transitions():
        if transition.source != case.state:
            continue
        if not transition.has_perm(case, user):
            continue
        if all(c(case) for c in transition.conditions if not getattr(c, "needs_input", False)):
            actions.append(transition)
    return actions


def state_counts(*, user) -> list[tuple[str, str, int]]:
    """(state, Persian label, count) for the cases the user sees, in the order of the work."""
    from django.db.models import Count

    counts = dict(
        Case.objects.for_user(user).values_list("state").annotate(n=Count("pk")).order_by()
    )
    return [(state.value, state.label, counts.get(state.value, 0)) for state in CaseState]


def users_who_may_take(*, case: Case, transition) -> list:
    """Active users whose role and scope let them take ``transition`` on ``case`` (for notices)."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    codename = getattr(transition.permission, "codename", None)
    if codename is None:
        return []
    candidates = (
        get_user_model()
        .objects.filter(is_active=True, groups__permissions__codename=codename)
        .filter(Q(province=case.province) | Q(groups__name__in=NATIONAL_ROLES))
        .distinct()
    )
    return [user for user in candidates if transition.has_perm(case, user)]
