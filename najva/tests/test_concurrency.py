"""Two workers deliver a person's two documents at the same moment (real PostgreSQL, each worker
in its own thread and connection): the person is settled once, and the case moves on."""

import threading

import pytest
from django.db import connection

from cases import services as case_services
from cases.choices import CaseState, Step
from najva import backends, services
from najva.models import Registration
from najva.tests.test_outbox import two_documents_each

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_workers_finishing_one_persons_documents_together_settle_the_person(
    postgres, case_in, actors_a, monkeypatch
):
    case = case_in(CaseState.CONFIRMED_NATIONALLY)
    two_documents_each(case)
    # The workers below deliver; nothing on commit.
    monkeypatch.setattr(services, "queue_delivery", lambda ids: None)
    # One person only: the other is kept out of the way by registering them first.
    case_services.case_take_step(case=case, by=actors_a.registry, step=Step.CANCEL_CARD)
    subject = case.subjects.order_by("pk").first()
    backend = backends.EmbeddedBackend()
    for row in Registration.objects.exclude(subject=subject):
        services.deliver(services.claim(pk=row.pk), backend)
    first, second = Registration.objects.filter(subject=subject).order_by("pk")
    claimed = [services.claim(pk=first.pk), services.claim(pk=second.pk)]

    # Both workers have saved their row as delivered, uncommitted, before either looks whether
    # the person is done: the moment where each would see the other's row still pending.
    barrier = threading.Barrier(2)
    settle = services._settle_subject

    def settle_together(row, *, by):
        barrier.wait(timeout=10)
        settle(row, by=by)

    monkeypatch.setattr(services, "_settle_subject", settle_together)
    errors = []

    def work(row):
        try:
            services.deliver(row, backend)
        except Exception as error:  # reported below
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(row,)) for row in claimed]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert set(Registration.objects.values_list("status", flat=True)) == {"delivered"}
    subject.refresh_from_db()
    assert subject.najva_registered_at is not None
    assert case.events.filter(action="najva_registration").count() == 2  # one per person
    case.refresh_from_db()
    assert case.state == CaseState.CARD_CANCELLED
