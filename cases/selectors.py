"""Permission-filtered reads of cases: every case query of a view starts here."""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import Count, Q, Value
from django.db.models.functions import Replace
from django.utils import timezone

from accounts.roles import NATIONAL_ROLES
from cases.models import CLOSED_STATES, Case, CaseState, Person
from revocation.persian import normalize_identifier, normalize_name

# The service card's average duration: a case is due a month after it was opened.
SERVICE_TARGET_DAYS = 30


def cases_visible_to(*, user):
    """The cases ``user`` may see (see ``CaseQuerySet.for_user``)."""
    return Case.objects.for_user(user).select_related("province", "assigned_expert", "offence_type")


def case_transitions():
    """Every transition of the case state machine (one per source state)."""
    return list(Case(state=CaseState.RECEIVED).get_all_state_transitions())


def steps_of(*, case: Case, user) -> list:
    """The steps from the case's current state that the user's role may take."""
    return [
        t
        for t in case.get_all_state_transitions()
        if t.source == case.state and t.has_perm(case, user)
    ]


def unmet_conditions(*, case: Case, transition) -> list[str]:
    """What the case still lacks for ``transition``, in Persian: the unmet conditions other than
    those met by what the user types with the step itself (a reason, a resolution number)."""
    return [
        c.description
        for c in transition.conditions
        if not getattr(c, "needs_input", False) and not c(case)
    ]


def case_available_actions(*, case: Case, user) -> list:
    """The steps ``user`` may take on ``case`` now, read from the state machine: their role may
    take them and nothing but the step's own input is missing."""
    return [
        t for t in steps_of(case=case, user=user) if not unmet_conditions(case=case, transition=t)
    ]


def state_counts(*, user) -> list[tuple[str, str, int]]:
    """(state, Persian label, count) for the cases the user sees, in the order of the work."""
    counts = dict(
        Case.objects.for_user(user).values_list("state").annotate(n=Count("pk")).order_by()
    )
    return [(state.value, state.label, counts.get(state.value, 0)) for state in CaseState]


def case_due_on(case: Case) -> datetime.date | None:
    """When the current step is due: the inquiry replies' due date while awaiting them, otherwise
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
    actions: list
    age_days: int
    due_on: datetime.date | None
    # Work before the next step can be taken (letters to send, replies and decisions to record).
    todo: list[str] = field(default_factory=list)

    @property
    def overdue(self) -> bool:
        return self.due_on is not None and self.due_on < timezone.localdate()


def _work_before_next_step(case: Case, user) -> list[str]:
    """What the user must record before their next step on the case is possible: the unmet
    conditions (not typed with the step itself) of the steps their role takes from here."""
    return [
        description
        for transition in steps_of(case=case, user=user)
        for description in unmet_conditions(case=case, transition=transition)
    ]


def work_queue(*, user) -> list[tuple[str, str, list[QueueItem]]]:
    """The open cases waiting for this user's action, grouped by step (state), oldest first."""
    perms = {
        t.permission.codename
        for t in case_transitions()
        if user.roles_granting(f"cases.{t.permission.codename}")
    }
    states = {t.source for t in case_transitions() if t.permission.codename in perms}
    candidates = (
        cases_visible_to(user=user)
        .filter(state__in=states)
        .prefetch_related("inquiries")
        .order_by("opened_at")
    )
    today = timezone.localdate()
    groups: dict[str, list[QueueItem]] = {}
    for case in candidates:
        actions = case_available_actions(case=case, user=user)
        todo = [] if actions else _work_before_next_step(case, user)
        if actions or todo:
            groups.setdefault(case.state, []).append(
                QueueItem(
                    case=case,
                    actions=actions,
                    age_days=(today - timezone.localdate(case.opened_at)).days,
                    due_on=case_due_on(case),
                    todo=todo,
                )
            )
    return [(state.value, state.label, groups[state]) for state in CaseState if state in groups]


# --------------------------------------------------------------------------------------------------
# Search


def _require_trigrams() -> None:
    """Fail loudly where pg_trgm would silently find nothing (a database with LC_CTYPE 'C')."""
    if getattr(connection, "_persian_trigrams_ok", False):
        return
    from cases.checks import trigram_problems

    problems = trigram_problems(connection)
    if problems:
        raise ImproperlyConfigured("; ".join(problems))
    connection._persian_trigrams_ok = True


def persons_matching_name(text: str):
    """People whose name matches ``text`` however it was typed (see revocation.persian).

    Everywhere: every word of the query in the normalized key, or the query with its spaces
    removed inside the key with its spaces removed (so «کریمینژاد» finds «کریمی‌نژاد»). On
    PostgreSQL also pg_trgm word similarity (``%>``, above pg_trgm's default threshold of 0.6,
    enough for a one-letter typo) on the same key, served by its GIN index.
    """
    key = normalize_name(text)
    if not key:
        return Person.objects.none()
    words = Q()
    for word in key.split(" "):
        words &= Q(search_key__contains=word)
    compact = Q(compact_key__contains=key.replace(" ", ""))
    people = Person.objects.annotate(compact_key=Replace("search_key", Value(" "), Value("")))
    if connection.vendor == "postgresql":
        _require_trigrams()
        return people.filter(words | compact | Q(search_key__trigram_word_similar=key))
    return people.filter(words | compact)


def search_cases(*, user, text: str = "", filters: dict | None = None):
    """The cases ``user`` sees that match the search box and the filters.

    The search box finds a case by its number, a subject's identity document number, the
    household number, or a subject's name, typed in any digits or spelling.
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
        match = Q(subjects__person__in=persons_matching_name(text))
        identifier = normalize_identifier(text)
        if identifier:
            cases = cases.annotate(number_key=Replace("number", Value("-"), Value("")))
            match |= Q(number_key=identifier)
            if len(identifier) >= 9:  # year and sequence, without the province code
                match |= Q(number_key__endswith=identifier)
            match |= Q(subjects__person__documents__number=identifier)
            match |= Q(subjects__person__household__number=identifier)
        cases = cases.filter(match).distinct()
    return cases.order_by("-opened_at")


def experts_of(*, user):
    """The experts whose cases the user may filter by: their province's, or all for national."""
    from django.contrib.auth import get_user_model

    experts = get_user_model().objects.filter(groups__name="provincial_expert", is_active=True)
    if not user.roles & NATIONAL_ROLES:
        experts = experts.filter(province_id=user.province_id)
    return experts.order_by("last_name", "first_name")


def users_who_may_take(*, case: Case, transition) -> list:
    """Active users whose role and scope let them take ``transition`` on ``case`` (for notices)."""
    from django.contrib.auth import get_user_model

    codename = getattr(transition.permission, "codename", None)
    if codename is None:
        return []
    candidates = (
        get_user_model()
        .objects.filter(is_active=True, groups__permissions__codename=codename)
        .filter(Q(province=case.province) | Q(groups__name__in=NATIONAL_ROLES))
        .distinct()
    )
    return [user for user in candidates if transition.has_perm(case, user)]


def find_households(*, text: str):
    """Households found by a household number or a member's identity document number."""
    from cases.models import Household

    identifier = normalize_identifier(text)
    if not identifier:
        return Household.objects.none()
    return (
        Household.objects.filter(Q(number=identifier) | Q(members__documents__number=identifier))
        .distinct()
        .prefetch_related("members__documents__document_type")
    )
