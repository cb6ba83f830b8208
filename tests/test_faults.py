"""Faults on the real processes (issue 21): gunicorn as production runs it (gunicorn.conf.py, its
default 30 s timeout, two sync workers) on the real PostgreSQL, with Redis unreachable or the
database dropping its connections. No answer is a 500, none takes 2 s, nothing is lost."""

import json
import re
import socket
import subprocess
import sys
import time

import pytest
import requests
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse

from accounts.roles import Role
from cases.choices import CaseState, Step
from conftest import make_user
from notices import tasks as notice_tasks
from notices.models import Notice
from tests.workers import stop, wait_for, worker_env

pytestmark = pytest.mark.django_db(transaction=True)

CLOSED_PORT = "redis://127.0.0.1:1/0"  # nothing listens on port 1: every connection is refused


class Gunicorn:
    def __init__(self, tmp_path, **env):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.out = tmp_path / "gunicorn.log"
        command = [
            sys.executable, "-m", "gunicorn", "revocation.wsgi", "--config", "gunicorn.conf.py",
            "--bind", f"127.0.0.1:{self.port}", "--workers", "2",
        ]  # fmt: skip
        with self.out.open("w") as stream:
            self.process = subprocess.Popen(  # noqa: S603 (our own server)
                command,
                env=worker_env(
                    DJANGO_SETTINGS_MODULE="tests.gunicorn_settings",
                    DJANGO_LOG_FORMAT="json",
                    **env,
                ),
                cwd=settings.BASE_DIR,
                start_new_session=True,
                stdout=stream,
                stderr=subprocess.STDOUT,
            )
        wait_for(self._up, 60, "gunicorn to answer")

    def _up(self) -> bool:
        try:
            return requests.get(self.url + "/accounts/login/", timeout=5).status_code == 200
        except requests.RequestException:  # not listening yet, or still starting its workers
            return False

    def lines(self) -> list[dict]:
        return [
            json.loads(line) for line in self.out.read_text().splitlines() if line.startswith("{")
        ]

    def errors(self) -> list[dict]:
        return [line for line in self.lines() if line["level"] in ("ERROR", "CRITICAL")]

    def signed_in(self, user) -> requests.Session:
        """A browser of ``user``, fully signed in (the session made as the tests make it)."""
        client = Client()
        client.force_login(user)
        browser = requests.Session()
        name = settings.SESSION_COOKIE_NAME
        browser.cookies.set(name, client.cookies[name].value, domain="127.0.0.1", path="/")
        return browser

    def stop(self):
        stop(self.process)


@pytest.fixture
def served(tmp_path):
    servers = []

    def start(**env):
        servers.append(Gunicorn(tmp_path, **env))
        return servers[-1]

    yield start
    for server in servers:
        server.stop()


def timed(call):
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def test_a_database_that_dropped_its_connections_costs_no_request_a_500(
    postgres, served, users, case_in
):
    case_in(CaseState.RECEIVED)
    server = served()
    browser = server.signed_in(users["expert_a"])
    for _ in range(6):  # each of the two workers keeps its connection (CONN_MAX_AGE)
        assert browser.get(server.url + "/", timeout=10).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        (killed,) = cursor.fetchone()
    assert killed >= 1
    for _ in range(6):
        answer, took = timed(lambda: browser.get(server.url + "/", timeout=10))
        assert answer.status_code == 200
        assert took < 2, f"{took:.1f} s"
    assert server.errors() == []


def test_with_redis_unreachable_a_request_that_queues_a_notice_answers_at_once(
    postgres, served, users, case_in, tehran
):
    """Issue 21: each task a request queued held it 19 s (the result store's retries) and the
    e-mails were lost. Now: an answer at once, and the notice kept until the sweep sends it."""
    case = case_in(CaseState.RECEIVED)
    colleague = make_user("expert_a2", Role.EXPERT, tehran)
    Notice.objects.all().delete()  # the walk's
    server = served(REDIS_URL=CLOSED_PORT)
    browser = server.signed_in(users["expert_a"])
    page = browser.get(f"{server.url}/cases/{case.number}/", timeout=10)
    assert page.status_code == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    action = server.url + reverse("cases:action", args=[case.number, Step.START_REVIEW])
    answer, took = timed(
        lambda: browser.post(
            action,
            data={"csrfmiddlewaretoken": token},
            headers={"Referer": page.url},
            allow_redirects=False,
            timeout=60,
        )
    )
    assert answer.status_code == 302, answer.text[:500]
    assert took < 2, f"the request took {took:.1f} s with Redis unreachable"
    case.refresh_from_db()
    assert case.state == CaseState.EXPERT_REVIEW
    (notice,) = Notice.objects.all()
    assert (notice.job, notice.status) == ("cases.tasks.notify_next_actors", "pending")
    queued = [line for line in server.lines() if "could not queue notice" in line["message"]]
    assert len(queued) == 1 and queued[0]["level"] == "WARNING"
    assert server.errors() == []

    # Redis is back; the beat's sweep (here in this process, the mail kept in mail.outbox).
    mail.outbox.clear()
    assert notice_tasks.sweep() >= 1  # the notice (its e-mail is queued on its commit)
    assert [message.to for message in mail.outbox] == [[colleague.email]]
    assert set(Notice.objects.values_list("status", flat=True)) == {"done"}
