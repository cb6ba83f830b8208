"""Permission-filtered reads of cases: every case query of a view starts here.

List pages run a fixed number of queries however many cases they show: scope is an SQL filter
(accounts.permissions.visible_cases), and the rules of the steps read prefetched rows.
"""

import datetime
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, prefetch_related_objects
from django.db.models.expressions import RawSQL
from django.utils import timezone

from accounts import permissions
from accounts.roles import Capability, Role
from audit.models import Event
from cases.choices import (
    CLOSED_STATES,
    DECIDING_STATES,
    CaseState,
    SourceType,
    SubjectDecision,
)
from cases.links import step_url
from cases.models import Case, CaseSubject, Evidence
from cases.rules import rows
from cases.steps import STEPS, StepRule, rules_from
from people.checks import trigram_problems
from people.models import DocumentStatus, IdentityDocument, Person
from people.selectors import persons_matching_name
from revocation import clock
from revocation.persian import digits_to_ascii, normalize_identifier

# The service card's average duration: a case is due a month after it was opened.
SERVICE_TARGET_DAYS = 30


def members_with_live_documents():
    """Persons, each with ``has_live_document`` (a document not yet cancelled): what
    rules.household_members_decided reads of the members of a subject's household."""
    return Person.objects.annotate(
        has_live_document=Exists(
            IdentityDocument.objects.filter(person=OuterRef("pk")).exclude(
                status=DocumentStatus.CANCELLED
            )
        )
    )


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


def visible_case(cases, *, user, number: str) -> Case:
    """The case ``number`` of ``cases`` if ``user`` may see it (DoesNotExist otherwise): read by
    its number, then checked by the rule the lists filter with (accounts.permissions.may).
    PostgreSQL then plans a read by a unique key, not the user's scope joined in (planning that
    cost more than running it); the cases shared with the user are read only for a case outside
    their scope."""
    case = cases.get(number=number)
    if not permissions.may(user, Capability.VIEW_CASE, case):
        raise Case.DoesNotExist
    return case


def case_for_page(*, user, number: str) -> Case:
    """One case with everything its page shows, in a fixed number of queries (DoesNotExist when
    the user may not see it): the case, its inquiries and their replaced scans, its evidence with
    who uploaded or withdrew it, its subjects with their households' heads and provinces (joined),
    the members of those households, and the subjects' documents with their types (joined). The
    rest is read only once the case is known to be the user's."""
    case = visible_case(
        Case.objects.select_related("province", "assigned_expert", "offence_type"),
        user=user,
        number=number,
    )
    prefetch_related_objects(
        [case],
        "inquiries",
        "inquiries__earlier_scans",
        Prefetch(
            "evidence",
            queryset=Evidence.objects.select_related("uploaded_by", "withdrawn_by").order_by(
                "uploaded_at", "pk"
            ),
        ),
        Prefetch(
            "subjects",
            queryset=CaseSubject.objects.select_related(
                "person__household__head", "person__household__province"
            ).prefetch_related(
                Prefetch("person__household__members", queryset=members_with_live_documents()),
                Prefetch(
                    "person__documents",
                    queryset=IdentityDocument.objects.select_related("document_type"),
                ),
            ),
        ),
    )
    return case


@dataclass
class StepView:
    """A step as a user meets it on a case: may they take it, and what is still missing."""

    rule: StepRule
    unmet: list[str]

    @property
    def available(self) -> bool:
        return not self.unmet

    @property
    def name(self) -> str:
        return self.rule.name

    @property
    def label(self) -> str:
        return self.rule.label


def unmet_conditions(*, case: Case, rule: StepRule) -> list[str]:
    """What the case still lacks for the step, in Persian: the unmet conditions other than those
    met by what the user types with the step itself (a reason, a resolution number)."""
    return [
        c.description
        for c in rule.conditions
        if not getattr(c, "needs_input", False) and not c(case)
    ]


def steps_for(*, case: Case, user, grants=None) -> list[StepView]:
    """The steps from the case's present state that the user's role may take on it."""
    return [
        StepView(rule=rule, unmet=unmet_conditions(case=case, rule=rule))
        for rule in rules_from(case.state)
        if permissions.may(user, rule.capability, case, grants=grants) and applies_to(case, rule)
    ]


def applies_to(case: Case, rule: StepRule) -> bool:
    """Whether the step is for this kind of case at all (an expulsion order is not for a case of
    illegal exit, nor the closing as already gone for any other)."""
    return all(c(case) for c in rule.conditions if getattr(c, "kind_of_case", False))


def cancellation_preview(case: Case) -> dict:
    """What the cancellation's confirmation page names: every person on the case with their
    documents (those to cancel first), and the members of their households who are not on the
    case (registered since the submission), whose documents the step leaves as they are. Of a
    household registered in another province, only the case's own subjects are named."""
    subjects = sorted(
        case.subjects.select_related("person__household"),
        key=lambda s: (s.decision != SubjectDecision.CANCEL, s.pk),
    )
    households = {
        s.person.household_id
        for s in subjects
        if s.person.household.province_id == case.province_id
    }
    on_case = {s.person_id for s in subjects}
    documents = IdentityDocument.objects.select_related("document_type").order_by("pk")
    others = (
        Person.objects.filter(household_id__in=households)
        .exclude(pk__in=on_case)
        .select_related("household")
        .prefetch_related(Prefetch("documents", queryset=documents))
        .order_by("pk")
    )
    by_person: dict[int, list] = {}
    for document in documents.filter(person_id__in=on_case):
        by_person.setdefault(document.person_id, []).append(document)
    return {
        "subjects": [(s, by_person.get(s.person_id, [])) for s in subjects],
        "others": list(others),
    }


def state_counts(*, user) -> list[tuple[str, str, int]]:
    """(state, Persian label, count) for the cases the user sees, in the order of the work."""
    counts = dict(
        Case.objects.for_user(user).values_list("state").annotate(n=Count("*")).order_by()
    )
    return [(state.value, state.label, counts.get(state.value, 0)) for state in CaseState]


def case_due_on(case: Case) -> datetime.date | None:
    """When the present step is due: the inquiry replies' due date while awaiting them, otherwise
    the service card's one month from opening. Closed cases are due nothing."""
    if case.state in CLOSED_STATES:
        return None
    if case.state == CaseState.AWAITING_INQUIRIES:
        dues = [i.due_on for i in rows(case, "inquiries") if i.replied_on is None and i.due_on]
        if dues:
            return min(dues)
    return timezone.localdate(case.opened_at) + datetime.timedelta(days=SERVICE_TARGET_DAYS)


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


def last_move(case: Case) -> Event | None:
    """The latest step taken on the case: who moved it, when, and to which state (409 pages)."""
    return (
        case.events.filter(kind__in=[Event.Kind.STEP, Event.Kind.OPENED])
        .order_by("-at", "-pk")
        .first()
    )


def subjects_unavailable(people, *, source_type: str = "", source_reference: str = "") -> dict:
    """{person id: why a new case cannot name them}, in Persian: every document already cancelled,
    or (with a source) named on a case still deciding that was opened on the very same source,
    which is the same form sent twice, not a new event."""
    why: dict[int, str] = {}
    documents: dict[int, set[str]] = {}
    for person_id, status in IdentityDocument.objects.filter(person__in=people).values_list(
        "person_id", "status"
    ):
        documents.setdefault(person_id, set()).add(status)
    for person_id, statuses in documents.items():
        if statuses == {DocumentStatus.CANCELLED}:
            why[person_id] = "مدارکش پیش‌تر باطل شده است"
    if source_reference:
        same_source = CaseSubject.objects.filter(
            person__in=people,
            case__state__in=DECIDING_STATES,
            case__source_type=source_type,
            case__source_reference=source_reference.strip(),
        ).select_related("case")
        for subject in same_source:
            why.setdefault(
                subject.person_id, f"با همین منشأ در پرونده {subject.case.number} ثبت شده است"
            )
    return why


# --------------------------------------------------------------------------------------------------
# Across provinces: what one province may learn of a person another registered


@dataclass(frozen=True)
class FoundElsewhere:
    """A person another province registered, as an expert who typed their document number sees
    them: enough to know not to register them again, and nothing more (no household, no other
    member, no case number). Built here, field by field: no model instance reaches the page."""

    person_id: int
    name: str
    document: str  # the document's type
    status: str  # the document's status, in Persian
    registered_in: str  # the province that registered the person
    open_cases_in: tuple[str, ...]  # the provinces of the open cases naming the person


@dataclass(frozen=True)
class OpenCase:
    """An open case naming one of the persons a new case is about to name."""

    person_id: int
    person_name: str
    case_id: int
    case_number: str
    province_id: int
    province: str


def open_cases_naming(people) -> list[OpenCase]:
    """The cases not closed that name any of ``people``, in any province (one query): a new case
    on one of them is a second case, to be confirmed (cases.services.case_open)."""
    subjects = (
        CaseSubject.objects.filter(person__in=people)
        .exclude(case__state__in=CLOSED_STATES)
        .select_related("person", "case__province")
        .order_by("case__opened_at", "case_id", "person_id")
    )
    return [
        OpenCase(
            person_id=subject.person_id,
            person_name=subject.person.full_name,
            case_id=subject.case_id,
            case_number=subject.case.number,
            province_id=subject.case.province_id,
            province=subject.case.province.name,
        )
        for subject in subjects
    ]


def found_elsewhere(*, user, document_number: str) -> list[FoundElsewhere]:
    """The persons registered in another province than ``user``'s whose document has exactly
    this number (typed in any digits): their name, the document's type and status, the province
    that registered them and the provinces of the open cases naming them. Two queries. An exact
    number only: names are never searched across provinces."""
    number = normalize_identifier(document_number)
    if not number or user.province_id is None:
        return []
    documents = list(
        IdentityDocument.objects.filter(number=number)
        .exclude(person__household__province_id=user.province_id)
        .select_related("document_type", "person__household__province")
        .order_by("pk")
    )
    if not documents:
        return []
    open_in: dict[int, list[str]] = {}
    for case in open_cases_naming([d.person_id for d in documents]):
        provinces = open_in.setdefault(case.person_id, [])
        if case.province not in provinces:
            provinces.append(case.province)
    return [
        FoundElsewhere(
            person_id=document.person_id,
            name=document.person.full_name,
            document=document.document_type.name,
            status=document.get_status_display(),
            registered_in=document.person.household.province.name,
            open_cases_in=tuple(open_in.get(document.person_id, ())),
        )
        for document in documents
    ]


# --------------------------------------------------------------------------------------------------
# Search


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
class ListRow:
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
    def state_label(self) -> str:
        return CaseState(self.state).label

    @property
    def source_label(self) -> str:
        return SourceType(self.source_type).label

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
        groups__name=Role.EXPERT.value, is_active=True, is_staff=False, is_superuser=False
    )
    if not permissions.is_national(user):
        experts = experts.filter(province_id=user.province_id)
    return experts.order_by("last_name", "first_name")


def next_actors(*, case: Case, exclude=None) -> dict:
    """{user: [steps]} of those who must act next on the case: for each step from its present
    state that is work waiting for someone (not a withdrawal), the users who may take it, found
    with one SQL filter per step."""
    users = get_user_model().objects.all()
    found: dict = {}
    for rule in rules_from(case.state):
        if not rule.notify or not applies_to(case, rule):
            continue
        for user in permissions.users_who_may(users, rule.capability, case):
            if exclude is not None and user.pk == exclude:
                continue
            found.setdefault(user, []).append(rule)
    return found
