"""What the audit trail records about an account: the fields that decide what a user may do."""

import contextvars
from contextlib import contextmanager

from django.db import models

from accounts.roles import Role
from audit import kinds
from audit import services as audit
from audit.models import Event


@kinds.events
class AccountEvent(models.TextChoices):
    ACCOUNT = "account", "تغییر نقش یا استان کاربر"


# The e-mail address too: where the notices of a reset go (accounts.resets); a change of it is
# told to the address it replaces.
ACCOUNT_FIELDS = ("province", "is_active", "is_staff", "is_superuser", "ever_staff", "email")

_recording = contextvars.ContextVar("accounts_recording", default=False)


@contextmanager
def recorded_by_service():
    """Inside, a service records the change itself, with its actor: the signals stay quiet."""
    token = _recording.set(True)
    try:
        yield
    finally:
        _recording.reset(token)


def recording_by_service() -> bool:
    return _recording.get()


def roles_snapshot(user) -> dict:
    roles = (
        sorted(
            Role(code).label
            for code in user.groups.filter(name__in=Role.values).values_list("name", flat=True)
        )
        if user.pk
        else []
    )
    return {"roles": {"label": "نقش‌ها", "value": "، ".join(roles), "type": "text"}}


def account_snapshot(user) -> dict:
    """The account's fields and roles as the audit trail shows them."""
    taken = audit.snapshot(user, ACCOUNT_FIELDS) if user.pk else {}
    taken.update(roles_snapshot(user))
    return taken


def record_account_change(*, by, user, before: dict, after: dict, label: str) -> Event | None:
    changes = audit.diff(before, after)
    if not changes:
        return None
    for change in changes:
        if change["field"] == "email" and change["old"]:
            _tell_old_address(user, change["old"])
    return audit.record(
        by=by,
        account=user,
        kind=AccountEvent.ACCOUNT,
        action="account_change",
        label=label,
        changes=changes,
    )


def _tell_old_address(user, address: str) -> None:
    from django.db import transaction

    from accounts.tasks import notify_email_changed

    transaction.on_commit(lambda: notify_email_changed.delay(user.pk, address))
