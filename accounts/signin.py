"""Sign-in security: the client's address, the lockout page, and what a failed or locked sign-in
leaves in the log and the audit trail (docs/security.md, Sign-in).

django-axes counts the failures and locks (settings ``AXES_*``); this module gives it the address
to count by and the Persian page it answers with, and records each failure and each lockout. The
password typed is never written anywhere. The username typed is written in clear only when it is
an account's; any other (a password or an identity number typed in the wrong box) only as its
keyed hash (``typed_username``), so failures cannot fill the append-only audit trail with text.
"""

import hashlib
import hmac
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
from audit.heads import audit_key
from shared import http

log = logging.getLogger("accounts.signin")

SECURITY = "security"  # audit.models.Event.Kind.SECURITY, added to audit on its own branch


def client_address(request) -> str:
    """The address a sign-in came from (AXES_CLIENT_IP_CALLABLE): shared.http.client_address,
    REMOTE_ADDR or, behind the TLS proxy, the last X-Forwarded-For hop, the one our proxy wrote.
    Trusting an earlier entry would let an attacker pick a fresh address per guess."""
    return http.client_address(request)


def client_username(request, credentials=None):
    """The username axes counts and stores (AXES_USERNAME_CALLABLE): the one typed, cut to what
    its table holds (255 characters). A longer one made the insert fail on PostgreSQL, a 500
    (issue 21); the sign-in form refuses it before (accounts.forms.LoginForm), the admin's sign-in
    form does not."""
    if credentials:
        username = credentials.get(settings.AXES_USERNAME_FORM_FIELD)
    else:
        username = getattr(request, "data", request.POST).get(settings.AXES_USERNAME_FORM_FIELD)
    if isinstance(username, str):
        return username[: AccessAttempt._meta.get_field("username").max_length]
    return username


def _failures_within_cool_off(request, **where) -> int:
    return (
        AccessAttempt.objects.filter(
            attempt_time__gte=get_cool_off_threshold(request), **where
        ).aggregate(total=Sum("failures_since_start"))["total"]
        or 0
    )


class SignInHandler(AxesDatabaseHandler):
    """axes' database handler, with two more, looser limits: the username alone, the address
    alone (axes 8 has one limit for all its lockout parameters, so these two are counted here).

    axes counts failures per username and address (AXES_LOCKOUT_PARAMETERS) against one limit.
    An attacker who spreads guesses over many addresses would never reach it, so a username is
    also locked, from every address, once AXES_USERNAME_FAILURE_LIMIT failures from anywhere
    fall within the cool-off. The price: such an attacker can lock the real user out for the
    cool-off; the IT admin sees it in the admin and can unlock (docs/security.md, Sign-in). One who
    changes the username at each try would meet neither, so an address is also locked, for
    every username, once AXES_ADDRESS_FAILURE_LIMIT failures from it fall within the cool-off.
    """

    def get_failures(self, request, credentials=None) -> int:
        pair = super().get_failures(request, credentials)
        request.signin_pair_failures = pair
        request.signin_username_failures = 0
        request.signin_address_failures = 0
        locked = False
        # One query each, on the sign-in path only (a failure, or the check before a password).
        address = getattr(request, "axes_ip_address", None)
        if address:
            from_address = _failures_within_cool_off(request, ip_address=address)
            request.signin_address_failures = from_address
            locked |= from_address >= settings.AXES_ADDRESS_FAILURE_LIMIT
        username = get_client_username(request, credentials)
        if username:
            everywhere = _failures_within_cool_off(request, username=username)
            request.signin_username_failures = everywhere
            locked |= everywhere >= settings.AXES_USERNAME_FAILURE_LIMIT
        if locked:
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


def typed_username(username: str, account) -> str:
    """The username typed, as the log and the trail keep it: in clear when it is ``account``'s,
    else its keyed hash ``[#<16 hex>]`` (HMAC-SHA256 under the audit key). An auditor who wants
    to know whether a given name was tried hashes it the same way."""
    if account is not None:
        return username
    mac = hmac.new(audit_key("signin.username"), username.encode(), hashlib.sha256)
    return f"[#{mac.hexdigest()[:16]}]"


def _changes(username: str, address: str) -> list[dict]:
    return [
        audit.change("نام کاربری واردشده", "", username, field="username"),
        audit.change("نشانی", "", address, field="address"),
    ]


def record_failure(*, request, username: str) -> None:
    """One failed sign-in: a WARNING line and a security event (the account, when it exists)."""
    address = client_address(request) if request is not None else ""
    account = _account(username)
    username = typed_username(username, account)
    log.warning("sign-in failed for username %r from %s", username, address)
    with transaction.atomic():
        audit.record(
            by=None,
            kind=SECURITY,
            action="sign_in_failed",
            label="ورود ناموفق",
            account=account,
            reason=f"ورود ناموفق با نام کاربری «{username}» از نشانی {address}",
            changes=_changes(username, address),
        )


def record_lockout(*, request, username: str, address: str) -> None:
    """A username locked at an address, a username everywhere, or an address for every username,
    after too many failures.

    axes signals a lockout on every failure once locked (each try during the lock counts, and
    restarts the cool-off); only the failure that locked is recorded: one count has just reached
    its limit and none was over its limit already.
    """
    counts = {
        "pair": (getattr(request, "signin_pair_failures", 0), settings.AXES_FAILURE_LIMIT),
        "username": (
            getattr(request, "signin_username_failures", 0),
            settings.AXES_USERNAME_FAILURE_LIMIT,
        ),
        "address": (
            getattr(request, "signin_address_failures", 0),
            settings.AXES_ADDRESS_FAILURE_LIMIT,
        ),
    }
    reached = [name for name, (count, limit) in counts.items() if count == limit]
    if not reached or any(count > limit for count, limit in counts.values()):
        return  # not locked, or locked already
    account = _account(username)
    username = typed_username(username, account)
    minutes = settings.AXES_COOLOFF_MINUTES
    if "pair" in reached:
        what = f"ورود با نام کاربری «{username}» از نشانی {address}"
        logged = "username %r from %s"
    elif "username" in reached:
        what = f"ورود با نام کاربری «{username}» از هر نشانی (آخرین تلاش از {address})"
        logged = "username %r from every address (last from %s)"
    else:
        what = f"ورود از نشانی {address} با هر نام کاربری (آخرین تلاش با «{username}»)"
        logged = "every username (last %r) from %s"
    log.warning(f"sign-in locked for {logged} for %s minutes", username, address, minutes)
    with transaction.atomic():
        audit.record(
            by=None,
            kind=SECURITY,
            action="sign_in_locked",
            label="قفل شدن ورود",
            account=account,
            reason=f"{what} پس از تلاش‌های ناموفق پیاپی برای {minutes} دقیقه قفل شد",
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
