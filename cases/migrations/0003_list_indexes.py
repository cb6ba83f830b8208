"""Indexes for the lists' orders and scopes (issue 7): newest first, per province, and the work
queue's oldest first per province and state.

Built with CONCURRENTLY on PostgreSQL (not atomic), so that a migration on a full register blocks
no write to cases; elsewhere as usual. The migration state records them as ordinary indexes.
"""

from django.db import migrations, models

INDEXES = [
    models.Index(fields=["-opened_at"], name="case_opened"),
    models.Index(fields=["province", "-opened_at"], name="case_province_opened"),
    models.Index(fields=["province", "state", "opened_at"], name="case_province_state"),
    models.Index(fields=["state", "opened_at"], name="case_state_opened"),
]


def create(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    concurrently = schema_editor.connection.vendor == "postgresql"
    for index in INDEXES:
        if concurrently:
            schema_editor.add_index(Case, index, concurrently=True)
        else:
            schema_editor.add_index(Case, index)


def drop(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    for index in INDEXES:
        schema_editor.remove_index(Case, index)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("cases", "0002_search_indexes"),
        ("reference", "0002_reference_data"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(model_name="case", index=index) for index in INDEXES
            ],
            database_operations=[migrations.RunPython(create, drop, atomic=False)],
        )
    ]
