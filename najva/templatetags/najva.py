"""Najva's parts of pages other apps own: the registrations and forms on the case page, and the
operator's failed registrations on the work queue. The cases app knows nothing of najva; its
templates load these tags."""

from django import template

from accounts import permissions
from accounts.roles import Capability
from najva import selectors
from najva.models import Registration

register = template.Library()


def _user(context):
    return context.get("user") or getattr(context.get("request"), "user", None)


@register.inclusion_tag("najva/_case_part.html", takes_context=True)
def case_registrations(context, case):
    """Each registration of the case (pending, delivered, failed) and each subject's form."""
    user = _user(context)
    part = selectors.case_part(case=case)
    part.update(
        case=case,
        may_operate=permissions.may(user, Capability.REGISTER_IN_NAJVA, case),
        may_supervise=permissions.may(user, Capability.SUPERVISE_CASE, case),
        csrf_token=context.get("csrf_token"),
    )
    return part


@register.inclusion_tag("najva/_queue_part.html", takes_context=True)
def najva_waiting(context):
    """For the registry operator: how many registrations failed and wait for them (one query)."""
    user = _user(context)
    if user is None or not permissions.can(user, Capability.REGISTER_IN_NAJVA):
        return {"shown": False}
    counts = selectors.waiting_counts(selectors.registrations_visible_to(user=user))
    return {
        "shown": True,
        "failed": counts[Registration.Status.FAILED],
        "pending": counts[Registration.Status.PENDING],
    }
