"""Step 7's pages: the expulsion order (issue, page, PDF, verification), each person's hand-over
and outcome, and the closing of a case whose persons had already left. Thin: the services
decide; the one guard of this app fetches through the user's scope, or 404."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from accounts import permissions
from accounts.roles import Capability
from audit.reads import record_read
from cases.choices import Step
from cases.views.common import answers_conflicts, case_or_404, conflict_page
from enforcement import forms, selectors, services
from enforcement import rules as enforcement_rules
from enforcement.models import ExpulsionOrder, OrderedPerson, Outcome
from enforcement.trail import EnforcementRead
from shared import clock
from shared.forms import refusal_on_form
from shared.http import attachment
from shared.persian import digits_to_persian


def _order_or_404(user, pk) -> ExpulsionOrder:
    try:
        return selectors.order_for(user=user, pk=pk)
    except ExpulsionOrder.DoesNotExist:
        raise Http404 from None


def _entry_or_404(user, pk) -> OrderedPerson:
    try:
        return selectors.entry_for(user=user, pk=pk)
    except OrderedPerson.DoesNotExist:
        raise Http404 from None


@login_required
@require_http_methods(["GET", "POST"])
@answers_conflicts
def order_new(request, number):
    """GET: the order to issue (who it covers, border, deadline, ban), to confirm. POST: issue
    it (numbered and printed; an order is never withdrawn)."""
    case = case_or_404(request.user, number)
    services.require(case, request.user, Capability.SUPERVISE_CASE)
    refusal = enforcement_rules.order_refusal(case)
    if refusal == enforcement_rules.WRONG_STATE:
        return conflict_page(request, case, Step.ORDER_EXPULSION.label)
    if refusal:
        raise PermissionDenied(refusal)
    replaces = None
    raw = request.POST.get("replaces") or request.GET.get("replaces")
    if raw:
        try:
            replaces = case.expulsion_orders.get(pk=int(raw))
        except (ValueError, ExpulsionOrder.DoesNotExist):
            raise Http404 from None
    subjects = services.orderable_subjects(case, replaces)
    today = clock.today()
    policy = services.policy_for(today)
    initial = {
        "subjects": [str(s.pk) for s in subjects],
        "issued_on": today,
        "leave_by": today + datetime.timedelta(days=policy.leave_within_days),
        "reentry_ban_years": policy.reentry_ban_min_years,
        "border_point": services.default_border_point(subjects),
    }
    form = forms.OrderForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        subjects=subjects,
        reissue=replaces is not None,
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                order = services.order_issue(
                    case=case, by=request.user, replaces=replaces, **form.cleaned_data
                )
            except services.EnforcementRefused as error:
                refusal_on_form(form, error)
            else:
                messages.success(
                    request,
                    f"دستور اخراج {digits_to_persian(order.number)} صادر شد؛ "
                    "آن را چاپ و امضا کنید.",
                )
                return redirect("enforcement:order", pk=order.pk)
        status = 400
    return render(
        request,
        "enforcement/order_form.html",
        {
            "case": case,
            "form": form,
            "replaces": replaces,
            "policy": policy,
            "nothing_to_order": not subjects,
        },
        status=status,
    )


@login_required
@require_safe
def order(request, pk):
    order = _order_or_404(request.user, pk)
    # What a row shows (enforcement/_entry_row.html): the person and the exit's border point.
    entries = list(
        order.persons.select_related("subject__person", "exit_border_point").order_by("pk")
    )
    return render(
        request,
        "enforcement/order.html",
        {
            "order": order,
            "case": order.case,
            "entries": entries,
            # The liaison's buttons: their role on the case, while outcomes are recorded.
            "may_record": enforcement_rules.outcomes_open(order.case)
            and permissions.may(request.user, Capability.RECORD_EXPULSION, order.case),
            "may_supervise": permissions.may(request.user, Capability.SUPERVISE_CASE, order.case),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@answers_conflicts
def handover(request, pk):
    entry = _entry_or_404(request.user, pk)
    case = entry.order.case
    services.require(case, request.user, Capability.RECORD_EXPULSION)
    if entry.handed_over_on is not None or entry.outcome:
        messages.info(request, f"تحویل یا نتیجه {entry.subject.person.full_name} ثبت شده است.")
        return redirect("enforcement:order", pk=entry.order_id)
    form = forms.HandoverForm(
        request.POST if request.method == "POST" else None,
        initial={"handed_over_on": clock.today()},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.handover_record(
                    entry=entry,
                    by=request.user,
                    on=form.cleaned_data["handed_over_on"],
                    receiving_unit=form.cleaned_data["receiving_unit"],
                )
            except services.EnforcementRefused as error:
                refusal_on_form(form, error)
            else:
                messages.success(request, f"تحویل {entry.subject.person.full_name} ثبت شد.")
                return redirect("enforcement:order", pk=entry.order_id)
        status = 400
    return render(
        request,
        "enforcement/entry_form.html",
        {"entry": entry, "form": form, "title": "ثبت تحویل برای اجرای اخراج", "multipart": False},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
@answers_conflicts
def outcome(request, pk):
    entry = _entry_or_404(request.user, pk)
    case = entry.order.case
    services.require(case, request.user, Capability.RECORD_EXPULSION)
    if entry.outcome:
        messages.info(request, f"نتیجه {entry.subject.person.full_name} ثبت شده است.")
        return redirect("enforcement:order", pk=entry.order_id)
    form = forms.OutcomeForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        handed_over=entry.handed_over_on is not None,
        initial={
            "outcome_on": clock.today(),
            "exit_border_point": entry.order.border_point,
        },
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.outcome_record(
                    entry=entry,
                    by=request.user,
                    outcome=data["outcome"],
                    on=data["outcome_on"],
                    exit_border_point=data["exit_border_point"],
                    exit_sheet_number=data["exit_sheet_number"],
                    proof=data["proof"],
                    proof_content_type=form.proof_content_type,
                    note=data["note"],
                )
            except services.EnforcementRefused as error:
                refusal_on_form(form, error)
            else:
                messages.success(
                    request,
                    f"نتیجه «{Outcome(data['outcome']).label}» برای "
                    f"{entry.subject.person.full_name} ثبت شد.",
                )
                return redirect("cases:detail", number=case.number)
        status = 400
    return render(
        request,
        "enforcement/entry_form.html",
        {
            "entry": entry,
            "form": form,
            "title": "ثبت نتیجه اجرای دستور",
            "multipart": True,
            "irreversible": True,
        },
        status=status,
    )


@login_required
@require_safe
def proof(request, pk):
    entry = _entry_or_404(request.user, pk)
    if not entry.proof:
        raise Http404
    response = attachment(
        entry.proof,
        request=request,
        sha256=entry.proof_sha256,
        case=entry.order.case,
        label="مدرک خروج",
        filename=f"exit-proof-{entry.order.case.number}-{entry.pk}",
        content_type=entry.proof_content_type,
        in_trail=True,
    )
    record_read(request, EnforcementRead.SCAN, case_id=entry.order.case_id, detail=f"proof {pk}")
    return response


@login_required
@require_http_methods(["GET", "POST"])
@answers_conflicts
def departed(request, number):
    """GET: the exit to record and who of the household stays, to confirm. POST: close."""
    case = case_or_404(request.user, number)
    services.require(case, request.user, Capability.SUPERVISE_CASE)
    refusal = enforcement_rules.departure_refusal(case)
    if refusal == enforcement_rules.WRONG_STATE:
        return conflict_page(request, case, Step.CLOSE_AS_DEPARTED.label)
    if refusal:
        raise PermissionDenied(refusal)
    reports = services.exit_reports(case)
    leaving = services.leaving_subjects(case)
    form = forms.DepartedForm(
        request.POST if request.method == "POST" else None,
        reports=reports,
        subjects=leaving,
        initial={"report": reports[0] if len(reports) == 1 else None},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.close_as_departed(
                    case=case,
                    by=request.user,
                    exits=form.exits(),
                    report=form.cleaned_data["report"],
                )
            except services.EnforcementRefused as error:
                refusal_on_form(form, error)
            else:
                messages.success(request, "پرونده با ثبت خروج پیشین از کشور مختومه شد.")
                return redirect("cases:detail", number=case.number)
        status = 400
    return render(
        request,
        "enforcement/departed_form.html",
        {
            "case": case,
            "form": form,
            "leaving": leaving,
            "staying": services.staying_members(case),
            "no_reports": not reports,
        },
        status=status,
    )
