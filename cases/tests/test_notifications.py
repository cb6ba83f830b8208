"""Follow-up work queued on commit: the users who take the next step are told by e-mail."""

import time

import pytest
from django.core import mail

from cases import services
from cases.models import CaseState
from conftest import require

pytestmark = pytest.mark.django_db


def test_the_next_actors_are_told_after_a_provincial_approval(
    case_in, actors_a, users, django_capture_on_commit_callbacks
):
    case = case_in(CaseState.READY_FOR_PROVINCE)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True) as queued:
        services.case_approve_in_province(
            case=case,
            by=actors_a.secretary,
            resolution_number="۱۲",
            resolution_date=case.opened_at.date(),
        )
    assert len(queued) == 1
    # Only the national secretariat can take the next step, in any province.
    assert [message.to for message in mail.outbox] == [[users["national"].email]]
    message = mail.outbox[0]
    assert "مصوب کارگروه استان" in message.subject
    assert "تأیید در کارگروه دائمی کشور" in message.body


def test_nothing_is_queued_for_a_step_that_was_refused(
    case_in, actors_a, django_capture_on_commit_callbacks
):
    case = case_in(CaseState.READY_FOR_PROVINCE)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True) as queued:
        with pytest.raises(services.CaseActionRefused):
            services.case_approve_in_province(
                case=case, by=actors_a.secretary, resolution_number="", resolution_date=None
            )
    assert queued == []
    assert mail.outbox == []


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_on_redis_sends_the_notice(case_in, actors_a, users, settings):
    require(bool(settings.REDIS_URL), "this test needs Redis (set REDIS_URL)")
    from celery.contrib.testing.worker import start_worker

    from revocation.celery import app

    app.control.purge()
    case = case_in(CaseState.READY_FOR_PROVINCE)
    mail.outbox.clear()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        services.case_approve_in_province(
            case=case,
            by=actors_a.secretary,
            resolution_number="۱۲",
            resolution_date=case.opened_at.date(),
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not approval_notices():
            time.sleep(0.1)
    # The notices of the earlier steps went through the same worker; this one reached the
    # national secretariat only.
    assert [message.to for message in approval_notices()] == [[users["national"].email]]


def approval_notices():
    return [m for m in mail.outbox if "مصوب کارگروه استان" in m.subject]
