"""Granting a role takes two people (issue 21): the IT administrator proposes, a holder of the
approving role approves in the app, never the proposer, never the user it is for; an account that
was ever staff holds no case role, whatever rows say. Each attack of the issue, refused."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts import grants, permissions
from accounts.models import RoleGrant, User
from accounts.roles import Role
from audit.models import Event
from cases.choices import CaseState, Step
from cases.models import Case
from conftest import make_user
from shared import clock

pytestmark = pytest.mark.django_db

PASSWORD = "A-long-enough-passphrase-4u"

ADMIN_USER_FORM = {
    "is_active": "on",
    "last_login_0": "",
    "last_login_1": "",
    "date_joined_0": "2026-01-01",
    "date_joined_1": "00:00:00",
}


def fresh(user):
    return User.objects.get(pk=user.pk)  # roles are cached per instance


def propose(by, user, role, province=None):
    return grants.propose(by=by, user=user, role=role, province=province, reason="نیاز اداره")


# --------------------------------------------------------------------------------------------------
# The attacks of the issue


def test_the_it_admin_cannot_make_itself_a_provincial_expert_and_act(
    client, it_admin, case_in, tehran
):
    """In its own change form: staff and superuser unticked, expert of Tehran ticked, the groups
    and the province posted too; then, in the same session, a case moved to expert review."""
    case = case_in(CaseState.RECEIVED)
    client.force_login(it_admin)
    expert = Group.objects.get(name=Role.EXPERT)
    own = reverse("admin:accounts_user_change", args=[it_admin.pk])
    page = client.post(
        own,
        {
            **ADMIN_USER_FORM,
            "username": "it_admin",
            "roles": [Role.EXPERT.value],
            "groups": [expert.pk],
            "user_permissions": [],
            "province": tehran.pk,
        },
    )
    assert page.status_code == 200  # the role is not one it may be given here
    assert "roles" in page.context["adminform"].form.errors
    assert fresh(it_admin).role_codes == frozenset()
    # Without the role: the form saves staff unticked, nothing else.
    page = client.post(own, {**ADMIN_USER_FORM, "username": "it_admin", "groups": [expert.pk],
                             "province": tehran.pk})  # fmt: skip
    assert page.status_code == 302
    admin = fresh(it_admin)
    assert (admin.is_staff, admin.is_superuser, admin.ever_staff) == (False, True, True)
    assert admin.role_codes == frozenset() and admin.province is None
    # It acts on a case in the same session: not even seen.
    detail = reverse("cases:detail", kwargs={"number": case.number})
    action = reverse("cases:action", kwargs={"number": case.number, "name": Step.START_REVIEW})
    assert client.get(detail).status_code == 404
    assert client.post(action, {}).status_code == 404
    assert Case.objects.get(pk=case.pk).state == CaseState.RECEIVED


def test_an_account_that_was_staff_gets_nothing_from_a_group_row_put_in_directly(
    client, it_admin, case_in, tehran
):
    """Defence in depth: superuser and staff cleared, the expert's group row and Tehran written
    straight into the database (no form, no service): still no case power."""
    case = case_in(CaseState.RECEIVED)
    User.objects.filter(pk=it_admin.pk).update(is_staff=False, is_superuser=False, province=tehran)
    it_admin.groups.add(Group.objects.get(name=Role.EXPERT))
    admin = fresh(it_admin)
    assert admin.role_codes == {Role.EXPERT.value}  # the row is there...
    assert permissions.roles_of(admin) == frozenset()  # ...and grants nothing
    assert not Case.objects.for_user(admin).exists()
    assert not permissions.users_who_may(User.objects.all(), "review_case", case).filter(
        pk=admin.pk
    )
    from cases.selectors.search import experts_of

    assert admin not in experts_of(user=fresh(case.opened_by))  # not offered as Tehran's expert
    client.force_login(admin)
    assert client.get(reverse("cases:detail", kwargs={"number": case.number})).status_code == 404
    action = reverse("cases:action", kwargs={"number": case.number, "name": Step.START_REVIEW})
    assert client.post(action, {}).status_code == 404
    assert client.get(reverse("intake:intake")).status_code == 403
    assert Case.objects.get(pk=case.pk).state == CaseState.RECEIVED


def test_the_it_admin_cannot_create_a_national_secretariat(client, it_admin, users, case_in):
    """The account is made with no role whatever is posted; the role, proposed, waits for the
    national secretariat's approval, which the IT admin cannot give."""
    case_in(CaseState.RECEIVED)
    client.force_login(it_admin)
    page = client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "new_national",
            "usable_password": "true",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "roles": [Role.NATIONAL_SECRETARIAT.value],
            "groups": [Group.objects.get(name=Role.NATIONAL_SECRETARIAT).pk],
            "is_superuser": "on",
        },
    )
    assert page.status_code == 302
    made = User.objects.get(username="new_national")
    assert made.role_codes == frozenset() and not made.is_superuser
    assert not Case.objects.for_user(made).exists()
    # Proposed in the admin: nothing granted yet.
    page = client.post(
        reverse("admin:accounts_rolegrant_add"),
        {"user": made.pk, "role": Role.NATIONAL_SECRETARIAT.value, "province": "",
         "reason": "دبیرخانه تازه"},
    )  # fmt: skip
    assert page.status_code == 302
    grant = RoleGrant.objects.get(user=made)
    assert grant.outcome == RoleGrant.Outcome.PENDING and grant.proposed_by == it_admin
    assert fresh(made).role_codes == frozenset()
    # The admin shows it, and changes or deletes nothing of it.
    shown = reverse("admin:accounts_rolegrant_change", args=[grant.pk])
    assert client.get(shown).status_code == 200
    assert client.post(shown, {"outcome": "approved"}).status_code == 403
    delete = reverse("admin:accounts_rolegrant_delete", args=[grant.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    # The IT admin cannot approve it: it holds no approving role (and proposed it).
    decide = reverse("accounts:grant", args=[grant.pk])
    assert client.get(reverse("accounts:grants")).status_code == 403
    assert client.post(decide, {"decision": "approve", "confirm": "on"}).status_code == 403
    with pytest.raises(grants.GrantRefused):
        grants.approve(grant=grant, by=it_admin)
    # Signed in as the new account (its password is the admin's): it reads no province.
    client.force_login(made)
    assert client.get(reverse("accounts:grants")).status_code == 403
    assert client.post(decide, {"decision": "approve", "confirm": "on"}).status_code == 403
    assert fresh(made).role_codes == frozenset()
    assert RoleGrant.objects.get(pk=grant.pk).outcome == RoleGrant.Outcome.PENDING


def test_the_user_form_offers_no_way_to_widen(client, it_admin, users):
    client.force_login(it_admin)
    page = client.get(reverse("admin:accounts_user_change", args=[users["expert_a"].pk]))
    html = page.content.decode()
    for name in ("groups", "user_permissions", "province", "is_superuser", "ever_staff"):
        assert f'name="{name}"' not in html, name
    # The one role offered is the one held: to take it away.
    assert page.context["adminform"].form.fields["roles"].choices == [
        (Role.EXPERT.value, Role.EXPERT.label)
    ]
    add = client.get(reverse("admin:accounts_user_add")).content.decode()
    for name in ("roles", "groups", "user_permissions", "province", "is_superuser"):
        assert f'name="{name}"' not in add, name


def test_the_admin_cannot_add_another_role_to_a_user(client, it_admin, users, isfahan):
    client.force_login(it_admin)
    expert = users["expert_a"]
    page = client.post(
        reverse("admin:accounts_user_change", args=[expert.pk]),
        {**ADMIN_USER_FORM, "username": expert.username,
         "roles": [Role.EXPERT.value, Role.SUPERVISOR.value], "province": isfahan.pk},
    )  # fmt: skip
    assert page.status_code == 200
    expert = fresh(expert)
    assert expert.role_codes == {Role.EXPERT.value} and expert.province.slug == "tehran"


# --------------------------------------------------------------------------------------------------
# Who approves


def test_a_provincial_grant_is_approved_by_the_provinces_supervisor(
    client, it_admin, users, tehran
):
    clerk = User.objects.create_user("clerk", password=PASSWORD)
    grant = propose(it_admin, clerk, Role.EXPERT, tehran)
    proposed = Event.objects.filter(account=clerk, action="grant_proposed").get()
    assert proposed.actor == it_admin and proposed.reason == "نیاز اداره"
    assert {c["field"]: c["new"] for c in proposed.changes} == {
        "role": Role.EXPERT.label,
        "province": "تهران",
        "approver": Role.SUPERVISOR.label,
    }
    url = reverse("accounts:grant", args=[grant.pk])
    # Isfahan's supervisor and the national secretariat do not see it; the other roles hold no
    # approving role at all.
    for who, status in [("supervisor_b", 404), ("national", 404), ("expert_a", 403),
                        ("secretary_a", 403), ("auditor", 403)]:  # fmt: skip
        client.force_login(users[who])
        assert client.get(url).status_code == status, who
        assert client.post(url, {"decision": "approve", "confirm": "on"}).status_code == status
    assert fresh(clerk).role_codes == frozenset()
    client.force_login(users["supervisor_a"])
    listed = client.get(reverse("accounts:grants"))
    assert list(listed.context["grants"]) == [grant]
    assert client.post(url, {"decision": "approve"}).status_code == 400  # not confirmed
    page = client.post(url, {"decision": "approve", "confirm": "on", "note": "آشنا است"})
    assert page.status_code == 302
    clerk = fresh(clerk)
    assert clerk.role_codes == {Role.EXPERT.value} and clerk.province == tehran
    grant.refresh_from_db()
    assert (grant.outcome, grant.decided_by) == (RoleGrant.Outcome.APPROVED, users["supervisor_a"])
    approved = Event.objects.filter(account=clerk, action="grant_approved").get()
    assert approved.actor == users["supervisor_a"] and approved.reason == "آشنا است"
    changes = {c["field"]: (c["old"], c["new"]) for c in approved.changes}
    assert changes == {"province": ("", "تهران"), "roles": ("", Role.EXPERT.label)}
    # Decided: no longer on the list, its page gone.
    assert client.get(url).status_code == 404
    assert list(client.get(reverse("accounts:grants")).context["grants"]) == []


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.AUDITOR, Role.REGISTRY_OPERATOR])
def test_the_supervisor_national_and_auditor_roles_are_approved_nationally(
    role, it_admin, users, tehran
):
    clerk = User.objects.create_user("clerk")
    grant = propose(it_admin, clerk, role, tehran if role == Role.SUPERVISOR else None)
    with pytest.raises(grants.GrantRefused):
        grants.approve(grant=grant, by=users["supervisor_a"])
    grants.approve(grant=grant, by=users["national"])
    assert fresh(clerk).role_codes == {role.value}


def test_no_one_decides_a_grant_they_proposed_or_that_is_for_them(client, it_admin, users, tehran):
    supervisor = users["supervisor_a"]
    # A second role for Tehran's supervisor: approved by Tehran's supervisor, not by itself.
    grant = propose(it_admin, supervisor, Role.SECRETARY, tehran)
    client.force_login(supervisor)
    assert grant not in client.get(reverse("accounts:grants")).context["grants"]
    url = reverse("accounts:grant", args=[grant.pk])
    assert client.post(url, {"decision": "approve", "confirm": "on"}).status_code == 404
    with pytest.raises(grants.GrantRefused, match="برای خود او"):
        grants.approve(grant=grant, by=supervisor)
    with pytest.raises(grants.GrantRefused, match="پیشنهاددهنده"):
        grants.approve(grant=grant, by=it_admin)
    # Nor does the database take a decision by the user or the proposer.
    for by in (supervisor, it_admin):
        with pytest.raises(IntegrityError), transaction.atomic():
            RoleGrant.objects.filter(pk=grant.pk).update(decided_by=by)
    assert fresh(supervisor).role_codes == {Role.SUPERVISOR.value}
    # The national secretariat, for itself: refused as well.
    national = propose(it_admin, users["national"], Role.AUDITOR)
    with pytest.raises(grants.GrantRefused, match="برای خود او"):
        grants.approve(grant=national, by=users["national"])
    # Another supervisor of Tehran may.
    other = make_user("supervisor_a2", Role.SUPERVISOR, tehran)
    grants.approve(grant=grant, by=other)
    assert fresh(supervisor).role_codes == {Role.SUPERVISOR.value, Role.SECRETARY.value}


def test_a_refused_grant_gives_nothing_and_is_recorded(client, it_admin, users, tehran):
    clerk = User.objects.create_user("clerk")
    grant = propose(it_admin, clerk, Role.ENFORCEMENT, tehran)
    client.force_login(users["supervisor_a"])
    url = reverse("accounts:grant", args=[grant.pk])
    assert client.post(url, {"decision": "refuse"}).status_code == 400  # a reason is needed
    assert client.post(url, {"decision": "refuse", "note": "ناشناس"}).status_code == 302
    assert fresh(clerk).role_codes == frozenset()
    event = Event.objects.get(account=clerk, action="grant_refused")
    assert event.actor == users["supervisor_a"] and event.reason == "ناشناس"
    with pytest.raises(grants.GrantRefused):
        grants.approve(grant=grant, by=users["supervisor_a"])


def test_what_cannot_be_proposed(it_admin, users, tehran, isfahan):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="مدیر فنی"):
        propose(it_admin, it_admin, Role.EXPERT, tehran)
    with pytest.raises(ValidationError, match="استان دیگری"):
        propose(it_admin, users["expert_a"], Role.SECRETARY, isfahan)
    with pytest.raises(ValidationError):
        propose(it_admin, users["expert_a"], Role.AUDITOR)  # provincial and national
    with pytest.raises(ValidationError, match="این نقش را"):
        propose(it_admin, users["expert_a"], Role.EXPERT, tehran)
    with pytest.raises(grants.GrantRefused):  # only an IT administrator proposes
        propose(users["national"], User.objects.create_user("clerk"), Role.AUDITOR)
    assert not RoleGrant.objects.exists()


def test_an_approval_checks_again_that_the_user_never_became_staff(it_admin, users, tehran):
    clerk = User.objects.create_user("clerk")
    grant = propose(it_admin, clerk, Role.EXPERT, tehran)
    clerk.is_staff = True
    clerk.save()
    clerk.is_staff = False
    clerk.save()
    with pytest.raises(grants.GrantRefused, match="مدیر فنی"):
        grants.approve(grant=grant, by=users["supervisor_a"])
    assert fresh(clerk).role_codes == frozenset()


# --------------------------------------------------------------------------------------------------
# The mark of having been staff


def test_having_been_staff_is_marked_for_good(users):
    clerk = User.objects.create_user("clerk")
    assert not clerk.ever_staff
    clerk.is_superuser = True
    clerk.save(update_fields=["is_superuser"])
    clerk.is_superuser = False
    clerk.save()
    assert fresh(clerk).ever_staff
    event = Event.objects.filter(account=clerk).order_by("pk").first()
    assert {c["field"]: c["new"] for c in event.changes}["ever_staff"] == "بله"
    # An UPDATE that makes an account staff without the mark is refused by the database.
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=users["expert_a"].pk).update(is_staff=True)


def test_the_first_approver_comes_from_the_shell_once(it_admin, tehran):
    from django.core.management import CommandError, call_command

    first = User.objects.create_user("first_national")
    call_command("grant_first_approver", "first_national")
    assert fresh(first).role_codes == {Role.NATIONAL_SECRETARIAT.value}
    event = Event.objects.get(account=first, action="first_approver")
    assert event.actor is None and "پوسته" in event.label
    User.objects.create_user("second_national")
    with pytest.raises(CommandError, match="کاربر فعالی"):
        call_command("grant_first_approver", "second_national")
    with pytest.raises(CommandError):
        call_command("grant_first_approver", "it_admin")


def test_the_mark_is_never_cleared_on_postgresql(postgres, users):
    clerk = User.objects.create_user("clerk", is_staff=True)
    User.objects.filter(pk=clerk.pk).update(is_staff=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=clerk.pk).update(ever_staff=False)
    assert fresh(clerk).ever_staff


@pytest.mark.django_db(transaction=True)
def test_the_migration_marks_every_account_that_is_staff_now():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    ours = next(key for key in executor.loader.disk_migrations if key[1].endswith("_role_grants"))
    before = [
        dep for dep in executor.loader.disk_migrations[ours].dependencies if dep[0] == "accounts"
    ]
    executor.migrate(before)
    Old = executor.loader.project_state(before).apps.get_model("accounts", "User")
    Old.objects.create(username="old_admin", is_staff=True)
    Old.objects.create(username="old_super", is_superuser=True)
    Old.objects.create(username="old_clerk")
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    marked = dict(User.objects.values_list("username", "ever_staff"))
    assert marked == {"old_admin": True, "old_super": True, "old_clerk": False}


def test_an_inactive_account_is_not_activated_with_its_roles(client, it_admin, users):
    """Deactivated, an account holds no role; the admin alone does not give them back."""
    supervisor = users["supervisor_b"]
    User.objects.filter(pk=supervisor.pk).update(is_active=False)
    client.force_login(it_admin)
    url = reverse("admin:accounts_user_change", args=[supervisor.pk])
    form = {**ADMIN_USER_FORM, "username": supervisor.username}
    page = client.post(url, {**form, "roles": [Role.SUPERVISOR.value]})
    assert page.status_code == 200
    assert not fresh(supervisor).is_active
    # Its roles taken away, it is activated; the role is then proposed and approved again.
    assert client.post(url, form).status_code == 302
    supervisor = fresh(supervisor)
    assert supervisor.is_active and permissions.roles_of(supervisor) == frozenset()


def test_a_grant_is_proposed_and_decided_on_the_clocks_time(it_admin, users, tehran):
    """Both times of a grant come from the one clock (shared.clock), so that the decision never
    reads as earlier than the proposal when the clock is pinned or shifted."""
    clerk = User.objects.create_user("clerk")
    day = clock.today() - datetime.timedelta(days=40)
    with clock.pinned(day) as proposed:
        grant = propose(it_admin, clerk, Role.ENFORCEMENT, tehran)
    with clock.pinned(day + datetime.timedelta(days=2)) as decided:
        grants.approve(grant=grant, by=users["supervisor_a"])
    grant.refresh_from_db()
    assert (grant.proposed_at, grant.decided_at) == (proposed, decided)
