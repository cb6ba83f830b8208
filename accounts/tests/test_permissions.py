"""One permission model: roles defined in code, no case power for the IT administrator, every
change of who may do what in the audit trail."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts import permissions
from accounts.models import validate_roles
from accounts.roles import Capability, Role
from accounts.services import account_set_roles
from audit.models import Event
from cases import services
from cases.choices import CaseState, Step
from cases.models import Case
from conftest import make_user
from tests.proofs import proof_for

pytestmark = pytest.mark.django_db


def test_a_superuser_in_the_secretariats_group_still_cannot_confirm(case_in, it_admin, isfahan):
    case = case_in(CaseState.APPROVED_BY_PROVINCE)
    it_admin.groups.add(Group.objects.get(name=Role.NATIONAL_SECRETARIAT))
    it_admin = type(it_admin).objects.get(pk=it_admin.pk)
    assert permissions.roles_of(it_admin) == frozenset()
    assert not Case.objects.for_user(it_admin).exists()
    with pytest.raises(Case.DoesNotExist):
        services.case_take_step(
            case=case,
            by=it_admin,
            step=Step.CONFIRM_NATIONALLY,
            **proof_for(case, Step.CONFIRM_NATIONALLY),
            national_letter_number="N/1",
            national_letter_date=case.opened_at.date(),
        )
    assert Case.objects.get(pk=case.pk).state == CaseState.APPROVED_BY_PROVINCE


def test_a_case_role_cannot_be_given_to_a_staff_account(tehran):
    with pytest.raises(ValidationError) as error:
        validate_roles(roles=[Role.NATIONAL_SECRETARIAT], province=None, is_staff=True)
    assert "roles" in error.value.message_dict


def test_the_admin_refuses_a_case_role_for_a_staff_account(client, it_admin, tehran):
    client.force_login(it_admin)
    target = make_user("clerk", Role.EXPERT, tehran)
    page = client.post(
        reverse("admin:accounts_user_change", args=[target.pk]),
        {
            "username": "clerk",
            "roles": [Role.EXPERT.value],
            "province": tehran.pk,
            "is_active": "on",
            "is_staff": "on",
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    )
    assert page.status_code == 200
    assert "حساب مدیر فنی" in page.content.decode()
    target.refresh_from_db()
    assert not target.is_staff


def test_role_groups_cannot_be_edited_in_the_admin(client, it_admin):
    assert Group not in admin.site._registry
    client.force_login(it_admin)
    assert client.get("/admin/auth/group/").status_code == 404


def test_a_permission_added_to_a_role_group_changes_nothing(users, case_in):
    case = case_in(CaseState.READY_FOR_PROVINCE)
    expert_group = Group.objects.get(name=Role.EXPERT)
    expert_group.permissions.set(Permission.objects.all())
    expert = type(users["expert_a"]).objects.get(pk=users["expert_a"].pk)
    assert not permissions.may(expert, Capability.DECIDE_IN_PROVINCE, case)
    with pytest.raises(PermissionDenied):
        services.case_take_step(
            case=case,
            by=expert,
            step=Step.RETURN_FOR_INFORMATION,
            **proof_for(case, Step.RETURN_FOR_INFORMATION),
            reason="آزمون",
        )


def test_taking_a_role_away_in_the_admin_is_in_the_audit_trail(client, it_admin, tehran, isfahan):
    """Narrowing needs no approval: a role unticked in the admin is taken away, recorded with the
    admin as actor. The province posted with it is not read (widening: accounts.grants)."""
    client.force_login(it_admin)
    target = make_user("clerk", Role.EXPERT, tehran)
    target.groups.add(Group.objects.get(name=Role.SECRETARY))
    page = client.post(
        reverse("admin:accounts_user_change", args=[target.pk]),
        {
            "username": "clerk",
            "email": target.email,
            "roles": [Role.SECRETARY.value],
            "province": isfahan.pk,
            "is_active": "on",
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    )
    assert page.status_code == 302
    event = Event.objects.filter(account=target).latest("pk")
    assert event.actor == it_admin
    assert event.actor_roles == "مدیر فنی سامانه"
    changes = {item["label"]: (item["old"], item["new"]) for item in event.changes}
    both = "، ".join(sorted([Role.EXPERT.label, Role.SECRETARY.label]))
    assert changes == {"نقش‌ها": (both, Role.SECRETARY.label)}
    target = type(target).objects.get(pk=target.pk)
    assert target.role_codes == {Role.SECRETARY.value}
    assert target.province == tehran


def test_a_renamed_actor_keeps_their_name_in_past_events(users, case_in):
    case = case_in(CaseState.EXPERT_REVIEW)
    expert = users["expert_a"]
    name_then = expert.get_full_name() or expert.username
    expert.first_name, expert.last_name = "نام", "جدید"
    expert.save()
    opened = Event.objects.get(case_id=case.pk, action="case_open")
    assert opened.actor_name == name_then
    assert opened.actor_roles == f"{Role.EXPERT.label}، استان تهران"


def test_setting_the_same_roles_again_records_nothing(users):
    expert = users["expert_a"]
    before = Event.objects.filter(account=expert).count()
    account_set_roles(by=None, user=expert, roles=[Role.EXPERT])
    assert Event.objects.filter(account=expert).count() == before


def test_a_role_or_province_changed_outside_the_admin_is_recorded_too(users, isfahan):
    expert = users["expert_a"]
    before = Event.objects.filter(account=expert).count()
    expert.groups.add(Group.objects.get(name=Role.AUDITOR))
    expert.province = isfahan
    expert.save()
    events = list(Event.objects.filter(account=expert).order_by("pk"))[before:]
    assert [e.actor for e in events] == [None, None]
    assert events[0].actor_name == "سامانه"
    assert events[0].changes[0]["new"] == "، ".join(sorted([Role.EXPERT.label, Role.AUDITOR.label]))
    assert events[1].changes == [
        {"field": "province", "label": "استان", "old": "تهران", "new": "اصفهان", "type": "text"}
    ]


def test_a_role_given_from_the_groups_side_is_recorded_too(users):
    auditor_group = Group.objects.get(name=Role.AUDITOR)
    expert = users["expert_a"]
    before = Event.objects.filter(account=expert).count()
    auditor_group.user_set.add(expert)
    event = Event.objects.filter(account=expert).latest("pk")
    assert Event.objects.filter(account=expert).count() == before + 1
    assert Role.AUDITOR.label in event.changes[0]["new"]
    assert Role.AUDITOR.label not in event.changes[0]["old"]


def test_a_sign_in_saving_last_login_reads_no_old_row_and_records_nothing(users):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    expert = users["expert_a"]
    events = Event.objects.count()
    expert.last_login = timezone.now()
    with CaptureQueriesContext(connection) as captured:
        expert.save(update_fields=["last_login"])
    assert [q["sql"].split()[0] for q in captured] == ["UPDATE"]
    assert Event.objects.count() == events
