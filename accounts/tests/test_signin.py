"""Sign-in as an attacker and as each role meets it: the lockout after repeated wrong passwords
(django-axes), failed sign-ins in the log and the audit trail, and the second factor (TOTP) for
supervisors, national roles, the auditor and the IT administrators.

Every test here signs in through the forms, as a person does (never ``force_login``).
"""

import base64
import datetime
import logging
import re

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.signin import typed_username
from audit.models import Event

pytestmark = pytest.mark.django_db

PASSWORD = "right-pass-1405"
WRONG = "wrong-pass-1405"
LOGIN = reverse("login")


@pytest.fixture
def auditor(users):
    user = users["auditor"]
    user.set_password(PASSWORD)
    user.save()
    return user


def with_password(user):
    user.set_password(PASSWORD)
    user.save()
    return user


def sign_in(client, username, password=PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def code_of(device, offset=0) -> str:
    """The code the user's authenticator app shows now (``offset`` steps of 30 s away)."""
    return f"{totp(device.bin_key, t0=device.t0, step=device.step, drift=offset):06d}"


def persian(code: str) -> str:
    return code.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))


def app_for(page: str) -> TOTPDevice:
    """The authenticator app of whoever read the enrolment ``page``: the key shown, as an
    (unsaved) device, to compute its codes."""
    grouped = re.search(r'font-monospace fs-5">([A-Z2-7 ]+)</bdi>', page).group(1)
    secret = grouped.replace(" ", "")
    key = base64.b32decode(secret + "=" * (-len(secret) % 8)).hex()
    return TOTPDevice(key=key)


def device_for(user):
    return TOTPDevice.objects.create(user=user, name="گوشی", confirmed=True)


# --------------------------------------------------------------------------------------------------
# Lockout


def test_a_hundred_wrong_passwords_lock_the_account_and_the_right_one_is_then_refused(
    client, auditor
):
    answers = [sign_in(client, "auditor", WRONG).status_code for _ in range(100)]
    # Four refusals on the form, then the fifth failure locks: every later try meets the lock.
    assert answers[:4] == [200] * 4
    assert set(answers[4:]) == {429}

    response = sign_in(client, "auditor", PASSWORD)
    assert response.status_code == 429
    page = response.content.decode()
    assert "ورود موقتاً قفل شد" in page
    assert "۳۰ دقیقه" in page
    assert "مدیر فنی سامانه" in page
    assert '<html lang="fa" dir="rtl"' in page
    # Not signed in: the work queue still asks for the sign-in.
    assert client.get(reverse("home"))["Location"].startswith(LOGIN)
    assert Event.objects.filter(action="sign_in_failed").count() == 101
    assert Event.objects.filter(action="sign_in_locked").count() == 1


def test_the_same_user_from_another_address_still_signs_in(client, auditor):
    for _ in range(5):
        sign_in(client, "auditor", WRONG, REMOTE_ADDR="10.0.0.66")
    assert sign_in(client, "auditor", PASSWORD, REMOTE_ADDR="10.0.0.66").status_code == 429

    desk = Client(REMOTE_ADDR="10.0.0.7")
    response = sign_in(desk, "auditor", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_guesses_spread_over_many_addresses_lock_the_username_everywhere(auditor):
    # Four guesses from each of five addresses: no address reaches its limit of five, but the
    # twentieth failure of one username from anywhere locks it at every address.
    answers = []
    for host in range(5):
        attacker = Client(REMOTE_ADDR=f"198.51.100.{host}")
        answers += [sign_in(attacker, "auditor", WRONG).status_code for _ in range(4)]
    assert answers == [200] * 19 + [429]
    desk = Client(REMOTE_ADDR="10.0.0.7")
    assert sign_in(desk, "auditor", PASSWORD).status_code == 429
    locked = Event.objects.get(action="sign_in_locked")
    assert "از هر نشانی" in locked.reason
    call_command("axes_reset_username", "auditor")
    assert sign_in(desk, "auditor", PASSWORD).status_code == 302


def test_a_client_cannot_dodge_the_lock_with_a_forwarded_for_header(client, auditor):
    for hop in range(10):
        sign_in(client, "auditor", WRONG, HTTP_X_FORWARDED_FOR=f"10.9.9.{hop}")
    assert sign_in(client, "auditor", PASSWORD, HTTP_X_FORWARDED_FOR="10.9.9.99").status_code == 429


def test_behind_the_tls_proxy_the_address_the_proxy_appended_counts(client, auditor, settings):
    settings.TLS_PROXY = True
    for _ in range(5):
        # What the client wrote first changes each time; the proxy's hop is the same address.
        sign_in(client, "auditor", WRONG, HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.5")
    locked = sign_in(client, "auditor", PASSWORD, HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.5")
    assert locked.status_code == 429
    elsewhere = sign_in(client, "auditor", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.6")
    assert elsewhere.status_code == 302


def test_a_success_resets_the_count(client, users):
    expert = with_password(users["expert_a"])
    for _ in range(4):
        sign_in(client, expert.username, WRONG)
    assert sign_in(client, expert.username).status_code == 302
    client.post(reverse("logout"))
    for _ in range(4):
        assert sign_in(client, expert.username, WRONG).status_code == 200
    assert sign_in(client, expert.username).status_code == 302


def test_the_lock_ends_after_the_cool_off(client, users):
    expert = with_password(users["expert_a"])
    for _ in range(5):
        sign_in(client, expert.username, WRONG)
    assert sign_in(client, expert.username).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=31))
    assert sign_in(client, expert.username).status_code == 302


def test_the_it_admin_unlocks_a_user_with_axes_reset_username(client, auditor):
    for _ in range(5):
        sign_in(client, "auditor", WRONG)
    assert sign_in(client, "auditor").status_code == 429
    call_command("axes_reset_username", "auditor")
    assert sign_in(client, "auditor").status_code == 302


# --------------------------------------------------------------------------------------------------
# Failed sign-ins in the log and the audit trail, never the password


def test_a_failed_sign_in_is_logged_and_recorded_without_the_password(client, auditor, caplog):
    with caplog.at_level(logging.WARNING, logger="accounts.signin"):
        sign_in(client, "auditor", WRONG, REMOTE_ADDR="10.1.2.3")
    lines = [r.getMessage() for r in caplog.records if r.name == "accounts.signin"]
    assert lines == ["sign-in failed for username 'auditor' from 10.1.2.3"]
    assert caplog.records[-1].levelname == "WARNING"

    event = Event.objects.get(action="sign_in_failed")
    assert event.kind == "security"
    assert event.label == "ورود ناموفق"
    assert event.account == auditor
    assert event.actor is None
    assert {c["field"]: c["new"] for c in event.changes} == {
        "username": "auditor",
        "address": "10.1.2.3",
    }
    assert WRONG not in caplog.text
    assert WRONG not in str(Event.objects.values())
    assert WRONG not in str(AccessAttempt.objects.values())


def test_a_failure_for_an_unknown_username_is_recorded_hashed_with_no_account(client, caplog):
    # A password or an identity number typed into the username box is kept nowhere in clear.
    typed = "MyPass-0012345678"
    with caplog.at_level(logging.INFO):
        sign_in(client, typed, WRONG)
    token = typed_username(typed, None)
    assert token.startswith("[#") and len(token) == 19
    assert f"username '{token}'" in caplog.text
    assert typed not in caplog.text
    event = Event.objects.get(action="sign_in_failed")
    assert event.account is None
    assert token in event.reason
    assert {c["field"]: c["new"] for c in event.changes}["username"] == token
    assert typed not in str(Event.objects.values())
    # The same name typed again leaves the same token: an auditor can see repeated tries.
    assert typed_username(typed, None) == token != typed_username("other", None)


def test_many_unknown_usernames_from_one_address_lock_that_address(client, auditor, settings):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 12
    for n in range(11):
        assert sign_in(client, f"guess{n}", WRONG, REMOTE_ADDR="10.6.6.6").status_code == 200
    assert sign_in(client, "guess11", WRONG, REMOTE_ADDR="10.6.6.6").status_code == 429
    # Every username from that address now, the real one with its password too.
    assert sign_in(client, "guess99", WRONG, REMOTE_ADDR="10.6.6.6").status_code == 429
    assert sign_in(client, "auditor", REMOTE_ADDR="10.6.6.6").status_code == 429
    locked = Event.objects.get(action="sign_in_locked")
    assert locked.account is None
    assert "از نشانی 10.6.6.6 با هر نام کاربری" in locked.reason
    assert "guess" not in str(Event.objects.values())
    # Another address is not locked.
    assert sign_in(Client(), "auditor", REMOTE_ADDR="10.7.7.7").status_code == 302


def test_the_lockout_is_recorded_once(client, auditor, caplog):
    with caplog.at_level(logging.WARNING, logger="accounts.signin"):
        for _ in range(30):
            sign_in(client, "auditor", WRONG)
    locked = Event.objects.get(action="sign_in_locked")
    assert locked.kind == "security"
    assert locked.account == auditor
    assert "۳۰" in locked.reason or "30" in locked.reason
    assert "sign-in locked for username 'auditor' from 127.0.0.1 for 30 minutes" in caplog.text
    # Every try is a failure, those during the lock too (and each restarts the cool-off).
    assert Event.objects.filter(action="sign_in_failed").count() == 30


def test_a_successful_sign_in_is_logged(client, users, caplog):
    expert = with_password(users["expert_a"])
    with caplog.at_level(logging.INFO, logger="accounts.signin"):
        sign_in(client, expert.username)
    assert "sign-in of 'expert_a' from 127.0.0.1" in caplog.text


# --------------------------------------------------------------------------------------------------
# The second factor


def test_an_expert_signs_in_with_the_password_alone(client, users):
    expert = with_password(users["expert_a"])
    response = sign_in(client, expert.username)
    assert response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.parametrize("role", ["secretary_a", "enforcement_a"])
def test_secretaries_and_liaisons_need_no_second_factor(client, users, role):
    sign_in(client, with_password(users[role]).username)
    assert client.get(reverse("home")).status_code == 200


def test_a_supervisor_without_a_device_enrols_before_anything_else(client, users):
    supervisor = with_password(users["supervisor_a"])
    sign_in(client, supervisor.username)

    # The work queue (and any other page) sends them to the code page, which sends them on to
    # the enrolment: they have no device yet.
    queue = client.get(reverse("home"))
    assert queue.status_code == 302
    assert queue["Location"].startswith(reverse("second_factor"))
    response = client.get(queue["Location"], follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("second_factor_enrol"))
    page = response.content.decode()
    assert "فعال کردن ورود دومرحله‌ای" in page
    assert 'src="data:image/svg+xml' in page
    # Nothing saved until a code confirms the key: no device row holds it meanwhile.
    assert not TOTPDevice.objects.filter(user=supervisor).exists()
    # The secret as text, in groups of four, left to right, for typing by hand.
    assert '<bdi dir="ltr"' in page
    app = app_for(page)
    assert 'name="key"' not in page and app.key not in page

    enrol = reverse("second_factor_enrol")
    wrong = client.post(enrol, {"code": "000000" if code_of(app) != "000000" else "111111"})
    assert wrong.status_code == 200
    assert "کد نادرست است" in wrong.content.decode()
    assert client.get(reverse("home")).status_code == 302
    assert not TOTPDevice.objects.filter(user=supervisor).exists()
    # A wrong code shows the same key again: the one the user has just scanned.
    assert app_for(wrong.content.decode()).key == app.key

    done = client.post(enrol, {"code": code_of(app)})
    assert done["Location"] == reverse("home")
    device = TOTPDevice.objects.get(user=supervisor)
    assert device.confirmed and device.key == app.key
    event = Event.objects.get(action="totp_enrolled")
    assert event.kind == "account"
    assert event.account == supervisor
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.parametrize("role", ["supervisor_a", "national", "registry", "auditor"])
def test_the_roles_that_need_it_are_asked_for_the_code(client, users, role):
    user = with_password(users[role])
    device = device_for(user)
    response = sign_in(client, user.username)
    queue = client.get(response["Location"])
    assert queue["Location"].startswith(reverse("second_factor"))
    page = client.get(queue["Location"])
    assert page.status_code == 200
    assert "کد ورود دومرحله‌ای" in page.content.decode()

    # Typed as the phone shows it, in Persian digits, with a space in the middle.
    code = persian(code_of(device))
    done = client.post(queue["Location"], {"code": f"{code[:3]} {code[3:]}"})
    assert done["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_a_wrong_code_is_refused_in_persian_and_the_next_try_must_wait(client, users):
    supervisor = with_password(users["supervisor_a"])
    device = device_for(supervisor)
    sign_in(client, supervisor.username)
    url = reverse("second_factor")
    right = code_of(device)
    wrong = client.post(url, {"code": "123456" if right != "123456" else "654321"})
    assert wrong.status_code == 200
    assert "کد نادرست است یا زمان آن گذشته است" in wrong.content.decode()
    # The device's throttling: straight after a wrong code, even the right one waits.
    throttled = client.post(url, {"code": right})
    assert "صبر کنید" in throttled.content.decode()
    assert client.get(reverse("home")).status_code == 302
    short = client.post(url, {"code": "12"})
    assert "کد شش رقم است" in short.content.decode()


def test_the_code_page_sends_on_to_the_page_asked_for(client, users, case_in):
    supervisor = with_password(users["supervisor_a"])
    device = device_for(supervisor)
    sign_in(client, supervisor.username)
    cases = reverse("cases:list")
    asked = client.get(cases)
    done = client.post(asked["Location"], {"code": code_of(device)})
    assert done["Location"] == cases


def test_the_code_page_does_not_send_on_to_another_site(client, users):
    supervisor = with_password(users["supervisor_a"])
    device = device_for(supervisor)
    sign_in(client, supervisor.username)
    done = client.post(
        reverse("second_factor") + "?next=https://evil.example/", {"code": code_of(device)}
    )
    assert done["Location"] == reverse("home")


def test_the_admin_site_needs_the_code_from_the_it_admin(client, it_admin):
    with_password(it_admin)
    device = device_for(it_admin)
    sign_in(client, it_admin.username)
    admin = client.get("/admin/")
    assert admin.status_code == 302
    assert admin["Location"].startswith(reverse("second_factor"))
    client.post(admin["Location"], {"code": code_of(device)})
    assert client.get("/admin/").status_code == 200


def test_the_admin_sign_in_page_is_locked_out_too(client, it_admin):
    with_password(it_admin)
    admin_login = reverse("admin:login")
    for _ in range(5):
        client.post(admin_login, {"username": it_admin.username, "password": WRONG})
    response = client.post(admin_login, {"username": it_admin.username, "password": PASSWORD})
    assert response.status_code == 429


def test_signing_out_is_open_before_the_code(client, users):
    supervisor = with_password(users["supervisor_a"])
    device_for(supervisor)
    sign_in(client, supervisor.username)
    assert client.post(reverse("logout"))["Location"] == reverse("login")
    assert client.get(reverse("home"))["Location"].startswith(LOGIN)


def test_the_it_admin_removes_a_lost_device_in_the_admin_and_it_is_recorded(users, it_admin):
    admin = Client()
    admin.force_login(it_admin)
    supervisor = with_password(users["supervisor_a"])
    lost = device_for(supervisor)
    url = reverse("admin:otp_totp_totpdevice_delete", args=[lost.pk])
    assert admin.get(url).status_code == 200
    assert admin.post(url, {"post": "yes"}).status_code == 302
    assert not TOTPDevice.objects.filter(user=supervisor).exists()
    event = Event.objects.get(action="totp_removed")
    assert (event.account, event.actor) == (supervisor, it_admin)

    client = Client()
    sign_in(client, supervisor.username)
    assert client.get(reverse("second_factor"))["Location"].startswith(
        reverse("second_factor_enrol")
    )


def test_the_it_admin_sees_the_lockouts_in_the_admin(client, auditor, it_admin):
    for _ in range(5):
        sign_in(client, "auditor", WRONG)
    admin = Client()
    admin.force_login(it_admin)
    page = admin.get(reverse("admin:axes_accessattempt_changelist"))
    assert page.status_code == 200
    assert "auditor" in page.content.decode()


def test_a_code_is_good_once(client, users):
    supervisor = with_password(users["supervisor_a"])
    device = device_for(supervisor)
    sign_in(client, supervisor.username)
    code = code_of(device)
    assert client.post(reverse("second_factor"), {"code": code})["Location"] == reverse("home")
    client.post(reverse("logout"))

    # Someone who watched the code typed, with the password, a moment later:
    sign_in(client, supervisor.username)
    replay = client.post(reverse("second_factor"), {"code": code})
    assert replay.status_code == 200
    assert "کد نادرست است" in replay.content.decode()
    assert client.get(reverse("home")).status_code == 302


def test_a_password_with_a_bidi_control_is_a_wrong_password_counted_as_a_failure(client, auditor):
    response = sign_in(client, "auditor", "wrong\u202epass", REMOTE_ADDR="10.1.2.9")
    assert response.status_code == 200
    page = response.content.decode()
    assert "نام کاربری یا گذرواژه نادرست است." in page
    assert "نویسه" not in page
    assert AccessAttempt.objects.get(username="auditor").failures_since_start == 1
    assert Event.objects.filter(action="sign_in_failed", account=auditor).count() == 1


def test_each_display_of_the_enrolment_shows_a_fresh_key_and_only_the_last_one_confirms(
    client, users, django_capture_on_commit_callbacks, mailoutbox
):
    supervisor = with_password(users["supervisor_a"])
    supervisor.email = "supervisor@example.org"
    supervisor.save()
    enrol = reverse("second_factor_enrol")
    # Someone with only the password reads the key, then signs out (or keeps their session).
    intruder = Client()
    sign_in(intruder, supervisor.username)
    harvested = app_for(intruder.get(enrol).content.decode())

    sign_in(client, supervisor.username)
    first = app_for(client.get(enrol).content.decode())
    second = app_for(client.get(enrol).content.decode())
    assert len({harvested.key, first.key, second.key}) == 3
    assert not TOTPDevice.objects.filter(user=supervisor).exists()

    # A code from the key shown before is refused once another has been shown.
    stale = client.post(enrol, {"code": code_of(first)})
    assert stale.status_code == 200
    assert "کد نادرست است" in stale.content.decode()
    assert not TOTPDevice.objects.filter(user=supervisor).exists()

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(enrol, {"code": code_of(second)})
    assert done["Location"] == reverse("home")
    device = TOTPDevice.objects.get(user=supervisor)
    assert device.confirmed and device.key == second.key
    assert Event.objects.get(action="totp_enrolled").account == supervisor
    assert [m.to for m in mailoutbox] == [["supervisor@example.org"]]
    assert "ورود دومرحله‌ای" in mailoutbox[0].subject

    # The harvested key is worth nothing: its enrolment is refused, its codes do not sign in.
    late = intruder.post(enrol, {"code": code_of(harvested)})
    assert late["Location"].startswith(reverse("second_factor"))
    assert TOTPDevice.objects.filter(user=supervisor).count() == 1
    refused = intruder.post(reverse("second_factor"), {"code": code_of(harvested)})
    assert "کد نادرست است" in refused.content.decode()
    assert intruder.get(reverse("home")).status_code == 302


def test_an_unconfirmed_device_left_by_the_old_enrolment_page_is_not_shown_and_goes(client, users):
    supervisor = with_password(users["supervisor_a"])
    old = TOTPDevice.objects.create(user=supervisor, name="برنامه احراز هویت", confirmed=False)
    sign_in(client, supervisor.username)
    enrol = reverse("second_factor_enrol")
    app = app_for(client.get(enrol).content.decode())
    assert app.key != old.key
    assert client.post(enrol, {"code": code_of(app)})["Location"] == reverse("home")
    assert list(TOTPDevice.objects.filter(user=supervisor).values_list("key", "confirmed")) == [
        (app.key, True)
    ]


def test_the_it_admin_cannot_add_a_device_or_set_its_key_and_each_change_is_recorded(
    users, it_admin
):
    admin = Client()
    admin.force_login(it_admin)
    auditor = users["auditor"]
    device = device_for(auditor)
    assert admin.get(reverse("admin:otp_totp_totpdevice_add")).status_code == 403
    known = "00" * 20
    added = admin.post(
        reverse("admin:otp_totp_totpdevice_add"),
        {
            "user": auditor.pk,
            "name": "x",
            "key": known,
            "confirmed": "on",
            "step": 30,
            "t0": 0,
            "digits": 6,
            "tolerance": 1,
            "drift": 0,
            "throttling_failure_count": 0,
        },
    )
    assert added.status_code == 403
    # Neither the key nor its QR code is shown.
    change = reverse("admin:otp_totp_totpdevice_change", args=[device.pk])
    page = admin.get(change).content.decode()
    assert device.key not in page
    assert admin.get(f"{change.rsplit('/change/', 1)[0]}/config/").status_code == 403

    unconfirmed = device_for(users["supervisor_a"])
    unconfirmed.confirmed = False
    unconfirmed.save()
    for target in (device, unconfirmed):
        response = admin.post(
            reverse("admin:otp_totp_totpdevice_change", args=[target.pk]),
            {
                "user": it_admin.pk,
                "name": "گوشی تازه",
                "key": known,
                "confirmed": "on",
                "step": 60,
                "digits": 8,
                "tolerance": 1,
                "drift": 0,
                "throttling_failure_count": 0,
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
    device.refresh_from_db()
    unconfirmed.refresh_from_db()
    assert (device.key, device.user, device.step, device.digits) != (known, it_admin, 60, 8)
    assert device.user == auditor and device.key != known
    assert unconfirmed.key != known and not unconfirmed.confirmed
    assert device.name == "گوشی تازه"
    events = Event.objects.filter(action="totp_changed").order_by("pk")
    assert [(e.kind, e.actor, e.account) for e in events] == [
        ("account", it_admin, auditor),
        ("account", it_admin, users["supervisor_a"]),
    ]
    assert {c["field"]: (c["old"], c["new"]) for c in events[0].changes} == {
        "name": ("گوشی", "گوشی تازه")
    }


@pytest.mark.parametrize("length", [151, 256, 300, 10_000])
def test_a_username_too_long_for_any_account_is_a_persian_form_error(client, length):
    """Past 255 characters axes' insert failed on PostgreSQL: a 500 (issue 21)."""
    response = sign_in(client, "a" * length, WRONG)
    assert response.status_code == 200
    assert "این متن بیش از ۱۵۰ نویسه است" in response.content.decode()


def test_the_admin_sign_in_counts_a_long_username_cut_to_what_axes_keeps(client):
    response = client.post(reverse("admin:login"), {"username": "b" * 300, "password": WRONG})
    assert response.status_code == 200
    assert AccessAttempt.objects.get().username == "b" * 255


def test_the_session_key_changes_when_the_code_passes(client, users, settings):
    """Issue 21: a session key known before the code (fixed, or read off the half-signed-in
    session) must not be the signed-in one. The old key no longer reaches anything."""
    supervisor = with_password(users["supervisor_a"])
    device = device_for(supervisor)
    sign_in(client, supervisor.username)
    before = client.cookies[settings.SESSION_COOKIE_NAME].value
    done = client.post(reverse("second_factor"), {"code": code_of(device)})
    assert done.status_code == 302
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert client.get(reverse("home")).status_code == 200
    stale = Client()
    stale.cookies[settings.SESSION_COOKIE_NAME] = before
    assert stale.get(reverse("home")).status_code == 302  # to the sign-in page


def test_the_session_key_changes_when_a_first_device_is_enrolled(client, users, settings):
    supervisor = with_password(users["supervisor_a"])
    sign_in(client, supervisor.username)
    page = client.get(reverse("second_factor_enrol")).content.decode()
    before = client.cookies[settings.SESSION_COOKIE_NAME].value
    app = app_for(page)
    done = client.post(reverse("second_factor_enrol"), {"code": code_of(app)})
    assert done.status_code == 302
    assert client.cookies[settings.SESSION_COOKIE_NAME].value != before
