"""A real Celery worker on Redis, killed with SIGKILL in the middle of a delivery to the stub
Najva: no registration is made twice, and the row is delivered once its lease has run out."""

import os
import signal

import pytest
from django.conf import settings as django_settings

from cases import services as case_services
from cases.choices import CaseState, Step
from conftest import require
from najva.models import Registration
from shared import clock
from tests.workers import start_worker, stop, wait_for, worker_env

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def test_a_worker_killed_mid_delivery_doubles_nothing(postgres, case_in, actors_a, stub):
    require(bool(django_settings.REDIS_URL), "this test needs Redis (set REDIS_URL)")
    from revocation.celery import app

    app.control.purge()
    case = case_in(CaseState.CONFIRMED_NATIONALLY)
    env = worker_env(
        NAJVA_BACKEND="http",
        NAJVA_URL=stub.url,
        NAJVA_TOKEN=stub.token,
        NAJVA_CONNECT_TIMEOUT="1",
        NAJVA_READ_TIMEOUT="3",
        NAJVA_LEASE_MARGIN_SECONDS="1",  # a lease of 5 s
    )
    stub.mode, stub.delay = "slow", 30  # the first call hangs at Najva, after registering
    first = start_worker(env)
    try:
        case_services.case_take_step(case=case, by=actors_a.registry, step=Step.CANCEL_CARD)
        wait_for(lambda: len(stub.calls) >= 1, 60, "the worker to reach Najva")
        os.killpg(first.pid, signal.SIGKILL)  # mid-call: Najva registered, nobody heard back
        first.wait(timeout=10)
    finally:
        stop(first, signal.SIGKILL)
    (key,) = stub.calls
    killed = Registration.objects.get(idempotency_key=key)
    assert (killed.status, killed.attempts) == ("pending", 1)
    assert killed.leased_until > clock.now()  # still leased to the dead worker

    stub.mode = "up"
    second = start_worker(env)
    try:
        # The other row's task is still in Redis: the new worker delivers it. The killed row
        # waits for its lease, then the sweep (the beat's task) hands it to the worker.
        wait_for(lambda: killed.__class__.objects.get(pk=killed.pk).leased_until
                 < clock.now(), 30, "the lease to run out")  # fmt: skip
        from najva import tasks

        tasks.sweep.delay()
        wait_for(
            lambda: set(Registration.objects.values_list("status", flat=True)) == {"delivered"},
            60,
            "every registration to be delivered",
        )
    finally:
        stop(second)
        app.control.purge()

    rows = {r.idempotency_key: r for r in Registration.objects.all()}
    assert len(rows) == 2
    assert stub.total_registrations() == 2 and stub.duplicates() == 0
    assert {k: r.tracking_number for k, r in rows.items()} == stub.registered
    assert stub.calls[key] == 2  # the call that was cut off, and the one after the lease
    assert rows[key].attempts == 2
    case.refresh_from_db()
    assert case.state == CaseState.CARD_CANCELLED


def test_a_hanging_najva_holds_up_only_the_najva_queue(postgres, case_in, actors_a, stub):
    """Issue 21: deliveries, minutes, notices and audit sealing shared one queue, and a Najva that
    hung held them all. Each kind has its queue and its workers: while the Najva worker waits on
    a hanging call, the notices worker does the step's notices."""
    require(bool(django_settings.REDIS_URL), "this test needs Redis (set REDIS_URL)")
    from notices.models import Notice
    from revocation.celery import app

    app.control.purge()
    case = case_in(CaseState.CONFIRMED_NATIONALLY)
    Notice.objects.all().delete()  # the walk's (written in this process, eagerly done)
    env = worker_env(
        NAJVA_BACKEND="http",
        NAJVA_URL=stub.url,
        NAJVA_TOKEN=stub.token,
        NAJVA_CONNECT_TIMEOUT="1",
        NAJVA_READ_TIMEOUT="60",
    )
    stub.mode, stub.delay = "slow", 60  # hangs for the whole test
    workers = [start_worker(env, ["najva"]), start_worker(env, ["notices", "audit", "celery"])]
    try:
        case_services.case_take_step(case=case, by=actors_a.registry, step=Step.CANCEL_CARD)
        wait_for(lambda: len(stub.calls) >= 1, 60, "the Najva worker to reach the hanging Najva")
        wait_for(
            lambda: (
                Notice.objects.filter(job="cases.tasks.notify_next_actors").exists()
                and not Notice.objects.exclude(status="done").exists()
            ),
            30,
            "the notices worker to do the step's notices while Najva hangs",
        )
        assert Registration.objects.filter(status="pending").exists()  # still at Najva
    finally:
        for worker in workers:
            stop(worker, signal.SIGKILL)
        app.control.purge()
