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
from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from accounts import permissions
from accounts.roles import Role
from audit.models import Event
from cases.choices import CLOSED_STATES, DECIDING_STATES, CaseState
from cases.models import Case, CaseSubject, Evidence
from cases.steps import STEPS, StepRule, rules_from
from people.checks import trigram_problems
from people.models import DocumentStatus, IdentityDocument
from people.selectors import persons_matching_name
from revocation.persian import digits_to_ascii, normalize_identifier

# The service card's average duration: a case is due a month after it was opened.
SERVICE_TARGET_DAYS = 30

# What the rules of the steps read, fetched once for a whole page of cases.
RULE_PREFETCH = (
    "inquiries",
    Prefetch("evidence", queryset=Evidence.objects.order_by("uploaded_at", "pk")),
    Prefetch(
        "subjects",
        queryset=CaseSubject.objects.select_related("person__household").prefetch_related(
            "person__household__members"
        ),
    ),
)


def cases_visible_to(*, user):
    """The cases ``user`` may see."""
    return Case.objects.for_user(user).select_related("province", "assigned_expert", "offence_type")


def case_for_page(*, user, number: str) -> Case:
    """One case with everything its page shows, in a fixed number of queries (DoesNotExist when
    the user may not see it)."""
    return (
        cases_visible_to(user=user)
        .select_related("expulsion_border_point")
        .prefetch_related(
            *RULE_PREFETCH,
            "subjects__person__documents__document_type",
            "subjects__person__household__head",
            "subjects__person__household__province",
            "evidence__uploaded_by",
            "evidence__withdrawn_by",
        )
        .get(number=number)
    )


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
        if permissions.may(user, rule.capability, case, grants=grants)
    ]


def state_counts(*, user) -> list[tuple[str, str, int]]:
    """(state, Persian label, count) for the cases the user sees, in the order of the work."""
    counts = dict(
        Case.objects.for_user(user).values_list("state").annotate(n=Count("pk")).order_by()
    )
    return [(state.value, state.label, counts.get(state.value, 0)) for state in CaseState]


def case_due_on(case: Case) -> datetime.date | None:
    """When the present step is due: the inquiry replies' due date while awaiting them, otherwise
    the service card's one month from opening. Closed cases are due nothing."""
    if case.state in CLOSED_STATES:
        return None
    if case.state == CaseState.AWAITING_INQUIRIES:
        dues = [i.due_on for i in case.inquiries.all() if i.replied_on is None and i.due_on]
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
        return self.due_on is not None and self.due_on < timezone.localdate()


def work_queue(*, user) -> list[tuple[str, str, list[QueueItem]]]:
    """The open cases waiting for this user's action, grouped by step (state), oldest first.

    One SQL filter per capability the user holds (the states its steps start from, in the scope
    of the roles carrying it); the rules then read prefetched rows: a fixed number of queries.
    """
    by_capability: dict[str, set[str]] = {}
    for rule in STEPS.values():
        if rule.notify and permissions.can(user, rule.capability):
            by_capability.setdefault(rule.capability, set()).update(rule.source)
    if not by_capability:
        return []
    base = Case.objects.all()
    candidates = reduce(
        or_,
        [
            permissions.visible_cases(base, user, capability).filter(state__in=states)
            for capability, states in by_capability.items()
        ],
    )
    candidates = (
        candidates.select_related("province").prefetch_related(*RULE_PREFETCH).order_by("opened_at")
    )
    grants = permissions.granted_case_ids(user, Case)
    today = timezone.localdate()
    groups: dict[str, list[QueueItem]] = {}
    for case in candidates:
        steps = [s for s in steps_for(case=case, user=user, grants=grants) if s.rule.notify]
        actions = [s for s in steps if s.available]
        todo = [] if actions else [d for s in steps for d in s.unmet]
        if actions or todo:
            groups.setdefault(case.state, []).append(
                QueueItem(
                    case=case,
                    actions=actions,
                    age_days=case.age_days(today),
                    due_on=case_due_on(case),
                    todo=todo,
                )
            )
    return [(state.value, state.label, groups[state]) for state in CaseState if state in groups]


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
# Search


def _require_trigrams() -> None:
    """Fail loudly where pg_trgm would silently find nothing (a database with LC_CTYPE 'C')."""
    if getattr(connection, "_persian_trigrams_ok", False):
        return
    problems = trigram_problems(connection)
    if problems:
        raise ImproperlyConfigured("; ".join(problems))
    connection._persian_trigrams_ok = True


def _case_ids_by_number(identifier: str):
    """Subqueries of case ids for a typed number, each served by its own index: the case number
    (with or without its province code), a subject's identity document, the household."""
    found = [
        CaseSubject.objects.filter(person__documents__number=identifier).values("case_id"),
        CaseSubject.objects.filter(person__household__number=identifier).values("case_id"),
    ]
    if identifier.isdigit() and len(identifier) == 11:  # 23 1405 00017
        number = Case.format_number(identifier[:2], int(identifier[2:6]), int(identifier[6:]))
        found.append(Case.objects.filter(number=number).values("pk"))
    elif identifier.isdigit() and len(identifier) == 9:  # 1405 00017, any province
        found.append(
            Case.objects.filter(year=int(identifier[:4]), sequence=int(identifier[4:])).values("pk")
        )
    return found


def search_cases(*, user, text: str = "", filters: dict | None = None):
    """The cases ``user`` sees that match the search box and the filters.

    The search box finds a case by its number, a subject's identity document number, the
    household number, or a subject's name, typed in any digits or spelling. What the text is
    decides the queries: a number runs the number lookups, text with letters the name search;
    each is its own indexed query of case ids, and the user's scope and the filters apply to
    those ids (a semi-join: no DISTINCT over the joins, so the page's count stays cheap).
    """
    cases = cases_visible_to(user=user)
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
        found = []
        identifier = normalize_identifier(text)
        if any(ch.isdigit() for ch in identifier):
            found += _case_ids_by_number(identifier)
        if any(ch.isalpha() for ch in digits_to_ascii(text)):
            trigrams = connection.vendor == "postgresql"
            if trigrams:
                _require_trigrams()
            people = persons_matching_name(text, trigrams=trigrams)
            found.append(CaseSubject.objects.filter(person__in=people).values("case_id"))
        if not found:
            return Case.objects.none()
        cases = cases.filter(reduce(or_, [Q(pk__in=ids) for ids in found]))
    return cases.prefetch_related("subjects__person").order_by("-opened_at")


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
        if not rule.notify:
            continue
        for user in permissions.users_who_may(users, rule.capability, case):
            if exclude is not None and user.pk == exclude:
                continue
            found.setdefault(user, []).append(rule)
    return found
