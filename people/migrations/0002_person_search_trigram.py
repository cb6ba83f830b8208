"""Trigram search on the normalized name key, on PostgreSQL: the pg_trgm extension and a GIN index.

SQLite has neither; search there falls back to normalized substring matching (people.selectors).
"""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX IF NOT EXISTS people_person_search_key_trgm
    ON people_person USING gin (search_key gin_trgm_ops);
"""
DROP = "DROP INDEX IF EXISTS people_person_search_key_trgm;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
