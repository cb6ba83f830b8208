"""Sessions in Redis, written through to the database (settings: SESSION_ENGINE with REDIS_URL).

A page reads its session from Redis, not the database; a Redis that comes back empty loses no
session; signing out ends the session wherever its cookie is; and the cache's own Redis database
is not Celery's, so clearing the cache never empties a queue.
"""

import pytest
import redis
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import require

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_sessions():
    require(
        settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db",
        "this test needs Redis for the sessions (set REDIS_URL)",
    )


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def session_queries(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in captured.captured_queries if '"django_session"' in q["sql"]]


def test_a_page_reads_its_session_from_redis_not_the_database(redis_sessions, users):
    client = signed_in(users["expert_a"])
    client.get("/")
    assert session_queries(client, reverse("cases:list")) == []


def test_a_redis_that_comes_back_empty_loses_no_session(redis_sessions, users):
    client = signed_in(users["expert_a"])
    cache.clear()  # as a Redis restarted without its data
    assert client.get("/").status_code == 200  # still signed in: read from the database
    assert session_queries(client, "/") == []  # and in Redis again from then on


def test_signing_out_ends_the_session_for_every_copy_of_its_cookie(redis_sessions, users):
    first = signed_in(users["expert_a"])
    second = Client()
    second.cookies["sessionid"] = first.cookies["sessionid"].value  # the same session elsewhere
    assert second.get("/").status_code == 200
    first.post(reverse("logout"))
    assert second.get("/").status_code == 302  # to the sign-in page


def test_in_redis_a_session_expires_after_thirty_idle_minutes_and_a_visit_pushes_it_on(
    redis_sessions, users
):
    from accounts import middleware

    client = signed_in(users["expert_a"])
    key = cache.make_key("django.contrib.sessions.cached_db" + client.cookies["sessionid"].value)
    raw = cache._cache.get_client(key)
    assert 30 * 60 - 5 < raw.ttl(key) <= 30 * 60  # the idle limit, on Redis's clock
    raw.expire(key, 10 * 60)  # as if 20 minutes had gone by
    session = client.session
    session[middleware.SESSION_SEEN_KEY] = 0  # the last touch is over a minute old
    session.save()
    raw.expire(key, 10 * 60)
    assert client.get("/").status_code == 200  # a visit touches the session again
    assert raw.ttl(key) > 29 * 60


def test_clearing_the_cache_leaves_celerys_queues_alone(redis_sessions):
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    assert settings.CACHES["default"]["LOCATION"] != settings.CELERY_BROKER_URL
    broker.set("revocation-test-queue-marker", "kept")
    try:
        cache.clear()
        assert broker.get("revocation-test-queue-marker") == b"kept"
    finally:
        broker.delete("revocation-test-queue-marker")
