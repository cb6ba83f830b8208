"""Two secretaries at once, on real PostgreSQL (each thread its own connection, committing)."""

import threading
import time

import pytest
from django.db import transaction

from cases.choices import CaseState
from cases.tests.test_concurrency import race
from committees import services
from committees.models import AgendaItem
from shared import clock
from shared.persian import jalali

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_sessions_adding_one_case_at_once_put_it_on_one_agenda(
    postgres, members, case_in, users
):
    secretary = users["secretary_a"]
    group = members[0].group
    sessions = [
        services.session_open(
            group=group, by=secretary, number=number, held_on=clock.today(), place="x"
        )
        for number in ("۲۱/۱۴۰۵", "۲۲/۱۴۰۵")
    ]
    case = case_in(CaseState.READY_FOR_PROVINCE)
    added = threading.Event()

    def first():
        # Adds the case and holds its transaction open a moment, as a slow request would.
        with transaction.atomic():
            services.agenda_add(session=sessions[0], by=secretary, cases=[case])
            added.set()
            time.sleep(1)

    def second():
        added.wait(timeout=10)  # while the first one has not committed yet
        services.agenda_add(session=sessions[1], by=secretary, cases=[case])

    assert race(first, second, refused=services.SessionRefused) == ["refused", "won"]
    assert AgendaItem.objects.filter(case=case).count() == 1


def test_two_national_secretaries_closing_at_once_the_loser_gets_the_409_page(
    postgres, case_in, users
):
    """Both pages saw the session open; the second close waits for the first one's lock, then
    finds the session closed: the 409 page, not a form error (issue 21)."""
    from django.test import Client
    from django.urls import reverse

    from committees.models import Session
    from tests.locks import race_behind_a_lock

    national = users["national"]
    case = case_in(CaseState.APPROVED_BY_PROVINCE)
    clients = [Client(), Client()]
    for client in clients:
        client.force_login(national)
    page = clients[0].post(
        reverse("committees:new"),
        {"number": "ک/۹/۱۴۰۵", "held_on": jalali(clock.today()), "place": "وزارت کشور"},
    )
    assert page.status_code == 302
    session = Session.objects.get(number="ک/۹/۱۴۰۵")
    clients[0].post(
        reverse("committees:national_queue"), {"session": session.pk, "cases": [case.pk]}
    )
    batch = clients[0].post(
        reverse("committees:batch", args=[session.pk]),
        {f"outcome_{i.pk}": "confirm" for i in session.items.all()},
    )
    assert batch.status_code == 302
    close = reverse("committees:close", args=[session.pk])
    statuses = race_behind_a_lock(
        session, *(lambda c=c: c.post(close, {"letter_number": "۱۲"}) for c in clients)
    )
    assert statuses == [302, 409]
    case.refresh_from_db()
    assert case.state == CaseState.CONFIRMED_NATIONALLY
    assert case.events.filter(action="confirm_nationally").count() == 1
