"""The outbox: written with the cancellation, delivered after commit, retried with backoff kept in
the database, parked after the last attempt, and the operator's retry and manual record."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction

from audit.models import Event
from cases import services as case_services
from cases.choices import CaseState, Step
from najva import backends, services
from najva.models import Registration, RegistryEntry
from shared import clock

pytestmark = pytest.mark.django_db


class Failing:
    """A backend that fails as Najva does when it is down (or refuses, when told)."""

    def __init__(self, *, retryable=True):
        self.calls = 0
        self.retryable = retryable

    def register_cancellation(self, cancellation):
        self.calls += 1
        raise backends.NajvaError("نجوا خطای 503 داد", retryable=self.retryable)


def cancel(case, actors, capture):
    with capture(execute=False) as queued:
        case_services.case_take_step(case=case, by=actors.registry, step=Step.CANCEL_CARD)
    return queued


def test_cancellation_writes_one_row_per_cancelled_document_and_delivers_after_commit(
    case_in, actors_a, django_capture_on_commit_callbacks
):
    case = case_in(CaseState.CONFIRMED_NATIONALLY)
    with django_capture_on_commit_callbacks(execute=True):
        case_services.case_take_step(case=case, by=actors_a.registry, step=Step.CANCEL_CARD)

    rows = list(Registration.objects.filter(case=case).order_by("pk"))
    subjects = list(case.subjects.order_by("pk"))
    assert [(r.subject_id, r.document.person_id) for r in rows] == [
        (s.pk, s.person_id) for s in subjects
    ]
    assert rows[0].idempotency_key == (
        f"{case.number}:{subjects[0].pk}:{rows[0].document_id}:cancel_card"
    )
    # Delivered through the embedded registry once committed: each with its own number.
    assert {r.status for r in rows} == {Registration.Status.DELIVERED}
    assert len({r.tracking_number for r in rows}) == 2
    assert RegistryEntry.objects.count() == 2
    case.refresh_from_db()
    assert case.state == CaseState.CARD_CANCELLED
    # The trail: the cancellation by the operator, one registration per person, and the
    # system's step to «cancelled and registered».
    trail = list(case.events.order_by("pk").values_list("action", "actor"))[-4:]
    assert trail == [
        ("cancel_card", actors_a.registry.pk),
        ("najva_registration", None),
        ("najva_registration", None),
        ("najva_registered", None),
    ]
    registered = case.events.filter(action="najva_registration").first()
    assert rows[0].tracking_number in str(registered.changes) or rows[1].tracking_number in str(
        registered.changes
    )


def test_a_rollback_after_the_row_was_written_sends_nothing(
    case_in, actors_a, http_najva, django_capture_on_commit_callbacks
):
    # A real Najva (the stub over HTTP), which a rollback of ours could not take back.
    case = case_in(CaseState.CONFIRMED_NATIONALLY)
    with django_capture_on_commit_callbacks(execute=True) as queued:
        with pytest.raises(RuntimeError), transaction.atomic():
            case_services.case_take_step(case=case, by=actors_a.registry, step=Step.CANCEL_CARD)
            assert Registration.objects.filter(case=case).count() == 2  # written, then...
            raise RuntimeError("the server fails before the commit")
    assert queued == []
    assert http_najva.calls == {}  # nothing reached Najva
    assert not Registration.objects.exists()
    assert not RegistryEntry.objects.exists()
    case.refresh_from_db()
    assert case.state == CaseState.CONFIRMED_NATIONALLY


def test_a_failure_is_retried_later_with_the_next_attempt_in_the_database(
    case_in, actors_a, django_capture_on_commit_callbacks
):
    case = case_in(CaseState.CONFIRMED_NATIONALLY)
    cancel(case, actors_a, django_capture_on_commit_callbacks)
    down = Failing()
    before = clock.now()

    assert services.deliver_due(backend=down) == 2

    rows = list(Registration.objects.filter(case=case))
    assert down.calls == 2
    for row in rows:
        assert (row.status, row.attempts, row.leased_until) == ("pending", 1, None)
        assert "503" in row.last_error
        # 30 s doubling from the first failure, with jitter: between 15 and 30 s from now.
        wait = row.next_attempt_at - before
        assert datetime.timedelta(seconds=14) < wait <= datetime.timedelta(seconds=31)
    # Not due yet: a sweep now tries nothing.
    assert services.deliver_due(backend=down) == 0
    assert down.calls == 2


def test_the_backoff_doubles_and_is_capped(settings):
    settings.NAJVA_BACKOFF_SECONDS = 30
    settings.NAJVA_BACKOFF_MAX_SECONDS = 3600
    waits = [services.backoff(n).total_seconds() for n in range(1, 12)]
    assert 15 <= waits[0] <= 30
    assert 60 <= waits[2] <= 120
    assert all(1800 <= w <= 3600 for w in waits[8:])


def test_after_the_last_attempt_the_row_is_parked_and_the_operator_retries_it(
    case_in, actors_a, users, settings, django_capture_on_commit_callbacks
):
    settings.NAJVA_MAX_ATTEMPTS = 3
    case = case_in(CaseState.CONFIRMED_NATIONALLY)
    cancel(case, actors_a, django_capture_on_commit_callbacks)
    down = Failing()
    for _ in range(3):
        services.deliver_due(backend=down)
        Registration.objects.update(next_attempt_at=clock.now())  # the waits have passed
    rows = list(Registration.objects.filter(case=case))
    assert {(r.status, r.attempts) for r in rows} == {("failed", 3)}
    assert services.deliver_due(backend=down) == 0  # parked rows are not swept
    parked = case.events.filter(action="najva_failed")
    assert parked.count() == 2
    assert "ناموفق پس از ۳ تلاش" in parked.first().changes[0]["new"]

    # Only the operator retries; then the row is delivered.
    with pytest.raises(PermissionDenied):
        services.registration_retry(registration=rows[0], by=users["supervisor_a"])
    with django_capture_on_commit_callbacks(execute=True):
        for row in rows:
            services.registration_retry(registration=row, by=actors_a.registry)
    assert set(Registration.objects.values_list("status", flat=True)) == {"delivered"}
    case.refresh_from_db()
    assert case.state == CaseState.CARD_CANCELLED
    assert case.events.filter(action="najva_retry", actor=actors_a.registry).count() == 2


def test_a_request_najva_refuses_is_parked_at_once(
    case_in, actors_a, django_capture_on_commit_callbacks
):
    case = case_in(CaseState.CONFIRMED_NATIONALLY)
    cancel(case, actors_a, django_capture_on_commit_callbacks)
    services.deliver_due(backend=Failing(retryable=False))
    assert set(Registration.objects.values_list("status", "attempts")) == {("failed", 1)}


def test_a_leased_row_is_left_alone_until_its_lease_runs_out(
    case_in, actors_a, django_capture_on_commit_callbacks
):
    case = case_in(CaseState.CONFIRMED_NATIONALLY)
    cancel(case, actors_a, django_capture_on_commit_callbacks)
    first = services.claim()
    assert first.leased_until > clock.now() + datetime.timedelta(seconds=20)
    second = services.claim()
    assert second.pk != first.pk  # the other row; the claimed one is skipped
    assert services.claim() is None
    # The worker holding ``first`` died: once its lease has run out, another worker takes it.
    Registration.objects.filter(pk=first.pk).update(leased_until=clock.now())
    again = services.claim()
    assert (again.pk, again.attempts) == (first.pk, 2)


def test_a_late_answer_after_a_takeover_is_not_recorded_twice(
    case_in, actors_a, django_capture_on_commit_callbacks
):
    case = case_in(CaseState.CONFIRMED_NATIONALLY)
    cancel(case, actors_a, django_capture_on_commit_callbacks)
    backend = backends.EmbeddedBackend()
    slow = services.claim()
    Registration.objects.filter(pk=slow.pk).update(leased_until=clock.now())
    fast = services.claim()
    assert fast.pk == slow.pk
    services.deliver(fast, backend)
    services.deliver(slow, backend)  # the first worker's answer arrives after all
    row = Registration.objects.get(pk=slow.pk)
    assert row.status == "delivered"
    assert RegistryEntry.objects.filter(idempotency_key=row.idempotency_key).count() == 1
    assert case.events.filter(action="najva_registration").count() == 1
    assert not case.events.filter(action="najva_late_answer").exists()


def test_the_operator_records_a_registration_made_by_other_means(
    case_in, actors_a, users, django_capture_on_commit_callbacks
):
    case = case_in(CaseState.CONFIRMED_NATIONALLY)
    cancel(case, actors_a, django_capture_on_commit_callbacks)
    services.deliver_due(backend=Failing())
    first, second = Registration.objects.filter(case=case).order_by("pk")
    refused = pytest.raises(services.RegistrationRefused)

    with refused as error:
        services.registration_record_manual(
            registration=first, by=actors_a.registry, tracking_number=" ", reason=""
        )
    assert set(error.value.message_dict) == {"tracking_number", "reason"}
    with pytest.raises(PermissionDenied):
        services.registration_record_manual(
            registration=first, by=users["auditor"], tracking_number="T-1", reason="تلفنی"
        )

    services.registration_record_manual(
        registration=first,
        by=actors_a.registry,
        tracking_number="NJ-۱۲۳۴",
        reason="ثبت تلفنی با دفتر نجوا هنگام قطعی",
    )
    first.refresh_from_db()
    assert (first.status, first.tracking_number, first.recorded_by) == (
        "recorded",
        "NJ-1234",  # Persian digits stored as ASCII
        actors_a.registry,
    )
    event = case.events.get(action="najva_recorded")
    assert (event.actor, event.reason) == (actors_a.registry, "ثبت تلفنی با دفتر نجوا هنگام قطعی")
    # The same number for another document is refused: tracking numbers are unique.
    with refused as error:
        services.registration_record_manual(
            registration=second, by=actors_a.registry, tracking_number="NJ-1234", reason="x"
        )
    assert "tracking_number" in error.value.message_dict
    # The other document delivered: the case is cancelled and registered.
    Registration.objects.filter(pk=second.pk).update(next_attempt_at=clock.now())
    services.deliver_due(backend=backends.EmbeddedBackend())
    case.refresh_from_db()
    assert case.state == CaseState.CARD_CANCELLED


def test_a_row_being_sent_cannot_be_recorded_by_hand(
    case_in, actors_a, django_capture_on_commit_callbacks
):
    case = case_in(CaseState.CONFIRMED_NATIONALLY)
    cancel(case, actors_a, django_capture_on_commit_callbacks)
    row = services.claim()
    with pytest.raises(services.RegistrationRefused, match="در حال ارسال"):
        services.registration_record_manual(
            registration=row, by=actors_a.registry, tracking_number="X-1", reason="تلفنی"
        )


def test_a_kept_member_is_never_registered_and_their_card_stays_valid(
    case_in, actors_a, django_capture_on_commit_callbacks
):
    from people.models import DocumentStatus
    from revocation.demo.walk import prepare, walk

    case = case_in(CaseState.AWAITING_INQUIRIES)
    prepare(case, Step.SUBMIT_TO_PROVINCE, actors_a)
    head, child = [s.person for s in case.subjects.order_by("person__pk")]
    case_services.subject_decide(case=case, by=actors_a.expert, person=child, decision="keep")
    case_services.household_change_head(
        case=case, by=actors_a.expert, household=head.household, new_head=child
    )
    case_services.case_take_step(case=case, by=actors_a.expert, step=Step.SUBMIT_TO_PROVINCE)
    walk(case, [Step.APPROVE_IN_PROVINCE, Step.CONFIRM_NATIONALLY], actors_a)
    with django_capture_on_commit_callbacks(execute=True):
        case_services.case_take_step(case=case, by=actors_a.registry, step=Step.CANCEL_CARD)
    assert list(Registration.objects.values_list("document__person", flat=True)) == [head.pk]
    assert child.documents.get().status == DocumentStatus.VALID
    assert head.documents.get().status == DocumentStatus.CANCELLED
    case.refresh_from_db()
    assert case.state == CaseState.CARD_CANCELLED
    # A cancelled document never becomes valid again: there is no transition out of it.
    document = head.documents.get()
    assert not list(document.get_available_status_transitions())


def test_every_event_of_the_delivery_names_the_system(case_in, actors_a):
    case = case_in(CaseState.CARD_CANCELLED)
    system = Event.objects.filter(case_id=case.pk, actor=None)
    assert set(system.values_list("actor_name", flat=True)) == {"سامانه"}
    assert set(system.values_list("action", flat=True)) == {
        "najva_registration",
        "najva_registered",
    }


def two_documents_each(case):
    """A second document (a travel permit) for every person on the case, before it is cancelled."""
    from people.tests import factories
    from reference.models import DocumentType

    permit = DocumentType.objects.exclude(code="amayesh").first()
    for subject in case.subjects.select_related("person"):
        factories.IdentityDocumentFactory(person=subject.person, document_type=permit)


def test_a_person_with_two_documents_is_settled_when_both_are_registered(
    case_in, actors_a, django_capture_on_commit_callbacks
):
    case = case_in(CaseState.CONFIRMED_NATIONALLY)
    two_documents_each(case)
    cancel(case, actors_a, django_capture_on_commit_callbacks)
    rows = list(Registration.objects.filter(case=case).order_by("subject_id", "pk"))
    assert len(rows) == 4
    backend = backends.EmbeddedBackend()
    first = services.claim(pk=rows[0].pk)
    services.deliver(first, backend)
    subject = rows[0].subject
    subject.refresh_from_db()
    assert subject.najva_registered_at is None  # one of the person's two documents registered
    services.deliver_due(backend=backend)
    subject.refresh_from_db()
    assert subject.najva_registered_at is not None
    event = case.events.filter(action="najva_registration").first()
    assert len(event.changes) == 2  # both documents, each with its number
    case.refresh_from_db()
    assert case.state == CaseState.CARD_CANCELLED


def test_a_person_whose_documents_another_case_cancelled_is_settled_at_once(
    case_in, actors_a, django_capture_on_commit_callbacks
):
    from people.models import DocumentStatus

    case = case_in(CaseState.CONFIRMED_NATIONALLY)
    people = [s.person for s in case.subjects.order_by("pk")]
    # Another case cancelled the first person's card meanwhile (and registered it there).
    document = people[0].documents.get()
    document.cancel()
    document.save()
    cancel(case, actors_a, django_capture_on_commit_callbacks)
    assert list(Registration.objects.values_list("document__person", flat=True)) == [people[1].pk]
    settled = case.subjects.get(person=people[0])
    assert settled.najva_registered_at is not None
    note = case.events.filter(action="najva_registration").get()
    assert "پیش‌تر در پرونده دیگری باطل شده بود" in note.changes[0]["new"]
    assert document.status == DocumentStatus.CANCELLED


def test_a_case_whose_every_document_was_already_cancelled_moves_on_at_once(case_in, actors_a):
    case = case_in(CaseState.CONFIRMED_NATIONALLY)
    for subject in case.subjects.select_related("person"):
        document = subject.person.documents.get()
        document.cancel()
        document.save()
    moved = case_services.case_take_step(case=case, by=actors_a.registry, step=Step.CANCEL_CARD)
    assert moved.state == CaseState.CARD_CANCELLED  # the service returns the case as it is now
    assert not Registration.objects.exists()


def test_a_row_whose_worker_died_every_time_is_parked_not_tried_forever(
    case_in, actors_a, settings, django_capture_on_commit_callbacks
):
    settings.NAJVA_MAX_ATTEMPTS = 2
    case = case_in(CaseState.CONFIRMED_NATIONALLY)
    cancel(case, actors_a, django_capture_on_commit_callbacks)
    for _ in range(2):  # claimed, and the worker killed before it recorded anything
        claimed = services.claim()
        Registration.objects.filter(pk=claimed.pk).update(leased_until=clock.now())
        Registration.objects.exclude(pk=claimed.pk).update(next_attempt_at=clock.now())
    assert Registration.objects.get(pk=claimed.pk).attempts == 2
    other = services.claim()
    assert other is not None and other.pk != claimed.pk
    parked = Registration.objects.get(pk=claimed.pk)
    assert parked.status == "failed"
    assert case.events.filter(action="najva_failed").count() == 1


def test_the_backoff_of_a_thousandth_attempt_is_the_cap(settings):
    settings.NAJVA_BACKOFF_MAX_SECONDS = 3600
    assert 1800 <= services.backoff(5000).total_seconds() <= 3600


def test_a_failure_reported_after_another_worker_took_the_row_over_is_ignored(
    case_in, actors_a, django_capture_on_commit_callbacks
):
    case = case_in(CaseState.CONFIRMED_NATIONALLY)
    cancel(case, actors_a, django_capture_on_commit_callbacks)
    slow = services.claim()
    Registration.objects.filter(pk=slow.pk).update(leased_until=clock.now())
    fast = services.claim()
    assert fast.pk == slow.pk
    services.deliver(slow, Failing())  # the first worker's failure arrives late
    row = Registration.objects.get(pk=slow.pk)
    assert (row.last_error, row.leased_until is not None) == ("", True)  # still the second's
    services.deliver(fast, backends.EmbeddedBackend())
    assert Registration.objects.get(pk=slow.pk).status == "delivered"


def test_a_late_answer_with_another_number_is_told_on_the_case(
    case_in, actors_a, django_capture_on_commit_callbacks
):
    case = case_in(CaseState.CONFIRMED_NATIONALLY)
    cancel(case, actors_a, django_capture_on_commit_callbacks)

    class Other:
        def register_cancellation(self, cancellation):
            return "NJ-OTHER-1"

    slow = services.claim()
    Registration.objects.filter(pk=slow.pk).update(leased_until=clock.now())
    fast = services.claim()
    services.deliver(fast, backends.EmbeddedBackend())
    services.deliver(slow, Other())
    row = Registration.objects.get(pk=slow.pk)
    assert row.tracking_number != "NJ-OTHER-1"
    told = case.events.get(action="najva_late_answer")
    assert told.changes[0]["old"] == row.tracking_number and told.changes[0]["new"] == "NJ-OTHER-1"


def test_a_number_najva_gave_for_another_registration_parks_the_row(
    case_in, actors_a, django_capture_on_commit_callbacks
):
    case = case_in(CaseState.CONFIRMED_NATIONALLY)
    cancel(case, actors_a, django_capture_on_commit_callbacks)

    class Same:
        def register_cancellation(self, cancellation):
            return "NJ-SAME"

    services.deliver_due(backend=Same())
    statuses = sorted(Registration.objects.values_list("status", "tracking_number"))
    assert statuses == [("delivered", "NJ-SAME"), ("failed", "")]
    assert "NJ-SAME" in Registration.objects.get(status="failed").last_error


def test_a_registration_is_kept_on_the_case_only_while_it_awaits_najva(case_in, actors_a):
    """The moment a person's documents are all registered is kept on the case only while the
    case awaits Najva, and only by the system or the registry operator."""
    case = case_in(CaseState.CONFIRMED_NATIONALLY)
    subject = case.subjects.filter(decision="cancel").first()
    with pytest.raises(case_services.CaseStateConflict):
        services.record_subject_registered(case, subject, by=None, changes=[])
    waiting = case_in(CaseState.AWAITING_NAJVA)
    row = Registration.objects.filter(case=waiting).first()
    with pytest.raises(PermissionDenied):  # only the registry operator, or the system
        services.registration_record_manual(
            registration=row, by=actors_a.supervisor, tracking_number="T-9", reason="تلفنی"
        )
    assert not waiting.subjects.filter(najva_registered_at__isnull=False).exists()
