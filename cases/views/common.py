"""What every case page shares: the access guard, refusals on forms, and the 409 page."""

import functools

from django.http import Http404
from django.shortcuts import render

from cases.models import Case
from cases.selectors.case_page import last_move, visible_case
from cases.services import CaseStateConflict

PAGE_SIZE = 25


def case_or_404(user, number: str) -> Case:
    """The access guard: the case if ``user`` may see it, else 404."""
    try:
        return visible_case(
            Case.objects.select_related("province", "assigned_expert", "offence_type"),
            user=user,
            number=number,
        )
    except Case.DoesNotExist:
        raise Http404 from None


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
