"""Granting a role takes two people: an IT administrator proposes (the admin's "role grants"
page), a holder of the approving role approves or refuses in the app (``accounts.permissions``
says who: the province's supervisor for a provincial role, the national secretariat for the
supervisor's, the national roles and the auditor's). Never the proposer, never the user it is for;
never for an account that was ever staff. Each proposal and each decision is an event of the audit
trail, under the account it is about.

The services (writes) and the one selector (the grants a user may decide) of ``RoleGrant``.
Taking a role away (narrowing) needs no approval: ``accounts.services.account_set_roles``.
"""

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction

from accounts import permissions
from accounts.models import RoleGrant, User, validate_roles
from accounts.roles import PROVINCIAL_ROLES, Role
from accounts.trail import AccountEvent, account_snapshot, recorded_by_service
from audit import services as audit
from shared import clock


class GrantRefused(Exception):
    """A proposal or decision not allowed, with the Persian sentence that says why."""


def _province_label(grant_or_province) -> str:
    return f"، استان {grant_or_province}" if grant_or_province is not None else ""


def check_proposal(*, user, role, province) -> None:
    """ValidationError if ``user`` may not be given ``role`` (in ``province``): an account that
    was ever staff, a role held already, a province missing or not wanted, roles of another
    province or of the other kind (accounts.models.validate_roles)."""
    role = Role(role)
    if user.was_staff:
        raise ValidationError(
            "حسابی که روزی مدیر فنی (کارمند یا ابرکاربر) بوده است نمی‌تواند نقش پرونده بگیرد."
        )
    provincial = role in PROVINCIAL_ROLES
    if provincial and province is None:
        raise ValidationError({"province": "برای نقش‌های استانی، استان را تعیین کنید."})
    if not provincial and province is not None:
        raise ValidationError({"province": "نقش‌های ملی به استان خاصی تعلق ندارند."})
    held = set(user.roles_from(user.groups.values_list("name", flat=True)))
    if provincial and held & PROVINCIAL_ROLES and user.province_id != province.pk:
        raise ValidationError(
            "این کاربر نقش‌هایی در استان دیگری دارد؛ نخست آن نقش‌ها را از او بگیرید."
        )
    if role in held:
        raise ValidationError("این کاربر این نقش را هم‌اکنون دارد.")
    validate_roles(roles=held | {role}, province=province, is_staff=False)


@transaction.atomic
def propose(*, by, user, role, province=None, reason: str) -> RoleGrant:
    """An IT administrator proposes ``role`` (in ``province``) for ``user``: nothing is granted
    until a holder of the approving role approves it. Recorded."""
    if not (by.is_staff or by.is_superuser):
        raise GrantRefused("تنها مدیر فنی سامانه نقش پیشنهاد می‌کند.")
    # One proposal at a time per user: two at once cannot both pass the checks below.
    user = User.objects.select_for_update().get(pk=user.pk)
    check_proposal(user=user, role=role, province=province)
    if RoleGrant.objects.filter(user=user, role=role, outcome=RoleGrant.Outcome.PENDING).exists():
        raise ValidationError("پیشنهاد همین نقش برای این کاربر در انتظار تأیید است.")
    grant = RoleGrant.objects.create(
        user=user, role=Role(role), province=province, reason=reason, proposed_by=by
    )
    audit.record(
        by=by,
        kind=AccountEvent.ACCOUNT,
        action="grant_proposed",
        label=f"پیشنهاد نقش {Role(role).label}{_province_label(province)} برای {user.username}",
        account=user,
        reason=reason,
        changes=[
            audit.change("نقش پیشنهادی", "", Role(role).label, field="role"),
            audit.change("استان", "", str(province or ""), field="province"),
            audit.change(
                "تأییدکننده", "", permissions.approving_role(role).label, field="approver"
            ),
        ],
    )
    return grant


def _locked_pending(grant, by) -> RoleGrant:
    grant = (
        RoleGrant.objects.select_for_update(of=("self",))
        .select_related("user", "province")
        .get(pk=grant.pk)
    )
    if grant.outcome != RoleGrant.Outcome.PENDING:
        raise GrantRefused("درباره این پیشنهاد پیش‌تر تصمیم گرفته شده است.")
    if by.pk == grant.proposed_by_id:
        raise GrantRefused("پیشنهاددهنده نمی‌تواند پیشنهاد خود را تأیید یا رد کند.")
    if by.pk == grant.user_id:
        raise GrantRefused("کسی نمی‌تواند درباره نقشی که برای خود او پیشنهاد شده تصمیم بگیرد.")
    if not permissions.may_decide_grant(by, grant):
        raise GrantRefused("تصمیم درباره این پیشنهاد با نقش شما نیست.")
    return grant


@transaction.atomic
def approve(*, grant, by, note: str = "") -> RoleGrant:
    """``by`` (holding the approving role; not the proposer; not the user) approves: the user is
    given the role and, for a provincial role, the province. Recorded, with what changed."""
    grant = _locked_pending(grant, by)
    user = User.objects.select_for_update().get(pk=grant.user_id)
    try:
        check_proposal(user=user, role=grant.role, province=grant.province)
    except ValidationError as invalid:
        raise GrantRefused(" ".join(invalid.messages)) from invalid
    before = account_snapshot(user)
    with recorded_by_service():
        # A provincial role's province; none for a national role (check_proposal: the user
        # holds no provincial role then).
        user.province = grant.province
        user.save(update_fields=["province"])
        user.groups.add(Group.objects.get(name=grant.role))
    user.__dict__.pop("role_codes", None)
    _decided(grant, by, RoleGrant.Outcome.APPROVED, note)
    audit.record(
        by=by,
        kind=AccountEvent.ACCOUNT,
        action="grant_approved",
        label=(
            f"تأیید نقش {Role(grant.role).label}{_province_label(grant.province)} "
            f"برای {user.username} (پیشنهاد {grant.proposed_by.username})"
        ),
        account=user,
        reason=note,
        changes=audit.diff(before, account_snapshot(user)),
    )
    return grant


def _decided(grant, by, outcome: str, note: str) -> None:
    """The decision on the grant's row: who, when (the clock's, as the proposal's time), why."""
    grant.outcome = outcome
    grant.decided_by = by
    grant.decided_at = clock.now()
    grant.decision_note = note
    grant.save(update_fields=["outcome", "decided_by", "decided_at", "decision_note"])


@transaction.atomic
def refuse(*, grant, by, note: str) -> RoleGrant:
    """``by`` (who could have approved it) refuses the grant: nothing is given. Recorded."""
    grant = _locked_pending(grant, by)
    _decided(grant, by, RoleGrant.Outcome.REFUSED, note)
    audit.record(
        by=by,
        kind=AccountEvent.ACCOUNT,
        action="grant_refused",
        label=(
            f"رد پیشنهاد نقش {Role(grant.role).label}{_province_label(grant.province)} "
            f"برای {grant.user.username}"
        ),
        account=grant.user,
        reason=note,
    )
    return grant


def grants_to_decide(user):
    """The pending grants ``user`` may approve or refuse (none for a user with no approving
    role; another province's are not there: 404 on their page)."""
    return (
        RoleGrant.objects.filter(permissions.grants_to_decide_q(user), outcome="pending")
        .select_related("user", "province", "proposed_by")
        .order_by("proposed_at", "pk")
    )


class FirstApproverExists(GrantRefused):
    pass


@transaction.atomic
def grant_first_approver(*, user) -> None:
    """The first national secretariat, from the server's shell (``manage.py grant_first_approver``
    or seed_demo): someone must approve the first grants, and no one yet can. Refused once an
    active account holds the role: from then on every grant goes through ``propose``/``approve``.
    Recorded, with no actor (the system) and a label that says how it was made."""
    role = Role.NATIONAL_SECRETARIAT
    holders = User.objects.select_for_update().filter(
        groups__name=role.value, is_active=True, ever_staff=False
    )
    if holders.exists():
        raise FirstApproverExists(
            "نقش دبیرخانه کشور را کاربر فعالی دارد؛ نقش‌های دیگر با پیشنهاد و تأیید داده می‌شوند."
        )
    user = User.objects.select_for_update().get(pk=user.pk)
    try:
        check_proposal(user=user, role=role, province=None)
    except ValidationError as invalid:
        raise GrantRefused(" ".join(invalid.messages)) from invalid
    before = account_snapshot(user)
    with recorded_by_service():
        user.province = None
        user.save(update_fields=["province"])
        user.groups.add(Group.objects.get(name=role.value))
    user.__dict__.pop("role_codes", None)
    audit.record(
        by=None,
        kind=AccountEvent.ACCOUNT,
        action="first_approver",
        label=f"اعطای نخستین نقش {role.label} به {user.username} از پوسته سرور",
        account=user,
        changes=audit.diff(before, account_snapshot(user)),
    )
