"""Sessions in Django's database engine, and on PostgreSQL the token of the kept users
(accounts.usercache).

A page reads its session and the token and nothing more of the sign-in; signing out ends the
session wherever its cookie is; an idle session expires on the database's expiry date; and the
cache's own Redis database is not Celery's, so clearing it never empties a queue.
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


def test_a_page_reads_its_session_and_the_token_and_nothing_more_of_the_sign_in(postgres, users):
    client = signed_in(users["expert_a"])
    client.get("/")  # the user is kept from here on
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("cases:list")).status_code == 200
    sqls = [q["sql"] for q in captured.captured_queries]
    assert len([sql for sql in sqls if "django_session" in sql]) == 1
    assert len([sql for sql in sqls if "accounts_authstate" in sql]) == 1
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
