"""Two requests caught in the same race on real PostgreSQL: both pass the page's checks, then wait
on the row lock the service takes; one wins and the other must get the 409 page (issue 21)."""

import threading
import time

import pytest
from django.db import connection, transaction


def _waiting_on_locks() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE wait_event_type = 'Lock' AND datname = current_database()"
        )
        return cursor.fetchone()[0]


def race_behind_a_lock(row, *posts) -> list[int]:
    """Hold ``row`` locked (FOR UPDATE, another connection), start each of ``posts`` (callables
    returning a response) in its own thread, wait until all of them wait on a lock, let go:
    their status codes, sorted."""
    locked, release = threading.Event(), threading.Event()
    statuses = []

    def hold():
        try:
            with transaction.atomic():
                type(row).objects.select_for_update().get(pk=row.pk)
                locked.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    def post(attempt):
        try:
            statuses.append(attempt().status_code)
        except Exception as error:  # reported in the assertion of the test
            statuses.append(repr(error))
        finally:
            connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    assert locked.wait(timeout=10)
    threads = [threading.Thread(target=post, args=(attempt,)) for attempt in posts]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 20
    while _waiting_on_locks() < len(posts):
        if time.monotonic() > deadline or not any(t.is_alive() for t in threads):
            release.set()
            pytest.fail(f"the requests never all waited on the lock: {statuses}")
        time.sleep(0.05)
    release.set()
    holder.join(timeout=30)
    for thread in threads:
        thread.join(timeout=60)
    return sorted(statuses, key=str)
