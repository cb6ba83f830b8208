"""Changes to who may do what: every change of a user's roles, province or staff status is an event
of the audit trail, with who made it."""

from django.contrib.auth.models import Group
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import validate_roles
from accounts.roles import Role
from accounts.trail import account_snapshot, record_account_change, recorded_by_service
from audit import services as audit


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


# --------------------------------------------------------------------------------------------------
# The second factor (TOTP, django-otp): enrolment and verification of a code


def totp_device_of(user):
    """The user's confirmed TOTP device, or None (not enrolled yet)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def totp_enrolment_device(*, user):
    """The unconfirmed device the enrolment page shows: the same one (and secret) on every visit
    until a first code confirms it."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="برنامه احراز هویت", confirmed=False)
    return device


class CodeRefused(Exception):
    """A code not accepted, with the Persian sentence that says why."""


def _check_code(device, code: str) -> None:
    # Not inside a transaction that the refusal rolls back: a wrong code's throttling count
    # (saved by verify_token) must stay written.
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        # django-otp's throttling: after each wrong code the device waits twice as long.
        raise CodeRefused("چند کد نادرست پشت سر هم وارد شد؛ چند ثانیه صبر کنید و دوباره بکوشید.")
    if not device.verify_token(code):
        raise CodeRefused("کد نادرست است یا زمان آن گذشته است؛ کد تازه برنامه را وارد کنید.")


def totp_enrol_confirm(*, device, code: str) -> None:
    """Confirm ``device`` with a first code from the user's app, and record the enrolment."""
    _check_code(device, code)
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit.record(
            by=device.user,
            kind="account",
            action="totp_enrolled",
            label=f"فعال شدن ورود دومرحله‌ای کاربر {device.user.username}",
            account=device.user,
        )


def totp_verify(*, device, code: str) -> None:
    """Check a code against the user's confirmed device (CodeRefused if not accepted)."""
    _check_code(device, code)


# The demo's authenticator key (base32, as an app takes it): published in the README, so a
# device holding it protects nothing. seed_demo gives it to the demo users who need a second
# factor, and demo_totp prints a code only for a device that holds it.
DEMO_TOTP_SECRET = "REVOCATIONDEMOTOTPSECRETFORSEEDS"  # noqa: S105 - published on purpose


def demo_totp_key() -> str:
    """DEMO_TOTP_SECRET as django-otp stores a key (hex)."""
    import base64

    return base64.b32decode(DEMO_TOTP_SECRET).hex()


def totp_demo_device(*, user):
    """The demo user's device, holding the demo key (made once: seed_demo stays idempotent)."""
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="دستگاه نمایشی", defaults={"key": demo_totp_key(), "confirmed": True}
    )
    return device


@transaction.atomic
def totp_device_remove(*, device, by) -> None:
    """Remove a user's device (a lost phone): their next sign-in enrols a new one. Recorded."""
    user = device.user
    device.delete()
    audit.record(
        by=by,
        kind="account",
        action="totp_removed",
        label=f"حذف دستگاه ورود دومرحله‌ای کاربر {user.username}",
        account=user,
    )
