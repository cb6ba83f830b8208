"""Step 7's parts cost the same for one person or order as for many: the case page of an expelled
case, the order page, and the supervisor's and the liaison's work queues."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.choices import CaseState
from enforcement.models import ExpulsionOrder, OrderedPerson, Outcome
from people.tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_storage")]


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_an_expelled_case_and_its_order_cost_the_same_for_one_person_as_for_five(
    client, users, case_in, actors_a, django_assert_max_num_queries
):
    small = case_in(
        CaseState.EXPELLED,
        subjects=factories.household_with_members(1, province=actors_a.expert.province),
    )
    large = case_in(
        CaseState.EXPELLED,
        subjects=factories.household_with_members(5, province=actors_a.expert.province),
    )
    assert OrderedPerson.objects.filter(order__case=large, outcome=Outcome.EXPELLED).count() == 5
    client.force_login(users["expert_a"])
    for page in (
        lambda case: case.get_absolute_url(),
        lambda case: reverse("enforcement:order", args=[ExpulsionOrder.objects.get(case=case).pk]),
    ):
        one = queries(client, page(small))
        url = page(large)
        with django_assert_max_num_queries(one):
            response = client.get(url)
        assert response.content.decode().count('data-outcome="expelled"') == 5


@pytest.mark.parametrize("username", ["supervisor_a", "enforcement_a"])
def test_the_work_queue_of_step_seven_costs_the_same_for_one_order_as_for_ten(
    client, users, case_in, actors_a, username, django_assert_max_num_queries
):
    def not_found(case):
        entry = OrderedPerson.objects.filter(order__case=case).first()
        from enforcement import services

        services.outcome_record(
            entry=entry,
            by=actors_a.enforcement,
            outcome=Outcome.NOT_FOUND,
            on=entry.order.issued_on,
            note="نبود",
        )

    not_found(case_in(CaseState.EXPULSION_ORDERED))
    client.force_login(users[username])
    one = queries(client, "/")
    for _ in range(9):
        not_found(case_in(CaseState.EXPULSION_ORDERED))
    with django_assert_max_num_queries(one):
        page = client.get("/").content.decode()
    assert 'id="enforcement-waiting"' in page
    if username == "enforcement_a":
        assert "۱۰ شخص مشمول دستور اخراج در انتظار ثبت نتیجه" in page
    else:
        assert page.count('#enforcement">') >= 10
