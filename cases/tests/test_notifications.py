"""Notices queued on commit: those who must take the next step, and only they, are told by e-mail,
with a link to the case and, after a return, its reason. A withdrawal is nobody's work waiting."""

import time

import pytest
from django.core import mail
from django.urls import reverse

from accounts.roles import Role
from cases import services
from cases.choices import CaseState, Step
from cases.selectors.notices import next_actors
from conftest import make_user, require
from notices.models import Notice
from reference.models import OffenceType
from revocation.demo.walk import REASONS, prepare
from shared import clock
from tests.proofs import proof_for

pytestmark = pytest.mark.django_db


def link_to(case, settings) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("cases:detail", args=[case.number])


def jobs() -> int:
    """How many next-actor notices were written (each kept until done: notices.Notice); every
    notice, and every e-mail it wrote, done."""
    assert set(Notice.objects.values_list("status", flat=True)) <= {Notice.Status.DONE}
    return Notice.objects.filter(job="cases.tasks.notify_next_actors").count()


def take(case, by, step, capture, **inputs):
    """Take ``step`` and run what it queued on commit; returns (callbacks queued, mails sent)."""
    mail.outbox.clear()
    Notice.objects.all().delete()  # those of the walk to this state
    with capture(execute=True) as queued:
        services.case_take_step(case=case, by=by, step=step, **proof_for(case, step), **inputs)
    return queued, list(mail.outbox)


def test_after_submission_only_the_secretary_of_the_province_is_told(
    case_in, actors_a, users, settings, django_capture_on_commit_callbacks
):
    case = case_in(CaseState.AWAITING_INQUIRIES)
    prepare(case, Step.SUBMIT_TO_PROVINCE, actors_a)
    _, sent = take(
        case, actors_a.expert, Step.SUBMIT_TO_PROVINCE, django_capture_on_commit_callbacks
    )
    assert jobs() == 1
    # The supervisor may withdraw the case now, but that is not work waiting for them; Isfahan's
    # secretary covers another province.
    assert [message.to for message in sent] == [[users["secretary_a"].email]]
    message = sent[0]
    assert CaseState.READY_FOR_PROVINCE.label in message.subject
    assert Step.APPROVE_IN_PROVINCE.label in message.body
    assert Step.RETURN_FOR_INFORMATION.label in message.body
    assert Step.WITHDRAW.label not in message.body
    assert link_to(case, settings) in message.body


def test_after_a_return_the_expert_is_told_why_with_a_link(
    case_in, actors_a, users, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://revocation.example.invalid/"
    case = case_in(CaseState.READY_FOR_PROVINCE)
    reason = REASONS[Step.RETURN_FOR_INFORMATION]
    _, sent = take(
        case,
        actors_a.secretary,
        Step.RETURN_FOR_INFORMATION,
        django_capture_on_commit_callbacks,
        reason=reason,
    )
    assert [message.to for message in sent] == [[users["expert_a"].email]]
    body = sent[0].body
    assert reason in body
    assert Step.RESUME_REVIEW.label in body
    assert f"https://revocation.example.invalid/cases/{case.number}/" in body


def test_the_next_actors_are_told_after_a_provincial_approval(
    case_in, actors_a, users, settings, django_capture_on_commit_callbacks
):
    case = case_in(CaseState.READY_FOR_PROVINCE)
    _, sent = take(
        case,
        actors_a.secretary,
        Step.APPROVE_IN_PROVINCE,
        django_capture_on_commit_callbacks,
        province_resolution_number="۱۲",
        province_resolution_date=clock.today(),
        offence_type=OffenceType.objects.order_by("-version_year").first(),
    )
    assert jobs() == 1
    # Only the national secretariat can take the next step, in any province.
    assert [message.to for message in sent] == [[users["national"].email]]
    message = sent[0]
    assert CaseState.APPROVED_BY_PROVINCE.label in message.subject
    assert Step.CONFIRM_NATIONALLY.label in message.body
    assert link_to(case, settings) in message.body
    assert "دلیل" not in message.body  # an approval has no reason to tell


def test_a_withdrawal_tells_nobody(case_in, actors_a, django_capture_on_commit_callbacks):
    case = case_in(CaseState.EXPERT_REVIEW)
    _, sent = take(
        case,
        actors_a.supervisor,
        Step.WITHDRAW,
        django_capture_on_commit_callbacks,
        reason=REASONS[Step.WITHDRAW],
    )
    assert jobs() == 1  # the notice task runs, and finds nobody who must act
    assert sent == []


def test_the_one_who_moved_the_case_is_not_told_about_it(
    case_in, actors_a, tehran, django_capture_on_commit_callbacks
):
    case = case_in(CaseState.RECEIVED)
    colleague = make_user("expert_a2", Role.EXPERT, tehran)
    assert set(next_actors(case=case)) == {actors_a.expert, colleague}
    _, sent = take(case, actors_a.expert, Step.START_REVIEW, django_capture_on_commit_callbacks)
    # From expert review the next steps are the experts' again: the colleague is told, not the
    # expert who took the step.
    assert [message.to for message in sent] == [[colleague.email]]


def test_nothing_is_queued_for_a_step_that_was_refused(
    case_in, actors_a, django_capture_on_commit_callbacks
):
    case = case_in(CaseState.READY_FOR_PROVINCE)
    mail.outbox.clear()
    Notice.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True) as queued:
        with pytest.raises(services.CaseActionRefused):
            services.case_take_step(
                case=case,
                by=actors_a.secretary,
                step=Step.APPROVE_IN_PROVINCE,
                **proof_for(case, Step.APPROVE_IN_PROVINCE),
                province_resolution_number="",
                province_resolution_date=None,
            )
    assert queued == []
    assert mail.outbox == []
    assert not Notice.objects.exists()


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_on_redis_sends_the_notice(case_in, actors_a, users, settings):
    require(bool(settings.REDIS_URL), "this test needs Redis (set REDIS_URL)")
    from celery.contrib.testing.worker import start_worker

    from revocation.celery import app

    app.control.purge()
    case = case_in(CaseState.READY_FOR_PROVINCE)
    mail.outbox.clear()
    with start_worker(
        app,
        pool="solo",
        perform_ping_check=False,
        shutdown_timeout=10,
        queues=list(settings.WORKER_QUEUES),
    ):
        services.case_take_step(
            case=case,
            by=actors_a.secretary,
            step=Step.APPROVE_IN_PROVINCE,
            **proof_for(case, Step.APPROVE_IN_PROVINCE),
            province_resolution_number="۱۲",
            province_resolution_date=clock.today(),
            offence_type=OffenceType.objects.order_by("-version_year").first(),
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not approval_notices():
            time.sleep(0.1)
    # The notices of the earlier steps went through the same worker; this one reached the
    # national secretariat only, with the link to the case.
    notices = approval_notices()
    assert [message.to for message in notices] == [[users["national"].email]]
    assert link_to(case, settings) in notices[0].body


def approval_notices():
    return [m for m in mail.outbox if CaseState.APPROVED_BY_PROVINCE.label in m.subject]
