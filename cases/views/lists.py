"""Home (the work queue) and the case list with its search."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_safe

from accounts import searches
from audit.reads import record_read
from cases import forms, panels
from cases.models import Case
from cases.selectors.queues import state_counts
from cases.selectors.queues import work_queue as queue_for
from cases.selectors.search import LIST_COLUMNS, experts_of, list_rows, search_cases
from cases.trail import CaseRead
from cases.views.common import PAGE_SIZE
from shared import clock
from shared.pagination import CappedPaginator


@login_required
@require_safe
def work_queue(request):
    """Home: the cases waiting for this user's action, by step, and the counts per state."""
    return render(
        request,
        "cases/work_queue.html",
        {
            "groups": queue_for(user=request.user),
            # The parts the apps above cases own (sessions, Najva, expulsion, letters).
            "panels": panels.queue_panels(request),
            "counts": state_counts(user=request.user),
            "today": clock.today(),
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
    elif params is None and request.GET.get("state"):
        # A state is no personal data: the work queue links to «every case of this step» by URL.
        params = {"state": request.GET["state"]}
    form = forms.CaseSearchForm(params, experts=experts) if params else None
    if form is not None and form.is_valid():
        cases = search_cases(
            user=request.user, text=form.cleaned_data["q"], filters=form.cleaned_data
        )
    else:
        form = forms.CaseSearchForm(experts=experts)
        cases = search_cases(user=request.user)
    # Oldest first on request: the work queue's «every case of this step» shows the longest
    # waiting first, so that none of them is beyond the count's cap.
    oldest = request.GET.get("order") == "oldest"
    if oldest:
        cases = cases.order_by("opened_at", "pk")
    page = CappedPaginator(cases.values_list(*LIST_COLUMNS), PAGE_SIZE).get_page(
        request.GET.get("page") or 1
    )
    page.object_list = list_rows(page.object_list)
    if request.GET.get("s") and params:
        link = {"s": request.GET["s"]}
        # The read log: the terms (numbers hashed there) and the cases this page shows.
        record_read(
            request,
            CaseRead.CASE_SEARCH,
            cases=[case.pk for case in page.object_list],
            found=page.paginator.count,
            query=" ".join(f"{name}={value}" for name, value in params.items() if value),
        )
    elif params:
        link = {"state": params["state"]}
    else:
        link = {}
    if oldest:
        link["order"] = "oldest"
    return render(
        request,
        "cases/case_list.html",
        {"form": form, "page": page, "link": urlencode(link), "oldest": oldest},
    )


def _search_params(data) -> dict:
    fields = forms.CaseSearchForm.base_fields
    return {name: data.get(name, "") for name in fields if name != "page"}
