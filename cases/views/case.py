"""The case page and the steps taken from it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.module_loading import import_string
from django.views.decorators.http import require_http_methods, require_safe

from audit.reads import record_read
from cases import forms, panels, services
from cases.choices import Step
from cases.models import Case
from cases.selectors.cancellation import cancellation_preview
from cases.selectors.case_page import case_for_page, case_page_context, unmet_conditions
from cases.services import CaseActionRefused
from cases.steps import STEPS
from cases.trail import CaseRead
from cases.views.common import answers_conflicts, case_or_404, conflict_page
from shared.forms import refusal_on_form


@login_required
@require_safe
def case_detail(request, number):
    try:
        case = case_for_page(user=request.user, number=number)
    except Case.DoesNotExist:
        raise Http404 from None
    record_read(request, CaseRead.CASE_PAGE, case=case)
    return render(request, "cases/case_detail.html", case_context(request, case))


def case_context(request, case, **extra):
    """What the case page shows: the selector's reads and decisions (cases.selectors.case_page),
    the forms it offers, and the upper apps' parts (cases.panels)."""
    context = case_page_context(case=case, user=request.user)
    context.update(
        evidence_form=forms.EvidenceForm(),
        decision_choices=forms.SubjectDecisionForm.base_fields["decision"].choices,
        # The parts the apps above cases own (sessions, Najva, expulsion, letters): cases.panels.
        panels=panels.case_panels(request, case),
    )
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
