"""Intake: find or register the household, then open the case."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from accounts import permissions, searches
from audit.models import Read
from audit.reads import record_read
from cases import forms, services
from cases.choices import (
    REQUIRED_EVIDENCE,
    EvidenceType,
    SourceType,
)
from cases.services import CaseActionRefused
from cases.views.common import answers_conflicts
from people.forms import FindHouseholdForm
from people.models import Household
from people.selectors import find_households, households_of
from revocation.forms import refusal_on_form


def _intake_household(user, household_id: str, found: set[int]) -> Household:
    """A household the user may open a case on: one of their province's, or one another province
    registered that they reached by a number search (``found``). 404 otherwise."""
    if not (household_id.isascii() and household_id.isdigit()):
        raise Http404
    pk = int(household_id)
    own = households_of(user=user).filter(pk=pk)
    if not own.exists() and pk not in found:
        raise Http404
    return get_object_or_404(
        Household.objects.select_related("province", "head").prefetch_related(
            "members__documents__document_type", "members__household"
        ),
        pk=pk,
    )


@login_required
@require_http_methods(["GET", "POST"])
@answers_conflicts
def intake(request):
    services.require_opener(request.user)
    token = request.POST.get("s") or request.GET.get("s") or ""
    params = searches.search_load(user=request.user, kind="households", token=token)
    if request.method == "POST" and request.POST.get("step") == "find":
        find_form = FindHouseholdForm(request.POST)
        if find_form.is_valid():
            token = searches.search_save(
                user=request.user,
                kind="households",
                params={"number": find_form.cleaned_data["number"]},
            )
            return redirect(f"{reverse('cases:intake')}?{urlencode({'s': token})}")
        return _intake_page(request, find_form=find_form, status=400)
    households = list(find_households(text=params["number"])) if params else None
    if households is not None and request.method == "GET":
        record_read(
            request,
            Read.Action.PEOPLE_SEARCH,
            found=len(households),
            query=params["number"],
            detail="households " + ",".join(str(h.pk) for h in households[:50]),
        )
    found = {h.pk for h in households or []}
    household_id = request.POST.get("household") or request.GET.get("household") or ""
    household = None
    if household_id:
        household = _intake_household(request.user, household_id, found)
    elif households and len(households) == 1:
        household = households[0]
    intake_form = None
    if household is not None:
        intake_form = forms.IntakeForm(
            request.POST if request.method == "POST" else None, household=household
        )
    if request.method == "POST" and intake_form is not None and intake_form.is_valid():
        data = intake_form.cleaned_data
        try:
            case = services.case_open(
                by=request.user,
                source_type=data["source_type"],
                source_reference=data["source_reference"],
                source_date=data["source_date"],
                subjects=list(data["subjects"]),
                summary=data["summary"],
            )
        except CaseActionRefused as error:
            refusal_on_form(intake_form, error)
        else:
            messages.success(request, "پرونده ثبت شد. اکنون مستندات لازم را بارگذاری کنید.")
            return redirect("cases:detail", number=case.number)
    return _intake_page(
        request,
        households=households,
        household=household,
        form=intake_form,
        token=token if params else "",
        status=400 if request.method == "POST" else 200,
    )


def _intake_page(request, *, find_form=None, status=200, **context):
    household = context.get("household")
    if household is not None:  # the head first, then the others as registered
        context["members"] = sorted(
            household.members.all(), key=lambda m: (m.pk != household.head_id, m.pk)
        )
    return render(
        request,
        "cases/intake.html",
        {
            "find_form": find_form or FindHouseholdForm(),
            "households": None,
            "may_add_member": household is not None
            and permissions.may_register_in(request.user, household),
            "required_evidence": [
                (SourceType(source).label, source, [EvidenceType(t).label for t in types])
                for source, types in REQUIRED_EVIDENCE.items()
            ],
            **context,
        },
        status=status,
    )
