"""Reads of the working groups, filtered by what the user may see (accounts.permissions)."""

from django.db.models import Q

from accounts import permissions
from committees.models import Session, WorkingGroup


def working_group_of(province) -> WorkingGroup:
    """The province's working group (None: the national one); made on first use for a province
    added after the migration that made the others."""
    if province is None:
        group, _ = WorkingGroup.objects.get_or_create(kind=WorkingGroup.Kind.NATIONAL)
    else:
        group, _ = WorkingGroup.objects.get_or_create(
            province=province, defaults={"kind": WorkingGroup.Kind.PROVINCIAL}
        )
    return group


def sessions_visible_to(*, user):
    """The sessions ``user`` may see: their province's, or every one for a national role."""
    sessions = Session.objects.select_related("group__province")
    if not permissions.may_read_sessions(user):
        return sessions.none()
    if permissions.may_see_session(user, None):
        return sessions
    return sessions.filter(Q(group__province_id=user.province_id) & Q(group__kind="provincial"))
