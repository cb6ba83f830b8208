"""Who must act next on a case: the users a notice of its new state goes to."""

from django.contrib.auth import get_user_model

from accounts import permissions
from cases.models import Case
from cases.selectors.case_page import applies_to
from cases.steps import rules_from


def next_actors(*, case: Case, exclude=None) -> dict:
    """{user: [steps]} of those who must act next on the case: for each step from its present
    state that is work waiting for someone (not a withdrawal), the users who may take it, found
    with one SQL filter per step."""
    users = get_user_model().objects.all()
    found: dict = {}
    for rule in rules_from(case.state):
        if not rule.notify or not applies_to(case, rule):
            continue
        for user in permissions.users_who_may(users, rule.capability, case):
            if exclude is not None and user.pk == exclude:
                continue
            found.setdefault(user, []).append(rule)
    return found
