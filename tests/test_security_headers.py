"""The headers every page is sent with, and the deployment settings (issue 11, item 7): a strict
Content-Security-Policy with no inline script, a Permissions-Policy, HSTS and an HTTPS redirect in
production, the example secret key refused, and `check --deploy` clean."""

import os
import re
import subprocess
import sys

import pytest
from django.conf import settings

from cases.choices import CaseState

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_storage")]


def test_every_page_forbids_inline_script_and_the_devices(client, users, case_in):
    case = case_in(CaseState.EXPERT_REVIEW)
    client.force_login(users["expert_a"])
    for url in ("/", case.get_absolute_url(), "/cases/", "/accounts/login/"):
        response = client.get(url)
        policy = response["Content-Security-Policy"]
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
        assert directives["script-src"] == "'self'", policy
        assert "unsafe" not in directives["script-src"] and "unsafe-eval" not in policy
        assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
        assert "camera=()" in response["Permissions-Policy"]
        assert "geolocation=()" in response["Permissions-Policy"]
        # No script in the page itself: every <script> names its file.
        html = response.content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), url
        assert not re.search(r"\son[a-z]+=", html), url  # no inline event handler either


def test_an_upload_refused_scrolls_to_its_form_without_inline_script(client, users, case_in):
    case = case_in(CaseState.EXPERT_REVIEW)
    client.force_login(users["expert_a"])
    response = client.post(f"{case.get_absolute_url()}evidence/", {"evidence_type": "other"})
    html = response.content.decode()
    assert 'id="evidence" data-scroll-here' in html
    assert "<script>" not in html


def _settings_of(env: dict) -> subprocess.CompletedProcess:
    """manage.py run with ``env`` over the test's environment (the settings read at start)."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.update(env)
    command = [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"]
    return subprocess.run(  # noqa: S603 (our own manage.py)
        command, cwd=settings.BASE_DIR, env=environment, capture_output=True, text=True
    )


PRODUCTION = {
    "DJANGO_SECRET_KEY": "a-test-key-" + "x7Rq2" * 12,
    "DJANGO_DEBUG": "false",
    "DJANGO_SECURE_COOKIES": "true",
    "DJANGO_ALLOWED_HOSTS": "revocation.example.ir",
}


def test_the_deploy_checks_pass_with_the_production_settings():
    checked = _settings_of(PRODUCTION)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "no issues" in checked.stdout


def test_the_example_secret_key_is_refused_at_start():
    refused = _settings_of({**PRODUCTION, "DJANGO_SECRET_KEY": "change-me-to-a-long-random-string"})
    assert refused.returncode != 0
    assert "DJANGO_SECRET_KEY is the example's" in refused.stderr


def test_the_example_audit_key_is_refused_at_start():
    refused = _settings_of(
        {**PRODUCTION, "AUDIT_HEAD_KEY": "change-me-to-another-long-random-string"}
    )
    assert refused.returncode != 0
    assert "AUDIT_HEAD_KEY is the example's" in refused.stderr


def test_production_sends_hsts_and_redirects_plain_http(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    assert client.get("/accounts/login/").status_code == 301  # plain HTTP: to https
    secure = client.get("/accounts/login/", secure=True)
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"].startswith("max-age=31536000")
