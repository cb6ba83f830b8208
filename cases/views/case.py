"""The case page and the steps taken from it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.module_loading import import_string
from django.views.decorators.http import require_http_methods, require_safe

from accounts import permissions
from accounts.roles import Capability
from audit.models import Read
from audit.reads import record_read
from cases import forms, panels, services
from cases.choices import REQUIRED_EVIDENCE, Agency, EvidenceType, Step, SubjectDecision
from cases.models import Case
from cases.rules import household_elsewhere, missing_evidence_types, undecided_members
from cases.selectors import (
    cancellation_preview,
    case_due_on,
    case_for_page,
    steps_for,
    unmet_conditions,
)
from cases.services import CaseActionRefused
from cases.states import EXPERT_STATES, INQUIRY_STATES
from cases.steps import STEPS
from cases.views.common import answers_conflicts, case_or_404, conflict_page
from revocation.forms import refusal_on_form


@login_required
@require_safe
def case_detail(request, number):
    try:
        case = case_for_page(user=request.user, number=number)
    except Case.DoesNotExist:
        raise Http404 from None
    record_read(request, Read.Action.CASE_PAGE, case=case)
    return render(request, "cases/case_detail.html", case_context(request, case))


def case_context(request, case, **extra):
    user = request.user
    subjects = list(case.subjects.all())
    households = {s.person.household for s in subjects}
    cancelled = {s.person_id for s in subjects if s.decision == SubjectDecision.CANCEL}
    on_case = {s.person_id for s in subjects}
    off_case = [m for m in undecided_members(case) if m.pk not in on_case]
    for household in households:
        # A household another province registered (the case was opened on a person found by
        # document number): the page names the case's own subjects only, nothing of the rest.
        household.elsewhere = household_elsewhere(case, household)
        # Offer to record a new head only where the head loses their card and others remain.
        household.needs_new_head = household.head_id in cancelled and any(
            m.pk not in cancelled for m in household.members.all()
        )
        household.may_change_head = permissions.may_register_in(user, household)
        # The postal address the letters go to: recorded by the same experts, in any state.
        household.may_record_address = household.may_change_head
        # Members the case has no decision for and who are not on it (each needs adding first).
        household.undecided = [m for m in off_case if m.household_id == household.pk]
    evidence = list(case.evidence.all())
    missing = set(missing_evidence_types(case))
    checklist = [
        (EvidenceType(t).label, t not in missing)
        for t in REQUIRED_EVIDENCE.get(case.source_type, [])
    ]
    inquiries = {i.agency: i for i in case.inquiries.all()}
    may_edit = case.state in EXPERT_STATES and permissions.may(user, Capability.REVIEW_CASE, case)
    steps = steps_for(case=case, user=user)
    context = {
        "case": case,
        "subjects": subjects,
        "households": households,
        "evidence": evidence,
        "checklist": checklist,
        "inquiries": [(agency, label, inquiries.get(agency)) for agency, label in Agency.choices],
        "events": case.events.all(),
        "actions": [s for s in steps if s.available and not s.rule.elsewhere],
        "due_on": case_due_on(case),
        "may_edit": may_edit,
        "may_record_inquiries": may_edit and case.state in INQUIRY_STATES,
        "evidence_form": forms.EvidenceForm(),
        "decision_choices": forms.SubjectDecisionForm.base_fields["decision"].choices,
        # The parts the apps above cases own (sessions, Najva, expulsion, letters): cases.panels.
        "panels": panels.case_panels(request, case),
    }
    context.update(extra)
    return context


@login_required
@require_http_methods(["GET", "POST"])
@answers_conflicts
def case_action(request, number, name):
    """GET: what the step will do and what it needs, to confirm. POST: take it."""
    case = case_or_404(request.user, number)
    try:
        step = Step(name)
    except ValueError:
        raise Http404 from None
    rule = STEPS[step]
    services.require(case, request.user, rule.capability)
    if services.transition_for(case, step) is None:
        return conflict_page(request, case, rule.label)
    if rule.elsewhere:
        # The working group decides in a session, with its votes and quorum (committees); an
        # expulsion is recorded with its order and each person's exit (enforcement).
        raise PermissionDenied(rule.elsewhere_refusal)
    form_class = import_string(rule.form)
    form = form_class(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.case_take_step(case=case, by=request.user, step=step, **form.cleaned_data)
            except CaseActionRefused as error:
                refusal_on_form(form, error)
            else:
                messages.success(request, f"«{rule.label}» انجام شد.")
                return redirect("cases:detail", number=case.number)
        status = 400
    case = case_for_page(user=request.user, number=case.number)
    return render(
        request,
        "cases/case_action.html",
        {
            "case": case,
            "rule": rule,
            "target_label": rule.target.label,
            "form": form,
            "unmet": unmet_conditions(case=case, rule=rule),
            # Whoever cancels sees each person and document the step cancels, and who keeps theirs.
            "cancellation": cancellation_preview(case) if step == Step.CANCEL_CARD else None,
        },
        status=status,
    )
