"""The provincial expert's pages. Thin: read through selectors, write through services.

Every view that touches a case fetches it with ``_case_for``: 404 when the user may not see it
(never revealing that another province's case exists), 403 when they may see it but not act.
"""

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cases import forms, services
from cases.models import (
    REQUIRED_EVIDENCE,
    Agency,
    Case,
    CaseState,
    EvidenceType,
    Household,
    Person,
    SourceType,
    SubjectDecision,
)
from cases.selectors import (
    case_available_actions,
    case_due_on,
    cases_visible_to,
    experts_of,
    find_households,
    search_cases,
    state_counts,
    unmet_conditions,
)
from cases.selectors import work_queue as queue_for
from cases.services import EXPERT_STATES, INQUIRY_STATES, CaseActionRefused
from revocation.persian import digits_to_persian

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


# --------------------------------------------------------------------------------------------------
# Work queue and case list


@login_required
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
    """Filters and one search box. The form is POSTed, so that identity numbers typed into the
    search box never appear in a URL or an access log."""
    experts = experts_of(user=request.user)
    form = forms.CaseSearchForm(request.POST if request.method == "POST" else None, experts=experts)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        cases = search_cases(user=request.user, text=data["q"], filters=data)
        page_number = data.get("page") or 1
    elif form.is_bound:  # a filter the user got wrong: show the message, not every case
        cases = Case.objects.none()
        page_number = 1
    else:
        cases = search_cases(user=request.user)
        page_number = request.GET.get("page") or 1
    status = 400 if form.is_bound and not form.is_valid() else 200
    page = Paginator(cases, PAGE_SIZE).get_page(page_number)
    return render(request, "cases/case_list.html", {"form": form, "page": page}, status=status)


# --------------------------------------------------------------------------------------------------
# Intake: find or register the household, then open the case


@login_required
@require_http_methods(["GET", "POST"])
def intake(request):
    if not request.user.has_perm("cases.open_case") or request.user.province_id is None:
        raise PermissionDenied("فقط کارشناس استان می‌تواند پرونده ثبت کند.")
    find_form = forms.FindHouseholdForm()
    households = None
    household = None
    intake_form = None
    status = 200
    household_id = request.POST.get("household") or request.GET.get("household") or ""
    if household_id:
        household = _intake_household(request, household_id)
    if request.method == "POST" and request.POST.get("step") == "find":
        find_form = forms.FindHouseholdForm(request.POST)
        if find_form.is_valid():
            households = list(find_households(text=find_form.cleaned_data["number"]))
            _remember_households(request, [h.pk for h in households])
            if len(households) == 1:
                household = households[0]
        else:
            status = 400
    elif request.method == "POST" and household is not None:
        intake_form = forms.IntakeForm(request.POST, household=household)
        if intake_form.is_valid():
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
        status = 400
    if household is not None and intake_form is None:
        intake_form = forms.IntakeForm(household=household)
    return render(
        request,
        "cases/intake.html",
        {
            "find_form": find_form,
            "households": households,
            "household": household,
            "form": intake_form,
            "required_evidence": [
                (SourceType(source).label, source, [EvidenceType(t).label for t in types])
                for source, types in REQUIRED_EVIDENCE.items()
            ],
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def household_new(request):
    """Register a new household with its head, then return to intake with it chosen."""
    if not request.user.has_perm("cases.add_household"):
        raise PermissionDenied
    form = forms.HouseholdForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            household = services.household_register(
                by=request.user,
                number=data["household_number"],
                head=_person_data(data),
                document=_document_data(data),
            )
        except ValidationError as error:
            _refusal(form, error)
        else:
            _remember_households(request, [household.pk])
            messages.success(request, "خانوار و سرپرست آن ثبت شد.")
            return redirect(f"{reverse('cases:intake')}?household={household.pk}")
    status = 400 if form.is_bound else 200
    return render(
        request,
        "cases/person_form.html",
        {"form": form, "title": "ثبت خانوار جدید و سرپرست آن"},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def household_member_new(request, household_id):
    if not request.user.has_perm("cases.add_person"):
        raise PermissionDenied
    household = _intake_household(request, str(household_id))
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
            _refusal(form, error)
        else:
            messages.success(request, "عضو خانوار ثبت شد.")
            return redirect(f"{reverse('cases:intake')}?household={household.pk}")
    status = 400 if form.is_bound else 200
    return render(
        request,
        "cases/person_form.html",
        {
            "form": form,
            "title": f"ثبت عضو جدید خانوار {digits_to_persian(household.number)}",
            "household": household,
        },
        status=status,
    )


INTAKE_HOUSEHOLDS = "intake_households"


def _remember_households(request, ids):
    """The households this user found by a number, or registered, in this session."""
    known = request.session.get(INTAKE_HOUSEHOLDS, [])
    request.session[INTAKE_HOUSEHOLDS] = [*known, *(i for i in ids if i not in known)][-50:]


def _intake_household(request, household_id: str) -> Household:
    """A household the user reached by searching its number or registering it: the register is
    national, so it is never browsed by id (404 otherwise)."""
    if not (household_id.isascii() and household_id.isdigit()):
        raise Http404
    if int(household_id) not in request.session.get(INTAKE_HOUSEHOLDS, []):
        raise Http404
    return get_object_or_404(Household, pk=household_id)


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


# --------------------------------------------------------------------------------------------------
# The case file


@login_required
def case_detail(request, number):
    case = _case_for(request.user, number)
    return render(request, "cases/case_detail.html", _case_context(request, case))


def _case_context(request, case, **extra):
    user = request.user
    subjects = case.subjects.select_related("person__household").prefetch_related(
        "person__documents__document_type", "person__household__members__documents"
    )
    households = {s.person.household for s in subjects}
    cancelled = {s.person_id for s in subjects if s.decision == SubjectDecision.CANCEL}
    for household in households:
        # Offer to record a new head only where the head loses their card and others remain.
        household.needs_new_head = household.head_id in cancelled and any(
            m.pk not in cancelled for m in household.members.all()
        )
    present = set(case.evidence.values_list("evidence_type", flat=True))
    checklist = [
        (EvidenceType(t).label, t in present) for t in REQUIRED_EVIDENCE.get(case.source_type, [])
    ]
    inquiries = {i.agency: i for i in case.inquiries.all()}
    may_edit = case.state in EXPERT_STATES and _is_expert_of(user, case)
    context = {
        "case": case,
        "subjects": subjects,
        "households": households,
        "evidence": case.evidence.select_related("uploaded_by"),
        "checklist": checklist,
        "inquiries": [(agency, label, inquiries.get(agency)) for agency, label in Agency.choices],
        "events": case.events.select_related("actor"),
        "actions": case_available_actions(case=case, user=user),
        "due_on": case_due_on(case),
        "may_edit": may_edit,
        "may_record_inquiries": may_edit and case.state in INQUIRY_STATES,
        "evidence_form": forms.EvidenceForm(),
        "decision_choices": forms.SubjectDecisionForm.base_fields["decision"].choices,
    }
    context.update(extra)
    return context


# The steps and the form a user fills in with each; the form's fields are the keyword arguments
# of the step's service, ``services.case_<step>``.
ACTION_FORMS = {
    "start_review": forms.ConfirmForm,
    "send_inquiries": forms.ConfirmForm,
    "submit_to_province": forms.ConfirmForm,
    "resume_review": forms.ConfirmForm,
    "return_for_information": forms.ReasonForm,
    "approve_in_province": forms.ProvinceResolutionForm,
    "reject_in_province": forms.ProvinceRejectionForm,
    "confirm_nationally": forms.NationalLetterForm,
    "refuse_nationally": forms.NationalRefusalForm,
    "cancel_card": forms.CancelCardForm,
    "order_expulsion": forms.ConfirmForm,
    "record_expulsion": forms.ExpulsionForm,
    "close_as_departed": forms.ConfirmForm,
    "withdraw": forms.ReasonForm,
}


@login_required
@require_http_methods(["GET", "POST"])
def case_action(request, number, name):
    """GET: what the step will do and what it needs, to confirm. POST: take it."""
    case = _case_for(request.user, number)
    if name not in ACTION_FORMS:
        raise Http404
    transition = services.transition_for(case, name)
    if transition is None or not transition.has_perm(case, request.user):
        raise PermissionDenied("این اقدام در وضعیت کنونی پرونده برای شما ممکن نیست.")
    form = ACTION_FORMS[name](request.POST if request.method == "POST" else None)
    take = getattr(services, f"case_{name}")
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                take(case=case, by=request.user, **form.cleaned_data)
            except CaseActionRefused as error:
                _refusal(form, error)
            else:
                messages.success(request, f"«{transition.custom['label']}» انجام شد.")
                return redirect("cases:detail", number=case.number)
        status = 400
    return render(
        request,
        "cases/case_action.html",
        {
            "case": case,
            "transition": transition,
            "target_label": CaseState(transition.target).label,
            "form": form,
            "unmet": unmet_conditions(case=case, transition=transition),
        },
        status=status,
    )


# --------------------------------------------------------------------------------------------------
# Evidence and inquiries


def _back_to_case(case, anchor=""):
    return redirect(f"{reverse('cases:detail', args=[case.number])}{anchor}")


@login_required
@require_http_methods(["GET", "POST"])
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
    return render(
        request,
        "cases/case_detail.html",
        _case_context(request, case, evidence_form=form),
        status=400,
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
    if agency not in Agency.values:
        raise Http404
    label = Agency(agency).label
    _require_expert(request.user, case)
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
        "cases/inquiry_form.html",
        {"case": case, "form": form, "title": title.format(label)},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
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


def _is_expert_of(user, case) -> bool:
    """Whether the user does the expert's work on this case (role, in the case's scope)."""
    return services.role_permission("review_case")(case, user)


def _require_expert(user, case):
    if not _is_expert_of(user, case):
        raise PermissionDenied


@login_required
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
@require_http_methods(["GET", "POST"])
def subject_decision(request, number, person_id):
    case = _case_for(request.user, number)
    if request.method == "GET":
        return _back_to_case(case, "#subjects")
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
        messages.error(request, "تصمیم نامعتبر است.")
    return _back_to_case(case, "#subjects")


@login_required
@require_http_methods(["GET", "POST"])
def household_head(request, number, household_id):
    case = _case_for(request.user, number)
    if request.method == "GET":
        return _back_to_case(case, "#subjects")
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
