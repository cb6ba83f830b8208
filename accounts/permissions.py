"""The one answer to "may this user do this, on this case, in this province".

Views, templates (``{% may %}``), navigation, selectors and services all ask here; nothing else in
the project calls ``has_perm``. What a role may do and which cases it covers are defined in code
(``accounts.roles``). Three rules hold everywhere:

- an inactive user, and a staff or superuser account (the IT administrator), hold no case role:
  ``is_superuser`` grants no case power, whatever groups the account is in; nor does an account
  that was ever staff (``User.ever_staff``), even with a role's group row put in by hand;
- a role acts only within its scope (its province, every province, or every province from national
  confirmation on): an expert of Isfahan who could also read Tehran's cases cannot act on them;
- a per-case grant (django-guardian, ``cases.CaseUserObjectPermission``) shares one case for
  reading, or lets a user who holds the role act on that one case; it never creates a role.

This module imports no other app: a case is read through its fields (``province_id``, ``state``)
and its grants through the relation named ``grants`` on the case model it is given.
"""

from django.db.models import Q

from accounts.roles import NATIONAL_ROLES, ROLE_CAPABILITIES, ROLE_SCOPE, Capability, Role, Scope

# The states of a case from national confirmation on: the registry operator's scope. The cases app
# derives them from its rule book (cases.states) and hands them here at start-up (cases.apps),
# because this module sits below it and names no case state.
_confirmed: frozenset[str] | None = None


def use_confirmed_states(states) -> None:
    """Called once at start-up by the cases app with the states from national confirmation on."""
    global _confirmed
    _confirmed = frozenset(str(state) for state in states)


def confirmed_states() -> frozenset[str]:
    """The states of a case from national confirmation on (the registry operator's scope)."""
    if _confirmed is None:  # a scope left empty would hide every case without a word
        raise RuntimeError("cases.apps has not handed accounts.permissions its states yet")
    return _confirmed


# The accounts that may hold a case role at all, as a query: what roles_of() below says of one
# user (active, never staff), for the lists that offer or find case actors.
MAY_HOLD_CASE_ROLES = Q(is_active=True, is_staff=False, is_superuser=False, ever_staff=False)


def roles_of(user) -> frozenset[Role]:
    """The case roles ``user`` holds: none for a signed-out, inactive or staff account."""
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    if user.is_staff or user.is_superuser or getattr(user, "ever_staff", False):
        return frozenset()
    return frozenset(Role(code) for code in user.role_codes)


def _roles_granting(user, capability) -> frozenset[Role]:
    return frozenset(role for role in roles_of(user) if capability in ROLE_CAPABILITIES[role])


def can(user, capability) -> bool:
    """Whether one of the user's roles carries ``capability`` at all (in some scope)."""
    return bool(_roles_granting(user, capability))


def is_national(user) -> bool:
    return any(ROLE_SCOPE[role] != Scope.PROVINCE for role in roles_of(user))


def _in_scope(user, role: Role, case) -> bool:
    scope = ROLE_SCOPE[role]
    if scope == Scope.NATIONAL:
        return True
    if scope == Scope.NATIONAL_FROM_CONFIRMATION:
        return case.state in confirmed_states()
    return user.province_id is not None and case.province_id == user.province_id


def _scope_q(user, roles, *, province: str = "province_id", state: str = "state") -> Q | None:
    """The cases that ``roles`` of ``user`` cover, as a filter on the case model (or on a model
    whose ``province`` and ``state`` lookups name its case's); None for every case (a national
    role), so that no filter at all reaches the database."""
    scope = Q(pk__in=[])
    for role in roles:
        kind = ROLE_SCOPE[role]
        if kind == Scope.NATIONAL:
            return None
        if kind == Scope.NATIONAL_FROM_CONFIRMATION:
            scope |= Q(**{f"{state}__in": confirmed_states()})
        elif user.province_id is not None:
            scope |= Q(**{province: user.province_id})
    return scope


def _grants(case_model):
    return case_model._meta.get_field("grants").related_model.objects


def granted_case_ids(user, case_model) -> dict[str, set[int]]:
    """{capability: ids of the cases shared with ``user`` for it}: one query, for lists.

    Read once per user instance (a request's user is its own instance: accounts.usercache), so a
    page that scopes several lists (the work queue and its counts) asks once; sharing a case
    forgets it (``forget_grants``)."""
    # getattr/setattr: request.user is a lazy wrapper, and these pass through it to the user.
    kept = getattr(user, "_granted_case_ids", None)
    if kept is None or kept[0] is not case_model:
        granted: dict[str, set[int]] = {}
        if _may_share_view(user):
            rows = (
                _grants(case_model)
                .filter(user=user)
                .values_list("permission__codename", "content_object_id")
            )
            for codename, case_id in rows:
                granted.setdefault(codename, set()).add(case_id)
        kept = (case_model, granted)
        user._granted_case_ids = kept
    return {codename: set(ids) for codename, ids in kept[1].items()}


def forget_grants(user) -> None:
    """After a case is shared with ``user``: their next list reads the grants again."""
    if hasattr(user, "_granted_case_ids"):
        del user._granted_case_ids


def _may_share_view(user) -> bool:
    # A shared case is read by a user who holds a case role (never a staff or superuser account,
    # nor one whose roles were all taken away).
    return bool(roles_of(user))


def visible_cases(cases, user, capability: str = Capability.VIEW_CASE):
    """``cases`` narrowed to those ``user`` may see (``VIEW_CASE``) or act on with ``capability``.

    Reading: the roles' scopes, plus the cases shared with the user. Acting: the scopes of the
    roles carrying the capability, plus the cases on which that very capability was shared with a
    user who holds such a role.
    """
    roles = _roles_granting(user, capability)
    if capability != Capability.VIEW_CASE and not roles:
        return cases.none()
    scope = _scope_q(user, roles)
    if scope is None:
        return cases  # every case: a grant adds nothing
    # The shared cases are read first, as a list (one small query; usually empty): an OR with a
    # subquery would keep the database from walking the scope's index in the page's order.
    granted = granted_case_ids(user, cases.model)
    if capability == Capability.VIEW_CASE:
        ids = set().union(*granted.values())
    else:
        ids = granted.get(capability, set())
    if ids:
        scope |= Q(pk__in=ids)
    return cases.filter(scope)


def visible_through_case(rows, user, case_model, *, province="province_id", state="case__state",
                         case="case_id"):  # fmt: skip
    """``rows`` of a model that belongs to a case and keeps its case's province (the letters),
    narrowed to those of the cases ``user`` may see, exactly as ``visible_cases`` narrows the
    cases, but filtered on the rows' own columns (``province``, ``case``; ``state`` through the
    case) so that a list of them is read through their own indexes, not by joining every case of
    the province: one small query for the cases shared with the user, as ``visible_cases``."""
    roles = _roles_granting(user, Capability.VIEW_CASE)
    scope = _scope_q(user, roles, province=province, state=state)
    if scope is None:
        return rows
    ids = set().union(*granted_case_ids(user, case_model).values())
    if ids:
        scope |= Q(**{f"{case}__in": ids})
    return rows.filter(scope)


def may(user, capability, case, *, grants: dict[str, set[int]] | None = None) -> bool:
    """Whether ``user`` may do ``capability`` on ``case`` (see ``visible_cases``).

    ``grants`` (from ``granted_case_ids``) avoids a query per case on list pages.
    """
    roles = _roles_granting(user, capability)
    if any(_in_scope(user, role, case) for role in roles):
        return True
    if capability != Capability.VIEW_CASE and not roles:
        return False
    if capability == Capability.VIEW_CASE and not _may_share_view(user):
        return False
    if grants is None:
        shared = case.grants.filter(user=user)
        if capability != Capability.VIEW_CASE:
            shared = shared.filter(permission__codename=capability)
        return shared.exists()
    if capability == Capability.VIEW_CASE:
        return any(case.pk in ids for ids in grants.values())
    return case.pk in grants.get(capability, set())


def users_who_may(users, capability, case):
    """``users`` (a user queryset) narrowed to the active case users who may do ``capability`` on
    ``case``: one SQL filter, for notices."""
    scope = Q(pk__in=[])
    for role, capabilities in ROLE_CAPABILITIES.items():
        if capability not in capabilities:
            continue
        holds = Q(groups__name=role.value)
        kind = ROLE_SCOPE[role]
        if kind == Scope.NATIONAL:
            scope |= holds
        elif kind == Scope.NATIONAL_FROM_CONFIRMATION:
            if case.state in confirmed_states():
                scope |= holds
        else:
            scope |= holds & Q(province_id=case.province_id)
        scope |= holds & Q(
            pk__in=case.grants.filter(permission__codename=capability).values("user_id")
        )
    return users.filter(scope, MAY_HOLD_CASE_ROLES).distinct().order_by("pk")


def may_register_in(user, household) -> bool:
    """Whether ``user`` may add members to ``household``: an expert of the household's province.
    Another province's household is reached only read-only, through a number search."""
    return can(user, Capability.REGISTER_PEOPLE) and household.province_id == user.province_id


# Working-group sessions (committees). A session belongs to a province's working group, or to the
# national one (``province_id`` None). Read by the roles that prepare, hold or oversee them.
SESSION_READERS = frozenset(
    {Role.EXPERT, Role.SECRETARY, Role.SUPERVISOR, Role.NATIONAL_SECRETARIAT, Role.AUDITOR}
)


def may_read_sessions(user) -> bool:
    """Whether ``user`` reads working-group sessions at all (else 403 on every session page)."""
    return bool(roles_of(user) & SESSION_READERS)


def may_see_session(user, province_id: int | None) -> bool:
    """Whether ``user`` may see a session of the working group of ``province_id`` (None: the
    national one). Another province's session is not seen (404); the national sessions are the
    national roles'."""
    roles = roles_of(user) & SESSION_READERS
    if any(ROLE_SCOPE[role] == Scope.NATIONAL for role in roles):
        return True
    return province_id is not None and bool(roles) and user.province_id == province_id


def may_record_session(user, province_id: int | None) -> bool:
    """Whether ``user`` records sessions of that working group: the province's secretary for a
    provincial one, the national secretariat for the national one."""
    if province_id is None:
        return can(user, Capability.DECIDE_NATIONALLY)
    return can(user, Capability.DECIDE_IN_PROVINCE) and user.province_id == province_id


# The Najva outbox (najva): the registry operator works it; the auditor reads it.
NAJVA_QUEUE_READERS = frozenset({Role.REGISTRY_OPERATOR, Role.AUDITOR})


def may_read_najva_queue(user) -> bool:
    """Whether ``user`` reads the queue of registrations to Najva (else 403)."""
    return bool(roles_of(user) & NAJVA_QUEUE_READERS)


# The read log and the audit chain's state (oversight): the auditor's alone.
def may_read_audit_log(user) -> bool:
    """Whether ``user`` reads the read log, exports it and sees the audit chain's state (else
    403): the auditor only."""
    return Role.AUDITOR in roles_of(user)


# Decision letters and the postal dispatch register (letters): the provincial supervisor prints,
# signs and dispatches them; the national roles and the auditor read them. The expert, the
# secretary and the enforcement liaison see on the case page where each letter is, nothing more.
LETTER_READERS = frozenset({Role.SUPERVISOR}) | NATIONAL_ROLES


def may_read_letters(user) -> bool:
    """Whether ``user`` reads the letters' pages: the print queue, a letter, the dispatch
    register (else 403). Which letters: those of the cases the user may see."""
    return bool(roles_of(user) & LETTER_READERS)


# The roles whose sign-in needs a second factor (TOTP): those that see every province, or decide
# on expulsions; experts, secretaries and enforcement liaisons sign in with a password alone.
SECOND_FACTOR_ROLES = frozenset(
    {Role.SUPERVISOR, Role.NATIONAL_SECRETARIAT, Role.REGISTRY_OPERATOR, Role.AUDITOR}
)


def needs_second_factor(user) -> bool:
    """Whether ``user`` must pass a TOTP code after the password before reaching any page: the
    roles of ``SECOND_FACTOR_ROLES`` and the IT administrators (staff or superuser)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_staff or user.is_superuser:
        return True
    return any(Role(code) in SECOND_FACTOR_ROLES for code in user.role_codes)


# Granting a role takes two people (accounts.grants): an IT administrator proposes, a holder of the
# approving role approves in the app. A provincial role is approved by the supervisor of that
# province (director-general or deputy); the supervisor's own role, every national role and the
# auditor's by the national secretariat. Never by the proposer, never by the user it is for.
GRANT_APPROVERS = frozenset({Role.SUPERVISOR, Role.NATIONAL_SECRETARIAT})


def approving_role(role) -> Role:
    """The role whose holder approves a grant of ``role`` (see ``GRANT_APPROVERS``)."""
    role = Role(role)
    if role in NATIONAL_ROLES or role == Role.SUPERVISOR:
        return Role.NATIONAL_SECRETARIAT
    return Role.SUPERVISOR


def may_approve_grants(user) -> bool:
    """Whether ``user`` holds an approving role at all (the approval pages; else 403)."""
    return bool(roles_of(user) & GRANT_APPROVERS)


def grants_to_decide_q(user) -> Q:
    """The grants (``accounts.RoleGrant``) ``user`` may decide, as a filter: those whose approving
    role ``user`` holds (a supervisor: in its own province), proposed by someone else, for someone
    else. Nothing for a user who holds no approving role."""
    roles = roles_of(user) & GRANT_APPROVERS
    scope = Q(pk__in=[])
    if Role.NATIONAL_SECRETARIAT in roles:
        scope |= Q(
            role__in=[r.value for r in Role if approving_role(r) == Role.NATIONAL_SECRETARIAT]
        )
    if Role.SUPERVISOR in roles and user.province_id is not None:
        scope |= Q(
            role__in=[r.value for r in Role if approving_role(r) == Role.SUPERVISOR],
            province_id=user.province_id,
        )
    return scope & ~Q(user_id=user.pk) & ~Q(proposed_by_id=user.pk)


def may_decide_grant(user, grant) -> bool:
    """Whether ``user`` may approve or refuse ``grant`` (the same rule as ``grants_to_decide_q``,
    on one grant: the services check it again inside their transaction)."""
    if user.pk in (grant.user_id, grant.proposed_by_id):
        return False
    approver = approving_role(grant.role)
    if approver not in roles_of(user):
        return False
    if ROLE_SCOPE[approver] == Scope.PROVINCE:
        return user.province_id is not None and user.province_id == grant.province_id
    return True
