"""Reads of the read log for the auditor (the page checks the role; every row is theirs to read)."""

import datetime

from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from audit.models import Read
from audit.reads import number_tokens
from cases.models import Case


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def reads_matching(*, user="", case="", since=None, until=None, number="") -> tuple:
    """(the reads that match, newest first; whether a case number was given that no case has).

    ``case``: the reads of that case's pages and files, and the searches that returned it (its id
    in ``case_ids``, matched on the JSON's text so that SQLite and PostgreSQL answer alike).
    ``number``: the searches whose terms held it (its keyed hash, audit.reads)."""
    rows = Read.objects.all()
    if user:
        rows = rows.filter(Q(actor__username=user) | Q(actor_name__icontains=user))
    unknown_case = False
    if case:
        pk = Case.objects.filter(number=case).values_list("pk", flat=True).first()
        if pk is None:
            return Read.objects.none(), True
        rows = rows.annotate(case_ids_text=Cast("case_ids", TextField())).filter(
            Q(case_id=pk) | Q(case_ids_text__regex=rf"(\[|, ?){pk}(,|\])")
        )
    if since:
        rows = rows.filter(at__gte=_day_start(since))
    if until:
        rows = rows.filter(at__lt=_day_start(until + datetime.timedelta(days=1)))
    for token in number_tokens(number) if number else []:
        rows = rows.filter(query__contains=token)
    return rows.order_by("-at", "-pk"), unknown_case


def case_numbers(reads) -> dict[int, str]:
    """{case id: number} for the case each of ``reads`` is about and the cases the searches among
    them returned (one query; the read log keeps case ids, audit.models.Read), also set on each
    read as ``case_number`` and ``found_numbers``."""
    ids = {pk for read in reads for pk in [read.case_id, *(read.case_ids or [])] if pk}
    numbers = dict(Case.objects.filter(pk__in=ids).values_list("pk", "number")) if ids else {}
    for read in reads:
        read.case_number = numbers.get(read.case_id, str(read.case_id or ""))
        read.found_numbers = [numbers.get(pk, str(pk)) for pk in read.case_ids or []]
    return numbers
