"""Sessions in the database, read on PostgreSQL in one query with the token of the kept users
(accounts.sessions, accounts.usercache).

A page reads its session and the token in one prepared statement and nothing more of the sign-in;
signing out ends the session wherever its cookie is; an idle session expires on the database's
expiry date; and the cache's own Redis database is not Celery's, so clearing it never empties a
queue.
"""

import datetime

import pytest
import redis
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import require

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_page_reads_its_session_and_the_token_in_one_query(postgres, users):
    client = signed_in(users["expert_a"])
    client.get("/")  # the user is kept from here on
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("cases:list")).status_code == 200
    sqls = [q["sql"] for q in captured.captured_queries]
    names = ("django_session", "session_and_token", "accounts_authstate")
    signing_in = [sql for sql in sqls if any(name in sql for name in names)]
    assert len(signing_in) == 1
    assert signing_in[0].startswith("EXECUTE revocation_session_and_token")  # planned once
    assert not [sql for sql in sqls if 'WHERE "accounts_user"."id" =' in sql]  # the user: kept


def test_signing_out_ends_the_session_for_every_copy_of_its_cookie(users):
    first = signed_in(users["expert_a"])
    second = Client()
    second.cookies["sessionid"] = first.cookies["sessionid"].value  # the same session elsewhere
    assert second.get("/").status_code == 200
    first.post(reverse("logout"))
    assert second.get("/").status_code == 302  # to the sign-in page


def test_a_session_past_its_expiry_date_is_signed_out_and_a_visit_pushes_it_on(users):
    from accounts import middleware

    client = signed_in(users["expert_a"])
    key = client.cookies["sessionid"].value
    expiry = Session.objects.get(session_key=key).expire_date
    assert expiry - timezone.now() > datetime.timedelta(minutes=29)  # the 30-minute idle limit
    # 20 idle minutes: 10 left. A visit touches the session again (its last touch is old).
    session = client.session
    session[middleware.SESSION_SEEN_KEY] = 0
    session.save()
    sessions = Session.objects.filter(session_key=key)
    sessions.update(expire_date=expiry - datetime.timedelta(minutes=20))
    assert client.get("/").status_code == 200
    pushed = Session.objects.get(session_key=key).expire_date
    assert pushed > expiry - datetime.timedelta(minutes=1)
    # Past it: signed out.
    sessions.update(expire_date=pushed - datetime.timedelta(hours=1))
    assert client.get("/").status_code == 302


def test_clearing_the_cache_leaves_celerys_queues_alone():
    require(
        settings.CACHES["default"]["BACKEND"].endswith("RedisCache"),
        "this test needs Redis for the cache (set REDIS_URL)",
    )
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    assert settings.CACHES["default"]["LOCATION"] != settings.CELERY_BROKER_URL
    broker.set("revocation-test-queue-marker", "kept")
    try:
        cache.clear()
        assert broker.get("revocation-test-queue-marker") == b"kept"
    finally:
        broker.delete("revocation-test-queue-marker")


@pytest.mark.django_db(transaction=True)
def test_the_prepared_statement_comes_back_after_a_new_connection_or_a_discard(postgres, users):
    client = signed_in(users["expert_a"])
    assert client.get("/").status_code == 200
    connection.close()  # a new server connection: nothing prepared on it yet
    assert client.get("/").status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")  # as a pooler's reset would
    assert client.get("/").status_code == 200  # prepared again, still signed in
    connection.prepared_statements.clear()  # prepared on the server, forgotten here
    assert client.get("/").status_code == 200


def test_without_prepared_statements_the_same_query_runs_plainly(postgres, settings, users):
    settings.DATABASE_PREPARED = False
    client = signed_in(users["expert_a"])
    client.get("/")
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/").status_code == 200
    (query,) = [q["sql"] for q in captured.captured_queries if "accounts_authstate" in q["sql"]]
    assert "django_session" in query and "EXECUTE" not in query
