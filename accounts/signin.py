"""Sign-in security: the client's address, the lockout page, and what a failed or locked sign-in
leaves in the log and the audit trail (README "Sign-in").

django-axes counts the failures and locks (settings ``AXES_*``); this module gives it the address
to count by and the Persian page it answers with, and records each failure and each lockout. The
password typed is never written anywhere: only the username typed and the address.
"""

import logging

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Sum
from django.shortcuts import render

from audit import services as audit
from revocation import http

log = logging.getLogger("accounts.signin")

SECURITY = "security"  # audit.models.Event.Kind.SECURITY, added to audit on its own branch


def client_address(request) -> str:
    """The address a sign-in came from (AXES_CLIENT_IP_CALLABLE): revocation.http.client_address,
    REMOTE_ADDR or, behind the TLS proxy, the last X-Forwarded-For hop, the one our proxy wrote.
    Trusting an earlier entry would let an attacker pick a fresh address per guess."""
    return http.client_address(request)


class SignInHandler(AxesDatabaseHandler):
    """axes' database handler, with a second, looser limit on the username alone.

    axes counts failures per username and address (AXES_LOCKOUT_PARAMETERS) against one limit.
    An attacker who spreads guesses over many addresses would never reach it, so a username is
    also locked, from every address, once AXES_USERNAME_FAILURE_LIMIT failures from anywhere
    fall within the cool-off. The price: such an attacker can lock the real user out for the
    cool-off; the IT admin sees it in the admin and can unlock (README "Sign-in").
    """

    def get_failures(self, request, credentials=None) -> int:
        pair = super().get_failures(request, credentials)
        request.signin_pair_failures = pair
        request.signin_username_failures = 0
        username = get_client_username(request, credentials)
        if not username:
            return pair
        # One query, on the sign-in path only (a failure, or the check before a password).
        total = (
            AccessAttempt.objects.filter(
                username=username, attempt_time__gte=get_cool_off_threshold(request)
            ).aggregate(total=Sum("failures_since_start"))["total"]
            or 0
        )
        request.signin_username_failures = total
        if total >= settings.AXES_USERNAME_FAILURE_LIMIT:
            return max(pair, settings.AXES_FAILURE_LIMIT)
        return pair


def lockout_response(request, original_response=None, credentials=None):
    """The Persian page a locked-out sign-in gets (429), instead of the sign-in form."""
    return render(
        request,
        "registration/locked_out.html",
        {"minutes": settings.AXES_COOLOFF_MINUTES},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )


def _account(username: str):
    if not username:
        return None
    return get_user_model().objects.filter(username=username).first()


def _changes(username: str, address: str) -> list[dict]:
    return [
        audit.change("نام کاربری واردشده", "", username, field="username"),
        audit.change("نشانی", "", address, field="address"),
    ]


def record_failure(*, request, username: str) -> None:
    """One failed sign-in: a WARNING line and a security event (the account, when it exists)."""
    address = client_address(request) if request is not None else ""
    log.warning("sign-in failed for username %r from %s", username, address)
    with transaction.atomic():
        audit.record(
            by=None,
            kind=SECURITY,
            action="sign_in_failed",
            label="ورود ناموفق",
            account=_account(username),
            reason=f"ورود ناموفق با نام کاربری «{username}» از نشانی {address}",
            changes=_changes(username, address),
        )


def record_lockout(*, request, username: str, address: str) -> None:
    """A username locked at an address (or everywhere) after too many failures.

    axes signals a lockout on every failure once locked (each try during the lock counts, and
    restarts the cool-off); only the failure that locked is recorded.
    """
    pair = getattr(request, "signin_pair_failures", 0)
    everywhere = getattr(request, "signin_username_failures", 0)
    pair_limit, username_limit = settings.AXES_FAILURE_LIMIT, settings.AXES_USERNAME_FAILURE_LIMIT
    locks_pair = pair == pair_limit and everywhere <= username_limit
    locks_username = everywhere == username_limit and pair < pair_limit
    if not (locks_pair or locks_username):
        return  # locked already
    log.warning(
        "sign-in locked for username %r from %s for %s minutes",
        username,
        address,
        settings.AXES_COOLOFF_MINUTES,
    )
    with transaction.atomic():
        audit.record(
            by=None,
            kind=SECURITY,
            action="sign_in_locked",
            label="قفل شدن ورود",
            account=_account(username),
            reason=(
                f"ورود با نام کاربری «{username}» "
                + (
                    f"از نشانی {address}"
                    if locks_pair
                    else f"از هر نشانی (آخرین تلاش از {address})"
                )
                + f" پس از تلاش‌های ناموفق پیاپی برای {settings.AXES_COOLOFF_MINUTES} دقیقه قفل شد"
            ),
            changes=_changes(username, address),
        )


def record_success(*, request, user) -> None:
    """A successful sign-in: a log line (the session's own records say the rest)."""
    log.info("sign-in of %r from %s", user.get_username(), client_address(request))


def record_code_refused(*, request, user) -> None:
    """A wrong second-factor code: a WARNING line (the device's throttling slows the next ones)."""
    log.warning(
        "second-factor code refused for %r from %s", user.get_username(), client_address(request)
    )
