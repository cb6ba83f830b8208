"""Pages that list cases run the same number of queries for 1 case as for 50: scope is one SQL
filter and the rules of the steps read prefetched rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import Event
from cases import services
from cases.choices import CaseState
from cases.models import Case
from cases.selectors.queues import QUEUE_PER_STEP
from people.tests import factories
from revocation.demo.najva import settle as najva_settle
from revocation.demo.walk import STEPS_TO, attach_required_evidence, source_for, walk

pytestmark = pytest.mark.django_db


def open_cases(actors, count: int, state=CaseState.AWAITING_INQUIRIES, people=1):
    made = []
    for _ in range(count):
        case = services.case_open(
            by=actors.expert,
            source_type=source_for(state),
            source_reference=factories.reference(),
            source_date=factories.days_ago(3),
            subjects=factories.household_with_members(people, province=actors.expert.province),
        )
        attach_required_evidence(case, actors.expert)
        made.append(walk(case, STEPS_TO[state], actors, settle=najva_settle))
    return made


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("username", ["expert_a", "secretary_a", "national", "auditor"])
def test_the_work_queue_costs_the_same_for_1_case_as_for_50(
    client, users, actors_a, offences, username, django_assert_max_num_queries
):
    # A mix: the expert's cases awaiting replies, the secretary's and the nation's decisions.
    open_cases(actors_a, 1)
    open_cases(actors_a, 1, CaseState.READY_FOR_PROVINCE)
    open_cases(actors_a, 1, CaseState.APPROVED_BY_PROVINCE)
    client.force_login(users[username])
    one = queries(client, "/")
    open_cases(actors_a, 49)
    open_cases(actors_a, 49, CaseState.READY_FOR_PROVINCE)
    open_cases(actors_a, 49, CaseState.APPROVED_BY_PROVINCE)
    with django_assert_max_num_queries(one):
        page = client.get("/")
    # What the user must see is there: the oldest cases of their step, how many there are in all,
    # and a link to every one of them (the auditor acts on none).
    html = page.content.decode()
    if username == "auditor":
        assert "پرونده‌ای در انتظار اقدام شما نیست." in html
        return
    group = page.context["groups"][0]
    assert group.total == 50
    assert len(group.items) == QUEUE_PER_STEP
    assert group.items[0].case.opened_at <= group.items[-1].case.opened_at  # oldest first
    assert f'href="/cases/?state={group.state}&amp;order=oldest"' in html
    assert f"پرونده‌های «{group.label}»" in html


def test_the_case_list_costs_the_same_for_1_case_as_for_25(
    client, users, actors_a, offences, django_assert_max_num_queries
):
    open_cases(actors_a, 1, CaseState.RECEIVED, people=2)
    client.force_login(users["expert_a"])
    one = queries(client, reverse("cases:list"))
    open_cases(actors_a, 49, CaseState.RECEIVED, people=2)
    with django_assert_max_num_queries(one):
        page = client.get(reverse("cases:list"))
    assert page.content.decode().count("<tr>") >= 25  # a full first page


def test_the_case_page_costs_the_same_for_1_subject_as_for_50(
    client, users, actors_a, offences, django_assert_max_num_queries
):
    # Ready for the working group: one decision event per subject, so 50 subjects, 50+ events.
    small = open_cases(actors_a, 1, CaseState.READY_FOR_PROVINCE, people=1)[0]
    large = open_cases(actors_a, 1, CaseState.READY_FOR_PROVINCE, people=50)[0]
    client.force_login(users["expert_a"])
    one = queries(client, reverse("cases:detail", args=[small.number]))
    assert small.subjects.count() == 1 and large.subjects.count() == 50
    assert (
        Event.objects.filter(case_id=large.pk).count()
        > Event.objects.filter(case_id=small.pk).count()
    )
    with django_assert_max_num_queries(one):
        page = client.get(reverse("cases:detail", args=[large.number]))
    assert page.content.decode().count("data-person=") == 50


def test_notice_recipients_are_found_with_a_fixed_number_of_queries(
    users, actors_a, offences, django_assert_max_num_queries
):
    from cases.selectors.notices import next_actors

    case = Case.objects.get(pk=open_cases(actors_a, 1, CaseState.READY_FOR_PROVINCE)[0].pk)
    with django_assert_max_num_queries(4):
        found = next_actors(case=case)
    assert [user.username for user in found] == ["secretary_a"]


@pytest.mark.parametrize("typed", ["علی", "۳۰۰۰۰۰۰۰۰۱", "23-1405-00001", "140500001"])
def test_a_search_runs_without_distinct_over_joins(client, users, actors_a, offences, typed):
    open_cases(actors_a, 3, CaseState.RECEIVED, people=2)
    client.force_login(users["expert_a"])
    answer = client.post(reverse("cases:list"), {"q": typed})
    with CaptureQueriesContext(connection) as captured:
        page = client.get(answer["Location"])
    assert page.status_code == 200
    searched = [q["sql"] for q in captured if "cases_case" in q["sql"]]
    assert searched and not any("DISTINCT" in sql.upper() for sql in searched)
