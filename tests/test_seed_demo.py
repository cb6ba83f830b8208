"""manage.py seed_demo (the project's command: it spans every app)."""

import datetime

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.permissions import roles_of
from accounts.roles import Role
from cases.choices import CaseState
from cases.models import Case
from shared import clock

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_storage")]


def snapshot():
    counts = {model._meta.label: model.objects.count() for model in apps.get_models()}
    users = list(
        get_user_model()
        .objects.order_by("username")
        .values_list("username", "password", "province")
    )
    cases = list(Case.objects.order_by("number").values_list("number", "state", "province"))
    return counts, users, cases


def test_seed_demo_makes_every_state_and_every_login(reference_data, settings, capsys):
    call_command("seed_demo")
    printed = capsys.readouterr().out
    assert {state for state in Case.objects.values_list("state", flat=True)} == set(
        CaseState.values
    )
    User = get_user_model()
    for username in [
        "expert_teh",
        "expert_isf",
        "secretary_teh",
        "secretary_isf",
        "supervisor_teh",
        "supervisor_isf",
        "enforcement_teh",
        "najva_operator",
        "national_secretariat",
        "auditor",
    ]:
        user = User.objects.get(username=username)
        assert user.check_password(settings.DEMO_PASSWORD), username
        assert len(roles_of(user)) == 1
        assert username in printed
    assert User.objects.get(username="expert_isf").province.slug == "isfahan"
    assert roles_of(User.objects.get(username="national_secretariat")) == {
        Role.NATIONAL_SECRETARIAT
    }
    # Each role as on a server: proposed by the IT admin, approved by the approving role's
    # holder (accounts.grants); the first national secretariat from the shell's command.
    from accounts.models import RoleGrant
    from accounts.permissions import approving_role

    for grant in RoleGrant.objects.select_related("user", "decided_by", "proposed_by"):
        assert grant.outcome == RoleGrant.Outcome.APPROVED
        assert grant.proposed_by.username == "admin"
        assert Role(approving_role(grant.role)) in roles_of(grant.decided_by)
        assert grant.decided_by != grant.user
    granted = set(RoleGrant.objects.values_list("user__username", flat=True))
    assert granted == {
        "expert_teh",
        "expert_isf",
        "secretary_teh",
        "secretary_isf",
        "supervisor_teh",
        "supervisor_isf",
        "enforcement_teh",
        "najva_operator",
        "auditor",
    }
    from audit.models import Event

    first = User.objects.get(username="national_secretariat")
    assert Event.objects.filter(account=first, action="first_approver", actor=None).exists()
    assert settings.DEMO_PASSWORD in printed
    # The demo users who need a second factor hold the published demo key, printed here.
    assert "REVOCATIONDEMOTOTPSECRETFORSEEDS" in printed
    for username in [
        "supervisor_teh",
        "najva_operator",
        "national_secretariat",
        "auditor",
        "admin",
    ]:
        assert TOTPDevice.objects.filter(user__username=username, confirmed=True).count() == 1
    assert not TOTPDevice.objects.filter(user__username="expert_teh").exists()
    # Every demo case has a real trail, opened by the expert of its province.
    for case in Case.objects.all():
        opened = case.events.order_by("pk").first()
        assert opened.action == "case_open"
        assert opened.actor.province == case.province


def test_seed_demo_run_twice_leaves_the_same_data(reference_data):
    call_command("seed_demo")
    first = snapshot()
    call_command("seed_demo")
    assert snapshot() == first


def test_the_demo_leaves_the_audit_chains_verified_and_their_heads_exported(
    reference_data, settings
):
    from audit.heads import exported_files
    from audit.models import Verification

    call_command("seed_demo")
    assert Verification.objects.get().ok
    assert [path.parent for path in exported_files()] == [settings.DATA_DIR / "audit-heads"]


def test_the_demo_has_a_closed_session_with_minutes_and_cases_for_the_next_sessions(
    reference_data,
):
    from committees.models import Minutes, Session

    call_command("seed_demo")
    # The session with its minutes (the others decided the walked cases, one case each).
    session = Session.objects.get(group__province__slug="tehran", minutes__isnull=False)
    assert not session.is_open
    assert session.present.count() == 5 and session.group.members.count() == 7
    outcomes = list(session.items.order_by("position").values_list("outcome", flat=True))
    assert outcomes == ["approve", "reject", "return"]
    assert Minutes.objects.get(session=session).is_current()
    # secretary_teh can hold a new session; the national secretariat has Tehran's and
    # Isfahan's approvals to confirm in one batch.
    assert Case.objects.filter(province__slug="tehran", state=CaseState.READY_FOR_PROVINCE).exists()
    approved = Case.objects.filter(state=CaseState.APPROVED_BY_PROVINCE)
    assert set(approved.values_list("province__slug", flat=True)) == {"tehran", "isfahan"}
    from committees.models import WorkingGroup

    assert WorkingGroup.objects.get(province__slug="isfahan").members.count() == 7


def test_the_demo_sessions_are_recorded_on_the_days_of_its_story(reference_data):
    """A session of the story is held and recorded on its own day, months ago for the first
    cases (what the office's lists and, later, the reports read), never all today."""
    from django.utils import timezone

    from committees.models import Session

    call_command("seed_demo")
    sessions = Session.objects.all()
    assert sessions.count() > 3
    for session in sessions:
        assert timezone.localdate(session.created_at) == session.held_on, session.number
    assert sessions.filter(held_on__lt=clock.today() - datetime.timedelta(days=30)).exists()


def test_the_demo_expelled_case_went_the_whole_way_with_its_order_and_letters(reference_data):
    """Done means for step 7: a Tehran case taken by supervisor_teh and enforcement_teh from the
    cancelled card to «اخراج شد», its order printable, each letter printed, posted and delivered
    (the day's dispatch register filled in)."""
    from enforcement.models import ExpulsionOrder, OrderedPerson
    from letters.models import Dispatch, Letter

    call_command("seed_demo")
    case = Case.objects.get(state=CaseState.EXPELLED)
    actors = {(e.action, e.actor.username) for e in case.events.exclude(actor=None)}
    assert ("order_expulsion", "supervisor_teh") in actors
    assert ("record_expulsion", "enforcement_teh") in actors
    order = ExpulsionOrder.objects.get(case=case)
    assert order.file.read().startswith(b"%PDF")
    assert all(e.outcome == "expelled" for e in OrderedPerson.objects.filter(order=order))
    letters = Letter.objects.filter(case=case)
    assert letters.count() >= 3  # the persons and the two agencies
    for letter in letters:
        assert letter.status == "delivered" and letter.file.read().startswith(b"%PDF")
        assert Dispatch.objects.filter(letter=letter).exclude(tracking_number="").exists()


def test_demo_totp_prints_the_code_a_demo_user_types_to_sign_in(reference_data, client, capsys):
    call_command("seed_demo")
    capsys.readouterr()
    client.post(reverse("login"), {"username": "auditor", "password": settings.DEMO_PASSWORD})
    call_command("demo_totp", "auditor")
    code = capsys.readouterr().out.strip()
    assert len(code) == 6
    done = client.post(reverse("second_factor"), {"code": code})
    assert done["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_demo_totp_shows_no_code_for_a_device_without_the_demo_key(users):
    TOTPDevice.objects.create(user=users["auditor"], name="real", confirmed=True)
    with pytest.raises(CommandError, match="no device with the demo key"):
        call_command("demo_totp", "auditor")
