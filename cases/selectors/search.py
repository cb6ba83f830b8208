"""The case list: the search box and the filters over the cases a user sees, and its rows."""

import datetime
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL

from accounts import permissions
from accounts.roles import Role
from cases.choices import CaseLabels
from cases.models import Case, CaseSubject
from people.checks import trigram_problems
from people.selectors import persons_matching_name
from shared.persian import digits_to_ascii, normalize_identifier


def _require_trigrams() -> None:
    """Fail loudly where pg_trgm would silently find nothing (a database with LC_CTYPE 'C')."""
    if getattr(connection, "_persian_trigrams_ok", False):
        return
    problems = trigram_problems(connection)
    if problems:
        raise ImproperlyConfigured("; ".join(problems))
    connection._persian_trigrams_ok = True


# A search whose text matches more cases than this is left to the database as a subquery (it walks
# the cases newest first and stops at the page); fewer are fetched as ids first, so that the scope,
# the filters and the page apply to a short list of ids, whatever the plan the database would guess.
MATCHED_IDS_LIMIT = 5000


def _case_ids_by_number(identifier: str) -> list:
    """Subqueries of case ids for a typed number, each served by its own index: the case number
    (with or without its province code), a subject's identity document, the household."""
    found = [
        CaseSubject.objects.filter(person__documents__number=identifier).values_list("case_id"),
        CaseSubject.objects.filter(person__household__number=identifier).values_list("case_id"),
    ]
    if identifier.isdigit() and len(identifier) == 11:  # 23 1405 00017
        number = Case.format_number(identifier[:2], int(identifier[2:6]), int(identifier[6:]))
        found.append(Case.objects.filter(number=number).values_list("pk"))
    elif identifier.isdigit() and len(identifier) == 9:  # 1405 00017, any province
        found.append(
            Case.objects.filter(year=int(identifier[:4]), sequence=int(identifier[4:])).values_list(
                "pk"
            )
        )
    return found


def _case_ids_by_text(text: str) -> list:
    """Subqueries of the ids of the cases ``text`` names: a number runs the number lookups, text
    with letters the name search; each its own indexed query."""
    found = []
    identifier = normalize_identifier(text)
    if any(ch.isdigit() for ch in identifier):
        found += _case_ids_by_number(identifier)
    if any(ch.isalpha() for ch in digits_to_ascii(text)):
        trigrams = connection.vendor == "postgresql"
        if trigrams:
            _require_trigrams()
        people = persons_matching_name(text, trigrams=trigrams)
        found.append(CaseSubject.objects.filter(person__in=people).values_list("case_id"))
    return found


def search_cases(*, user, text: str = "", filters: dict | None = None):
    """The cases ``user`` sees that match the search box and the filters, newest first.

    The search box finds a case by its number, a subject's identity document number, the
    household number, or a subject's name, typed in any digits or spelling. What the text is
    decides the queries (``_case_ids_by_text``); their ids are fetched first, in one query (a
    UNION), and the user's scope, the filters and the page apply to those ids. No DISTINCT over
    joins: the page's count stays as cheap as the page.
    """
    # The list reads its page of these as plain values (``LIST_COLUMNS``, ``list_rows``).
    cases = Case.objects.for_user(user)
    filters = filters or {}
    if filters.get("state"):
        cases = cases.filter(state=filters["state"])
    if filters.get("source_type"):
        cases = cases.filter(source_type=filters["source_type"])
    if filters.get("offence_type"):
        cases = cases.filter(offence_type=filters["offence_type"])
    if filters.get("assigned_expert"):
        cases = cases.filter(assigned_expert=filters["assigned_expert"])
    if filters.get("opened_from"):
        cases = cases.filter(opened_at__date__gte=filters["opened_from"])
    if filters.get("opened_to"):
        cases = cases.filter(opened_at__date__lte=filters["opened_to"])
    text = (text or "").strip()
    if text:
        found = _case_ids_by_text(text)
        if not found:
            return Case.objects.none()
        found = [ids.order_by() for ids in found]  # a UNION's parts carry no ORDER BY
        union = found[0].union(*found[1:]) if len(found) > 1 else found[0]
        ids = [pk for (pk,) in union[: MATCHED_IDS_LIMIT + 1]]
        if len(ids) <= MATCHED_IDS_LIMIT and connection.vendor == "postgresql":
            # One array parameter, not thousands: compiling IN (%s, %s, ...) for a common name's
            # thousands of ids cost more than running the query.
            cases = cases.filter(pk__in=RawSQL("SELECT unnest(%s::bigint[])", [ids]))
        elif len(ids) <= MATCHED_IDS_LIMIT:
            cases = cases.filter(pk__in=ids)
        else:
            cases = cases.filter(reduce(or_, [Q(pk__in=sub) for sub in found]))
    return cases.order_by("-opened_at")


@dataclass
class ListRow(CaseLabels):
    """One case of the case list, as plain values (templates: cases' ``case_row``)."""

    pk: int
    number: str
    state: str
    source_type: str
    opened_at: datetime.datetime
    expert_first_name: str | None
    expert_last_name: str | None
    expert_username: str | None
    subject_names: list[str] = field(default_factory=list)

    @property
    def expert_name(self) -> str:
        if self.expert_username is None:
            return ""
        return f"{self.expert_first_name} {self.expert_last_name}".strip() or self.expert_username


# What a row of the list reads of ``search_cases``' cases, in ListRow's order;
# cases/tests/test_queries.py holds the list to a fixed number of queries.
LIST_COLUMNS = (
    "pk",
    "number",
    "state",
    "source_type",
    "opened_at",
    "assigned_expert__first_name",
    "assigned_expert__last_name",
    "assigned_expert__username",
)


def list_rows(cases) -> list[ListRow]:
    """``cases`` (a page of ``search_cases``, as ``.values_list(*LIST_COLUMNS)``) as rows with
    each case's subjects' names: two queries and no models (25 cases and their subjects built as
    models cost 3 ms of the list's 11, five times the queries' own time)."""
    rows = [ListRow(*values) for values in cases]
    by_pk = {row.pk: row for row in rows}
    subjects = (
        CaseSubject.objects.filter(case_id__in=list(by_pk))
        .order_by("case_id", "pk")
        .values_list("case_id", "person__first_name", "person__last_name")
    )
    for case_id, first_name, last_name in subjects:
        by_pk[case_id].subject_names.append(f"{first_name} {last_name}")
    return rows


def experts_of(*, user):
    """The experts whose cases the user may filter by: their province's, or all for national."""
    experts = get_user_model().objects.filter(
        permissions.MAY_HOLD_CASE_ROLES, groups__name=Role.EXPERT.value
    )
    if not permissions.is_national(user):
        experts = experts.filter(province_id=user.province_id)
    return experts.order_by("last_name", "first_name")
