"""Django's PostgreSQL backend, creating its (test) databases with a UTF-8 character type.

pg_trgm extracts no trigrams from Persian under ``LC_CTYPE 'C'`` (``show_trgm('علی')`` is ``{}``),
so name search would silently find nothing. Django sets only the encoding and template of the
databases it creates; this adds the locale (``DATABASE_LOCALE``, default ``C.UTF-8``).

It also runs a connection's few per-request statements as prepared statements
(``execute_prepared``).
"""

import os
import re

from django.conf import settings
from django.db import DatabaseError
from django.db.backends.postgresql import base, creation
from psycopg2 import errors


class DatabaseCreation(creation.DatabaseCreation):
    def sql_table_creation_suffix(self):
        locale = os.environ.get("DATABASE_LOCALE", "C.UTF-8").replace("'", "")
        return f"{super().sql_table_creation_suffix()} LC_COLLATE '{locale}' LC_CTYPE '{locale}'"


class DatabaseWrapper(base.DatabaseWrapper):
    creation_class = DatabaseCreation

    def init_connection_state(self):
        super().init_connection_state()
        self.prepared_statements = set()

    def execute_prepared(self, cursor, name: str, types: str, sql: str, params) -> None:
        """Run ``sql`` (placeholders ``$1``, ``$2``... of ``types``) as this connection's prepared
        statement ``name``, prepared at its first use on the connection: PostgreSQL plans it once
        instead of at every run. For the few statements of every request (accounts.sessions),
        where planning costs more than running.

        A prepared statement lives in one server connection: behind a pooler that hands each
        transaction another one (PgBouncer in transaction mode), set ``DATABASE_PREPARED=false``
        and the statement is run plainly. A statement found gone (``DISCARD ALL``) or already
        there is prepared again or used, outside a transaction (where a failed statement leaves
        nothing to roll back)."""
        if not settings.DATABASE_PREPARED:
            # $1, $2... in order: the parameters as psycopg2 passes them.
            cursor.execute(re.sub(r"\$\d+", "%s", sql), params)
            return
        execute = f"EXECUTE {name} ({', '.join(['%s'] * len(params))})"
        try:
            if name not in self.prepared_statements:
                cursor.execute(f"PREPARE {name} ({types}) AS {sql}")
                self.prepared_statements.add(name)
            cursor.execute(execute, params)
        except DatabaseError as error:
            gone = isinstance(error.__cause__, errors.InvalidSqlStatementName)
            there = isinstance(error.__cause__, errors.DuplicatePreparedStatement)
            if self.in_atomic_block or not (gone or there):
                raise
            if gone:
                cursor.execute(f"PREPARE {name} ({types}) AS {sql}")
            self.prepared_statements.add(name)
            cursor.execute(execute, params)
