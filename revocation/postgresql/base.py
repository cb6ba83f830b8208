"""Django's PostgreSQL backend, creating its (test) databases with a UTF-8 character type.

pg_trgm extracts no trigrams from Persian under ``LC_CTYPE 'C'`` (``show_trgm('علی')`` is ``{}``),
so name search would silently find nothing. Django sets only the encoding and template of the
databases it creates; this adds the locale (``DATABASE_LOCALE``, default ``C.UTF-8``).
"""

import os

from django.db.backends.postgresql import base, creation


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
        where planning costs more than running."""
        if name not in self.prepared_statements:
            cursor.execute(f"PREPARE {name} ({types}) AS {sql}")
            self.prepared_statements.add(name)
        cursor.execute(f"EXECUTE {name} ({', '.join(['%s'] * len(params))})", params)
