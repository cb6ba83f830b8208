"""Reads of step 7, scoped by the cases the user may see (accounts.permissions)."""

from django.db.models import Exists, OuterRef, Prefetch

from accounts import permissions
from accounts.roles import Capability
from cases.choices import CaseState, SourceType, SubjectDecision
from cases.models import Case
from enforcement.models import ExpulsionOrder, OrderedPerson, Outcome, PriorDeparture

# From the cards' cancellation on: the states where the case page shows this part.
SHOWN_FROM = frozenset(
    {
        CaseState.CARD_CANCELLED,
        CaseState.EXPULSION_ORDERED,
        CaseState.EXPELLED,
        CaseState.CLOSED_DEPARTED,
    }
)


def orders_visible_to(*, user):
    return ExpulsionOrder.objects.filter(case__in=Case.objects.for_user(user).values("pk"))


def entries_visible_to(*, user):
    return OrderedPerson.objects.filter(order__case__in=Case.objects.for_user(user).values("pk"))


def order_for(*, user, pk: int) -> ExpulsionOrder:
    """One order the user may see (DoesNotExist otherwise: 404). Read by its key, then its case
    checked by the same rule the lists filter with (accounts.permissions.may): PostgreSQL plans
    one narrow read instead of the order joined to every case of the user's province, which at a
    million persons was a large share of the order page's time."""
    order = (
        ExpulsionOrder.objects.select_related(
            "case__province", "border_point", "issued_by", "replaces"
        )
        .filter(pk=pk)
        .first()
    )
    if order is None or not permissions.may(user, Capability.VIEW_CASE, order.case):
        raise ExpulsionOrder.DoesNotExist
    return order


def entry_for(*, user, pk: int) -> OrderedPerson:
    return (
        entries_visible_to(user=user)
        .select_related(
            "order__case__province",
            "order__border_point",
            "subject__person",
            "exit_border_point",
        )
        .get(pk=pk)
    )


def _entries():
    # What the case page's rows show (enforcement/_entry_row.html) is the person, given from the
    # case's own subjects in case_part, and the exit's border point; not who handed over or
    # recorded (two users' rows joined for nothing).
    return OrderedPerson.objects.select_related("exit_border_point").order_by("pk")


def _not_reordered():
    """Entries whose person was not found and is on no later order."""
    later = OrderedPerson.objects.filter(subject=OuterRef("subject"), pk__gt=OuterRef("pk"))
    return OrderedPerson.objects.filter(outcome=Outcome.NOT_FOUND).exclude(Exists(later))


def case_part(*, case) -> dict:
    """The orders of a case with each person's hand-over and outcome (two queries), or the exits
    of those gone before a case of illegal exit (one); none before the cards are cancelled."""
    if case.state not in SHOWN_FROM:
        return {"shown": False}
    illegal_exit = case.source_type == SourceType.ILLEGAL_EXIT_REPORT
    # A case of illegal exit closes on its exits, any other on its orders: each reads its own.
    orders = (
        []
        if illegal_exit
        else list(
            # Not the issuer: the order's own page names them, the case page does not.
            case.expulsion_orders.select_related("border_point", "replaces")
            .prefetch_related(Prefetch("persons", queryset=_entries()))
            .order_by("pk")
        )
    )
    departures = (
        []
        if not illegal_exit or case.state != CaseState.CLOSED_DEPARTED
        else list(
            PriorDeparture.objects.filter(subject__case=case)
            .select_related("subject__person", "border_point", "report")
            .order_by("subject_id")
        )
    )
    entries = [entry for order in orders for entry in order.persons.all()]
    # Each person on an order is a subject of the case, with its person: the case page's own rows
    # (cases.selectors.case_page.case_for_page prefetched them), not joined again.
    subjects = {subject.pk: subject for subject in case.subjects.all()} if entries else {}
    for entry in entries:
        if entry.subject_id in subjects:
            entry.subject = subjects[entry.subject_id]
    # Anyone on an order: a person not found is ordered again only by an order that replaces it.
    ordered = {e.subject_id for e in entries}
    reordered = {e.subject_id: e.pk for e in entries}  # the last entry of each person
    not_found = [
        e for e in entries if e.outcome == Outcome.NOT_FOUND and reordered[e.subject_id] == e.pk
    ]
    return {
        "shown": True,
        "orders": orders,
        "departures": departures,
        "not_found": not_found,
        "ordered_subject_ids": ordered,
        "illegal_exit": illegal_exit,
    }


def unordered_subjects(case, ordered_subject_ids) -> list:
    """Subjects whose documents were cancelled, on no order and not gone (from the case page's
    own prefetched subjects: no query)."""
    return [
        s
        for s in case.subjects.all()
        if s.decision == SubjectDecision.CANCEL
        and s.departed_on is None
        and s.pk not in ordered_subject_ids
    ]


def waiting_work(*, user) -> dict:
    """For the work queue: the persons not found whom a supervisor may order again, and the
    persons on orders whose outcome the enforcement liaison has to record (one query each)."""
    work = {"not_found": [], "awaiting": 0}
    if permissions.can(user, Capability.SUPERVISE_CASE):
        cases = permissions.visible_cases(Case.objects.all(), user, Capability.SUPERVISE_CASE)
        work["not_found"] = list(
            _not_reordered()
            .filter(order__case__in=cases.filter(state=CaseState.EXPULSION_ORDERED).values("pk"))
            .select_related("order__case", "subject__person")
            .order_by("recorded_at")[:20]
        )
    if permissions.can(user, Capability.RECORD_EXPULSION):
        cases = permissions.visible_cases(Case.objects.all(), user, Capability.RECORD_EXPULSION)
        # Only an ordered case has persons waiting: the state narrows the cases by its index.
        ordered = cases.filter(state=CaseState.EXPULSION_ORDERED).values("pk")
        work["awaiting"] = OrderedPerson.objects.filter(outcome="", order__case__in=ordered).count()
    return work
