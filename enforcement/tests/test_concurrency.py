"""Two supervisors at once, on real PostgreSQL (each thread its own connection, committing)."""

import datetime

import pytest

from cases.choices import CaseState
from cases.tests.test_concurrency import race
from enforcement import services
from enforcement.models import ExpulsionOrder, OrderedPerson
from shared import clock

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("private_storage")]


def order(case, by):
    def issue():
        subjects = services.orderable_subjects(case)
        services.order_issue(
            case=case,
            by=by,
            subjects=subjects,
            issued_on=clock.today(),
            border_point=services.default_border_point(subjects),
            leave_by=clock.today() + datetime.timedelta(days=30),
            reentry_ban_years=5,
        )

    return issue


def test_two_orders_of_one_province_at_once_take_two_numbers(postgres, case_in, actors_a):
    cases = [case_in(CaseState.CARD_CANCELLED) for _ in range(2)]
    outcomes = race(*(order(case, actors_a.supervisor) for case in cases))
    assert outcomes == ["won", "won"]
    numbers = sorted(ExpulsionOrder.objects.values_list("number", flat=True))
    year = cases[0].year
    assert numbers == [f"E-{cases[0].province.code}-{year}-0000{n}" for n in (1, 2)]


def test_one_case_ordered_twice_at_once_gets_one_order(postgres, case_in, actors_a, users):
    case = case_in(CaseState.CARD_CANCELLED)
    # Both read the case as it was (two persons to order) before either commits.
    outcomes = race(
        order(case, actors_a.supervisor),
        order(case, actors_a.supervisor),
        refused=(services.EnforcementRefused, services.CaseStateConflict),
    )
    assert outcomes == ["refused", "won"]
    assert ExpulsionOrder.objects.count() == 1
    assert OrderedPerson.objects.count() == 2
    case.refresh_from_db()
    assert case.state == CaseState.EXPULSION_ORDERED


def test_two_supervisors_ordering_at_once_the_loser_gets_the_409_page(postgres, case_in, actors_a):
    """Both pages offered the same persons; the second order waits for the first one's lock,
    then finds them on the first order: the 409 page, not a form error (issue 21)."""
    from django.test import Client
    from django.urls import reverse

    from shared.persian import jalali
    from tests.locks import race_behind_a_lock

    case = case_in(CaseState.CARD_CANCELLED)
    subjects = services.orderable_subjects(case)
    data = {
        "subjects": [str(s.pk) for s in subjects],
        "issued_on": jalali(clock.today()),
        "leave_by": jalali(clock.today() + datetime.timedelta(days=30)),
        "reentry_ban_years": 5,
        "border_point": services.default_border_point(subjects).pk,
    }
    clients = [Client(), Client()]
    for client in clients:
        client.force_login(actors_a.supervisor)
    url = reverse("enforcement:order_new", args=[case.number])
    statuses = race_behind_a_lock(case, *(lambda c=c: c.post(url, data) for c in clients))
    assert statuses == [302, 409]
    assert ExpulsionOrder.objects.count() == 1
