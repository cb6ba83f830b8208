"""Najva's parts of the cases pages (cases.panels): the registrations and forms on the case page,
and the operator's failed registrations on the work queue."""

from accounts import permissions
from accounts.roles import Capability
from najva import selectors
from najva.models import Registration


def case_part(request, case) -> dict:
    """Each registration of the case (pending, delivered, failed) and each subject's form."""
    user = request.user
    part = selectors.case_part(case=case)
    part.update(
        case=case,
        may_operate=permissions.may(user, Capability.REGISTER_IN_NAJVA, case),
        may_supervise=permissions.may(user, Capability.SUPERVISE_CASE, case),
    )
    return part


def queue_part(request) -> dict:
    """For the registry operator: how many registrations failed and wait for them (one query)."""
    user = request.user
    if not permissions.can(user, Capability.REGISTER_IN_NAJVA):
        return {"shown": False}
    counts = selectors.waiting_counts(selectors.registrations_visible_to(user=user))
    return {
        "shown": True,
        "failed": counts[Registration.Status.FAILED],
        "pending": counts[Registration.Status.PENDING],
    }


def register() -> None:
    from cases import panels

    panels.register_case_panel(
        app="najva", template="najva/_case_part.html", context=case_part, order=20
    )
    panels.register_queue_panel(
        app="najva", template="najva/_queue_part.html", context=queue_part, order=20
    )
