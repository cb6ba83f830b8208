"""Changes to who may do what: every change of a user's roles, province or staff status is an event
of the audit trail, with who made it."""

import time

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from accounts.models import validate_roles
from accounts.roles import Role
from accounts.trail import account_snapshot, record_account_change, recorded_by_service
from audit import services as audit
from notices import services as notices


@transaction.atomic
def account_set_roles(*, by, user, roles, before: dict | None = None) -> None:
    """Give ``user`` exactly ``roles`` and record what changed about the account since ``before``
    (a snapshot taken before the account's own fields were saved; now, when not given)."""
    before = before if before is not None else account_snapshot(user)
    validate_roles(roles=roles, province=user.province, is_staff=user.was_staff)
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


ENROLMENT_DEVICE_NAME = "برنامه احراز هویت"


def totp_new_key() -> str:
    """A fresh key (hex, as django-otp stores it) for one display of the enrolment page.

    Nothing is saved: the view keeps it in the session of whoever saw it, and only a device
    confirmed with a code from it is saved. A key shown once is never shown again, so someone who
    has only a user's password cannot read a key now and hold a second factor once the real user
    confirms that same key."""
    return default_key()


def totp_unsaved_device(*, user, key: str) -> TOTPDevice:
    """The device ``key`` would make (for its QR code): not saved."""
    return TOTPDevice(user=user, name=ENROLMENT_DEVICE_NAME, key=key, confirmed=False)


class CodeRefused(Exception):
    """A code not accepted, with the Persian sentence that says why."""


class EnrolmentCodeRefused(CodeRefused):
    """An enrolment code (after an administrator's reset: accounts.resets) not accepted."""


def _check_code(device, code: str) -> None:
    # Not inside a transaction that the refusal rolls back: a wrong code's throttling count
    # (saved by verify_token) must stay written.
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        # django-otp's throttling: after each wrong code the device waits twice as long.
        raise CodeRefused("چند کد نادرست پشت سر هم وارد شد؛ چند ثانیه صبر کنید و دوباره بکوشید.")
    if not device.verify_token(code):
        raise CodeRefused("کد نادرست است یا زمان آن گذشته است؛ کد تازه برنامه را وارد کنید.")


ALREADY_ENROLLED = "ورود دومرحله‌ای این حساب پیش‌تر فعال شده است؛ کد برنامه را وارد کنید."


def totp_enrol_confirm(
    *, user, key: str, code: str, enrolment_code: str = "", request=None
) -> TOTPDevice:
    """Save the user's device for ``key`` (the key shown to them), confirmed by a first code from
    their app; record the enrolment and, after commit, tell the user by e-mail.

    After an administrator's reset of the account, an enrolment code a second administrator issued
    is needed too (accounts.resets): a wrong or missing one is refused and recorded (outside the
    enrolment's transaction, so the refusal stays written), and the right one is spent with the
    enrolment."""
    from accounts import resets

    issued = None
    if resets.enrolment_code_required(user):
        try:
            issued = resets.enrolment_code_check(request=request, user=user, code=enrolment_code)
        except resets.EnrolmentCodeRefused as refused:
            raise EnrolmentCodeRefused(str(refused)) from None
    return _totp_enrol(user=user, key=key, code=code, issued=issued)


@transaction.atomic
def _totp_enrol(*, user, key: str, code: str, issued) -> TOTPDevice:
    """The enrolment itself (see totp_enrol_confirm), spending ``issued`` (an enrolment code) if
    one was needed.

    No throttling here: whoever types a code holds the key already (a wrong code only says that
    the app was set up wrongly). Unconfirmed devices the user may have (left by an earlier
    version of this page, which saved them) are removed, so no key waits for a confirmation."""
    from accounts.tasks import notify_second_factor_enrolled

    # One enrolment at a time per user: two tabs confirming at once make one device, not two.
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise CodeRefused(ALREADY_ENROLLED)
    device = totp_unsaved_device(user=user, key=key)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if not totp.verify(int(code), device.tolerance):
        raise CodeRefused("کد نادرست است یا زمان آن گذشته است؛ کد تازه برنامه را وارد کنید.")
    if issued is not None:
        from accounts import resets

        try:
            resets.enrolment_code_use(issued=issued)
        except resets.EnrolmentCodeRefused as refused:
            raise EnrolmentCodeRefused(str(refused)) from None
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    device.last_t = totp.t()  # this code is used: not good again at the next sign-in
    device.drift = totp.drift
    device.confirmed = True
    device.save()
    audit.record(
        by=user,
        kind="account",
        action="totp_enrolled",
        label=f"فعال شدن ورود دومرحله‌ای کاربر {user.username}",
        account=user,
        changes=(
            [
                audit.change(
                    "کد فعال‌سازی صادرشده به دست",
                    "",
                    issued.issued_by.get_full_name().strip() or issued.issued_by.username,
                    field="enrolment_code_issued_by",
                )
            ]
            if issued is not None
            else []
        ),
    )
    if user.email:
        notices.later(notify_second_factor_enrolled.name, user.pk)  # kept until sent
    return device


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
def totp_device_changed(*, device, by, changed: dict) -> None:
    """Record an IT admin's change of a user's device (its name, tolerance, drift, throttling:
    the admin can change nothing else). ``changed`` is {field: (old, new)}."""
    audit.record(
        by=by,
        kind="account",
        action="totp_changed",
        label=f"تغییر دستگاه ورود دومرحله‌ای کاربر {device.user.username}",
        account=device.user,
        changes=[
            audit.change(str(TOTPDevice._meta.get_field(name).verbose_name), old, new, field=name)
            for name, (old, new) in changed.items()
        ],
    )


@transaction.atomic
def totp_device_remove(*, device, by) -> None:
    """Remove a user's device (a lost phone): their next sign-in enrols a new one, with an
    enrolment code another administrator issues (accounts.resets). Recorded; the user is told
    by e-mail."""
    from accounts import resets

    user = device.user
    device.delete()
    resets.device_removed_by_admin(by=by, user=user)
    audit.record(
        by=by,
        kind="account",
        action="totp_removed",
        label=f"حذف دستگاه ورود دومرحله‌ای کاربر {user.username}",
        account=user,
    )
