"""The second factor's two pages: the code asked after the password, and the enrolment of an
authenticator app (a QR code drawn here, offline) for whoever needs one and has none yet."""

import base64

import django_otp
import segno
from django.contrib.auth.decorators import login_required
from django.middleware.csrf import rotate_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from accounts import services
from accounts.forms import CodeForm
from accounts.permissions import needs_second_factor
from accounts.signin import record_code_refused
from shared import http


def _next(request) -> str:
    return http.safe_next(request, reverse("home"))


def _passed(request, device) -> None:
    """The second factor passed: the session is marked so, and gets a new key (and a new CSRF
    token), as Django's login() gives one after the password. A session key someone learnt before
    the code (a fixed or stolen cookie of the half-signed-in session) is then worth nothing."""
    django_otp.login(request, device)
    request.session.cycle_key()
    rotate_token(request)


def _done(request) -> bool:
    """Nothing to do here: the user needs no second factor or this session has passed it."""
    return not needs_second_factor(request.user) or request.user.is_verified()


@login_required
def second_factor(request):
    """The six-digit code from the user's authenticator app, after the password."""
    if _done(request):
        return redirect(_next(request))
    device = services.totp_device_of(request.user)
    if device is None:
        return redirect(f"{reverse('second_factor_enrol')}?{urlencode({'next': _next(request)})}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.totp_verify(device=device, code=form.cleaned_data["code"])
        except services.CodeRefused as refused:
            record_code_refused(request=request, user=request.user)
            form.add_error("code", str(refused))
        else:
            _passed(request, device)
            return redirect(_next(request))
    return render(
        request, "registration/second_factor.html", {"form": form, "next": _next(request)}
    )


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


ENROLMENT_KEY = "second_factor_enrol_key"  # the session's key: the one this page showed last


@login_required
def second_factor_enrol(request):
    """A first authenticator app: the QR code (and its secret, to type by hand), then a first
    code that confirms it.

    Each display shows a fresh key, kept in this session only (never in the page's form); a code
    is checked against the key this session was shown last. A wrong code shows the same key again
    (the one the user has just scanned)."""
    if _done(request):
        return redirect(_next(request))
    if services.totp_device_of(request.user) is not None:
        return redirect(f"{reverse('second_factor')}?{urlencode({'next': _next(request)})}")
    form = CodeForm(request.POST or None)
    key = request.session.get(ENROLMENT_KEY) if request.method == "POST" else None
    if request.method == "POST" and key is None:
        form.add_error(None, "زمان این صفحه گذشته است؛ کد QR تازه را در برنامه بخوانید.")
    elif request.method == "POST" and form.is_valid():
        try:
            device = services.totp_enrol_confirm(
                user=request.user, key=key, code=form.cleaned_data["code"]
            )
        except services.CodeRefused as refused:
            form.add_error("code", str(refused))
        else:
            request.session.pop(ENROLMENT_KEY, None)
            _passed(request, device)
            return redirect(_next(request))
    if key is None:
        key = request.session[ENROLMENT_KEY] = services.totp_new_key()
    device = services.totp_unsaved_device(user=request.user, key=key)
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return render(
        request,
        "registration/second_factor_enrol.html",
        {
            "form": form,
            "next": _next(request),
            # An SVG data URI, drawn here: the secret goes to no outside service, and the CSP
            # allows data: images.
            "qr": segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2),
            "secret": _grouped(secret),
        },
    )
