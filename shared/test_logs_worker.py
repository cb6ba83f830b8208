"""A real Celery worker on Redis: the lines it writes for a task carry the id of the request that
queued the task (the header put there by before_task_publish, read back by task_prerun)."""

import json
import subprocess
import sys

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import RequestFactory

from conftest import require
from shared.middleware import RequestIdMiddleware
from tests.workers import stop, wait_for, worker_env

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def test_a_workers_lines_carry_the_request_id_of_the_request_that_queued_the_task(
    postgres, tmp_path
):
    require(bool(settings.REDIS_URL), "this test needs Redis (set REDIS_URL)")
    from cases import tasks
    from revocation.celery import app

    app.control.purge()
    out = tmp_path / "worker.log"
    command = [
        sys.executable, "-m", "celery", "-A", "revocation", "worker", "--pool", "solo",
        "--concurrency", "1", "--without-gossip", "--without-mingle",
        "-Q", ",".join(settings.WORKER_QUEUES),
    ]  # fmt: skip
    with out.open("w") as stream:
        worker = subprocess.Popen(  # noqa: S603 (our own worker)
            command,
            env=worker_env(DJANGO_LOG_FORMAT="json"),
            cwd=settings.BASE_DIR,
            start_new_session=True,
            stdout=stream,
            stderr=subprocess.STDOUT,
        )
    try:

        def view(request):
            # A case that does not exist: the task fails, and the worker logs the failure.
            tasks.notify_open_case_elsewhere.delay(0)
            return HttpResponse()

        response = RequestIdMiddleware(view)(RequestFactory().get("/cases/new/"))
        request_id = response.headers["X-Request-ID"]

        def failure_logged():
            lines = [line for line in out.read_text().splitlines() if line.startswith("{")]
            return [json.loads(line) for line in lines if "raised unexpected" in line]

        wait_for(failure_logged, 60, "the worker to log the task's failure")
    finally:
        stop(worker)
    (line,) = failure_logged()
    assert line["request_id"] == request_id
    assert line["task_name"] == "cases.tasks.notify_open_case_elsewhere"
    assert line["task_id"] != "-"
