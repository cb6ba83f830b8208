"""Reads of the Najva outbox, scoped by the cases the user may see (accounts.permissions)."""

from django.db.models import Count

from cases.models import Case
from cases.states import CARDS_CANCELLED
from najva.models import CancellationForm, Registration


def registrations_visible_to(*, user):
    return Registration.objects.filter(case__in=Case.objects.for_user(user).values("pk"))


def forms_visible_to(*, user):
    return CancellationForm.objects.filter(
        subject__case__in=Case.objects.for_user(user).values("pk")
    )


def waiting_counts(registrations) -> dict[str, int]:
    """How many of ``registrations`` (a user's, from registrations_visible_to) are parked and how
    many wait in the queue: one query; the delivered ones, most of the table, are not counted."""
    waiting = (Registration.Status.FAILED, Registration.Status.PENDING)
    counts = dict(
        registrations.filter(status__in=waiting)
        .values_list("status")
        .annotate(n=Count("*"))
        .order_by()
    )
    return {status.value: counts.get(status, 0) for status in waiting}


# How many rows of each section the operator's page lists, oldest first; the counts say how many
# wait in all.
QUEUE_SECTION_SIZE = 50


def operator_queue(*, user, limit: int = QUEUE_SECTION_SIZE) -> dict:
    """The operator's page: the parked registrations (to retry or record) and those still waiting
    in the queue, oldest first, with how many of each there are; a fixed number of queries. The
    delivered ones (most of the table) are not counted: that count is the page's cost, not work."""
    # One scope for both (reading the user's shared cases once).
    visible = registrations_visible_to(user=user)
    rows = visible.select_related("case", "subject__person", "document__document_type")
    counts = waiting_counts(visible)
    return {
        "failed": list(
            rows.filter(status=Registration.Status.FAILED).order_by("created_at")[:limit]
        ),
        "pending": list(
            rows.filter(status=Registration.Status.PENDING).order_by("created_at")[:limit]
        ),
        "failed_count": counts[Registration.Status.FAILED],
        "pending_count": counts[Registration.Status.PENDING],
    }


def registration_for(*, user, pk: int) -> Registration:
    """One registration the user may see (DoesNotExist otherwise: 404)."""
    return (
        registrations_visible_to(user=user)
        .select_related("case", "subject__person", "document__document_type")
        .get(pk=pk)
    )


def form_for(*, user, pk: int) -> CancellationForm:
    return forms_visible_to(user=user).select_related("subject__case", "subject__person").get(pk=pk)


def case_part(*, case) -> dict:
    """The registrations and forms of a case, per subject, for the case page: two queries for a
    case whose cards were cancelled, none before."""
    if case.state not in CARDS_CANCELLED:
        return {"subjects": []}
    # Each registration's subject, person and document with its type are the case page's own rows
    # (cases.selectors.case_page.case_for_page prefetched them): the registrations are read alone
    # and given those, rather than joined to the four tables again.
    subjects = {subject.pk: subject for subject in case.subjects.all()}
    documents = {
        document.pk: document
        for subject in subjects.values()
        for document in subject.person.documents.all()
    }
    registrations = list(Registration.objects.filter(case=case).order_by("subject_id", "pk"))
    for row in registrations:
        if row.subject_id in subjects:
            row.subject = subjects[row.subject_id]
        if row.document_id in documents:
            row.document = documents[row.document_id]
    forms = {f.subject_id: f for f in CancellationForm.objects.filter(subject__case=case)}
    subjects = {}
    for row in registrations:
        entry = subjects.setdefault(
            row.subject_id, {"subject": row.subject, "rows": [], "form": forms.get(row.subject_id)}
        )
        entry["rows"].append(row)
    return {"subjects": list(subjects.values())}
