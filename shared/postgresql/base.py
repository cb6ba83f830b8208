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
