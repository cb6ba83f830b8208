"""Changes to who may do what: every change of a user's roles, province or staff status is an event
of the audit trail, with who made it."""

from django.contrib.auth.models import Group
from django.db import transaction

from accounts.models import validate_roles
from accounts.roles import Role
from accounts.trail import account_snapshot, record_account_change, recorded_by_service


@transaction.atomic
def account_set_roles(*, by, user, roles, before: dict | None = None) -> None:
    """Give ``user`` exactly ``roles`` and record what changed about the account since ``before``
    (a snapshot taken before the account's own fields were saved; now, when not given)."""
    before = before if before is not None else account_snapshot(user)
    validate_roles(roles=roles, province=user.province, is_staff=user.is_staff or user.is_superuser)
    with recorded_by_service():
        user.groups.set(Group.objects.filter(name__in=[Role(role).value for role in roles]))
    user.__dict__.pop("role_codes", None)
    record_account_change(
        by=by,
        user=user,
        before=before,
        after=account_snapshot(user),
        label=f"تغییر دسترسی کاربر {user.username}",
    )
