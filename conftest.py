"""Shared fixtures: provinces, one user per role and province, and cases walked to any state.

Tests that need the real PostgreSQL or Redis skip without them, unless REQUIRE_SERVICES is set
(``.ci/run`` sets it): then a missing service fails the run instead of skipping silently.
"""

import contextlib
import os

import pytest
from django.contrib.auth.models import Group

from accounts.roles import Role
from cases import services
from cases.choices import CaseState
from people.tests import factories
from reference.models import Province
from revocation.demo.najva import settle as najva_settle
from revocation.demo.walk import STEPS_TO, Actors, attach_required_evidence, source_for, walk

# Playwright's sync API runs an event loop in the test thread; the browser tests still use the ORM
# synchronously around it (database setup, factories), which Django allows only with this set.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def require(condition: bool, reason: str) -> None:
    """Skip when a real service is missing, or fail when the run requires the services."""
    if condition:
        return
    if os.environ.get("REQUIRE_SERVICES"):
        pytest.fail(f"REQUIRE_SERVICES is set but {reason}")
    pytest.skip(reason)


@pytest.fixture
def postgres(django_db_blocker):
    from django.db import connection

    require(connection.vendor == "postgresql", "this test needs PostgreSQL (set DATABASE_URL)")
    return connection


@pytest.fixture(scope="session", autouse=True)
def _checked_wiring():
    """The start-up checks of the kernel (cases.workflow.checks) before any test, as
    ``manage.py check`` runs them: a step whose proof has no verifier fails the run here."""
    from django.core import checks

    errors = checks.run_checks(tags=["workflow"])
    assert not errors, "\n".join(str(error) for error in errors)


@pytest.fixture(autouse=True)
def _eager_celery(request):
    """Tasks run in-process in tests, except in the ones that start a real worker."""
    from revocation.celery import app

    eager = "redis" not in request.keywords
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = eager
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # What the app writes under its data directory at run time (the audit chain's daily heads,
    # backups) goes to the test's own folder, never to the checkout's var/.
    settings.DATA_DIR = tmp_path / "data"
    # Tests render pages without running collectstatic first.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _force_login_passes_the_second_factor(monkeypatch):
    """``client.force_login(user)`` stands for a user fully signed in: for a role that needs a
    second factor, the session has passed it too, with a confirmed device made for the purpose.
    The tests of the second factor itself (accounts/tests/test_signin.py) and the browser
    journeys sign in through the forms instead, typing a real code."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.permissions import needs_second_factor

    force_login = Client.force_login

    def force_login_verified(self, user, backend=None):
        force_login(self, user, backend)
        if needs_second_factor(user):
            device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
            if device is None:
                device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()

    monkeypatch.setattr(Client, "force_login", force_login_verified)


@pytest.fixture
def private_storage(settings, tmp_path):
    """Uploaded and generated files (evidence, minutes, scans) in the test's own folder."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "files", "base_url": None},
        },
    }


@pytest.fixture
def reference_data(db):
    """Provinces, document types and border points, as the data migration loads them.

    Loaded again here because a transactional test's flush empties those tables.
    """
    load_reference_data()


def load_reference_data():
    from importlib import import_module

    from django.apps import apps

    import_module("reference.migrations.0002_reference_data").load(apps, None)


@pytest.fixture
def tehran(reference_data):
    return Province.objects.get(slug="tehran")


@pytest.fixture
def isfahan(reference_data):
    return Province.objects.get(slug="isfahan")


def make_user(username, role, province=None):
    user = factories.UserFactory(username=username, province=province)
    user.groups.add(Group.objects.get(name=role))
    return type(user).objects.get(pk=user.pk)  # roles are cached per instance


@pytest.fixture
def it_admin(reference_data):
    """The IT administrator: staff and superuser, holding no case role."""
    return factories.UserFactory(username="it_admin", is_staff=True, is_superuser=True)


@pytest.fixture
def users(tehran, isfahan):
    """One user per role: provincial roles in Tehran (``*_a``) and Isfahan (``*_b``)."""
    return make_users(tehran, isfahan)


def make_users(tehran, isfahan):
    return {
        "expert_a": make_user("expert_a", Role.EXPERT, tehran),
        "expert_b": make_user("expert_b", Role.EXPERT, isfahan),
        "secretary_a": make_user("secretary_a", Role.SECRETARY, tehran),
        "secretary_b": make_user("secretary_b", Role.SECRETARY, isfahan),
        "supervisor_a": make_user("supervisor_a", Role.SUPERVISOR, tehran),
        "supervisor_b": make_user("supervisor_b", Role.SUPERVISOR, isfahan),
        "enforcement_a": make_user("enforcement_a", Role.ENFORCEMENT, tehran),
        "enforcement_b": make_user("enforcement_b", Role.ENFORCEMENT, isfahan),
        "national": make_user("national", Role.NATIONAL_SECRETARIAT),
        "registry": make_user("registry", Role.REGISTRY_OPERATOR),
        "auditor": make_user("auditor", Role.AUDITOR),
    }


def actors_of(users, suffix):
    """Who takes each kind of step on the cases of one province (``a``: Tehran, ``b``: Isfahan)."""
    return Actors(
        expert=users[f"expert_{suffix}"],
        secretary=users[f"secretary_{suffix}"],
        supervisor=users[f"supervisor_{suffix}"],
        national=users["national"],
        registry=users["registry"],
        enforcement=users[f"enforcement_{suffix}"],
    )


@pytest.fixture
def actors_a(users):
    return actors_of(users, "a")


@pytest.fixture
def actors_b(users):
    return actors_of(users, "b")


@pytest.fixture
def offences(db):
    return make_offences()


def make_offences():
    factories.OffenceTypeFactory(version_year=1404, code="01", title="خروج غیرقانونی از کشور")
    return [
        factories.OffenceTypeFactory(
            version_year=1405, code="01", title="خروج غیرمجاز از مرزهای کشور"
        ),
        factories.OffenceTypeFactory(version_year=1405, code="02", title="جعل مدرک"),
    ]


@pytest.fixture
def case_in(actors_a, offences):
    """``case_in(state)``: a Tehran case with a two-person household, walked to ``state``."""

    def make(state, *, actors=None, source_type=None, subjects=None):
        return walk_new_case(state, actors or actors_a, source_type=source_type, subjects=subjects)

    return make


def walk_new_case(state, actors, *, source_type=None, subjects=None):
    """A new case of the actors' province with a two-person household, walked to ``state``."""
    subjects = subjects or factories.household_with_members(2, province=actors.expert.province)
    case = services.case_open(
        by=actors.expert,
        source_type=source_type or source_for(state),
        source_reference=factories.reference(),
        source_date=factories.days_ago(20),
        subjects=subjects,
        # A test naming a person already on an open case means it: the warning it would get at
        # intake is tested in cases/tests/test_across_provinces.py.
        confirmed_open_cases=True,
    )
    attach_required_evidence(case, actors.expert)
    # Najva registers at once (the embedded registry), unless the case is to wait for it.
    settle = None if state == CaseState.AWAITING_NAJVA else najva_settle
    return walk(case, STEPS_TO[state], actors, settle=settle)


@contextlib.contextmanager
def made_once(django_db_blocker, folder):
    """What the tests of one module share, made once for them all (``case_in`` walks a case
    through real sessions, orders and PDFs: a second or more per case).

    The rows are made inside one transaction, rolled back when the module ends; each test runs in
    pytest-django's own transaction, which inside this one is a savepoint, so what a test changes
    is undone before the next test as when its rows were its own. Files written meanwhile go to
    ``folder``. A test reads the shared rows again from the database (never a kept instance,
    which an earlier test may have changed in memory).
    """
    from django.conf import settings
    from django.db import transaction
    from django.test import override_settings

    storages = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": folder / "files", "base_url": None},
        },
    }
    with django_db_blocker.unblock(), override_settings(STORAGES=storages):
        with transaction.atomic():
            yield
            transaction.set_rollback(True)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium: browser downloads are blocked here, so Playwright drives this one."""
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("CHROMIUM", "/usr/bin/chromium"),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }
