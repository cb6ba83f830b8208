"""Intake, the front desk: find or register the household, then open the case.

Its own app above cases and people: finding a household crosses provinces (found_elsewhere),
while the case kernel only opens the case (cases.services.case_open)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from accounts import permissions, searches
from audit.reads import record_read
from cases import services
from cases.choices import (
    REQUIRED_EVIDENCE,
    EvidenceType,
    SourceType,
)
from cases.services import CaseActionRefused, OpenCasesElsewhere
from cases.views.common import answers_conflicts
from intake.forms import IntakeForm
from intake.selectors import found_elsewhere
from people.forms import FindHouseholdForm
from people.models import Household, Person
from people.selectors import find_households, households_of
from people.trail import PeopleRead
from shared.forms import refusal_on_form


def _intake_household(user, household_id: str, found: set[int]) -> Household:
    """A household the user may open a case on: one of their province's (``found`` holds only
    those). Another province's is reached person by person (``_person_elsewhere``). 404
    otherwise."""
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
            return redirect(f"{reverse('intake:intake')}?{urlencode({'s': token})}")
        return _intake_page(request, find_form=find_form, status=400)
    if params:
        # The user's province's households found by the number; of other provinces', only the
        # persons whose document has exactly this number, and only what found_elsewhere tells.
        households = list(
            find_households(text=params["number"]).filter(province_id=request.user.province_id)
        )
        elsewhere = found_elsewhere(user=request.user, document_number=params["number"])
    else:
        households, elsewhere = None, []
    if households is not None and request.method == "GET":
        record_read(
            request,
            PeopleRead.PEOPLE_SEARCH,
            found=len(households) + len(elsewhere),
            query=params["number"],
            detail="households "
            + ",".join(str(h.pk) for h in households[:50])
            + (f"; {len(elsewhere)} found in other provinces" if elsewhere else ""),
        )
    found = {h.pk for h in households or []}
    household_id = request.POST.get("household") or request.GET.get("household") or ""
    person_id = request.POST.get("person") or request.GET.get("person") or ""
    household = person = None
    if person_id:
        person = _person_elsewhere(person_id, elsewhere)
        household = person.household
    elif household_id:
        household = _intake_household(request.user, household_id, found)
    elif households and len(households) == 1 and not elsewhere:
        household = households[0]
    intake_form = None
    if household is not None:
        intake_form = IntakeForm(
            request.POST if request.method == "POST" else None, household=household, only=person
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
                confirmed_open_cases=data.get("confirm_open_cases", False),
            )
        except OpenCasesElsewhere as warning:
            intake_form.ask_confirmation()
            refusal_on_form(intake_form, warning)
        except CaseActionRefused as error:
            refusal_on_form(intake_form, error)
        else:
            messages.success(request, "پرونده ثبت شد. اکنون مستندات لازم را بارگذاری کنید.")
            return redirect("cases:detail", number=case.number)
    return _intake_page(
        request,
        households=households,
        elsewhere=elsewhere,
        # Another province's person: the page gets what found_elsewhere tells, not the household.
        household=household if person is None else None,
        person_elsewhere=next((f for f in elsewhere if person and f.person_id == person.pk), None),
        form=intake_form,
        token=token if params else "",
        status=400 if request.method == "POST" else 200,
    )


def _person_elsewhere(person_id: str, elsewhere) -> Person:
    """A person another province registered, reached by the search of their document number that
    the page carries (its token): 404 otherwise."""
    if not (person_id.isascii() and person_id.isdigit()):
        raise Http404
    if int(person_id) not in {f.person_id for f in elsewhere}:
        raise Http404
    return get_object_or_404(Person.objects.select_related("household"), pk=int(person_id))


def _intake_page(request, *, find_form=None, status=200, **context):
    household = context.get("household")
    if household is not None:  # the head first, then the others as registered
        context["members"] = sorted(
            household.members.all(), key=lambda m: (m.pk != household.head_id, m.pk)
        )
    return render(
        request,
        "intake/intake.html",
        {
            "find_form": find_form or FindHouseholdForm(),
            "households": None,
            "elsewhere": [],
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
