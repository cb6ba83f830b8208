"""The second factor's two pages: the code asked after the password, and the enrolment of an
authenticator app (a QR code drawn here, offline) for whoever needs one and has none yet. And the
approver's pages of role grants: the proposals the signed-in user may decide, and one to decide."""

import base64

import django_otp
import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.middleware.csrf import rotate_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_safe

from accounts import grants, resets, services
from accounts.forms import CodeForm, EnrolmentForm, GrantDecisionForm
from accounts.permissions import approving_role, may_approve_grants, needs_second_factor
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
    # After an administrator's reset, a second administrator's enrolment code too (accounts.resets).
    code_required = resets.enrolment_code_required(request.user)
    form = (EnrolmentForm if code_required else CodeForm)(request.POST or None)
    key = request.session.get(ENROLMENT_KEY) if request.method == "POST" else None
    if request.method == "POST" and key is None:
        form.add_error(None, "زمان این صفحه گذشته است؛ کد QR تازه را در برنامه بخوانید.")
    elif request.method == "POST" and form.is_valid():
        try:
            device = services.totp_enrol_confirm(
                user=request.user,
                key=key,
                code=form.cleaned_data["code"],
                enrolment_code=form.cleaned_data.get("enrolment_code", ""),
                request=request,
            )
        except services.CodeRefused as refused:
            field = (
                "enrolment_code" if isinstance(refused, services.EnrolmentCodeRefused) else "code"
            )
            form.add_error(field, str(refused))
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
            "code_required": code_required,
        },
    )


# --------------------------------------------------------------------------------------------------
# Role grants: the approver's half (the IT administrator proposes in the admin)


def _require_approver(user):
    if not may_approve_grants(user):
        raise PermissionDenied("تأیید دسترسی کاربران با مدیرکل استان یا دبیرخانه کشور است.")


@login_required
@require_safe
def grant_list(request):
    """The proposed grants the signed-in approver may decide (their province's, or national)."""
    _require_approver(request.user)
    return render(
        request, "accounts/grant_list.html", {"grants": grants.grants_to_decide(request.user)}
    )


@login_required
@require_http_methods(["GET", "POST"])
def grant_decide(request, grant_id):
    """One proposal, approved (with a confirmation ticked) or refused (with a reason). Another
    province's, a national one for a supervisor, one proposed by or for the user: 404."""
    _require_approver(request.user)
    grant = get_object_or_404(grants.grants_to_decide(request.user), pk=grant_id)
    form = GrantDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        decide = grants.approve if form.cleaned_data["decision"] == form.APPROVE else grants.refuse
        try:
            decided = decide(grant=grant, by=request.user, note=form.cleaned_data["note"])
        except grants.GrantRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(
                request,
                f"پیشنهاد «{decided}» {decided.get_outcome_display()}.",
            )
            return redirect("accounts:grants")
    return render(
        request,
        "accounts/grant_decide.html",
        {"grant": grant, "form": form, "approver": approving_role(grant.role)},
        status=400 if form.is_bound else 200,
    )
