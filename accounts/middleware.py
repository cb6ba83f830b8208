"""Session lifetime, caching rules and the second factor for signed-in users."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import OTPMiddleware as BaseOTPMiddleware
from django_otp.models import Device

from accounts import usercache
from accounts.permissions import needs_second_factor

SESSION_STARTED_KEY = "revocation_session_started"
SESSION_SEEN_KEY = "revocation_session_seen"
# How often an active session's idle timer is pushed back (one session write at most per this).
SESSION_REFRESH_SECONDS = 60


class OTPMiddleware(BaseOTPMiddleware):
    """django_otp's: ``request.user.otp_device`` is the device that verified this session, read on
    every request (a device the IT admin removed ends the session's access at once), but kept in
    the process under the token the user was checked against (accounts.usercache)."""

    def _verify_user_sync(self, request, user):
        self._init_user_fields(user)
        if user.is_authenticated:
            persistent_id = request.session.get(DEVICE_ID_SESSION_KEY)
            device = (
                usercache.device(
                    self._normalize_persistent_id(persistent_id),
                    getattr(user, "auth_token", None),
                    Device.from_persistent_id,
                )
                if persistent_id
                else None
            )
            user.otp_device = self._finalize_device(request, user, device)
        return user


class SessionLifetimeMiddleware:
    """End a session 12 hours after sign-in, however active it was; keep an active one alive.

    The 30-minute idle limit is the session's own expiry (SESSION_COOKIE_AGE). Rather than write
    the session on every request (SESSION_SAVE_EVERY_REQUEST), an active session is touched at
    most once a minute, which pushes its expiry 30 minutes on: the idle limit holds to within a
    minute, and a signed-in page costs no session write.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            started = request.session.setdefault(SESSION_STARTED_KEY, time.time())
            if time.time() - started > settings.SESSION_ABSOLUTE_MAX_AGE:
                logout(request)
                return redirect_to_login(request.get_full_path())
            # Django's time, as the session framework that saves the expiry (not shared.clock).
            now = timezone.now().timestamp()
            if now - request.session.get(SESSION_SEEN_KEY, 0) > SESSION_REFRESH_SECONDS:
                request.session[SESSION_SEEN_KEY] = now  # modified: saved, expiry pushed on
        return self.get_response(request)


class NoStoreForSignedInMiddleware:
    """Pages a signed-in user sees carry case data: no browser or proxy may keep a copy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            patch_cache_control(response, no_store=True, no_cache=True, private=True)
        return response


class SecondFactorMiddleware:
    """A user who needs a second factor (accounts.permissions.needs_second_factor) and has not
    passed it in this session reaches only the code and enrolment pages, sign-out and the static
    files; every other page, the admin site included, sends them to the code (or enrolment) page.

    Runs after django_otp's OTPMiddleware, which tells ``request.user.is_verified()``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and needs_second_factor(user)
            and not user.is_verified()
            and not self._open(request.path_info)
        ):
            return redirect(
                f"{reverse('second_factor')}?{urlencode({'next': request.get_full_path()})}"
            )
        return self.get_response(request)

    @staticmethod
    def _open(path: str) -> bool:
        open_paths = (
            reverse("second_factor"),
            reverse("second_factor_enrol"),
            reverse("logout"),
            reverse("login"),
        )
        return path in open_paths or path.startswith("/" + settings.STATIC_URL.lstrip("/"))
