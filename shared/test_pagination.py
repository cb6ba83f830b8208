"""The capped paginator: it counts at most the cap, and says when there were more."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.choices import CaseState
from reference.models import Province
from shared import pagination
from shared.pagination import CappedPaginator

pytestmark = pytest.mark.django_db


def test_it_counts_up_to_the_cap_in_one_limited_query():
    provinces = Province.objects.order_by("code")  # 31 rows
    paginator = CappedPaginator(provinces, 5, cap=10)
    with CaptureQueriesContext(connection) as captured:
        assert paginator.count == 10
    assert paginator.capped
    assert paginator.num_pages == 2
    (query,) = captured.captured_queries
    assert "LIMIT 11" in query["sql"]  # never a count of every row
    exact = CappedPaginator(provinces, 5, cap=100)
    assert (exact.count, exact.capped, exact.num_pages) == (31, False, 7)


def test_the_case_list_says_more_than_the_cap(client, case_in, actors_a, monkeypatch):
    for _ in range(3):
        case_in(CaseState.RECEIVED)
    monkeypatch.setattr(pagination, "COUNT_CAP", 2)
    client.force_login(actors_a.expert)
    page = client.get(reverse("cases:list")).content.decode()
    assert "بیش از ۲ پرونده" in page
    monkeypatch.setattr(pagination, "COUNT_CAP", 1000)
    page = client.get(reverse("cases:list")).content.decode()
    assert "۳ پرونده" in page and "بیش از" not in page


def test_the_queue_links_to_every_case_of_a_state_oldest_first(client, case_in, actors_a):
    older = case_in(CaseState.RECEIVED)
    newer = case_in(CaseState.RECEIVED)
    case_in(CaseState.EXPERT_REVIEW)
    client.force_login(actors_a.expert)
    page = client.get(reverse("cases:list") + "?state=received&order=oldest")
    assert page.status_code == 200
    assert page.context["form"]["state"].value() == "received"
    assert [row.pk for row in page.context["page"]] == [older.pk, newer.pk]  # longest waiting first
    assert page.context["link"] == "state=received&order=oldest"  # kept on the next pages
    assert "قدیمی‌ترین نخست" in page.content.decode()
