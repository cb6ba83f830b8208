"""Django's database sessions, read on PostgreSQL in one query with the token of accounts.usercache.

A signed-in request needs two things from outside the process: its session, and the token that
says whether the user the process keeps is still the user in the database. Read apart (the
session from Redis, the token from PostgreSQL) they are two round trips, about 0.15 ms each; read
here they are one. The session is stored as Django's database backend stores it (written when
changed, at most once a minute for an active one: accounts.middleware), so nothing of it lives
only in a cache that may restart empty.
"""

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone

SESSION_SQL = """
    SELECT a.token, s.session_data FROM accounts_authstate a
    LEFT JOIN django_session s ON s.session_key = $1 AND s.expire_date > $2
    WHERE a.id = 1
"""


class SessionStore(db.SessionStore):
    # The token read with this session (None until it is loaded, or where it is not read here).
    auth_token = None

    def load(self):
        connection = connections[router.db_for_read(self.model)]
        if connection.vendor != "postgresql":
            return super().load()
        with connection.cursor() as cursor:
            # Prepared once per connection: planning this join costs more than running it.
            connection.execute_prepared(
                cursor,
                "revocation_session_and_token",
                "text, timestamptz",
                SESSION_SQL,
                # Django's time, not revocation.clock: Django wrote expire_date with it (sessions
                # are machinery, not a legal date; a shifted clock must not sign everyone out).
                [self.session_key, timezone.now()],
            )
            row = cursor.fetchone()
        if row is None:  # the token's row is gone (a flushed test database): read apart
            return super().load()
        self.auth_token = str(row[0])
        if row[1] is None:
            self._session_key = None
            return {}
        return self.decode(row[1])
