"""The expert's records on a case: evidence, inquiries, decisions about people."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms.models import model_to_dict
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.roles import Capability
from audit.reads import record_read
from cases import forms, services
from cases.choices import Agency
from cases.models import ReplyScanVersion
from cases.selectors.case_page import case_for_page
from cases.services import CaseActionRefused
from cases.services.records import INQUIRY_SENT_FIELDS
from cases.states import EXPERT_STATES, INQUIRY_STATES
from cases.trail import CaseRead
from cases.views.case import case_context
from cases.views.common import answers_conflicts, case_or_404, conflict_page
from people.models import Household, Person
from shared.forms import refusal_on_form
from shared.http import attachment


def _back_to_case(case, anchor=""):
    return redirect(f"{reverse('cases:detail', args=[case.number])}{anchor}")


@login_required
@require_http_methods(["GET", "POST"])
@answers_conflicts
def evidence_upload(request, number):
    case = case_or_404(request.user, number)
    if request.method == "GET":  # e.g. reloading the page a failed upload left in the address bar
        return _back_to_case(case, "#evidence")
    services.require(case, request.user, Capability.REVIEW_CASE)
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
            refusal_on_form(form, error)
        else:
            messages.success(request, "مستند بارگذاری شد.")
            return _back_to_case(case, "#evidence")
    messages.error(request, "مستند بارگذاری نشد؛ خطا را در بخش مستندات ببینید.")
    case = case_for_page(user=request.user, number=number)
    return render(
        request,
        "cases/case_detail.html",
        case_context(request, case, evidence_form=form),
        status=400,
    )


@login_required
@require_http_methods(["GET", "POST"])
@answers_conflicts
def evidence_withdraw(request, number, evidence_id):
    """GET: confirm, with a reason. POST: set the evidence aside (row and file kept)."""
    case = case_or_404(request.user, number)
    item = get_object_or_404(case.evidence, pk=evidence_id)
    services.require(case, request.user, Capability.REVIEW_CASE)
    if case.state not in EXPERT_STATES or item.withdrawn_at is not None:
        return conflict_page(request, case, "کنار گذاشتن مستند")
    form = forms.EvidenceWithdrawForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            services.evidence_withdraw(
                case=case, by=request.user, evidence=item, reason=form.cleaned_data["reason"]
            )
        except CaseActionRefused as error:
            refusal_on_form(form, error)
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


@login_required
@require_safe
def evidence_download(request, number, evidence_id):
    case = case_or_404(request.user, number)
    item = get_object_or_404(case.evidence, pk=evidence_id)
    extension = forms.EXTENSIONS.get(item.content_type, "bin")
    response = attachment(
        item.file,
        request=request,
        sha256=item.sha256,
        case=case,
        label=f"مستند «{item.get_evidence_type_display()}»",
        filename=f"{case.number}-{item.evidence_type}-{item.pk}.{extension}",
        content_type=item.content_type,
        in_trail=True,
    )
    record_read(request, CaseRead.EVIDENCE, case=case, detail=f"evidence {item.pk}")
    return response


def _inquiry_page(request, number, agency, *, form_class, record, title, done, shown=()):
    """The two inquiry forms: the letter sent, and the reply received. ``shown``: the recorded
    inquiry's fields the form starts from."""
    case = case_or_404(request.user, number)
    label = Agency(agency).label
    services.require(case, request.user, Capability.REVIEW_CASE)
    if case.state not in INQUIRY_STATES:
        return conflict_page(request, case, title.format(label))
    bound = (request.POST, request.FILES) if request.method == "POST" else ()
    inquiry = case.inquiries.filter(agency=agency).first()
    form = form_class(*bound, initial=model_to_dict(inquiry, shown) if inquiry else {})
    if form.is_bound and form.is_valid():
        try:
            record(case=case, by=request.user, agency=agency, **form.cleaned_data)
        except CaseActionRefused as error:
            refusal_on_form(form, error)
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
        shown=INQUIRY_SENT_FIELDS,
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
    )


@login_required
@require_safe
def inquiry_reply_download(request, number, agency):
    case = case_or_404(request.user, number)
    inquiry = get_object_or_404(case.inquiries, agency=agency)
    if not inquiry.reply_document:
        raise Http404
    content_type = inquiry.reply_content_type or "application/octet-stream"
    response = attachment(
        inquiry.reply_document,
        request=request,
        sha256=inquiry.reply_sha256,
        case=case,
        label=f"تصویر پاسخ استعلام {inquiry.get_agency_display()}",
        filename=f"{case.number}-{agency}-reply.{forms.EXTENSIONS.get(content_type, 'bin')}",
        content_type=content_type,
        in_trail=True,
    )
    record_read(request, CaseRead.INQUIRY_REPLY, case=case, detail=f"inquiry {agency}")
    return response


@login_required
@require_safe
def inquiry_reply_version_download(request, number, agency, version_id):
    """A reply scan that a later one replaced: kept, and served under the same checks."""
    case = case_or_404(request.user, number)
    version = get_object_or_404(
        ReplyScanVersion, pk=version_id, inquiry__case=case, inquiry__agency=agency
    )
    content_type = version.content_type or "application/octet-stream"
    extension = forms.EXTENSIONS.get(content_type, "bin")
    response = attachment(
        version.file,
        request=request,
        sha256=version.sha256,
        case=case,
        label=f"نسخه پیشین تصویر پاسخ استعلام {version.inquiry.get_agency_display()}",
        filename=f"{case.number}-{agency}-reply-earlier-{version.pk}.{extension}",
        content_type=content_type,
        in_trail=True,
    )
    record_read(
        request,
        CaseRead.INQUIRY_REPLY,
        case=case,
        detail=f"inquiry {agency} earlier version {version.pk}",
    )
    return response


@login_required
@require_POST
@answers_conflicts
def subject_add(request, number, person_id):
    case = case_or_404(request.user, number)
    services.require(case, request.user, Capability.REVIEW_CASE)
    # A member of a household the case names (joined through its members, it would repeat).
    households = case.subjects.values("person__household_id")
    person = get_object_or_404(Person, pk=person_id, household_id__in=households)
    try:
        services.subject_add(case=case, by=request.user, person=person)
    except CaseActionRefused as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, f"{person.full_name} به پرونده افزوده شد؛ تصمیم درباره او را ثبت کنید."
        )
    return _back_to_case(case, "#subjects")


@login_required
@require_POST
@answers_conflicts
def subject_decision(request, number, person_id):
    case = case_or_404(request.user, number)
    services.require(case, request.user, Capability.REVIEW_CASE)
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
    case = case_or_404(request.user, number)
    services.require(case, request.user, Capability.REVIEW_CASE)
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
