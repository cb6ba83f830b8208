"""Changes to who may do what: every change of a user's roles, province or staff status is an event
of the audit trail, with who made it."""

from django.contrib.auth.models import Group
from django.db import transaction

from accounts.models import validate_roles
from accounts.roles import Role
from audit import services as audit
from audit.models import Event

ACCOUNT_FIELDS = ("province", "is_active", "is_staff", "is_superuser")


def account_snapshot(user) -> dict:
    """What about an account decides what it may do, as the audit trail shows it."""
    taken = audit.snapshot(user, ACCOUNT_FIELDS) if user.pk else {}
    roles = (
        sorted(
            Role(code).label
            for code in user.groups.filter(name__in=Role.values).values_list("name", flat=True)
        )
        if user.pk
        else []
    )
    taken["roles"] = {"label": "نقش‌ها", "value": "، ".join(roles), "type": "text"}
    return taken


@transaction.atomic
def account_set_roles(*, by, user, roles, before: dict | None = None) -> None:
    """Give ``user`` exactly ``roles`` and record what changed about the account since ``before``
    (a snapshot taken before the account's own fields were saved; now, when not given)."""
    before = before if before is not None else account_snapshot(user)
    validate_roles(roles=roles, province=user.province, is_staff=user.is_staff or user.is_superuser)
    user.groups.set(Group.objects.filter(name__in=[Role(role).value for role in roles]))
    user.__dict__.pop("role_codes", None)
    changes = audit.diff(before, account_snapshot(user))
    if changes:
        audit.record(
            by=by,
            account=user,
            kind=Event.Kind.ACCOUNT,
            action="account_change",
            label=f"تغییر دسترسی کاربر {user.username}",
            changes=changes,
        )
