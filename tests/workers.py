"""A real Celery worker in a process of its own, for the tests that are about one: it reads the
test database (committed rows: the tests are transactional) and the Redis broker."""

import os
import signal
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.db import connection


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"waited {timeout} s for {what}")


def database_url() -> str:
    """The test database, as DATABASE_URL for the worker's process."""
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def worker_env(**extra) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        **extra,
    }


def start_worker(env, queues=None) -> subprocess.Popen:
    """A worker on ``queues`` (by default every queue: settings.WORKER_QUEUES)."""
    command = [
        sys.executable, "-m", "celery", "-A", "revocation", "worker", "--pool", "solo",
        "--concurrency", "1", "--without-gossip", "--without-mingle", "--loglevel", "WARNING",
        "-Q", ",".join(queues or settings.WORKER_QUEUES),
    ]  # fmt: skip
    # Its own process group, so that a SIGKILL takes the worker and nothing of the test run.
    return subprocess.Popen(  # noqa: S603 (our own worker)
        command,
        env=env,
        cwd=settings.BASE_DIR,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def stop(worker, sig=signal.SIGTERM) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, sig)
        worker.wait(timeout=20)
