"""Step 7's parts of pages other apps own: the orders and exits on the case page, and what waits
for the supervisor and the enforcement liaison on the work queue. The cases app knows nothing of
enforcement; its templates load these tags."""

from django import template

from accounts import permissions
from accounts.roles import Capability
from enforcement import selectors

register = template.Library()


def _user(context):
    return context.get("user") or getattr(context.get("request"), "user", None)


@register.inclusion_tag("enforcement/_case_part.html", takes_context=True)
def case_enforcement(context, case):
    """Each order with each person's hand-over and outcome, the exits of those already gone,
    and the supervisor's and the liaison's actions."""
    user = _user(context)
    part = selectors.case_part(case=case)
    if not part["shown"]:
        return part
    part.update(
        case=case,
        may_supervise=permissions.may(user, Capability.SUPERVISE_CASE, case),
        may_record=permissions.may(user, Capability.RECORD_EXPULSION, case),
        unordered=selectors.unordered_subjects(case, part["ordered_subject_ids"]),
    )
    return part


@register.inclusion_tag("enforcement/_queue_part.html", takes_context=True)
def enforcement_waiting(context):
    user = _user(context)
    if user is None:
        return {"shown": False}
    work = selectors.waiting_work(user=user)
    shown = permissions.can(user, Capability.SUPERVISE_CASE) and bool(work["not_found"])
    shown = shown or (permissions.can(user, Capability.RECORD_EXPULSION) and work["awaiting"])
    return {"shown": bool(shown), **work}
