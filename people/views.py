"""Registering households and their members (the expert's intake comes back here from cases)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from people import forms, services
from people.selectors import households_of
from shared.forms import refusal_on_form
from shared.http import safe_next
from shared.persian import digits_to_persian


def _back(household=None) -> str:
    """Where the register sends the user back, with the household chosen: a page of an app above
    people (the intake of a case), named by the project in settings.HOUSEHOLD_RETURN_URL."""
    url = reverse(settings.HOUSEHOLD_RETURN_URL)
    return f"{url}?household={household.pk}" if household is not None else url


def _person_data(data):
    return {
        key: data[key]
        for key in ["first_name", "last_name", "father_name", "nationality", "sex", "birth_date"]
    }


def _document_data(data):
    return {
        "document_type": data["document_type"],
        "number": data["document_number"],
        "series": data["document_series"],
        "issued_on": data["issued_on"],
        "expires_on": data["expires_on"],
    }


@login_required
@require_http_methods(["GET", "POST"])
def household_new(request):
    """Register a new household with its head, then return to intake with it chosen."""
    services.require_registrar(request.user)
    form = forms.HouseholdForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            household = services.household_register(
                by=request.user,
                number=data["household_number"],
                head=_person_data(data),
                document=_document_data(data),
                postal_address=data["postal_address"],
                postal_code=data["postal_code"],
            )
        except ValidationError as error:
            refusal_on_form(form, error)
        else:
            messages.success(request, "خانوار و سرپرست آن ثبت شد.")
            return redirect(_back(household))
    return render(
        request,
        "people/person_form.html",
        {"form": form, "title": "ثبت خانوار جدید و سرپرست آن", "back": _back()},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def household_member_new(request, household_id):
    """Add a member to a household of the expert's province (others' are read-only: 404)."""
    services.require_registrar(request.user)
    household = get_object_or_404(households_of(user=request.user), pk=household_id)
    form = forms.MemberForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.household_add_member(
                by=request.user,
                household=household,
                relation=data["relation_to_head"],
                person=_person_data(data),
                document=_document_data(data),
            )
        except ValidationError as error:
            refusal_on_form(form, error)
        else:
            messages.success(request, "عضو خانوار ثبت شد.")
            return redirect(_back(household))
    return render(
        request,
        "people/person_form.html",
        {
            "form": form,
            "title": f"ثبت عضو جدید خانوار {digits_to_persian(household.number)}",
            "household": household,
            "back": _back(household),
        },
        status=400 if form.is_bound else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def household_address(request, household_id):
    """Record or change a household's postal address (an expert of its province; another
    province's household is read-only: 404). Returns to the page it came from (a case page)."""
    services.require_registrar(request.user)
    household = get_object_or_404(
        households_of(user=request.user).select_related("head"), pk=household_id
    )
    back = safe_next(request, _back(household))
    initial = {"postal_address": household.postal_address, "postal_code": household.postal_code}
    form = forms.HouseholdAddressForm(
        request.POST if request.method == "POST" else None, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.household_set_address(
                by=request.user, household=household, **form.cleaned_data
            )
        except ValidationError as error:
            refusal_on_form(form, error)
        else:
            messages.success(
                request, f"نشانی پستی خانوار {digits_to_persian(household.number)} ثبت شد."
            )
            return redirect(back)
    return render(
        request,
        "people/household_address.html",
        {"form": form, "household": household, "next": back},
        status=400 if form.is_bound else 200,
    )
