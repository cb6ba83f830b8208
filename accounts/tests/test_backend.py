"""The signed-in user is read once per request, with their province and roles, and never cached
across requests: a role taken away counts from the next page on."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from accounts.services import account_set_roles

pytestmark = pytest.mark.django_db


def test_a_role_taken_away_counts_from_the_next_page(client, users, case_in):
    from cases.choices import CaseState

    case = case_in(CaseState.RECEIVED)
    expert = users["expert_a"]
    client.force_login(expert)
    assert client.get(reverse("cases:detail", args=[case.number])).status_code == 200
    account_set_roles(by=None, user=expert, roles=[])
    assert client.get(reverse("cases:detail", args=[case.number])).status_code == 404
    account_set_roles(by=None, user=expert, roles=[Role.SECRETARY])
    page = client.get("/")
    assert page.context["user"].role_codes == frozenset({Role.SECRETARY.value})


def test_the_user_their_roles_and_province_are_one_query(postgres, client, users):
    client.force_login(users["expert_a"])
    client.get("/")
    with CaptureQueriesContext(connection) as captured:
        page = client.get(reverse("cases:list"))
    sqls = [q["sql"] for q in captured.captured_queries]
    (user_query,) = [sql for sql in sqls if 'FROM "accounts_user"' in sql and "ARRAY(" in sql]
    assert '"reference_province"' in user_query  # the province, joined
    # No other read of the user's groups or province on the page.
    assert not [sql for sql in sqls if sql.startswith('SELECT "auth_group"."name"')]
    assert not [sql for sql in sqls if sql.startswith('SELECT "reference_province"')]
    assert page.context["user"].role_codes == frozenset({Role.EXPERT.value})
    assert "تهران" in page.content.decode()
