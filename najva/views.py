"""The Najva pages: the operator's queue, a retry, a registration made by other means, and the
card cancellation form (print, the signed scan uploaded). Thin: najva.services decides; the
files and the verification page are documents.views (najva.printed)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts import permissions
from accounts.roles import Capability
from cases.models import CaseSubject
from cases.views.common import case_or_404
from najva import forms, selectors, services
from najva.models import CancellationForm, Registration
from shared.forms import refusal_on_form
from shared.http import safe_next
from shared.persian import digits_to_persian


# The one guard of this app: the object through the user's scope, or 404.
def _registration_or_404(user, pk) -> Registration:
    try:
        return selectors.registration_for(user=user, pk=pk)
    except Registration.DoesNotExist:
        raise Http404 from None


def _form_or_404(user, pk) -> CancellationForm:
    try:
        return selectors.form_for(user=user, pk=pk)
    except CancellationForm.DoesNotExist:
        raise Http404 from None


def _subject_or_404(user, number, subject_id) -> CaseSubject:
    case = case_or_404(user, number)
    return get_object_or_404(case.subjects.select_related("person", "case"), pk=subject_id)


@login_required
@require_safe
def queue(request):
    if not permissions.may_read_najva_queue(request.user):
        raise PermissionDenied("صف ثبت در نجوا برای کاربر نجوا و بازرس است.")
    context = selectors.operator_queue(user=request.user)
    context["may_act"] = permissions.can(request.user, Capability.REGISTER_IN_NAJVA)
    return render(request, "najva/queue.html", context)


@login_required
@require_POST
def retry(request, pk):
    row = _registration_or_404(request.user, pk)
    try:
        services.registration_retry(registration=row, by=request.user)
    except services.RegistrationRefused as error:
        messages.error(request, " ".join(error.messages))
    else:
        # Sent again at once (after the commit): say what came of it, not what was asked.
        row.refresh_from_db()
        what = f"{row.document.document_type} {digits_to_persian(row.document.number)}"
        if row.is_done:
            number = digits_to_persian(row.tracking_number)
            messages.success(request, f"{what} در نجوا ثبت شد؛ شماره پیگیری {number}.")
        else:
            messages.info(request, f"{what} دوباره در صف ارسال به نجوا است.")
    return redirect(safe_next(request, reverse("najva:queue")))


@login_required
@require_http_methods(["GET", "POST"])
def record(request, pk):
    row = _registration_or_404(request.user, pk)
    if not permissions.may(request.user, Capability.REGISTER_IN_NAJVA, row.case):
        raise PermissionDenied("فقط کاربر نجوا ثبت به روش دیگر را وارد می‌کند.")
    form = forms.ManualRecordForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.registration_record_manual(
                    registration=row, by=request.user, **form.cleaned_data
                )
            except services.RegistrationRefused as error:
                refusal_on_form(form, error)
            else:
                messages.success(request, f"ثبت {row.document} در نجوا ثبت شد.")
                return redirect("cases:detail", number=row.case.number)
        status = 400
    return render(
        request,
        "najva/record.html",
        {"row": row, "form": form, "najva_says": services.document_report(row)},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def form_print(request, number, subject_id):
    """GET: what will be printed; POST: print (made once, the same document after)."""
    subject = _subject_or_404(request.user, number, subject_id)
    if not permissions.may(request.user, Capability.SUPERVISE_CASE, subject.case):
        raise PermissionDenied("فرم ابطال کارت را مدیرکل یا معاون استان چاپ می‌کند.")
    existing = CancellationForm.objects.filter(subject=subject).first()
    if request.method == "POST":
        try:
            made = services.form_print(subject=subject, by=request.user)
        except services.FormRefused as error:
            messages.error(request, " ".join(error.messages))
            return redirect("cases:detail", number=number)
        messages.success(request, f"فرم ابطال کارت {subject.person.full_name} آماده چاپ است.")
        return redirect("najva:form_print", number=number, subject_id=made.subject_id)
    return render(
        request,
        "najva/form_print.html",
        {
            "subject": subject,
            "case": subject.case,
            "existing": existing,
            "registrations": services.form_registrations(subject),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def form_signed(request, pk):
    form = _form_or_404(request.user, pk)
    if not permissions.may(request.user, Capability.SUPERVISE_CASE, form.subject.case):
        raise PermissionDenied("فرم امضاشده را مدیرکل یا معاون استان ثبت می‌کند.")
    upload = forms.SignedFormScan(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if upload.is_valid():
            try:
                services.form_mark_signed(
                    form=form,
                    by=request.user,
                    upload=upload.cleaned_data["scan"],
                    content_type=upload.content_type,
                )
            except services.FormRefused as error:
                refusal_on_form(upload, error)
            else:
                messages.success(request, "فرم امضاشده ثبت شد.")
                return redirect("cases:detail", number=form.subject.case.number)
        status = 400
    return render(
        request, "najva/form_signed.html", {"form_row": form, "form": upload}, status=status
    )
