"""The letters' pages: the supervisor's print queue, a letter and the supervisor's actions on it
(print, signed, posted, delivered, returned), the dispatch register of a day and its PDF for the
post office, and the verification of a printed letter. Thin: letters.services decides."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from accounts import permissions
from accounts.roles import Capability
from audit.reads import record_read
from letters import documents, forms, selectors, services
from letters.models import Letter
from letters.trail import LetterRead
from shared import clock
from shared.forms import refusal_on_form
from shared.persian import isolated, jalali

READERS_ONLY = "نامه‌ها و دفتر ارسال پستی را مدیرکل یا معاون استان، نقش‌های کشوری و بازرس می‌بینند."
SUPERVISOR_ONLY = "نامه‌ها را مدیرکل یا معاون اتباع استان پرونده چاپ، امضا و ارسال می‌کند."


# The one guard of this app: the letter through the user's scope (another province's: 404), then
# whether the user reads letters at all, then (``act``) whether they may act on this one (403).
def _letter_for(user, pk, *, act: bool = False) -> Letter:
    try:
        letter = selectors.letter_for(user=user, pk=pk)
    except Letter.DoesNotExist:
        raise Http404 from None
    if not permissions.may_read_letters(user):
        raise PermissionDenied(READERS_ONLY)
    if act and not permissions.may(user, Capability.SUPERVISE_CASE, letter.case):
        raise PermissionDenied(SUPERVISOR_ONLY)
    return letter


def _require_reader(user) -> None:
    if not permissions.may_read_letters(user):
        raise PermissionDenied(READERS_ONLY)


def _named(letter: Letter) -> str:
    number = f" {isolated(letter.number)}" if letter.number else ""
    return f"نامه{number} به {letter.addressee_label}"


@login_required
@require_safe
def queue(request):
    _require_reader(request.user)
    context = selectors.print_queue(user=request.user)
    context["may_act"] = permissions.can(request.user, Capability.SUPERVISE_CASE)
    return render(request, "letters/queue.html", context)


@login_required
@require_safe
def detail(request, pk):
    letter = _letter_for(request.user, pk)
    dispatches = selectors.dispatches_of(letter)
    letter.latest_dispatch = dispatches[-1] if dispatches else None
    return render(
        request,
        "letters/letter.html",
        {
            "letter": letter,
            "case": letter.case,
            "named": _named_subjects(letter),
            "dispatches": dispatches,
            "may_act": permissions.may(request.user, Capability.SUPERVISE_CASE, letter.case),
            "why_not_dispatch": services.why_not_dispatch(letter),
        },
    )


def _named_subjects(letter: Letter) -> list:
    return list(letter.subjects.select_related("person__household").order_by("pk"))


@login_required
@require_http_methods(["GET", "POST"])
def print_letter(request, pk):
    """GET: what will be printed (or the printed letter); POST: print (made once, the same
    document after)."""
    letter = _letter_for(request.user, pk, act=True)
    if request.method == "POST":
        was_waiting = letter.status == Letter.Status.WAITING
        letter = services.letter_print(letter=letter, by=request.user)
        if was_waiting:
            number = isolated(letter.number)
            messages.success(
                request, f"نامه به {letter.addressee_label} با شماره {number} آماده چاپ است."
            )
        return redirect("letters:print", pk=letter.pk)
    return render(
        request,
        "letters/print.html",
        {"letter": letter, "case": letter.case, "named": _named_subjects(letter)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def sign(request, pk):
    """GET: a confirmation page (the paper in hand, signed); POST: record it signed."""
    letter = _letter_for(request.user, pk, act=True)
    error = ""
    if request.method == "POST":
        try:
            services.letter_mark_signed(letter=letter, by=request.user)
        except services.LetterRefused as refusal:
            error = " ".join(refusal.messages)
        else:
            messages.success(request, f"امضای {_named(letter)} ثبت شد.")
            return redirect("letters:detail", pk=letter.pk)
    return render(
        request,
        "letters/sign.html",
        {"letter": letter, "case": letter.case, "error": error},
        status=400 if error else 200,
    )


def _action_form(request, pk, *, form_class, template: str, act, done: str, blocked):
    """A form page of an action on a letter: GET shows it (with ``blocked(letter)``, why it
    cannot be done now, if so), POST records it through ``act`` (a service), the refusal put on
    the form (400)."""
    letter = _letter_for(request.user, pk, act=True)
    form = form_class(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            try:
                act(letter, form.cleaned_data)
            except services.LetterRefused as refusal:
                refusal_on_form(form, refusal)
            else:
                messages.success(request, done.format(letter=_named(letter)))
                return redirect("letters:detail", pk=letter.pk)
    dispatches = selectors.dispatches_of(letter)
    letter.latest_dispatch = dispatches[-1] if dispatches else None
    return render(
        request,
        template,
        {
            "letter": letter,
            "case": letter.case,
            "form": form,
            "dispatches": dispatches,
            "blocked": blocked(letter),
        },
        status=400 if form.is_bound else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def dispatch(request, pk):
    return _action_form(
        request,
        pk,
        form_class=forms.DispatchForm,
        template="letters/dispatch.html",
        act=lambda letter, data: services.letter_dispatch(letter=letter, by=request.user, **data),
        done="ارسال پستی {letter} ثبت شد.",
        blocked=services.why_not_dispatch,
    )


@login_required
@require_http_methods(["GET", "POST"])
def delivery(request, pk):
    return _action_form(
        request,
        pk,
        form_class=forms.DeliveryForm,
        template="letters/delivery.html",
        act=lambda letter, data: services.letter_record_delivery(
            letter=letter, by=request.user, **data
        ),
        done="تحویل {letter} ثبت شد.",
        blocked=lambda letter: services.why_no_outcome(letter, "تحویل"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def returned(request, pk):
    return _action_form(
        request,
        pk,
        form_class=forms.ReturnForm,
        template="letters/return.html",
        act=lambda letter, data: services.letter_record_return(
            letter=letter, by=request.user, **data
        ),
        done="برگشت {letter} ثبت شد؛ نامه برای ارسال دوباره در صف است.",
        blocked=lambda letter: services.why_no_outcome(letter, "برگشت"),
    )


def _register_day(request):
    """(form, day, province) of the dispatch register asked for: today, the user's province for
    a provincial user; a national reader may choose a province (or all)."""
    national = permissions.is_national(request.user)
    # Always bound: the day asked for, or today (shown in the date box); no province named is
    # every province the user sees.
    data = request.GET.copy()
    if not data.get("on"):
        data["on"] = jalali(clock.today())
    form = forms.RegisterDayForm(data, national=national)
    day, province = clock.today(), None
    if form.is_valid():
        day = form.cleaned_data["on"] or day
        province = form.cleaned_data.get("province")
    if not national:
        province = request.user.province
    return form, day, province


@login_required
@require_safe
def register(request):
    """The dispatch register of a day (دفتر ارسال پستی): every letter posted that day."""
    _require_reader(request.user)
    form, day, province = _register_day(request)
    rows = selectors.dispatch_register(user=request.user, day=day, province=province)
    return render(
        request,
        "letters/register.html",
        {
            "form": form,
            "day": day,
            "province": province,
            "dispatches": rows,
            "query": f"on={jalali(day)}" + (f"&province={province.code}" if province else ""),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_safe
def register_pdf(request):
    """The day's dispatch list as a PDF, to hand to the post office with the envelopes: of one
    province (a national reader chooses which)."""
    _require_reader(request.user)
    form, day, province = _register_day(request)
    if form.errors or province is None:
        if not form.errors:
            form.add_error(
                "province", "فهرست ارسال روز برای یک استان ساخته می‌شود؛ استان را انتخاب کنید."
            )
        return render(
            request,
            "letters/register.html",
            {"form": form, "day": day, "province": None, "dispatches": [], "query": ""},
            status=400,
        )
    rows = selectors.dispatch_register(user=request.user, day=day, province=province)
    pdf = documents.render_register(day=day, province=province, dispatches=rows, by=request.user)
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"dispatch-list-{province.code}-{day.isoformat()}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    record_read(
        request,
        LetterRead.DISPATCH_REGISTER,
        cases=[row.letter.case_id for row in rows],
        detail=f"{province.code} {day.isoformat()}",
    )
    return response
