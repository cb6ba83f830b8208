"""The signed-in user is loaded in one query with their province and roles, and on PostgreSQL kept
in the process while the database's token is unchanged (accounts.usercache): whatever changes a
user, their roles, a group, a province or a second-factor device, by whatever route (the services,
the ORM, a queryset update, raw SQL), counts from the next page."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import usercache
from accounts.roles import Role
from accounts.services import account_set_roles

pytestmark = pytest.mark.django_db

User = get_user_model()


def user_queries(client, url, status=200) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == status
    return [q["sql"] for q in captured.captured_queries if 'FROM "accounts_user"' in q["sql"]]


def raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_a_role_taken_away_counts_from_the_next_page(client, users, case_in):
    from cases.choices import CaseState

    case = case_in(CaseState.RECEIVED)
    expert = users["expert_a"]
    client.force_login(expert)
    assert client.get(reverse("cases:detail", args=[case.number])).status_code == 200
    account_set_roles(by=None, user=expert, roles=[])
    assert client.get(reverse("cases:detail", args=[case.number])).status_code == 404
    account_set_roles(by=None, user=expert, roles=[Role.SECRETARY])
    page = client.get("/")
    assert page.context["user"].role_codes == frozenset({Role.SECRETARY.value})


def test_the_user_their_roles_and_province_are_one_query_then_kept(postgres, client, users):
    usercache.forget()
    client.force_login(users["expert_a"])
    (user_query,) = user_queries(client, "/")
    assert "ARRAY(" in user_query  # the roles, as an array of the groups' names
    assert '"reference_province"' in user_query  # the province, joined
    page = client.get(reverse("cases:list"))  # kept: no query of the user
    assert page.context["user"].role_codes == frozenset({Role.EXPERT.value})
    assert page.context["user"].province.name == "تهران"
    assert "تهران" in page.content.decode()
    assert user_queries(client, "/") == []


def test_switched_off_the_user_is_loaded_on_every_page(postgres, client, settings, users):
    """FAST_USERCACHE off (bench/pages.py --compare usercache): Django's path, nothing kept."""
    usercache.forget()
    settings.FAST_USERCACHE = False
    client.force_login(users["expert_a"])
    for _ in range(2):
        assert len(user_queries(client, "/")) == 1
    assert usercache._users == {}


def test_each_request_has_its_own_instance_of_a_kept_user(postgres, users):
    expert = users["expert_a"]
    from accounts.backends import UserWithProvinceBackend

    backend = UserWithProvinceBackend()
    backend.get_user(expert.pk)
    first, second = backend.get_user(expert.pk), backend.get_user(expert.pk)
    assert first is not second and first.province is not second.province
    first.first_name = "دیگر"
    first.province.name = "دیگر"
    assert backend.get_user(expert.pk).first_name == expert.first_name
    assert backend.get_user(expert.pk).province.name == "تهران"


@pytest.mark.parametrize(
    "change",
    [
        "deactivated by raw SQL",
        "deactivated by a queryset update",
        "password changed by save",
        "deactivated by save",
    ],
)
def test_an_account_changed_by_any_route_is_signed_out_at_the_next_page(
    postgres, client, users, change
):
    expert = users["expert_a"]
    client.force_login(expert)
    assert client.get("/").status_code == 200
    assert client.get("/").status_code == 200  # kept
    if change == "deactivated by raw SQL":
        raw("UPDATE accounts_user SET is_active = false WHERE id = %s", [expert.pk])
    elif change == "deactivated by a queryset update":
        User.objects.filter(pk=expert.pk).update(is_active=False)
    elif change == "password changed by save":
        expert.set_password("another-pass-1405")
        expert.save()
    else:
        expert.is_active = False
        expert.save()
    assert client.get("/").status_code == 302  # to the sign-in page


@pytest.mark.parametrize(
    "change", ["groups emptied by raw SQL", "group renamed by raw SQL", "a queryset delete"]
)
def test_roles_changed_by_any_route_count_at_the_next_page(
    postgres, client, users, case_in, change
):
    from cases.choices import CaseState

    case = case_in(CaseState.RECEIVED)
    expert = users["expert_a"]
    client.force_login(expert)
    url = reverse("cases:detail", args=[case.number])
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200  # kept
    if change == "groups emptied by raw SQL":
        raw("DELETE FROM accounts_user_groups WHERE user_id = %s", [expert.pk])
    elif change == "group renamed by raw SQL":
        raw("UPDATE auth_group SET name = 'renamed' WHERE name = %s", [Role.EXPERT.value])
    else:
        User.groups.through.objects.filter(user_id=expert.pk).delete()
    assert client.get(url).status_code == 404
    assert client.get("/").context["user"].role_codes == frozenset()


def test_a_province_renamed_by_raw_sql_shows_at_the_next_page(postgres, client, users):
    expert = users["expert_a"]
    client.force_login(expert)
    client.get("/")
    assert "استان تهران" in client.get("/").content.decode()
    raw("UPDATE reference_province SET name = 'تهران بزرگ' WHERE id = %s", [expert.province_id])
    assert "استان تهران بزرگ" in client.get("/").content.decode()


def test_a_second_factor_device_removed_by_raw_sql_counts_at_the_next_page(postgres, client, users):
    supervisor = users["supervisor_a"]
    client.force_login(supervisor)
    assert client.get("/").status_code == 200
    assert client.get("/").status_code == 200  # user and device kept
    raw("DELETE FROM otp_totp_totpdevice WHERE user_id = %s", [supervisor.pk])
    page = client.get("/")
    assert page.status_code == 302
    assert page.url.startswith(reverse("second_factor"))


def test_a_device_made_unconfirmed_counts_at_the_next_page(postgres, client, users):
    supervisor = users["supervisor_a"]
    client.force_login(supervisor)
    client.get("/")
    assert client.get("/").status_code == 200
    TOTPDevice.objects.filter(user=supervisor).update(confirmed=False)
    assert client.get("/").status_code == 302


def test_a_change_rolled_back_keeps_the_token_and_the_kept_user(postgres, client, users):
    client.force_login(users["expert_a"])
    client.get("/")
    before = usercache.token()
    try:
        with transaction.atomic():
            User.objects.filter(pk=users["expert_a"].pk).update(is_active=False)
            assert usercache.token() != before
            raise RuntimeError
    except RuntimeError:
        pass
    assert usercache.token() == before
    assert user_queries(client, "/") == []  # still kept


def test_a_token_row_gone_comes_back_with_a_new_token(postgres, client, users):
    client.force_login(users["expert_a"])
    client.get("/")
    raw("DELETE FROM accounts_authstate")
    assert client.get("/").status_code == 200
    assert usercache.token() is not None


def test_two_sessions_of_the_same_user_see_the_same_change(postgres, users):
    expert = users["expert_a"]
    first, second = Client(), Client()
    first.force_login(expert)
    second.force_login(expert)
    assert first.get("/").status_code == second.get("/").status_code == 200
    raw("UPDATE accounts_user SET is_active = false WHERE id = %s", [expert.pk])
    assert first.get("/").status_code == second.get("/").status_code == 302


def test_the_token_triggers_fire_in_replica_mode_too(postgres):
    """A bulk fix or a restore run with session_replication_role = replica (ordinary triggers
    off) still changes the token: each trigger is ENABLE ALWAYS ('A' in pg_trigger)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgrelid::regclass::text, tgenabled FROM pg_trigger "
            "WHERE tgname LIKE '%%_authstate' ORDER BY 1"
        )
        triggers = dict(cursor.fetchall())
    assert triggers == {
        "accounts_user": "A",
        "accounts_user_groups": "A",
        "auth_group": "A",
        "otp_totp_totpdevice": "A",
        "reference_province": "A",
    }


def test_a_kept_device_keeps_no_secret_key(postgres, client, users):
    supervisor = users["supervisor_a"]
    client.force_login(supervisor)
    assert client.get("/").status_code == 200
    kept = [entry for entry in usercache._devices.values() if entry[3][1][1] == supervisor.pk]
    assert kept and all("key" not in entry[3][0] for entry in kept)
    assert client.get("/").status_code == 200  # verified from what was kept
