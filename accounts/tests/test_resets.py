"""An administrator's reset of someone's sign-in (accounts.resets): the attack of issue 21, where
the IT administrator set the auditor's password, removed the auditor's device, signed in as the
auditor and enrolled a device of its own with the password alone, is refused; each reset is an
event of the audit chain and an e-mail to the user; the enrolment after it needs a one-time code
that a second administrator issues, never the one who reset.
"""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import resets
from accounts.models import EnrolmentCode, User
from accounts.roles import Role
from accounts.tests.test_signin import PASSWORD, app_for, code_of, device_for, sign_in
from audit.chain import seal_all
from audit.models import Event
from audit.verification import verify_all
from people.tests import factories
from shared import clock

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "taken-over-1405"
ENROL = reverse("second_factor_enrol")


@pytest.fixture
def second_admin(reference_data):
    return factories.UserFactory(username="it_admin_2", is_staff=True, is_superuser=True)


def admin_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def reset_password(admin: Client, user, password=NEW_PASSWORD):
    url = reverse("admin:auth_user_password_change", args=[user.pk])
    return admin.post(url, {"password1": password, "password2": password})


def remove_device(admin: Client, device):
    url = reverse("admin:otp_totp_totpdevice_delete", args=[device.pk])
    return admin.post(url, {"post": "yes"})


def issue(admin: Client, user):
    return admin.post(reverse("admin:accounts_enrolmentcode_add"), {"user": user.pk})


def issued_code(page: str) -> str:
    import re

    return re.search(r"font-size: 2em;\">([A-Z0-9-]+)</bdi>", page).group(1)


@pytest.fixture
def taken_over(users, it_admin, django_capture_on_commit_callbacks, mailoutbox):
    """The attack up to the enrolment: the IT admin set the auditor's password in the admin and
    removed the auditor's device there."""
    auditor = users["auditor"]
    device = device_for(auditor)
    admin = admin_client(it_admin)
    with django_capture_on_commit_callbacks(execute=True):
        assert reset_password(admin, auditor).status_code == 302
        assert remove_device(admin, device).status_code == 302
    return auditor


def test_each_reset_is_an_event_of_the_chain_and_an_e_mail_to_the_user(
    taken_over, it_admin, mailoutbox
):
    auditor = taken_over
    events = Event.objects.filter(account=auditor).exclude(action="account_change").order_by("pk")
    assert [(e.action, e.kind, e.actor) for e in events] == [
        ("password_reset", "account", it_admin),
        ("totp_removed", "account", it_admin),
    ]
    # The new password is written nowhere in the trail.
    assert all(NEW_PASSWORD not in str(e.changes) + e.reason + e.label for e in events)
    assert [m.to for m in mailoutbox] == [[auditor.email], [auditor.email]]
    assert "گذرواژه" in mailoutbox[0].subject and "دستگاه" in mailoutbox[1].subject
    assert "it_admin" in mailoutbox[0].body
    # The events are sealed into the chain like every other.
    seal_all()
    assert verify_all(keep=False).ok


def test_the_resetting_admin_cannot_enrol_its_own_device_with_the_password_alone(
    taken_over, it_admin
):
    auditor = taken_over
    attacker = Client()
    assert sign_in(attacker, auditor.username, NEW_PASSWORD).status_code == 302
    page = attacker.get(ENROL)
    assert page.status_code == 200
    assert "کد فعال‌سازی" in page.content.decode()
    app = app_for(page.content.decode())

    # The password and a right code from the app: refused, nothing saved, the attempt recorded.
    refused = attacker.post(ENROL, {"code": code_of(app)})
    assert refused.status_code == 200
    assert "کد فعال‌سازی معتبری صادر نشده" in refused.content.decode()
    assert not TOTPDevice.objects.filter(user=auditor).exists()
    assert attacker.get(reverse("oversight:reads")).status_code == 302
    event = Event.objects.get(action="enrolment_code_refused")
    assert (event.kind, event.account, event.actor) == ("security", auditor, auditor)

    # Nor can it issue the code itself, in the admin: the form refuses, nothing is issued.
    admin = admin_client(it_admin)
    answer = issue(admin, auditor)
    assert answer.status_code == 200
    assert "مدیر دیگری" in answer.content.decode()
    assert not EnrolmentCode.objects.exists()
    assert not Event.objects.filter(action="enrolment_code_issued").exists()
    # A code made up is refused and recorded too.
    made_up = attacker.post(ENROL, {"code": code_of(app), "enrolment_code": "ABCD-EFGH-JKMN"})
    assert made_up.status_code == 200
    assert Event.objects.filter(action="enrolment_code_refused").count() == 2
    assert not TOTPDevice.objects.filter(user=auditor).exists()


def test_a_second_admin_issues_a_code_once_and_the_user_enrols_with_it(
    taken_over, it_admin, second_admin, django_capture_on_commit_callbacks, mailoutbox
):
    auditor = taken_over
    with django_capture_on_commit_callbacks(execute=True):
        answer = issue(admin_client(second_admin), auditor)
    assert answer.status_code == 200
    code = issued_code(answer.content.decode())
    issued = EnrolmentCode.objects.get(user=auditor)
    # Hashed at rest: the code is in no row, and the list of codes never shows one.
    assert resets.normalized(code) not in issued.digest and len(issued.digest) == 64
    listing = admin_client(second_admin).get(reverse("admin:accounts_enrolmentcode_changelist"))
    assert code not in listing.content.decode()
    event = Event.objects.get(action="enrolment_code_issued")
    assert (event.account, event.actor) == (auditor, second_admin)
    assert mailoutbox[-1].to == [auditor.email] and "کد فعال‌سازی" in mailoutbox[-1].subject

    user = Client()
    sign_in(user, auditor.username, NEW_PASSWORD)
    app = app_for(user.get(ENROL).content.decode())
    wrong = user.post(ENROL, {"code": code_of(app), "enrolment_code": "2345-6789-ABCD"})
    assert "کد فعال‌سازی نادرست" in wrong.content.decode()
    assert EnrolmentCode.objects.get(pk=issued.pk).failures == 1
    # Typed in lower case, with spaces: the same code.
    done = user.post(
        ENROL, {"code": code_of(app), "enrolment_code": code.lower().replace("-", " ")}
    )
    assert done.status_code == 302, done.content.decode()[:3000]
    device = TOTPDevice.objects.get(user=auditor, confirmed=True)
    assert device.key == app.key
    enrolled = Event.objects.get(action="totp_enrolled")
    assert {c["field"]: c["new"] for c in enrolled.changes} == {
        "enrolment_code_issued_by": second_admin.username
    }
    assert EnrolmentCode.objects.get(pk=issued.pk).used_at is not None
    # Enrolled: the next enrolment of this account needs no code until the next reset.
    assert not resets.enrolment_code_required(auditor)

    # Good once: after the device is removed again, the spent code is refused.
    with django_capture_on_commit_callbacks(execute=True):
        remove_device(admin_client(second_admin), device)
    again = Client()
    sign_in(again, auditor.username, NEW_PASSWORD)
    app = app_for(again.get(ENROL).content.decode())
    spent = again.post(ENROL, {"code": code_of(app), "enrolment_code": code})
    assert spent.status_code == 200
    assert not TOTPDevice.objects.filter(user=auditor).exists()
    # The one who removed the device this time may not issue the next code; the first may.
    assert "مدیر دیگری" in issue(admin_client(second_admin), auditor).content.decode()
    assert issue(admin_client(it_admin), auditor).status_code == 200
    assert EnrolmentCode.objects.filter(user=auditor, issued_by=it_admin).exists()


def test_an_expired_code_and_a_code_tried_too_often_are_refused(taken_over, second_admin):
    auditor = taken_over
    _, code = resets.enrolment_code_issue(by=second_admin, user=auditor)
    user = Client()
    sign_in(user, auditor.username, NEW_PASSWORD)
    app = app_for(user.get(ENROL).content.decode())
    later = clock.now() + datetime.timedelta(hours=resets.ENROLMENT_CODE_HOURS, minutes=1)
    with clock.pinned(later):
        late = user.post(ENROL, {"code": code_of(app), "enrolment_code": code})
    assert late.status_code == 200
    assert not TOTPDevice.objects.filter(user=auditor).exists()

    _, code = resets.enrolment_code_issue(by=second_admin, user=auditor)
    for _ in range(resets.ENROLMENT_CODE_TRIES):
        user.post(ENROL, {"code": code_of(app), "enrolment_code": "WRONG-CODE"})
    tried = user.post(ENROL, {"code": code_of(app), "enrolment_code": code})
    assert tried.status_code == 200
    assert not TOTPDevice.objects.filter(user=auditor).exists()


def test_no_admin_issues_a_code_for_itself_nor_for_an_account_nobody_reset(
    users, it_admin, second_admin
):
    with pytest.raises(resets.IssueRefused):
        resets.enrolment_code_issue(by=second_admin, user=users["supervisor_a"])
    reset_password(admin_client(second_admin), it_admin)
    with pytest.raises(resets.IssueRefused):
        resets.enrolment_code_issue(by=it_admin, user=it_admin)
    # A case role holder issues none, whoever reset.
    with pytest.raises(resets.IssueRefused):
        resets.enrolment_code_issue(by=users["supervisor_a"], user=it_admin)
    assert not EnrolmentCode.objects.exists()


def test_a_first_enrolment_nobody_reset_needs_no_code(client, users):
    supervisor = users["supervisor_a"]
    supervisor.set_password(PASSWORD)
    supervisor.save()
    sign_in(client, supervisor.username)
    page = client.get(ENROL).content.decode()
    assert 'name="enrolment_code"' not in page
    app = app_for(page)
    assert client.post(ENROL, {"code": code_of(app)})["Location"] == reverse("home")


def test_an_account_the_admin_made_with_a_password_needs_a_second_admin_for_its_enrolment(
    it_admin, second_admin
):
    admin = admin_client(it_admin)
    made = admin.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "new_secretariat",
            "usable_password": "true",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert made.status_code == 302, made.content.decode()[:3000]
    user = User.objects.get(username="new_secretariat")
    event = Event.objects.get(account=user, action="password_reset")
    assert event.actor == it_admin
    # However the role came to it, the one who chose its password cannot enrol its device alone.
    user.groups.add(Group.objects.get(name=Role.NATIONAL_SECRETARIAT))
    attacker = Client()
    assert sign_in(attacker, user.username, NEW_PASSWORD).status_code == 302
    app = app_for(attacker.get(ENROL).content.decode())
    assert attacker.post(ENROL, {"code": code_of(app)}).status_code == 200
    assert not TOTPDevice.objects.filter(user=user).exists()
    with pytest.raises(resets.IssueRefused):
        resets.enrolment_code_issue(by=it_admin, user=user)
    _, code = resets.enrolment_code_issue(by=second_admin, user=user)
    done = attacker.post(ENROL, {"code": code_of(app), "enrolment_code": code})
    assert done.status_code == 302


def test_a_change_of_e_mail_address_is_recorded_and_told_to_the_old_address(
    users, django_capture_on_commit_callbacks, mailoutbox
):
    auditor = users["auditor"]
    old = auditor.email
    with django_capture_on_commit_callbacks(execute=True):
        auditor.email = "elsewhere@example.invalid"
        auditor.save()
    event = Event.objects.filter(account=auditor, action="account_change").latest("pk")
    assert [(c["field"], c["old"], c["new"]) for c in event.changes] == [
        ("email", old, "elsewhere@example.invalid")
    ]
    assert [m.to for m in mailoutbox] == [[old]]
