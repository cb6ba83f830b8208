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
