"""Trigram search on the normalized name key, on PostgreSQL: the pg_trgm extension and a GIN index.

SQLite has neither; search there falls back to normalized substring matching (cases.selectors).
"""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX IF NOT EXISTS cases_person_search_key_trgm
    ON cases_person USING gin (search_key gin_trgm_ops);
"""
DROP = "DROP INDEX IF EXISTS cases_person_search_key_trgm;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_caseevent_append_only")]

    operations = [migrations.RunPython(forwards, backwards)]
