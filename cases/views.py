"""The case pages. Thin: read through selectors, ask accounts.permissions, write through services.

Every view that touches a case fetches it through ``_case_for``: 404 when the user may not see it
(never revealing that another province's case exists), 403 when they may see it but not act, 409
when the step or change does not apply in the case's present state (someone moved it first).
"""

import functools
import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.module_loading import import_string
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts import permissions, searches
from accounts.roles import Capability
from cases import forms, services
from cases.choices import (
    EXPERT_STATES,
    INQUIRY_STATES,
    REQUIRED_EVIDENCE,
    Agency,
    EvidenceType,
    SourceType,
    Step,
    SubjectDecision,
)
from cases.models import Case
from cases.rules import missing_evidence_types
from cases.selectors import (
    case_due_on,
    case_for_page,
    cases_visible_to,
    experts_of,
    last_move,
    search_cases,
    state_counts,
    steps_for,
    unmet_conditions,
)
from cases.selectors import work_queue as queue_for
from cases.services import CaseActionRefused, CaseStateConflict
from cases.steps import STEPS
from people.forms import FindHouseholdForm
from people.models import Household, Person
from people.selectors import find_households, households_of

PAGE_SIZE = 25
logger = logging.getLogger(__name__)


def _case_for(user, number: str) -> Case:
    """The access guard: the case if ``user`` may see it, else 404."""
    return get_object_or_404(cases_visible_to(user=user), number=number)


def _refusal(form, error: ValidationError) -> None:
    """Put a service's refusal on the form (on its field where it names one)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def conflict_page(request, case: Case, what: str):
    """409: the step or change no longer applies; who moved the case, when, to which state."""
    case.refresh_from_db()
    return render(
        request,
        "cases/conflict.html",
        {"case": case, "what": what, "move": last_move(case)},
        status=409,
    )


def answers_conflicts(view):
    """Turn a ``CaseStateConflict`` raised by a service into the 409 page, and a case that left
    the user's scope between the view's read and the service's locked read into a 404."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except CaseStateConflict as conflict:
            return conflict_page(request, conflict.case, conflict.what)
        except Case.DoesNotExist:
            raise Http404 from None

    return wrapped


# --------------------------------------------------------------------------------------------------
# Work queue and case list


@login_required
@require_safe
def work_queue(request):
    """Home: the cases waiting for this user's action, by step, and the counts per state."""
    return render(
        request,
        "cases/work_queue.html",
        {
            "groups": queue_for(user=request.user),
            "counts": state_counts(user=request.user),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_list(request):
    """Filters and one search box. The search is POSTed and kept on the server under a token; the
    result page is a GET of that token, so identity numbers never appear in a URL or a log and
    Back does not ask to resubmit a form."""
    experts = experts_of(user=request.user)
    if request.method == "POST":
        form = forms.CaseSearchForm(request.POST, experts=experts)
        if form.is_valid():
            token = searches.search_save(
                user=request.user, kind="cases", params=_search_params(request.POST)
            )
            return redirect(f"{reverse('cases:list')}?{urlencode({'s': token})}")
        return render(
            request,
            "cases/case_list.html",
            {"form": form, "page": Paginator(Case.objects.none(), PAGE_SIZE).get_page(1)},
            status=400,
        )
    params = searches.search_load(user=request.user, kind="cases", token=request.GET.get("s", ""))
    if request.GET.get("s") and params is None:
        messages.warning(request, "این جست‌وجو یافت نشد یا مدت آن گذشته است؛ دوباره جست‌وجو کنید.")
    form = forms.CaseSearchForm(params, experts=experts) if params else None
    if form is not None and form.is_valid():
        cases = search_cases(
            user=request.user, text=form.cleaned_data["q"], filters=form.cleaned_data
        )
    else:
        form = forms.CaseSearchForm(experts=experts)
        cases = search_cases(user=request.user)
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page") or 1)
    return render(
        request,
        "cases/case_list.html",
        {"form": form, "page": page, "token": request.GET.get("s", "") if params else ""},
    )


def _search_params(data) -> dict:
    fields = forms.CaseSearchForm.base_fields
    return {name: data.get(name, "") for name in fields if name != "page"}


# --------------------------------------------------------------------------------------------------
# Intake: find or register the household, then open the case


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
    if not permissions.can(request.user, Capability.OPEN_CASE) or request.user.province_id is None:
        raise PermissionDenied("فقط کارشناس استان می‌تواند پرونده ثبت کند.")
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
            _refusal(intake_form, error)
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


# --------------------------------------------------------------------------------------------------
# The case file


@login_required
@require_safe
def case_detail(request, number):
    try:
        case = case_for_page(user=request.user, number=number)
    except Case.DoesNotExist:
        raise Http404 from None
    return render(request, "cases/case_detail.html", _case_context(request, case))


def _case_context(request, case, **extra):
    user = request.user
    subjects = list(case.subjects.all())
    households = {s.person.household for s in subjects}
    cancelled = {s.person_id for s in subjects if s.decision == SubjectDecision.CANCEL}
    for household in households:
        # Offer to record a new head only where the head loses their card and others remain.
        household.needs_new_head = household.head_id in cancelled and any(
            m.pk not in cancelled for m in household.members.all()
        )
        household.may_change_head = permissions.may_register_in(user, household)
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
        "actions": [s for s in steps if s.available],
        "due_on": case_due_on(case),
        "may_edit": may_edit,
        "may_record_inquiries": may_edit and case.state in INQUIRY_STATES,
        "evidence_form": forms.EvidenceForm(),
        "decision_choices": forms.SubjectDecisionForm.base_fields["decision"].choices,
    }
    context.update(extra)
    return context


@login_required
@require_http_methods(["GET", "POST"])
@answers_conflicts
def case_action(request, number, name):
    """GET: what the step will do and what it needs, to confirm. POST: take it."""
    case = _case_for(request.user, number)
    try:
        step = Step(name)
    except ValueError:
        raise Http404 from None
    rule = STEPS[step]
    if not permissions.may(request.user, rule.capability, case):
        raise PermissionDenied("این اقدام برای نقش شما در این پرونده ممکن نیست.")
    if services.transition_for(case, step) is None:
        return conflict_page(request, case, rule.label)
    form_class = import_string(rule.form)
    form = form_class(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.case_take_step(case=case, by=request.user, step=step, **form.cleaned_data)
            except CaseActionRefused as error:
                _refusal(form, error)
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
        },
        status=status,
    )


# --------------------------------------------------------------------------------------------------
# Evidence and inquiries


def _back_to_case(case, anchor=""):
    return redirect(f"{reverse('cases:detail', args=[case.number])}{anchor}")


def _require_expert(user, case):
    if not permissions.may(user, Capability.REVIEW_CASE, case):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
@answers_conflicts
def evidence_upload(request, number):
    case = _case_for(request.user, number)
    if request.method == "GET":  # e.g. reloading the page a failed upload left in the address bar
        return _back_to_case(case, "#evidence")
    _require_expert(request.user, case)
    form = forms.EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.evidence_add(
                case=case,
                by=request.user,
                evidence_type=form.cleaned_data["evidence_type"],
                file=form.cleaned_data["file"],
                content_type=form.content_type,
            )
        except CaseActionRefused as error:
            _refusal(form, error)
        else:
            messages.success(request, "مستند بارگذاری شد.")
            return _back_to_case(case, "#evidence")
    messages.error(request, "مستند بارگذاری نشد؛ خطا را در بخش مستندات ببینید.")
    case = case_for_page(user=request.user, number=number)
    return render(
        request,
        "cases/case_detail.html",
        _case_context(request, case, evidence_form=form),
        status=400,
    )


@login_required
@require_http_methods(["GET", "POST"])
@answers_conflicts
def evidence_withdraw(request, number, evidence_id):
    """GET: confirm, with a reason. POST: set the evidence aside (row and file kept)."""
    case = _case_for(request.user, number)
    item = get_object_or_404(case.evidence, pk=evidence_id)
    _require_expert(request.user, case)
    if case.state not in EXPERT_STATES or item.withdrawn_at is not None:
        return conflict_page(request, case, "کنار گذاشتن مستند")
    form = forms.EvidenceWithdrawForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            services.evidence_withdraw(
                case=case, by=request.user, evidence=item, reason=form.cleaned_data["reason"]
            )
        except CaseActionRefused as error:
            _refusal(form, error)
        else:
            messages.success(request, "مستند کنار گذاشته شد؛ فایل آن در سوابق می‌ماند.")
            return _back_to_case(case, "#evidence")
    return render(
        request,
        "cases/record_form.html",
        {
            "case": case,
            "form": form,
            "title": f"کنار گذاشتن مستند «{item.get_evidence_type_display()}»",
            "lead": f"فایل «{item.original_name}» حذف نمی‌شود و در سوابق پرونده می‌ماند؛ "
            "فقط در فهرست مدارک لازم شمرده نمی‌شود.",
        },
        status=400 if form.is_bound else 200,
    )


def _attachment(path_file, *, filename, content_type):
    try:
        handle = path_file.open("rb")
    except FileNotFoundError:
        logger.error("stored file %s is missing", path_file.name)
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_safe
def evidence_download(request, number, evidence_id):
    case = _case_for(request.user, number)
    item = get_object_or_404(case.evidence, pk=evidence_id)
    extension = forms.EXTENSIONS.get(item.content_type, "bin")
    return _attachment(
        item.file,
        filename=f"{case.number}-{item.evidence_type}-{item.pk}.{extension}",
        content_type=item.content_type,
    )


def _inquiry_page(request, number, agency, *, form_class, record, title, done, initial=None):
    """The two inquiry forms: the letter sent, and the reply received."""
    case = _case_for(request.user, number)
    label = Agency(agency).label
    _require_expert(request.user, case)
    if case.state not in INQUIRY_STATES:
        return conflict_page(request, case, title.format(label))
    bound = (request.POST, request.FILES) if request.method == "POST" else ()
    form = form_class(*bound, initial=initial(case.inquiries.filter(agency=agency).first()))
    if form.is_bound and form.is_valid():
        try:
            record(case=case, by=request.user, agency=agency, **form.cleaned_data)
        except CaseActionRefused as error:
            _refusal(form, error)
        else:
            messages.success(request, done.format(label))
            return _back_to_case(case, "#inquiries")
    return render(
        request,
        "cases/record_form.html",
        {"case": case, "form": form, "title": title.format(label)},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
@answers_conflicts
def inquiry_send(request, number, agency):
    return _inquiry_page(
        request,
        number,
        agency,
        form_class=forms.InquirySentForm,
        record=services.inquiry_record_sent,
        title="ثبت ارسال استعلام به {}",
        done="ارسال استعلام {} ثبت شد.",
        # A letter recorded before is shown for correction.
        initial=lambda inquiry: (
            {
                "letter_number": inquiry.letter_number,
                "sent_on": inquiry.sent_on,
                "due_on": inquiry.due_on,
            }
            if inquiry
            else {}
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
@answers_conflicts
def inquiry_reply(request, number, agency):
    return _inquiry_page(
        request,
        number,
        agency,
        form_class=forms.InquiryReplyForm,
        record=services.inquiry_record_reply,
        title="ثبت پاسخ استعلام {}",
        done="پاسخ استعلام {} ثبت شد.",
        initial=lambda inquiry: {},
    )


@login_required
@require_safe
def inquiry_reply_download(request, number, agency):
    case = _case_for(request.user, number)
    inquiry = get_object_or_404(case.inquiries, agency=agency)
    if not inquiry.reply_document:
        raise Http404
    try:
        with inquiry.reply_document.open("rb") as handle:
            head = handle.read(16)
    except FileNotFoundError:
        logger.error("stored file %s is missing", inquiry.reply_document.name)
        raise Http404 from None
    content_type = next(
        (ct for signature, ct, _ in forms.SIGNATURES if head.startswith(signature)),
        "application/octet-stream",
    )
    return _attachment(
        inquiry.reply_document,
        filename=f"{case.number}-{agency}-reply.{forms.EXTENSIONS.get(content_type, 'bin')}",
        content_type=content_type,
    )


@login_required
@require_POST
@answers_conflicts
def subject_decision(request, number, person_id):
    case = _case_for(request.user, number)
    _require_expert(request.user, case)
    person = get_object_or_404(Person, pk=person_id, case_subjects__case=case)
    form = forms.SubjectDecisionForm(request.POST)
    if form.is_valid():
        try:
            services.subject_decide(
                case=case, by=request.user, person=person, decision=form.cleaned_data["decision"]
            )
        except CaseActionRefused as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"تصمیم درباره {person.full_name} ثبت شد.")
    else:
        messages.error(request, "تصمیم را از فهرست انتخاب کنید.")
    return _back_to_case(case, "#subjects")


@login_required
@require_POST
@answers_conflicts
def household_head(request, number, household_id):
    case = _case_for(request.user, number)
    _require_expert(request.user, case)
    household = get_object_or_404(
        Household.objects.filter(members__case_subjects__case=case).distinct(), pk=household_id
    )
    form = forms.HouseholdHeadForm(request.POST, household=household)
    if form.is_valid():
        try:
            services.household_change_head(
                case=case,
                by=request.user,
                household=household,
                new_head=form.cleaned_data["new_head"],
            )
        except CaseActionRefused as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "سرپرست جدید خانوار ثبت شد.")
    else:
        messages.error(request, "سرپرست جدید را از میان اعضای خانوار انتخاب کنید.")
    return _back_to_case(case, "#subjects")
