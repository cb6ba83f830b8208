"""An administrator's reset of someone's sign-in, and the two-person rule on the enrolment after it.

A password set in the admin (``password_reset``) and a second-factor device removed there
(``totp_removed``) are account events of the audit chain, and the user is told by e-mail. After
either, the account's next enrolment of an authenticator app needs a one-time *enrolment code*
that another administrator issues, in the admin (Second-factor enrolment codes › add), and hands
to the user in person: never an administrator who reset that account since its last enrolment,
never the user themselves. So an administrator who set a user's password and removed their device
cannot enrol a device of their own for that user alone (docs/security.md, Resets).

The code is shown once, to the one who issued it; only its keyed digest is kept. It is good once,
for ``ENROLMENT_CODE_HOURS``, and for ``ENROLMENT_CODE_TRIES`` wrong tries; a new code replaces
the user's earlier ones. Issuing it, and each refusal at the enrolment, are events too.
"""

import datetime
import secrets

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.crypto import constant_time_compare, salted_hmac

from accounts.models import EnrolmentCode
from accounts.signin import SECURITY, client_address
from audit import services as audit
from audit.models import Event
from shared import clock, persian

# The resets by an administrator after which an enrolment needs a code.
RESET_ACTIONS = ("password_reset", "totp_removed")
ENROLLED = "totp_enrolled"

ENROLMENT_CODE_HOURS = 72
ENROLMENT_CODE_TRIES = 5
# No 0/O, 1/I/L: read aloud or copied from paper without doubt.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 12  # 31**12: about 59 bits


class IssueRefused(Exception):
    """A code this administrator may not issue for this user, with the Persian sentence why."""


class EnrolmentCodeRefused(Exception):
    """An enrolment code not accepted, with the Persian sentence why."""


def _notify(user, what: str, **details) -> None:
    from accounts.tasks import notify_account_reset

    if user.email:
        transaction.on_commit(lambda: notify_account_reset.delay(user.pk, what, details))


# --------------------------------------------------------------------------------------------------
# The resets


@transaction.atomic
def password_reset_by_admin(*, by, user, created: bool = False) -> Event:
    """Record that administrator ``by`` set ``user``'s password (its new value is never written;
    ``created``: as it made the account) and tell the user by e-mail, after commit."""
    what = "نخستین گذرواژه حساب تازه" if created else "گذرواژه"
    event = audit.record(
        by=by,
        kind="account",
        action="password_reset",
        label=f"تعیین {what} کاربر {user.username} از صفحه مدیریت",
        account=user,
    )
    _notify(user, "password_reset", by=audit.describe_actor(by)[0])
    return event


def device_removed_by_admin(*, by, user) -> None:
    """Tell ``user`` by e-mail that an administrator removed their device (the event is
    ``accounts.services.totp_device_remove``'s)."""
    _notify(user, "totp_removed", by=audit.describe_actor(by)[0])


# --------------------------------------------------------------------------------------------------
# Whether an enrolment needs a code, and who may issue it


def resets_since_enrolment(user):
    """The administrators' resets of ``user`` since their last enrolment (all, if none)."""
    events = Event.objects.filter(account=user, action__in=RESET_ACTIONS)
    last = (
        Event.objects.filter(account=user, action=ENROLLED)
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )
    return events.filter(pk__gt=last) if last is not None else events


def enrolment_code_required(user) -> bool:
    """Whether ``user``'s next enrolment needs an enrolment code."""
    return resets_since_enrolment(user).exists()


def resetters(user) -> set[int]:
    """The administrators (ids) who reset ``user`` since their last enrolment."""
    return {pk for pk in resets_since_enrolment(user).values_list("actor_id", flat=True) if pk}


def check_may_issue(*, by, user) -> None:
    """IssueRefused unless ``by`` may issue an enrolment code for ``user`` now."""
    if not (by.is_active and (by.is_staff or by.is_superuser)):
        raise IssueRefused("کد فعال‌سازی را فقط مدیر فنی فعال صادر می‌کند.")
    if by.pk == user.pk:
        raise IssueRefused("هیچ مدیری برای حساب خودش کد فعال‌سازی صادر نمی‌کند.")
    if not enrolment_code_required(user):
        raise IssueRefused(
            "این حساب از صفحه مدیریت بازنشانی نشده است و برای فعال کردن ورود دومرحله‌ای کد نمی‌خواهد."
        )
    if by.pk in resetters(user):
        raise IssueRefused(
            "شما گذرواژه یا دستگاه این کاربر را بازنشانی کرده‌اید؛ کد فعال‌سازی را مدیر دیگری "
            "صادر می‌کند و به دست خود کاربر می‌دهد."
        )


def _digest(code: str) -> str:
    return salted_hmac("accounts.enrolment_code", code, algorithm="sha256").hexdigest()


def normalized(code: str) -> str:
    """A code as typed (Persian or Latin digits, any case, spaces or dashes) as it was issued."""
    code = persian.digits_to_ascii(code or "").upper()
    return "".join(char for char in code if char.isalnum())


def shown(code: str) -> str:
    """A code in groups of four, as it is printed for the user."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


@transaction.atomic
def enrolment_code_issue(*, by, user) -> tuple[EnrolmentCode, str]:
    """A new enrolment code for ``user``, issued by ``by`` (IssueRefused if they may not): the row
    and the code itself, to show once. The user's earlier codes are void; recorded, and the user
    is told by e-mail that a code was issued."""
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    check_may_issue(by=by, user=user)
    EnrolmentCode.objects.filter(user=user, used_at__isnull=True).delete()
    code = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    now = clock.now()
    issued = EnrolmentCode.objects.create(
        user=user,
        digest=_digest(code),
        issued_by=by,
        issued_at=now,
        expires_at=now + datetime.timedelta(hours=ENROLMENT_CODE_HOURS),
    )
    audit.record(
        by=by,
        kind="account",
        action="enrolment_code_issued",
        label=f"صدور کد فعال‌سازی ورود دومرحله‌ای برای کاربر {user.username}",
        account=user,
        changes=[
            audit.change(
                "پایان اعتبار",
                "",
                issued.expires_at.isoformat(),
                field="expires_at",
                kind="datetime",
            )
        ],
    )
    _notify(user, "enrolment_code_issued", by=audit.describe_actor(by)[0])
    return issued, code


# --------------------------------------------------------------------------------------------------
# The code at the enrolment


def _refuse(*, request, user, issued, reason: str) -> None:
    address = client_address(request) if request is not None else ""
    with transaction.atomic():
        if issued is not None:
            EnrolmentCode.objects.filter(pk=issued.pk).update(failures=issued.failures + 1)
        audit.record(
            by=user,
            kind=SECURITY,
            action="enrolment_code_refused",
            label=f"رد کد فعال‌سازی ورود دومرحله‌ای کاربر {user.username}",
            account=user,
            reason=f"{reason} (از نشانی {address})" if address else reason,
        )
    raise EnrolmentCodeRefused(reason)


def enrolment_code_check(*, request, user, code: str) -> EnrolmentCode:
    """The user's valid code matching ``code`` (not used yet), or EnrolmentCodeRefused, recorded as
    a security event (outside any transaction the refusal rolls back)."""
    now = clock.now()
    issued = (
        EnrolmentCode.objects.filter(
            user=user,
            used_at__isnull=True,
            expires_at__gt=now,
            failures__lt=ENROLMENT_CODE_TRIES,
        )
        .order_by("-issued_at")
        .first()
    )
    code = normalized(code)
    if issued is None:
        _refuse(
            request=request,
            user=user,
            issued=None,
            reason="برای این حساب کد فعال‌سازی معتبری صادر نشده است؛ از مدیر فنی دیگری بخواهید "
            "کد تازه‌ای صادر کند و به دست شما بدهد.",
        )
    if not code or not constant_time_compare(_digest(code), issued.digest):
        _refuse(
            request=request,
            user=user,
            issued=issued,
            reason="کد فعال‌سازی نادرست است.",
        )
    return issued


def enrolment_code_use(*, issued: EnrolmentCode) -> None:
    """Spend ``issued`` (inside the enrolment's transaction): refused if spent meanwhile."""
    spent = EnrolmentCode.objects.filter(
        pk=issued.pk, used_at__isnull=True, expires_at__gt=clock.now()
    ).update(used_at=clock.now())
    if not spent:
        raise EnrolmentCodeRefused("این کد فعال‌سازی پیش‌تر به کار رفته یا زمان آن گذشته است.")
