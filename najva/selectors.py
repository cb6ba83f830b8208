"""Reads of the Najva outbox, scoped by the cases the user may see (accounts.permissions)."""

from django.db.models import Count

from cases.choices import CaseState
from cases.models import Case
from najva.models import CancellationForm, Registration


def registrations_visible_to(*, user):
    return Registration.objects.filter(case__in=Case.objects.for_user(user).values("pk"))


def operator_queue(*, user, limit: int = 100) -> dict:
    """The operator's page: the parked registrations (to retry or record), those still waiting
    in the queue (oldest first), and a count per status; a fixed number of queries."""
    rows = registrations_visible_to(user=user).select_related(
        "case", "subject__person", "document__document_type"
    )
    counts = dict(
        registrations_visible_to(user=user).values_list("status").annotate(n=Count("*")).order_by()
    )
    return {
        "failed": list(
            rows.filter(status=Registration.Status.FAILED).order_by("created_at")[:limit]
        ),
        "pending": list(
            rows.filter(status=Registration.Status.PENDING).order_by("created_at")[:limit]
        ),
        "counts": [(status, counts.get(status.value, 0)) for status in Registration.Status],
    }


def registration_for(*, user, pk: int) -> Registration:
    """One registration the user may see (DoesNotExist otherwise: 404)."""
    return (
        registrations_visible_to(user=user)
        .select_related("case", "subject__person", "document__document_type")
        .get(pk=pk)
    )


def form_for(*, user, pk: int) -> CancellationForm:
    return (
        CancellationForm.objects.filter(subject__case__in=Case.objects.for_user(user).values("pk"))
        .select_related("subject__case", "subject__person")
        .get(pk=pk)
    )


# The states in which a case has registrations (its cards were cancelled).
CANCELLED_STATES = frozenset(
    {
        CaseState.AWAITING_NAJVA,
        CaseState.CARD_CANCELLED,
        CaseState.EXPULSION_ORDERED,
        CaseState.EXPELLED,
        CaseState.CLOSED_DEPARTED,
    }
)


def case_part(*, case) -> dict:
    """The registrations and forms of a case, per subject, for the case page: two queries for a
    case whose cards were cancelled, none before."""
    if case.state not in CANCELLED_STATES:
        return {"subjects": []}
    registrations = list(
        Registration.objects.filter(case=case)
        .select_related("subject__person", "document__document_type")
        .order_by("subject_id", "pk")
    )
    forms = {f.subject_id: f for f in CancellationForm.objects.filter(subject__case=case)}
    subjects = {}
    for row in registrations:
        entry = subjects.setdefault(
            row.subject_id, {"subject": row.subject, "rows": [], "form": forms.get(row.subject_id)}
        )
        entry["rows"].append(row)
    return {"subjects": list(subjects.values())}
