"""Reads of the letters and the dispatch register, scoped by the cases the user may see
(accounts.permissions)."""

import datetime

from django.db.models import Count, OuterRef, Prefetch, Subquery

from accounts import permissions
from cases.models import Case
from cases.states import CARDS_CANCELLED
from letters.models import Dispatch, Letter

# The joins every list of letters shows: the case, and the addressee (person, household, agency).
LETTER_JOINS = ("case", "person", "household", "agency")
QUEUE_ROW_FIELDS = (
    "kind", "addressee_kind", "status", "status_at", "printed_at", "number",
    "case__number", "case__state", "person__first_name", "person__last_name", "household__number",
    "agency__name",
)  # fmt: skip


def letters_visible_to(*, user):
    """The letters of the cases ``user`` may see (accounts.permissions), filtered on the letters'
    own province and case columns."""
    return permissions.visible_through_case(Letter.objects.all(), user, Case)


def letter_for(*, user, pk: int) -> Letter:
    """One letter the user may see (DoesNotExist otherwise: 404)."""
    return letters_visible_to(user=user).select_related(*LETTER_JOINS, "case__province").get(pk=pk)


def dispatches_of(letter: Letter) -> list[Dispatch]:
    return list(letter.dispatches.select_related("dispatched_by", "outcome_by").order_by("pk"))


# The print queue's sections, in the order of the work: the supervisor prints, signs and posts;
# the post delivers or brings the letter back. Delivered letters are done: not listed, not counted.
QUEUE_SECTIONS = (
    (Letter.Status.WAITING, "to-print", "برای چاپ"),
    (Letter.Status.PRINTED, "to-sign", "برای امضا"),
    (Letter.Status.SIGNED, "to-dispatch", "برای ارسال پستی"),
    (Letter.Status.DISPATCHED, "out", "در راه (ارسال‌شده، تحویل یا برگشت ثبت نشده)"),
    (Letter.Status.RETURNED, "returned", "برگشتی، برای ارسال دوباره"),
)
# How many letters of each section the page lists, oldest first; the counts say how many in all.
QUEUE_SECTION_SIZE = 50


def _counts(visible) -> dict[str, int]:
    statuses = [status for status, *_ in QUEUE_SECTIONS]
    return dict(
        visible.filter(status__in=statuses).values_list("status").annotate(n=Count("*")).order_by()
    )


def waiting_counts(*, user) -> list[dict]:
    """How many of the user's letters are in each section of the print queue: one query."""
    counts = _counts(letters_visible_to(user=user))
    return [
        {"anchor": anchor, "title": title, "count": counts.get(status, 0)}
        for status, anchor, title in QUEUE_SECTIONS
    ]


# What the queue shows of a letter's latest posting, read with the letter (no query more).
LATEST_DISPATCH = ("tracking_number", "sent_on", "outcome", "returned_on", "return_reason")


def with_latest_dispatch(letters):
    """``letters`` with the fields of each one's latest posting, as subqueries on the same rows:
    the page costs the same whether a section lists one letter or fifty."""
    latest = Dispatch.objects.filter(letter=OuterRef("pk")).order_by("-pk")
    return letters.annotate(
        **{f"latest_{name}": Subquery(latest.values(name)[:1]) for name in LATEST_DISPATCH}
    )


def _latest_dispatch(letter: Letter) -> Dispatch | None:
    if letter.latest_tracking_number is None:
        return None
    return Dispatch(
        letter=letter, **{name: getattr(letter, f"latest_{name}") for name in LATEST_DISPATCH}
    )


def print_queue(*, user, limit: int = QUEUE_SECTION_SIZE) -> dict:
    """The supervisor's print queue: per section, how many letters wait and the oldest of them
    (longest in that state first), with the latest posting of those in the post or returned.

    A fixed number of queries, each read through an index of the letters: the counts per
    section; the first ``limit`` of each section, as ids (five narrow queries, each an index
    scan that stops at ``limit``); then those letters with their case, their addressee and their
    latest posting, in one query. Ranking every waiting letter in one window query read them all,
    and five wide queries were each planned anew at every request."""
    visible = letters_visible_to(user=user)
    counts = _counts(visible)
    ids: dict[str, list[int]] = {}
    for status, *_ in QUEUE_SECTIONS:
        ids[status] = list(
            visible.filter(status=status)
            .order_by("status_at", "pk")
            .values_list("pk", flat=True)[:limit]
        )
    wanted = [pk for section in ids.values() for pk in section]
    # Only what a row shows (letters.templatetags.letters.queue_row): of up to 250 letters and
    # their cases, persons, households and agencies, the rest of the columns cost more to read
    # into models than the query itself.
    listed = (
        Letter.objects.filter(pk__in=wanted).select_related(*LETTER_JOINS).only(*QUEUE_ROW_FIELDS)
    )
    rows = {letter.pk: letter for letter in with_latest_dispatch(listed)}
    sections = []
    for status, anchor, title in QUEUE_SECTIONS:
        letters = [rows[pk] for pk in ids[status] if pk in rows]
        for letter in letters:
            letter.latest_dispatch = _latest_dispatch(letter)
        sections.append(
            {
                "status": status,
                "anchor": anchor,
                "title": title,
                "letters": letters,
                "count": counts.get(status, 0),
            }
        )
    return {"sections": sections, "open_count": sum(counts.values())}


def case_part(*, case) -> list[Letter]:
    """The letters of a case with their postings, for the case page: two queries for a case
    whose cards were cancelled (the letters are written then), none before."""
    if case.state not in CARDS_CANCELLED:
        return []
    return list(
        Letter.objects.filter(case=case)
        .select_related("person", "household", "agency")
        .prefetch_related(Prefetch("dispatches", queryset=Dispatch.objects.order_by("pk")))
        .order_by("pk")
    )


def dispatch_register(*, user, day: datetime.date, province=None) -> list[Dispatch]:
    """The postings sent on ``day`` of the letters the user may see (of one province, when
    given), in the order they were recorded: the day's page of the dispatch register."""
    rows = Dispatch.objects.filter(sent_on=day, letter__in=letters_visible_to(user=user))
    if province is not None:
        rows = rows.filter(letter__province=province)
    return list(
        rows.select_related(
            "letter__case__province",
            "letter__person",
            "letter__household",
            "letter__agency",
            "dispatched_by",
        ).order_by("letter__case__province__name", "pk")
    )
