"""The working groups' parts of the cases pages (cases.panels): the sessions on the case page, and
the sessions waiting on the secretary's work queue."""

from django.db.models import Prefetch, Q

from accounts import permissions
from committees.models import AgendaItem, Session, Vote, WorkingGroup


def case_part(request, case) -> dict:
    """The sessions the case was on, with the votes and the resolution, for those who read
    sessions (two queries at most)."""
    user = request.user
    if not permissions.may_read_sessions(user):
        return {"items": []}
    items = [
        item
        for item in AgendaItem.objects.filter(case=case)
        .select_related("session__group__province", "offence_type")
        .prefetch_related(Prefetch("votes", queryset=Vote.objects.select_related("member")))
        .order_by("session__held_on", "pk")
        if permissions.may_see_session(user, item.session.group.province_id)
    ]
    return {"items": items}


def queue_part(request) -> dict:
    """For whoever records sessions: their open sessions (to be closed) and closed ones whose
    signed minutes are not uploaded yet (one query; none for other users)."""
    user = request.user
    if permissions.may_record_session(user, None):
        groups = Q(group__kind=WorkingGroup.Kind.NATIONAL)
    elif user.province_id and permissions.may_record_session(user, user.province_id):
        groups = Q(group__province_id=user.province_id)
    else:
        return {"sessions": []}
    sessions = (
        Session.objects.filter(groups)
        .filter(Q(state=Session.State.OPEN) | Q(minutes__isnull=True) | Q(minutes__signed_scan=""))
        .select_related("group__province")
        .order_by("held_on", "pk")[:20]
    )
    return {"sessions": list(sessions), "shown": True}


def register() -> None:
    from cases import panels

    panels.register_case_panel(
        app="committees", template="committees/_case_part.html", context=case_part, order=10
    )
    panels.register_queue_panel(
        app="committees", template="committees/_queue_part.html", context=queue_part, order=10
    )
