"""The work queue: the open cases waiting for a user's action, by step, and the counts per state.

A fixed number of queries whatever the number of cases (cases/tests/test_queries.py)."""

import datetime
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db import connection
from django.db.models import Count, Prefetch, prefetch_related_objects

from accounts import permissions
from cases.choices import CaseState
from cases.links import step_url
from cases.models import Case, CaseSubject, Evidence
from cases.selectors.case_page import (
    StepView,
    case_due_on,
    members_with_live_documents,
    steps_for,
)
from cases.steps import STEPS
from shared import clock

# What the rules of the steps read, fetched once for the work queue's cases, as plain lists
# (``to_attr``: rules.rows reads them; Django builds no queryset per case for those). The
# household members are attached after it by ``_attach_members``.
QUEUE_PREFETCH = (
    Prefetch("inquiries", to_attr="inquiries_rows"),
    Prefetch(
        "evidence", queryset=Evidence.objects.order_by("uploaded_at", "pk"), to_attr="evidence_rows"
    ),
    Prefetch(
        "subjects",
        queryset=CaseSubject.objects.select_related("person__household"),
        to_attr="subjects_rows",
    ),
)


@dataclass(frozen=True)
class MemberRow:
    """A member of a subject's household as the household rules read it (rules.rows)."""

    pk: int
    household_id: int
    has_live_document: bool


def _attach_members(cases) -> None:
    """Each subject's household's members, as ``members_rows`` of plain rows: one query for the
    households of all ``cases`` (the work queue's 80 cases have some 300 members: built as
    persons they cost more than the rest of the queue's Python)."""
    households = [s.person.household for case in cases for s in case.subjects_rows]
    members: dict[int, list[MemberRow]] = {household.pk: [] for household in households}
    if members:
        found = (
            members_with_live_documents()
            .filter(household_id__in=list(members))
            .order_by("pk")
            .values_list("pk", "household_id", "has_live_document")
        )
        for row in found:
            members[row[1]].append(MemberRow(*row))
    for household in households:  # each subject has its own instance of the household
        household.members_rows = members[household.pk]


def state_counts(*, user) -> list[tuple[str, str, int]]:
    """(state, Persian label, count) for the cases the user sees, in the order of the work."""
    counts = dict(
        Case.objects.for_user(user).values_list("state").annotate(n=Count("*")).order_by()
    )
    return [(state.value, state.label, counts.get(state.value, 0)) for state in CaseState]


@dataclass
class QueueItem:
    case: Case
    actions: list[StepView]
    age_days: int
    due_on: datetime.date | None
    # Work before the next step can be taken (letters to send, replies and decisions to record).
    todo: list[str] = field(default_factory=list)

    @property
    def overdue(self) -> bool:
        return self.due_on is not None and self.due_on < clock.today()

    @property
    def action_links(self) -> list[tuple[str, str]]:
        """(label, URL) of each step the user may take now."""
        links = []
        for step in self.actions:
            if step.rule.in_session:
                continue
            if step.rule.recorded_in:  # the part of the case page where it is recorded
                links.append(
                    (step.label, f"{self.case.get_absolute_url()}#{step.rule.recorded_in}")
                )
            else:
                links.append((step.label, step_url(self.case.number, step.name)))
        return links

    @property
    def in_session(self) -> bool:
        """Whether what waits is a working group's decision (taken in a session, not here)."""
        return any(step.rule.in_session for step in self.actions)


@dataclass
class QueueGroup:
    """The cases of one step waiting for the user: the oldest ``items``, and how many in all."""

    state: str
    label: str
    items: list[QueueItem]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.items)


# How many cases of each step the work queue lists, oldest first; the rest are one click away (the
# case list filtered by that state). A page of thousands of rows is read by nobody.
QUEUE_PER_STEP = 20


def _queue_scopes(user) -> dict[str, set[str]]:
    """{capability: the states its steps start from}, for the steps the user is told about."""
    by_capability: dict[str, set[str]] = {}
    for rule in STEPS.values():
        if rule.notify and permissions.can(user, rule.capability):
            by_capability.setdefault(rule.capability, set()).update(rule.source)
    return by_capability


def work_queue(*, user, per_step: int = QUEUE_PER_STEP) -> list[QueueGroup]:
    """The open cases waiting for this user's action, grouped by step (state), oldest first.

    A fixed number of queries whatever the number of cases: the count per state, then the
    ``per_step`` oldest cases of each state in one query (a UNION ALL of one top-N per state, each
    served by the index on province, state and date), then the rule prefetch for those cases only.
    """
    scoped = [
        (permissions.visible_cases(Case.objects.all(), user, capability), states)
        for capability, states in _queue_scopes(user).items()
    ]
    if not scoped:
        return []
    candidates = reduce(or_, [cases.filter(state__in=states) for cases, states in scoped])
    totals = dict(candidates.values_list("state").annotate(n=Count("*")).order_by())
    if not totals:
        return []
    parts = [
        cases.filter(state=state).select_related("province").order_by("opened_at")[:per_step]
        for cases, states in scoped
        for state in sorted(states)
        if state in totals
    ]
    if len(parts) > 1 and connection.features.supports_slicing_ordering_in_compound:
        listed = list(parts[0].union(*parts[1:], all=True).order_by("opened_at"))
    else:  # SQLite allows no LIMIT inside a UNION: one query per state there
        listed = sorted((case for part in parts for case in part), key=lambda case: case.opened_at)
    # A case in the scope of two capabilities comes once.
    oldest = list({case.pk: case for case in listed}.values())
    prefetch_related_objects(oldest, *QUEUE_PREFETCH)
    _attach_members(oldest)
    grants = permissions.granted_case_ids(user, Case)
    today = clock.today()
    groups: dict[str, list[QueueItem]] = {}
    for case in oldest:
        steps = [s for s in steps_for(case=case, user=user, grants=grants) if s.rule.notify]
        actions = [s for s in steps if s.available]
        todo = [] if actions else [d for s in steps for d in s.unmet]
        groups.setdefault(case.state, []).append(
            QueueItem(
                case=case,
                actions=actions,
                age_days=case.age_days(today),
                due_on=case_due_on(case),
                todo=todo,
            )
        )
    return [
        QueueGroup(state=state.value, label=state.label, items=groups[state], total=totals[state])
        for state in CaseState
        if state in groups
    ]
