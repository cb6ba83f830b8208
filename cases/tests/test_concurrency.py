"""Two connections race for the same step on the same case: exactly one wins, one event is written.

Real PostgreSQL, transactional test: each thread has its own database connection and commits.
"""

import threading

import pytest
from django.db import connection
from django_fsm import ConcurrentTransition

from cases import services
from cases.models import Case, CaseEvent, CaseState
from cases.services import CaseActionRefused

pytestmark = pytest.mark.django_db(transaction=True)


def race(*attempts):
    barrier = threading.Barrier(len(attempts))
    outcomes = []

    def run(attempt):
        try:
            barrier.wait(timeout=10)
            attempt()
            outcomes.append("won")
        except CaseActionRefused:
            outcomes.append("refused")
        except Exception as error:  # reported in the assertion below
            outcomes.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(attempt,)) for attempt in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(outcomes)


def test_two_secretaries_record_the_vote_at_once_and_one_wins(postgres, case_in, actors_a):
    case = case_in(CaseState.READY_FOR_PROVINCE)

    def approve():
        services.case_approve_in_province(
            case=Case.objects.get(pk=case.pk),
            by=actors_a.secretary,
            resolution_number="۱۲",
            resolution_date=case.opened_at.date(),
        )

    def reject():
        services.case_reject_in_province(
            case=Case.objects.get(pk=case.pk),
            by=actors_a.secretary,
            resolution_number="۱۳",
            resolution_date=case.opened_at.date(),
            reason="رد شد.",
        )

    assert race(approve, reject) == ["refused", "won"]
    case.refresh_from_db()
    assert case.state in {CaseState.APPROVED_BY_PROVINCE, CaseState.REJECTED_BY_PROVINCE}
    decisions = CaseEvent.objects.filter(
        case=case, action__in=["approve_in_province", "reject_in_province"]
    )
    assert decisions.count() == 1
    assert decisions.get().to_state == case.state


def test_the_same_step_twice_at_once_is_taken_once(postgres, case_in, actors_a):
    case = case_in(CaseState.RECEIVED)

    def start():
        services.case_start_review(case=Case.objects.get(pk=case.pk), by=actors_a.expert)

    assert race(start, start) == ["refused", "won"]
    assert CaseEvent.objects.filter(case=case, action="start_review").count() == 1


def test_a_stale_copy_cannot_overwrite_a_newer_state(case_in, actors_a):
    """Even outside the services, ConcurrentTransitionMixin refuses to save over a moved case."""
    case = case_in(CaseState.RECEIVED)
    stale = Case.objects.get(pk=case.pk)
    services.case_start_review(case=case, by=actors_a.expert)
    stale.reason = "تکراری"
    stale.withdraw()  # allowed from "received", which the stale copy still believes
    with pytest.raises(ConcurrentTransition):
        stale.save()
    assert Case.objects.get(pk=case.pk).state == CaseState.EXPERT_REVIEW
