"""The auditor's page: the read log searched and exported, and the audit chain's state. Thin: the
rows come from oversight.selectors, the chain's state from audit.verification."""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_safe

from accounts import permissions, searches
from audit.verification import overview
from oversight import export, selectors
from oversight.forms import ReadSearchForm
from shared.pagination import CappedPaginator

PAGE_SIZE = 50


def _require_auditor(user):
    # The one guard of this app: the read log is the auditor's alone.
    if not permissions.may_read_audit_log(user):
        raise PermissionDenied("گزارش خواندن‌ها و وضعیت زنجیره سوابق برای بازرس است.")


def _search(request):
    """The kept search (``?s=``) as a bound form, or an empty one. A search may carry an identity
    number: it is POSTed and kept on the server, never put in a URL (accounts.searches)."""
    params = searches.search_load(user=request.user, kind="reads", token=request.GET.get("s", ""))
    if request.GET.get("s") and params is None:
        messages.warning(request, "این جست‌وجو یافت نشد یا مدت آن گذشته است؛ دوباره جست‌وجو کنید.")
    form = ReadSearchForm(params or {})
    if form.is_valid():
        rows, unknown_case = selectors.reads_matching(**form.cleaned_data)
    else:
        rows, unknown_case = selectors.reads_matching()
    return form, rows, unknown_case, params


@login_required
@require_http_methods(["GET", "POST"])
def reads(request):
    _require_auditor(request.user)
    if request.method == "POST":
        form = ReadSearchForm(request.POST)
        if form.is_valid():
            token = searches.search_save(
                user=request.user,
                kind="reads",
                params={name: request.POST.get(name, "") for name in form.fields},
            )
            return redirect(f"{reverse('oversight:reads')}?{urlencode({'s': token})}")
        page = CappedPaginator(selectors.reads_matching()[0].none(), PAGE_SIZE).get_page(1)
        return render(
            request,
            "oversight/reads.html",
            {"form": form, "page": page, "chain": overview()},
            status=400,
        )
    form, rows, unknown_case, params = _search(request)
    page = CappedPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page") or 1)
    selectors.case_numbers(page.object_list)  # each search's cases by number
    link = urlencode({"s": request.GET["s"]}) if params else ""
    return render(
        request,
        "oversight/reads.html",
        {
            "form": form,
            "page": page,
            "unknown_case": unknown_case,
            "link": link,
            "chain": overview(),
            "export_cap": export.CAP,
        },
    )


@login_required
@require_safe
def reads_export(request):
    """The search's rows as an Excel workbook (right-to-left, Persian headers), at most
    ``export.CAP`` rows, newest first."""
    _require_auditor(request.user)
    _form, rows, _unknown, _params = _search(request)
    output = io.BytesIO()
    export.write_reads(output, rows)
    response = HttpResponse(
        output.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="read-log.xlsx"'
    return response
