"""The project as a whole: settings from the environment, the home page, the roles, the diagram."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from accounts import permissions
from accounts.roles import ROLE_CAPABILITIES, Capability, Role
from cases.choices import CaseState
from cases.models import Case
from conftest import make_user

ROOT = Path(__file__).resolve().parent.parent


def settings_under(env: dict) -> dict:
    """Import the settings in a fresh interpreter with only ``env`` set."""
    code = (
        "import json; from django.conf import settings as s; "
        "print(json.dumps({'db': s.DATABASES['default']['ENGINE'], "
        "'eager': s.CELERY_TASK_ALWAYS_EAGER, 'broker': s.CELERY_BROKER_URL, "
        "'lang': s.LANGUAGE_CODE, 'tz': s.TIME_ZONE, 'use_tz': s.USE_TZ, 'debug': s.DEBUG, "
        "'hosts': s.ALLOWED_HOSTS, 'sessions': s.SESSION_ENGINE, "
        "'cache': s.CACHES['default']['BACKEND'], "
        "'cache_at': s.CACHES['default'].get('LOCATION', '')}))"
    )
    base = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "revocation.settings"}
    base["REVOCATION_DATA_DIR"] = os.environ.get("REVOCATION_DATA_DIR", str(ROOT / "var"))
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code],
        env={**base, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def test_with_nothing_set_it_runs_embedded():
    embedded = settings_under({})
    assert embedded["db"] == "django.db.backends.sqlite3"
    assert embedded["eager"] is True
    assert embedded["broker"] == "memory://localhost/"
    assert (embedded["lang"], embedded["tz"], embedded["use_tz"]) == ("fa", "Asia/Tehran", True)
    assert embedded["debug"] is False
    # No Redis: sessions in the database, never in a per-process cache another worker can't see.
    assert embedded["sessions"] == "django.contrib.sessions.backends.db"
    assert embedded["cache"] == "django.core.cache.backends.locmem.LocMemCache"


def test_the_environment_selects_postgresql_and_a_real_broker():
    configured = settings_under(
        {
            "DATABASE_URL": "postgres://u:p@db:5432/revocation",
            "REDIS_URL": "redis://redis:6379/0",
            "DJANGO_ALLOWED_HOSTS": "revocation.example,127.0.0.1",
            "DJANGO_DEBUG": "true",
        }
    )
    assert configured["db"] == "shared.postgresql"
    assert configured["eager"] is False
    assert configured["broker"] == "redis://redis:6379/0"
    assert configured["hosts"] == ["revocation.example", "127.0.0.1"]
    assert configured["debug"] is True
    # Sessions in the database (Django's engine, docs/perf-internals.md); the cache in its own
    # Redis database, so that clearing it never flushes Celery's queues.
    assert configured["sessions"] == "django.contrib.sessions.backends.db"
    assert configured["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert configured["cache_at"] == "redis://redis:6379/1"


@pytest.mark.django_db
def test_each_role_is_a_group_that_grants_exactly_its_capabilities_in_code(tehran):
    """A role is held through its group; what it may do is ROLE_CAPABILITIES, not the group's
    Django permissions (the groups carry none, so editing one cannot widen a role)."""
    for role in Role:
        group = Group.objects.get(name=role)
        assert not group.permissions.exists(), role
        user = make_user(f"holder_{role.value}", role, tehran)
        held = {c for c in Capability if permissions.can(user, c)}
        assert held == set(ROLE_CAPABILITIES[role]), role
    assert ROLE_CAPABILITIES[Role.AUDITOR] == {Capability.VIEW_CASE}  # the auditor only reads


@pytest.mark.django_db
def test_the_home_page_sends_a_visitor_to_the_persian_sign_in(client):
    page = client.get("/", follow=True)
    html = page.content.decode()
    assert page.redirect_chain == [("/accounts/login/?next=/", 302)]
    assert '<html lang="fa" dir="rtl">' in html
    assert "ورود به سامانه" in html
    assert "ابطال مدارک و لغو پناهندگی اتباع خارجی" in html


@pytest.mark.django_db
def test_the_home_page_counts_the_users_cases_by_state(client, case_in, actors_a, actors_b):
    case_in(CaseState.RECEIVED)
    case_in(CaseState.RECEIVED)
    case_in(CaseState.RECEIVED, actors=actors_b)
    client.force_login(actors_a.expert)
    html = client.get("/").content.decode()
    row = re.search(r'data-state="received">\s*<td>([^<]+)</td>\s*<td>([^<]+)</td>', html)
    assert row.groups() == ("دریافت‌شده", "۲")  # Isfahan's case is not counted
    assert re.search(r"امروز .*۱۴\d\d", html)  # a Solar Hijri date in Persian digits
    assert Case.objects.count() == 3


@pytest.mark.django_db
def test_the_admin_serves_its_persian_login(client):
    page = client.get(reverse("admin:login"))
    assert page.status_code == 200
    assert 'dir="rtl"' in page.content.decode()


def test_the_readme_diagram_matches_the_state_machine(capsys):
    call_command("graph_transitions", "cases.Case")
    generated = capsys.readouterr().out
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"```dot\n(.*?)```", readme, re.S)
    assert block, "README.md has no ```dot block"
    # graph_transitions lists nodes and edges in no fixed order: compare them as sets.
    assert sorted(block.group(1).strip().splitlines()) == sorted(generated.strip().splitlines())
    svg = (ROOT / "docs" / "state-diagram.svg").read_text()
    for name in {t.name for t in Case(state="received").get_all_state_transitions()}:
        assert f">{name}<" in svg, f"docs/state-diagram.svg lacks {name}: run make diagram"


def test_collectstatic_succeeds_with_the_manifest_storage(tmp_path):
    """make run and the compose web service collect static files with hashed names: every file a
    vendored asset names (source maps, fonts) must be there."""
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "revocation.settings",
        "REVOCATION_DATA_DIR": str(tmp_path),
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    manifest = json.loads((tmp_path / "staticfiles" / "staticfiles.json").read_text())
    for name in [
        "vendor/bootstrap/bootstrap.rtl.min.css",
        "vendor/htmx/htmx.min.js",
        "fonts/vazirmatn/Vazirmatn-Regular.woff2",
        "css/site.css",
    ]:
        assert name in manifest["paths"]


def test_every_folder_of_tests_is_collected_by_a_bare_pytest():
    """`make test` and CI run bare `pytest`: an app whose tests are not in ``testpaths`` would
    pass CI without them ever running."""
    import configparser

    config = configparser.ConfigParser()
    config.read(ROOT / "pytest.ini")
    testpaths = set(config["pytest"]["testpaths"].split())
    with_tests = {
        path.parent.parent.name
        for path in ROOT.glob("*/tests/__init__.py")
        if not path.parent.parent.name.startswith(".")
    }
    assert with_tests - testpaths == set()
    assert (ROOT / "tests").is_dir() and "tests" in testpaths
