"""Two database roles (issue 11, item 3): the owner migrates; the app's role owns nothing and
cannot erase, rewrite or switch off the audit trail, yet the whole case procedure runs as it.

The test's own connection is the owner's (``.ci/run`` migrates the test database as
``revocation_owner``); ``SET LOCAL ROLE`` makes the rest of the test's transaction run as the app's
role, exactly as the web and the worker connect in production.
"""

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from audit.chain import seal_all
from audit.models import Event
from cases.choices import CaseState
from conftest import require
from shared.dbroles import RoleMisconfigured, append_only_tables, grant_app_role

pytestmark = pytest.mark.postgres

APP_ROLE = "revocation_app"
PRIVILEGE = "SELECT has_table_privilege(%s, %s, %s)"


@pytest.fixture
def app_role(postgres, settings):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [APP_ROLE])
        exists = cursor.fetchone() is not None
    require(exists, f"the database role {APP_ROLE} is missing (.ci/run creates it)")
    settings.DATABASE_APP_ROLE = APP_ROLE
    # What `manage.py migrate` does at its end, whoever ran it before.
    call_command("migrate", verbosity=0)
    return APP_ROLE


def as_role(role):
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {connection.ops.quote_name(role)}")


def refused(sql) -> str:
    """The database's refusal of ``sql`` (the statement runs in a savepoint)."""
    with pytest.raises(DatabaseError) as raised:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    return str(raised.value)


@pytest.mark.django_db
def test_the_app_role_cannot_truncate_disable_the_trigger_update_or_delete_the_audit_trail(
    app_role, case_in
):
    case_in(CaseState.AWAITING_INQUIRIES)
    events = Event.objects.count()
    assert events > 0
    as_role(app_role)

    assert "permission denied for table audit_event" in refused("TRUNCATE audit_event")
    assert "must be owner of table audit_event" in refused(
        "ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only"
    )
    assert "must be owner" in refused("ALTER TABLE audit_event DISABLE TRIGGER ALL")
    assert "permission denied for table audit_event" in refused(
        "UPDATE audit_event SET reason = ''"
    )
    assert "permission denied for table audit_event" in refused("DELETE FROM audit_event")
    assert "must be owner" in refused("DROP TABLE audit_event")
    # Nor can it truncate any other table, or create one of its own to hide things in.
    assert "permission denied for table cases_case" in refused("TRUNCATE cases_case CASCADE")
    assert "permission denied for schema public" in refused("CREATE TABLE hidden (id int)")

    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, count(*) FROM audit_event GROUP BY 1")
        assert cursor.fetchone() == (app_role, events)


@pytest.mark.django_db
def test_the_whole_procedure_runs_as_the_app_role(app_role, actors_a, offences):
    from conftest import walk_new_case

    as_role(app_role)
    case = walk_new_case(CaseState.EXPELLED, actors_a)

    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        assert cursor.fetchone() == (app_role,)
    case.refresh_from_db()
    assert case.state == CaseState.EXPELLED
    assert case.events.filter(to_state=CaseState.EXPELLED).exists()
    # The sealer runs as it too (at each commit; this test's transaction never commits).
    assert seal_all()["events"] == Event.objects.count()
    assert "permission denied for table audit_seal" in refused("UPDATE audit_seal SET hash = ''")
    assert "permission denied for table audit_seal" in refused("DELETE FROM audit_seal")


@pytest.mark.django_db
def test_every_append_only_table_is_kept_from_update_and_delete(app_role):
    with connection.cursor() as cursor:
        guarded = append_only_tables(cursor)
        assert {"audit_event", "audit_read", "audit_seal", "audit_verification"} <= set(guarded)
        for table in guarded:
            for privilege in ("UPDATE", "DELETE", "TRUNCATE"):
                cursor.execute(
                    "SELECT has_table_privilege(%s, %s, %s)", [app_role, table, privilege]
                )
                assert cursor.fetchone() == (False,), (table, privilege)
            for privilege in ("SELECT", "INSERT"):
                cursor.execute(
                    "SELECT has_table_privilege(%s, %s, %s)", [app_role, table, privilege]
                )
                assert cursor.fetchone() == (True,), (table, privilege)
        cursor.execute(
            "SELECT count(*) FROM pg_class WHERE relowner = "
            "(SELECT oid FROM pg_roles WHERE rolname = %s)",
            [app_role],
        )
        assert cursor.fetchone() == (0,)


@pytest.mark.django_db
def test_the_owner_or_a_missing_role_is_refused_as_the_app_role(postgres):
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        (owner,) = cursor.fetchone()
    with pytest.raises(RoleMisconfigured, match="superuser nor the owner"):
        grant_app_role(owner)
    with pytest.raises(RoleMisconfigured, match="does not exist"):
        grant_app_role("no_such_role_here")


@pytest.mark.django_db
def test_signed_in_pages_and_a_role_taken_away_work_as_the_app_role(app_role, client, users):
    """As the app role: the session and the kept user's token, and the
    triggers that change the token when a user's roles change (accounts.usercache)."""
    from accounts.services import account_set_roles

    as_role(app_role)
    expert = users["expert_a"]
    client.force_login(expert)
    assert client.get("/").status_code == 200
    assert client.get(reverse("cases:list")).status_code == 200  # the user kept
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        assert cursor.fetchone() == (app_role,)
    account_set_roles(by=None, user=expert, roles=[])  # the trigger, as the app role
    assert client.get("/").context["user"].role_codes == frozenset()
