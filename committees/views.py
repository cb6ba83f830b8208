"""The working-group pages: sessions, attendance, agenda, votes and resolutions, closing.

Thin: the guard (``session_or_404``) reads the session through what the user may see (404 for
another province's, 403 for a user who reads no sessions); writes go through committees.services.
"""

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts import permissions
from committees import forms, rules, services
from committees.models import AgendaItem, Session
from committees.selectors import (
    active_members,
    agenda_candidates,
    agenda_item,
    minutes_of,
    open_national_sessions,
    open_sessions_of,
    session_items,
    sessions_visible_to,
    working_group_of,
)
from committees.selectors import national_queue as national_queue_of
from shared.forms import refusal_on_form
from shared.pagination import CappedPaginator
from shared.persian import isolated


def _reader(user) -> None:
    if not permissions.may_read_sessions(user):
        raise PermissionDenied("دیدن جلسات کارگروه با نقش شما نیست.")


def session_or_404(user, pk: int, *, record: bool = False) -> Session:
    """The access guard: 403 for a user who reads no sessions, 404 for a session they may not
    see, 403 for one they see but may not record (``record``)."""
    _reader(user)
    session = get_object_or_404(sessions_visible_to(user=user), pk=pk)
    if record and not permissions.may_record_session(user, session.group.province_id):
        raise PermissionDenied("ثبت جلسات این کارگروه با شما نیست.")
    return session


def _item_or_404(session, pk, *related) -> AgendaItem:
    try:
        return agenda_item(session, pk, *related)
    except AgendaItem.DoesNotExist:
        raise Http404 from None


def answers_closed(view):
    """A session closed by someone else between the page and the POST: the 409 page that says
    so (closed.html), not a form error (issue 21)."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except services.SessionClosed as closed:
            return render(
                request, "committees/closed.html", {"session": closed.session}, status=409
            )

    return wrapped


def _closed_first(refused) -> None:
    """Leave a session closed meanwhile to ``answers_closed``."""
    if isinstance(refused, services.SessionClosed):
        raise refused


def _open_or_409(request, session):
    if session.is_open:
        return None
    return render(request, "committees/closed.html", {"session": session}, status=409)


@login_required
@require_safe
def session_list(request):
    _reader(request.user)
    sessions = sessions_visible_to(user=request.user)[:200]
    user = request.user
    return render(
        request,
        "committees/session_list.html",
        {
            "sessions": sessions,
            "may_open": permissions.may_record_session(user, user.province_id)
            or permissions.may_record_session(user, None),
            "national_queue": permissions.may_see_session(user, None),
        },
    )


def _own_group(user):
    """The group the user records sessions of: their province's, or the national one."""
    if user.province_id and permissions.may_record_session(user, user.province_id):
        return working_group_of(user.province)
    if permissions.may_record_session(user, None):
        return working_group_of(None)
    raise PermissionDenied("ثبت جلسه کارگروه با نقش شما نیست.")


@login_required
@require_http_methods(["GET", "POST"])
@answers_closed
def session_new(request):
    _reader(request.user)
    group = _own_group(request.user)
    form = forms.SessionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_open(group=group, by=request.user, **form.cleaned_data)
        except services.SessionRefused as refused:
            _closed_first(refused)
            refusal_on_form(form, refused)
        else:
            messages.success(request, "جلسه ثبت شد. حاضران و دستور جلسه را ثبت کنید.")
            return redirect("committees:detail", pk=session.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "committees/session_form.html", {"form": form, "group": group}, status=status
    )


@login_required
@require_safe
def session_detail(request, pk):
    session = session_or_404(request.user, pk)
    group = session.group
    present = list(session.present.all())
    members = active_members(group)
    may_record = permissions.may_record_session(request.user, group.province_id)
    return render(
        request,
        "committees/session_detail.html",
        {
            "session": session,
            "group": group,
            "items": session_items(session),
            "present": present,
            "absent": [m for m in members if m not in present],
            "quorum": group.quorum_of(len(members)),
            "may_record": may_record and session.is_open,
            "may_correct": may_record and rules.resolutions_correctable(session),
            "attendance": forms.AttendanceForm(
                group=group, initial={"present": [m.pk for m in present]}
            ),
        },
    )


@login_required
@require_POST
@answers_closed
def session_attendance(request, pk):
    session = session_or_404(request.user, pk, record=True)
    if closed := _open_or_409(request, session):
        return closed
    form = forms.AttendanceForm(request.POST, group=session.group)
    if form.is_valid():
        try:
            services.session_set_attendance(
                session=session, by=request.user, members=form.cleaned_data["present"]
            )
        except services.SessionRefused as refused:
            _closed_first(refused)
            for message in refused.messages:
                messages.error(request, message)
        else:
            messages.success(request, "حاضران جلسه ثبت شد.")
    else:
        messages.error(request, "فهرست حاضران پذیرفته نشد؛ دوباره انتخاب کنید.")
    return redirect("committees:detail", pk=session.pk)


@login_required
@require_http_methods(["GET", "POST"])
@answers_closed
def session_agenda(request, pk):
    session = session_or_404(request.user, pk, record=True)
    if closed := _open_or_409(request, session):
        return closed
    form = forms.AgendaForm(
        request.POST if request.method == "POST" else None, cases=agenda_candidates(session=session)
    )
    if request.method == "POST" and form.is_valid():
        try:  # the service puts them in order, longest waiting first
            services.agenda_add(session=session, by=request.user, cases=form.cleaned_data["cases"])
        except services.SessionRefused as refused:
            _closed_first(refused)
            refusal_on_form(form, refused)
        else:
            messages.success(request, "پرونده‌ها به دستور جلسه افزوده شد.")
            return redirect("committees:detail", pk=session.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "committees/agenda_form.html",
        {"session": session, "form": form},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
@answers_closed
def item_record(request, pk, item_id):
    session = session_or_404(request.user, pk, record=True)
    item = _item_or_404(session, item_id, "correction_of")
    if closed := _open_or_409(request, session):
        return closed
    present = session.present.all()
    initial = {}
    if item.is_recorded:
        initial = {
            "outcome": item.outcome,
            "resolution_number": item.resolution_number,
            "offence_type": item.offence_type_id,
            "reason": item.reason,
            **{f"vote_{v.member_id}": v.choice for v in item.votes.all()},
        }
    form = forms.ItemForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        session=session,
        present=present,
        item=item,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.item_record(
                item=item,
                by=request.user,
                outcome=data["outcome"],
                votes=form.votes(),
                reason=data.get("reason", ""),
                resolution_number=data.get("resolution_number", ""),
                offence_type=data.get("offence_type"),
            )
        except services.SessionRefused as refused:
            _closed_first(refused)
            refusal_on_form(form, refused)
        else:
            messages.success(request, f"مصوبه پرونده {isolated(item.case.number)} ثبت شد.")
            return redirect("committees:detail", pk=session.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "committees/item_form.html",
        {"session": session, "item": item, "form": form},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
@answers_closed
def session_close(request, pk):
    session = session_or_404(request.user, pk, record=True)
    if closed := _open_or_409(request, session):
        return closed
    form = forms.CloseForm(request.POST if request.method == "POST" else None, session=session)
    failed = None
    if request.method == "POST" and form.is_valid():
        try:
            services.session_close(
                session=session,
                by=request.user,
                letter_number=form.cleaned_data.get("letter_number", ""),
            )
        except services.SessionCloseRefused as refused:
            failed = refused
        except services.SessionRefused as refused:
            _closed_first(refused)
            refusal_on_form(form, refused)
        else:
            messages.success(request, "جلسه بسته شد و مصوبه‌ها بر پرونده‌ها اعمال شد.")
            return redirect("committees:detail", pk=session.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "committees/close_form.html",
        {"session": session, "form": form, "items": session_items(session), "failed": failed},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def minutes(request, pk):
    """The minutes: made in the background on request, then offered for download. The page
    polls (htmx) while they are being made."""
    session = session_or_404(request.user, pk)
    may_record = permissions.may_record_session(request.user, session.group.province_id)
    if request.method == "POST":
        if not may_record:
            raise PermissionDenied("تهیه صورتجلسه این کارگروه با شما نیست.")
        services.minutes_request(session=session, by=request.user)
        return redirect("committees:minutes", pk=session.pk)
    current = minutes_of(session)
    context = {
        "session": session,
        "minutes": current,
        "current": current is not None and current.is_current(),
        "pending": current is not None
        and current.status == current.Status.PENDING
        and current.version == session.version,
        "may_record": may_record,
        "scan_form": forms.SignedScanForm(),
    }
    template = (
        "committees/_minutes_status.html"
        if request.headers.get("HX-Request")
        else "committees/minutes.html"
    )
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
@answers_closed
def minutes_signed(request, pk):
    """GET: the signed scan, served by the documents' download (this address, by the session,
    stays for the links already given); POST: upload it (the secretary, once the session is
    closed)."""
    session = session_or_404(request.user, pk, record=request.method == "POST")
    if request.method == "GET":
        current = minutes_of(session)
        if current is None or not current.signed_scan:
            raise Http404("نسخه امضاشده بارگذاری نشده است.")
        return redirect(current.signed_scan_url)
    # An open session's scan is refused by the service, which says why (not closed.html).
    form = forms.SignedScanForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.minutes_attach_signed(
                session=session,
                by=request.user,
                upload=form.cleaned_data["scan"],
                content_type=form.content_type,
            )
        except services.SessionRefused as refused:
            _closed_first(refused)
            for message in refused.messages:
                messages.error(request, message)
        else:
            messages.success(request, "نسخه امضاشده صورتجلسه بارگذاری شد.")
            return redirect("committees:minutes", pk=session.pk)
    else:
        for error in form.errors.get("scan", []):
            messages.error(request, error)
    return redirect("committees:minutes", pk=session.pk)


QUEUE_PAGE_SIZE = 50


@login_required
@require_http_methods(["GET", "POST"])
@answers_closed
def national_queue(request):
    """Every province's approved cases, for the national working group: filters, each case's
    provincial resolution and votes one click away, and the chosen cases put on a national
    session's agenda."""
    _reader(request.user)
    if not permissions.may_see_session(request.user, None):
        raise PermissionDenied("صف کارگروه دائمی کشور با نقش شما نیست.")
    may_record = permissions.may_record_session(request.user, None)
    filters = forms.NationalQueueFilterForm(request.GET or None)
    chosen = filters.cleaned_data if filters.is_bound and filters.is_valid() else {}
    cases = national_queue_of(user=request.user, filters=chosen)
    add = forms.NationalAddForm(
        request.POST if request.method == "POST" else None,
        cases=cases,
        sessions=open_national_sessions(),
    )
    if request.method == "POST":
        if not may_record:
            raise PermissionDenied("ثبت جلسات کارگروه دائمی کشور با شما نیست.")
        if add.is_valid():
            session = add.cleaned_data["session"]
            try:  # the service puts them in order, longest waiting first
                services.agenda_add(
                    session=session, by=request.user, cases=add.cleaned_data["cases"]
                )
            except services.SessionRefused as refused:
                _closed_first(refused)
                for message in refused.messages:
                    messages.error(request, message)
            else:
                messages.success(request, "پرونده‌ها به دستور جلسه کارگروه کشور افزوده شد.")
                return redirect("committees:detail", pk=session.pk)
        else:
            for errors in add.errors.values():
                for message in errors:
                    messages.error(request, message)
    page = CappedPaginator(cases, QUEUE_PAGE_SIZE).get_page(request.GET.get("page") or 1)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "committees/national_queue.html",
        {
            "filters": filters,
            "page": page,
            "link": query.urlencode(),
            "sessions": list(open_national_sessions()) if may_record else [],
            "may_record": may_record,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
@answers_closed
def session_batch(request, pk):
    """A national session: confirm or refuse every case on its agenda at once."""
    session = session_or_404(request.user, pk, record=True)
    if closed := _open_or_409(request, session):
        return closed
    if not session.group.is_national:
        raise Http404("تصمیم دسته‌ای فقط در جلسه کارگروه دائمی کشور است.")
    items = session_items(session)
    initial = {}
    for item in items:
        if item.is_recorded:
            initial[f"outcome_{item.pk}"] = item.outcome
            initial[f"reason_{item.pk}"] = item.reason
    form = forms.BatchForm(
        request.POST if request.method == "POST" else None, initial=initial, items=items
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.batch_record(session=session, by=request.user, decisions=form.decisions())
        except services.SessionRefused as refused:
            _closed_first(refused)
            for message in refused.messages:
                form.add_error(None, message)
        else:
            messages.success(request, "تصمیم همه پرونده‌های این جلسه ثبت شد.")
            return redirect("committees:detail", pk=session.pk)
    return render(
        request,
        "committees/batch_form.html",
        {"session": session, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
@answers_closed
def item_correct(request, pk, item_id):
    """Correct a resolution of a closed session: a new item, with its reason, on an open session
    of the same working group (the closed session is never edited)."""
    session = session_or_404(request.user, pk, record=True)
    item = _item_or_404(session, item_id)
    if session.is_open:
        return redirect("committees:item", pk=session.pk, item_id=item.pk)
    sessions = open_sessions_of(session.group)
    form = forms.CorrectionForm(
        request.POST if request.method == "POST" else None, sessions=sessions
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.agenda_add_correction(
                session=form.cleaned_data["session"],
                by=request.user,
                item=item,
                reason=form.cleaned_data["reason"],
            )
        except services.SessionRefused as refused:
            _closed_first(refused)
            refusal_on_form(form, refused)
        else:
            messages.success(
                request, "اصلاح مصوبه به دستور جلسه افزوده شد؛ آرا را دوباره ثبت کنید."
            )
            return redirect("committees:detail", pk=form.cleaned_data["session"].pk)
    return render(
        request,
        "committees/correction_form.html",
        {"session": session, "item": item, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def item_remove(request, pk, item_id):
    """Take a case off an open session's agenda (its votes with it); it can be put on again."""
    session = session_or_404(request.user, pk, record=True)
    item = _item_or_404(session, item_id)
    if closed := _open_or_409(request, session):
        return closed
    services.agenda_remove(item=item, by=request.user)
    messages.success(request, f"پرونده {isolated(item.case.number)} از دستور جلسه برداشته شد.")
    return redirect("committees:detail", pk=session.pk)
