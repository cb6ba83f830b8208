"""The HTTP backend against a real stub Najva on 127.0.0.1: down, erroring, slow past the timeout,
then up; every registration waits in the outbox meanwhile and is delivered exactly once."""

import json
import time

import pytest

from cases import services as case_services
from cases.choices import CaseState, Step
from najva import backends, services
from najva.models import Registration
from shared import clock

pytestmark = pytest.mark.django_db


def cancel_cases(case_in, actors, capture, count):
    cases = [case_in(CaseState.CONFIRMED_NATIONALLY) for _ in range(count)]
    with capture(execute=False):
        for case in cases:
            case_services.case_take_step(case=case, by=actors.registry, step=Step.CANCEL_CARD)
    return cases


def sweep():
    """What the beat's sweep does, once every wait has passed."""
    Registration.objects.filter(status="pending").update(next_attempt_at=clock.now())
    return services.deliver_due()


def test_registrations_wait_through_an_outage_and_are_delivered_exactly_once(
    case_in, actors_a, http_najva, django_capture_on_commit_callbacks
):
    stub = http_najva
    cases = cancel_cases(case_in, actors_a, django_capture_on_commit_callbacks, 3)

    stub.stop()  # down: connection refused
    assert sweep() == 6
    stub.start()
    stub.mode = "error"  # up, but answering 500
    assert sweep() == 6
    stub.mode = "slow"  # answering after the read timeout: registered there, unknown here
    stub.delay = 1.5
    assert sweep() == 6
    rows = Registration.objects.all()
    assert {(r.status, r.attempts) for r in rows} == {("pending", 3)}
    errors = {r.last_error for r in rows}
    assert any("timeout" in e for e in errors), errors
    for case in cases:
        case.refresh_from_db()
        assert case.state == CaseState.AWAITING_NAJVA

    stub.mode = "up"
    assert sweep() == 6
    assert sweep() == 0
    rows = list(Registration.objects.all())
    assert {r.status for r in rows} == {"delivered"}
    # Exactly once at Najva: one registration per document, although the slow round reached it
    # and the answers were lost; our numbers are the ones Najva gave the first time.
    assert stub.total_registrations() == 6
    assert stub.duplicates() == 0
    assert {r.idempotency_key: r.tracking_number for r in rows} == stub.registered
    assert all(stub.calls[r.idempotency_key] == 2 for r in rows)  # the slow call and this one
    for case in cases:
        case.refresh_from_db()
        assert case.state == CaseState.CARD_CANCELLED


def test_the_request_carries_the_contract_of_docs_najva_api(
    case_in, actors_a, http_najva, django_capture_on_commit_callbacks
):
    stub = http_najva
    (case,) = cancel_cases(case_in, actors_a, django_capture_on_commit_callbacks, 1)
    services.deliver_due()
    row = Registration.objects.filter(case=case).order_by("pk").first()
    body = stub.bodies[row.idempotency_key]
    person = row.document.person
    assert body == {
        "idempotency_key": row.idempotency_key,
        "case_number": case.number,
        "province_code": case.province.code,
        "person_first_name": person.first_name,
        "person_last_name": person.last_name,
        "person_father_name": person.father_name,
        "person_nationality": person.nationality,
        "document_type": "amayesh",
        "document_number": row.document.number,
        "document_series": row.document.series,
        "offence_code": case.offence_type.code,
        "offence_version_year": case.offence_type.version_year,
        "offence_title": case.offence_type.title,
        "cancelled_on": clock.today().isoformat(),
    }
    # The contract document shows the same fields.
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "najva-api.md").read_text()
    for field in body:
        assert f'"{field}"' in doc, field
    # And the status of a document, asked of Najva.
    report = backends.get_backend().document_status("amayesh", row.document.number)
    assert report == backends.DocumentReport("cancelled", row.tracking_number)


def test_every_attempt_sends_the_body_written_with_the_cancellation(
    case_in, actors_a, http_najva, django_capture_on_commit_callbacks
):
    (case,) = cancel_cases(case_in, actors_a, django_capture_on_commit_callbacks, 1)
    http_najva.stop()
    sweep()
    person = case.subjects.order_by("pk").first().person
    written = person.last_name
    person.last_name = "نام اصلاح‌شده"  # corrected between two attempts
    person.save()
    http_najva.start()
    sweep()
    row = Registration.objects.get(subject__person=person)
    assert http_najva.bodies[row.idempotency_key]["person_last_name"] == written
    assert row.status == "delivered"


def test_a_wrong_token_is_retried_not_parked_and_a_refusal_is_parked(
    case_in, actors_a, http_najva, settings, django_capture_on_commit_callbacks
):
    (case,) = cancel_cases(case_in, actors_a, django_capture_on_commit_callbacks, 1)
    settings.NAJVA_TOKEN = "wrong"
    services.deliver_due()
    assert {(r.status, r.last_error) for r in Registration.objects.all()} == {
        ("pending", "نجوا دسترسی را نپذیرفت (401).")
    }
    # Fixed in the settings; Najva now refuses the request itself (422): parked at once, for the
    # operator, with Najva's own message.
    settings.NAJVA_TOKEN = http_najva.token
    http_najva.mode = "refuse"
    sweep()
    assert {(r.status, r.attempts) for r in Registration.objects.all()} == {("failed", 2)}
    assert "422" in Registration.objects.first().last_error
    assert "document not found" in Registration.objects.first().last_error
    assert case.events.filter(action="najva_failed").count() == 2


def test_an_answer_without_a_number_is_an_error_not_a_registration(http_najva, monkeypatch):
    backend = backends.HttpBackend()
    monkeypatch.setattr(backend, "_call", lambda *a, **k: {"tracking_number": ""})
    with pytest.raises(backends.NajvaError, match="شماره پیگیری"):
        backend.register_cancellation(_cancellation())


def _cancellation():
    return backends.Cancellation(
        idempotency_key="k",
        case_number="23-1405-00001",
        province_code="23",
        person_first_name="علی",
        person_last_name="احمدی",
        person_father_name="حسن",
        person_nationality="AF",
        document_type="amayesh",
        document_number="1",
        document_series="",
        offence_code="01",
        offence_version_year=1405,
        offence_title="x",
        cancelled_on="2026-11-26",
    )


def test_the_stub_replays_a_key_with_the_same_number(http_najva):
    import requests

    body = json.loads(json.dumps(_cancellation().__dict__))
    headers = {"Idempotency-Key": "k", "Authorization": f"Bearer {http_najva.token}"}
    first = requests.post(
        f"{http_najva.url}/v1/cancellations", json=body, headers=headers, timeout=2
    )
    again = requests.post(
        f"{http_najva.url}/v1/cancellations", json=body, headers=headers, timeout=2
    )
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["tracking_number"] == again.json()["tracking_number"]


def test_a_redirect_is_not_followed_and_parks_the_row(
    case_in, actors_a, http_najva, django_capture_on_commit_callbacks
):
    cancel_cases(case_in, actors_a, django_capture_on_commit_callbacks, 1)
    http_najva.mode = "redirect"
    services.deliver_due()
    assert {(r.status, r.attempts) for r in Registration.objects.all()} == {("failed", 1)}
    assert "NAJVA_URL" in Registration.objects.first().last_error
    assert http_najva.total_registrations() == 0


def test_a_trickled_answer_ends_by_the_calls_deadline_within_the_rows_lease(
    case_in, actors_a, http_najva, settings, django_capture_on_commit_callbacks
):
    """Issue 21: an answer trickled a byte at a time never lets the read timeout run out; the
    call's deadline cuts it, and the row is tried again later, as after a timeout."""
    settings.NAJVA_DEADLINE_SECONDS = 2
    cancel_cases(case_in, actors_a, django_capture_on_commit_callbacks, 1)
    http_najva.mode, http_najva.delay = "trickle", 0.2  # never 1 s without a byte: ~30 s in all
    started = time.monotonic()
    services.deliver_due(limit=1)
    took = time.monotonic() - started
    assert took < 3, f"the trickled call took {took:.1f} s"
    (row,) = Registration.objects.filter(attempts=1)
    assert (row.status, row.last_error) == ("pending", backends.DEADLINE_PASSED)
    assert services.lease_duration().total_seconds() > 2  # the call ended inside its lease
    assert http_najva.calls[row.idempotency_key] == 1

    http_najva.mode = "up"
    sweep()
    row.refresh_from_db()
    assert row.status == "delivered"
    assert row.tracking_number == http_najva.registered[row.idempotency_key]


def test_a_trickled_document_status_ends_by_the_deadline(http_najva, settings):
    settings.NAJVA_DEADLINE_SECONDS = 1.5
    http_najva.mode, http_najva.delay = "trickle", 0.2
    started = time.monotonic()
    with pytest.raises(backends.NajvaError, match="deadline"):
        backends.get_backend().document_status("amayesh", "12345678")
    assert time.monotonic() - started < 2.5
