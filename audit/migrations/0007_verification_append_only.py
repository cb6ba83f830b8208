"""The record of verify_audit's runs is append-only too (on PostgreSQL): the auditor's page says
when the chains were last verified and with what result, and the app's role, which may only
SELECT and INSERT on tables guarded this way (shared.dbroles), cannot rewrite that."""

from django.db import migrations

CREATE = """
CREATE TRIGGER audit_verification_append_only
    BEFORE UPDATE OR DELETE ON audit_verification
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();
"""

DROP = "DROP TRIGGER IF EXISTS audit_verification_append_only ON audit_verification;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0006_seal")]

    operations = [migrations.RunPython(forwards, backwards)]
