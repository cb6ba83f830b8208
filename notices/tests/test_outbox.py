"""The notices' outbox: a notice is written with its change, kept until sent, and a request that
queues one never waits on the broker (issue 21: Redis down held each such request 19 s per task
and lost the e-mails)."""

import datetime
import time

import pytest
from django.core import mail
from django.urls import reverse

from accounts.roles import Role
from cases.choices import CaseState, Step
from conftest import make_user
from notices import services, tasks
from notices.models import Notice
from shared import clock

pytestmark = pytest.mark.django_db

CLOSED_PORT = "redis://127.0.0.1:1/0"  # nothing listens on port 1: every connection is refused


@pytest.fixture
def broker_down():
    """Tasks go to a Redis that cannot be reached, as in production with Redis down."""
    from revocation.celery import app

    saved = app.conf.broker_url, app.conf.task_always_eager

    def use(url, eager):
        app.conf.broker_url, app.conf.task_always_eager = url, eager
        app._pool = None  # the connection pools are made for the URL of their first use
        app.amqp._producer_pool = None

    use(CLOSED_PORT, False)
    yield
    use(*saved)


def step_with_a_colleague_to_tell(client, case_in, users, tehran):
    """A step whose notice tells one colleague (the expert who took it is not told)."""
    case = case_in(CaseState.RECEIVED)
    colleague = make_user("expert_a2", Role.EXPERT, tehran)
    client.force_login(users["expert_a"])
    Notice.objects.all().delete()  # the walk's
    mail.outbox.clear()
    return case, colleague


def test_a_request_with_the_broker_down_answers_at_once_and_its_notice_is_sent_later(
    client, case_in, users, tehran, broker_down, django_capture_on_commit_callbacks
):
    case, colleague = step_with_a_colleague_to_tell(client, case_in, users, tehran)
    client.get(reverse("cases:detail", args=[case.number]))  # the process warmed up (templates)
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True) as queued:
        answer = client.post(reverse("cases:action", args=[case.number, Step.START_REVIEW]))
    took = time.monotonic() - started
    assert answer.status_code == 302, answer.content[:500]
    assert len(queued) == 1  # the notice was queued on commit, and the broker refused it
    assert took < 2, f"the request took {took:.1f} s with the broker down"
    case.refresh_from_db()
    assert case.state == CaseState.EXPERT_REVIEW
    (notice,) = Notice.objects.all()
    assert (notice.job, notice.status, notice.attempts) == (
        "cases.tasks.notify_next_actors",
        Notice.Status.PENDING,
        0,
    )
    assert mail.outbox == []

    # The broker is back: the beat's sweep sends what waited.
    from revocation.celery import app

    app.conf.task_always_eager = True
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.sweep() == 2  # the notice, and the e-mail it wrote
    assert [message.to for message in mail.outbox] == [[colleague.email]]
    assert set(Notice.objects.values_list("status", flat=True)) == {Notice.Status.DONE}
    assert Notice.objects.filter(job="notices.services.send").count() == 1


def test_a_mail_server_error_keeps_the_e_mail_for_a_later_attempt(
    client, case_in, users, tehran, monkeypatch, django_capture_on_commit_callbacks
):
    case, colleague = step_with_a_colleague_to_tell(client, case_in, users, tehran)

    def refused(*args, **kwargs):
        raise ConnectionRefusedError("the mail server is down")

    monkeypatch.setattr(services, "send_mail", refused)
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(reverse("cases:action", args=[case.number, Step.START_REVIEW]))
    assert answer.status_code == 302
    e_mail = Notice.objects.get(job="notices.services.send")
    assert (e_mail.status, e_mail.attempts) == (Notice.Status.PENDING, 1)
    assert "ConnectionRefusedError" in e_mail.last_error
    assert e_mail.next_attempt_at > clock.now()
    assert Notice.objects.get(job="cases.tasks.notify_next_actors").status == Notice.Status.DONE

    monkeypatch.undo()
    assert tasks.sweep() == 0  # not yet due
    with clock.shifted(datetime.timedelta(minutes=2)):
        assert tasks.sweep() == 1
    assert [message.to for message in mail.outbox] == [[colleague.email]]
    e_mail.refresh_from_db()
    assert (e_mail.status, e_mail.attempts) == (Notice.Status.DONE, 2)


def test_a_notice_is_sent_once_however_often_its_task_comes(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as queued:
        row = services.mail("a@example.invalid", "subject", "body")
    assert len(queued) == 1 and len(mail.outbox) == 1
    assert tasks.run(row.pk) == 0  # a duplicate task, or the sweep after it
    assert tasks.sweep() == 0
    assert len(mail.outbox) == 1


def test_a_row_held_by_a_worker_that_died_is_taken_over_after_its_lease(settings):
    settings.NOTICE_LEASE_SECONDS = 60
    row = services.mail("a@example.invalid", "subject", "body")  # not committed: not queued
    assert services.claim(row.pk) is not None  # a worker took it, then died
    assert tasks.sweep() == 0
    with clock.shifted(datetime.timedelta(seconds=61)):
        assert tasks.sweep() == 1
    assert len(mail.outbox) == 1


def test_a_notice_is_given_up_after_its_attempts(settings, monkeypatch):
    settings.NOTICE_MAX_ATTEMPTS = 2
    monkeypatch.setattr(services, "send_mail", lambda *a, **k: 1 / 0)
    row = services.mail("a@example.invalid", "subject", "body")
    assert tasks.sweep() == 0
    with clock.shifted(datetime.timedelta(hours=2)):
        assert tasks.sweep() == 0
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Notice.Status.FAILED, 2)


def test_a_job_not_marked_as_one_is_refused():
    with pytest.raises(KeyError):
        services.later("notices.services.purge", 0)
