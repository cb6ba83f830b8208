"""The roles of docs/domain.md and what each may do, defined here in code and nowhere else.

A user holds a role through the Django group named by the role's code (``provincial_expert``). The
groups carry no permissions that matter: what a role may do is ``ROLE_CAPABILITIES`` below, read
by ``accounts.permissions``, so that editing a group in the admin cannot change what every expert
may do (the group admin is not offered at all).
"""

from django.db import models


class Role(models.TextChoices):
    EXPERT = "provincial_expert", "کارشناس اتباع استان"
    SECRETARY = "provincial_secretary", "دبیر کارگروه استان"
    SUPERVISOR = "provincial_supervisor", "مدیرکل / معاون"
    NATIONAL_SECRETARIAT = "national_secretariat", "دبیرخانه کارگروه دائمی کشور"
    REGISTRY_OPERATOR = "registry_operator", "کاربر نجوا"
    ENFORCEMENT = "enforcement_liaison", "رابط انتظامی"
    AUDITOR = "auditor", "بازرس"


class Capability(models.TextChoices):
    """What a role may do. A step of the case rule book names the capability it needs."""

    VIEW_CASE = "view_case", "دیدن پرونده"
    OPEN_CASE = "open_case", "ثبت پرونده"
    REGISTER_PEOPLE = "register_people", "ثبت خانوار و اشخاص"
    REVIEW_CASE = "review_case", "بررسی کارشناسی و استعلام"
    DECIDE_IN_PROVINCE = "decide_in_province", "ثبت رأی کارگروه استان"
    DECIDE_NATIONALLY = "decide_nationally", "تأیید یا رد در کارگروه دائمی کشور"
    REGISTER_IN_NAJVA = "register_in_najva", "ابطال کارت و ثبت در نجوا"
    SUPERVISE_CASE = "supervise_case", "نظارت، دستور اخراج و مختومه کردن"
    RECORD_EXPULSION = "record_expulsion", "ثبت اجرای اخراج"


class Scope(models.TextChoices):
    """Which cases a role covers."""

    PROVINCE = "province", "استان کاربر"
    NATIONAL = "national", "همه استان‌ها"
    # The registry operator: every province, from national confirmation on.
    NATIONAL_FROM_CONFIRMATION = "from_confirmation", "همه استان‌ها، از تأیید کشوری به بعد"


ROLE_CAPABILITIES: dict[Role, frozenset[Capability]] = {
    Role.EXPERT: frozenset(
        {
            Capability.VIEW_CASE,
            Capability.OPEN_CASE,
            Capability.REGISTER_PEOPLE,
            Capability.REVIEW_CASE,
        }
    ),
    Role.SECRETARY: frozenset({Capability.VIEW_CASE, Capability.DECIDE_IN_PROVINCE}),
    Role.SUPERVISOR: frozenset({Capability.VIEW_CASE, Capability.SUPERVISE_CASE}),
    Role.NATIONAL_SECRETARIAT: frozenset({Capability.VIEW_CASE, Capability.DECIDE_NATIONALLY}),
    Role.REGISTRY_OPERATOR: frozenset({Capability.VIEW_CASE, Capability.REGISTER_IN_NAJVA}),
    Role.ENFORCEMENT: frozenset({Capability.VIEW_CASE, Capability.RECORD_EXPULSION}),
    Role.AUDITOR: frozenset({Capability.VIEW_CASE}),
}

ROLE_SCOPE: dict[Role, Scope] = {
    Role.EXPERT: Scope.PROVINCE,
    Role.SECRETARY: Scope.PROVINCE,
    Role.SUPERVISOR: Scope.PROVINCE,
    Role.ENFORCEMENT: Scope.PROVINCE,
    Role.NATIONAL_SECRETARIAT: Scope.NATIONAL,
    Role.AUDITOR: Scope.NATIONAL,
    Role.REGISTRY_OPERATOR: Scope.NATIONAL_FROM_CONFIRMATION,
}

# Roles that belong to one province, and roles that work across all provinces.
PROVINCIAL_ROLES = frozenset(role for role, scope in ROLE_SCOPE.items() if scope == Scope.PROVINCE)
NATIONAL_ROLES = frozenset(Role) - PROVINCIAL_ROLES


def sync_role_groups(**kwargs):
    """One group per role (membership only), created after every migrate; other groups removed
    from nothing: they simply grant nothing."""
    from django.contrib.auth.models import Group

    for role in Role:
        group, _ = Group.objects.get_or_create(name=role.value)
        group.permissions.clear()
