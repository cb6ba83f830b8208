"""Reads of the working groups, filtered by what the user may see (accounts.permissions)."""

from django.db.models import Q

from accounts import permissions
from cases.models import Case
from committees.models import AGENDA_STATE, AgendaItem, Session, WorkingGroup


def working_group_of(province) -> WorkingGroup:
    """The province's working group (None: the national one); made on first use for a province
    added after the migration that made the others."""
    if province is None:
        group, _ = WorkingGroup.objects.get_or_create(kind=WorkingGroup.Kind.NATIONAL)
    else:
        group, _ = WorkingGroup.objects.get_or_create(
            province=province, defaults={"kind": WorkingGroup.Kind.PROVINCIAL}
        )
    return group


def sessions_visible_to(*, user):
    """The sessions ``user`` may see: their province's, or every one for a national role."""
    sessions = Session.objects.select_related("group__province")
    if not permissions.may_read_sessions(user):
        return sessions.none()
    if permissions.may_see_session(user, None):
        return sessions
    return sessions.filter(Q(group__province_id=user.province_id) & Q(group__kind="provincial"))


def agenda_candidates(*, session: Session):
    """The cases that may go on the session's agenda, longest waiting first: the province's cases
    ready for the working group (approved ones of every province for the national group), not
    already on an open agenda."""
    group = session.group
    cases = Case.objects.filter(state=AGENDA_STATE[group.kind])
    if not group.is_national:
        cases = cases.filter(province_id=group.province_id)
    busy = AgendaItem.objects.filter(
        session__state=Session.State.OPEN, session__group__kind=group.kind
    ).values("case_id")
    return cases.exclude(pk__in=busy).order_by("state_entered_at", "pk")


def provincial_resolutions():
    """Each case's resolution in its province's closed session, with the votes: for Prefetch."""
    from django.db.models import Prefetch

    from committees.models import Vote

    return Prefetch(
        "agenda_items",
        queryset=AgendaItem.objects.filter(
            session__state=Session.State.CLOSED, session__group__kind=WorkingGroup.Kind.PROVINCIAL
        )
        .select_related("session")
        .prefetch_related(Prefetch("votes", queryset=Vote.objects.select_related("member")))
        .order_by("-session__closed_at"),
        to_attr="provincial_items",
    )


def national_queue(*, user, filters: dict | None = None):
    """Every province's cases approved by their working group and waiting for the national one,
    longest waiting first; ``filters``: province, resolved from/to, offence type, source. Empty for
    a user who may not read the national sessions."""
    if not permissions.may_see_session(user, None):
        return Case.objects.none()
    filters = filters or {}
    cases = Case.objects.filter(state=AGENDA_STATE[WorkingGroup.Kind.NATIONAL])
    if filters.get("province"):
        cases = cases.filter(province=filters["province"])
    if filters.get("resolved_from"):
        cases = cases.filter(province_resolution_date__gte=filters["resolved_from"])
    if filters.get("resolved_to"):
        cases = cases.filter(province_resolution_date__lte=filters["resolved_to"])
    if filters.get("offence_type"):
        cases = cases.filter(offence_type=filters["offence_type"])
    if filters.get("source_type"):
        cases = cases.filter(source_type=filters["source_type"])
    return (
        cases.select_related("province", "offence_type")
        .prefetch_related(provincial_resolutions())
        .order_by("state_entered_at", "pk")
    )


def open_national_sessions():
    return Session.objects.filter(
        group__kind=WorkingGroup.Kind.NATIONAL, state=Session.State.OPEN
    ).order_by("-held_on", "-pk")


def session_items(session: Session) -> list[AgendaItem]:
    """The session's agenda in order, with what its pages show of each item: the case (its
    province, subjects and inquiries), the offence type, the votes and the resolution it
    corrects (four queries)."""
    from django.db.models import Prefetch

    from cases.models import CaseSubject
    from committees.models import Vote

    subjects = CaseSubject.objects.select_related("person").order_by("person_id")
    return list(
        session.items.select_related(
            "case__province", "offence_type", "recorded_by", "correction_of__session"
        )
        .prefetch_related(
            Prefetch("case__subjects", queryset=subjects),
            "case__inquiries",
            Prefetch("votes", queryset=Vote.objects.select_related("member")),
        )
        .order_by("position")
    )


def agenda_item(session: Session, pk: int, *related: str) -> AgendaItem:
    """One item of the session's agenda, with its case (DoesNotExist otherwise: 404)."""
    return AgendaItem.objects.select_related("case", *related).get(pk=pk, session=session)


def active_members(group: WorkingGroup) -> list:
    """The group's members who sit in it now."""
    return list(group.members.filter(active=True))


def open_sessions_of(group: WorkingGroup):
    """The group's open sessions: where a resolution of a closed one may be corrected."""
    return Session.objects.filter(group=group, state=Session.State.OPEN)


def minutes_of(session: Session):
    """The session's minutes (None before the first are requested)."""
    from committees.models import Minutes

    return Minutes.objects.filter(session=session).first()
