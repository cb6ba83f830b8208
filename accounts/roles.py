"""The roles of DOMAIN.md, each a Django group carrying the model permissions the role needs.

The group of a role is named by its code (``provincial_expert``); its Persian name is the label.
``sync_role_groups`` runs after every migrate and makes each group's permissions exactly these.
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


# Roles that belong to one province, and roles that work across all provinces.
PROVINCIAL_ROLES = frozenset({Role.EXPERT, Role.SECRETARY, Role.SUPERVISOR, Role.ENFORCEMENT})
NATIONAL_ROLES = frozenset({Role.NATIONAL_SECRETARIAT, Role.REGISTRY_OPERATOR, Role.AUDITOR})

_VIEW_CASE_DATA = [
    "cases.view_case",
    "cases.view_casesubject",
    "cases.view_person",
    "cases.view_household",
    "cases.view_identitydocument",
    "cases.view_evidence",
    "cases.view_inquiry",
    "cases.view_caseevent",
    "cases.view_offencetype",
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.EXPERT: _VIEW_CASE_DATA
    + [
        "cases.open_case",
        "cases.review_case",
        "cases.add_person",
        "cases.change_person",
        "cases.add_household",
        "cases.change_household",
        "cases.add_identitydocument",
        "cases.add_evidence",
        "cases.add_inquiry",
        "cases.change_inquiry",
    ],
    Role.SECRETARY: _VIEW_CASE_DATA + ["cases.decide_in_province"],
    Role.SUPERVISOR: _VIEW_CASE_DATA + ["cases.supervise_case"],
    Role.NATIONAL_SECRETARIAT: _VIEW_CASE_DATA + ["cases.decide_nationally"],
    Role.REGISTRY_OPERATOR: _VIEW_CASE_DATA + ["cases.register_in_najva"],
    Role.ENFORCEMENT: _VIEW_CASE_DATA + ["cases.record_expulsion"],
    Role.AUDITOR: _VIEW_CASE_DATA,
}


def sync_role_groups(**kwargs):
    """Create one group per role and set its permissions to exactly ROLE_PERMISSIONS."""
    from django.contrib.auth.models import Group, Permission

    wanted = {perm.split(".", 1)[1] for perms in ROLE_PERMISSIONS.values() for perm in perms}
    available = {
        f"{p.content_type.app_label}.{p.codename}": p
        for p in Permission.objects.filter(codename__in=wanted).select_related("content_type")
    }
    for role, perms in ROLE_PERMISSIONS.items():
        missing = [perm for perm in perms if perm not in available]
        if missing:
            # Before the cases app has migrated there is nothing to grant yet.
            continue
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.set([available[perm] for perm in perms])
