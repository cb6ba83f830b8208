"""Two connections race for the same step on the same case: exactly one wins, one event is written.

Real PostgreSQL, transactional test: each thread has its own database connection and commits.
"""

import threading

import pytest
from django.db import connection
from django_fsm import ConcurrentTransition

from audit.models import Event
from cases import services
from cases.choices import CaseState, Step
from cases.models import Case
from cases.services import CaseStateConflict
from shared import clock
from tests.proofs import proof_for

pytestmark = pytest.mark.django_db(transaction=True)


def race(*attempts, refused=CaseStateConflict):
    """Run the attempts at once, each in its own thread and connection: the sorted outcomes,
    "won", "refused" (the ``refused`` exception) or what else was raised."""
    barrier = threading.Barrier(len(attempts))
    outcomes = []

    def run(attempt):
        try:
            barrier.wait(timeout=10)
            attempt()
            outcomes.append("won")
        except refused:  # the other one got there first
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

    from reference.models import OffenceType

    offence = OffenceType.objects.in_force(Case.year_of(clock.now())).order_by("code").first()

    # The two resolutions exist (two sessions recorded them); two secretaries apply them at once.
    approval = proof_for(case, Step.APPROVE_IN_PROVINCE)
    rejection = proof_for(case, Step.REJECT_IN_PROVINCE)

    def approve():
        services.case_take_step(
            case=Case.objects.get(pk=case.pk),
            by=actors_a.secretary,
            step=Step.APPROVE_IN_PROVINCE,
            **approval,
            province_resolution_number="۱۲",
            province_resolution_date=clock.today(),
            offence_type=offence,
        )

    def reject():
        services.case_take_step(
            case=Case.objects.get(pk=case.pk),
            by=actors_a.secretary,
            step=Step.REJECT_IN_PROVINCE,
            **rejection,
            province_resolution_number="۱۳",
            province_resolution_date=clock.today(),
            reason="رد شد.",
        )

    assert race(approve, reject) == ["refused", "won"]
    case.refresh_from_db()
    assert case.state in {CaseState.APPROVED_BY_PROVINCE, CaseState.REJECTED_BY_PROVINCE}
    decisions = Event.objects.filter(
        case_id=case.pk, action__in=[Step.APPROVE_IN_PROVINCE, Step.REJECT_IN_PROVINCE]
    )
    assert decisions.count() == 1
    assert decisions.get().to_state == case.state


def test_the_same_step_twice_at_once_is_taken_once(postgres, case_in, actors_a):
    case = case_in(CaseState.RECEIVED)

    def start():
        services.case_take_step(
            case=Case.objects.get(pk=case.pk), by=actors_a.expert, step=Step.START_REVIEW
        )

    assert race(start, start) == ["refused", "won"]
    assert Event.objects.filter(case_id=case.pk, action=Step.START_REVIEW).count() == 1


def test_a_stale_copy_cannot_overwrite_a_newer_state(case_in, actors_a):
    """Even outside the services, ConcurrentTransitionMixin refuses to save over a moved case."""
    case = case_in(CaseState.RECEIVED)
    stale = Case.objects.get(pk=case.pk)
    services.case_take_step(case=case, by=actors_a.expert, step=Step.START_REVIEW)
    stale.reason = "تکراری"
    stale.withdraw()  # allowed from "received", which the stale copy still believes
    with pytest.raises(ConcurrentTransition):
        stale.save()
    assert Case.objects.get(pk=case.pk).state == CaseState.EXPERT_REVIEW
