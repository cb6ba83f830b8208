"""The trail references no app above it: ``Event.case``, ``Event.household`` and ``Read.case``
become plain ids (``case_id``, ``household_id``), and the kinds and read actions lose their
choices (the apps above declare them, audit.kinds).

The columns, their values and their indexes stay as they were: only the foreign key constraints
are dropped (AlterField keeps the column ``case_id``), then the fields are renamed in the
migration state alone, to the names their columns already have. The chain hashes each record's
sealed fields by column name ("case_id", "household_id"), so every old seal still verifies.
"""

from django.db import migrations, models


def _id(label):
    return models.BigIntegerField(blank=True, db_index=True, null=True, verbose_name=label)


def _plain(model, old, new, label, index=None):
    """``old`` (a foreign key whose column is ``new``) becomes the plain id field ``new``."""
    column = models.BigIntegerField(
        blank=True, db_column=new, db_index=True, null=True, verbose_name=label
    )
    state = [
        migrations.RenameField(model, old, new),
        migrations.AlterField(model, new, _id(label)),
    ]
    if index:
        state = [
            migrations.RemoveIndex(model, index),
            *state,
            migrations.AddIndex(model, models.Index(fields=[new, "at"], name=index)),
        ]
    return [
        # In the database: the constraint goes, the column and its values stay.
        migrations.AlterField(model, old, column),
        # In the state only: the field takes its column's name (nothing to do in the database).
        migrations.SeparateDatabaseAndState(state_operations=state),
    ]


class Migration(migrations.Migration):
    dependencies = [("audit", "0007_verification_append_only")]

    operations = [
        *_plain("event", "case", "case_id", "پرونده", index="audit_event_case_at"),
        *_plain("event", "household", "household_id", "خانوار"),
        *_plain("read", "case", "case_id", "پرونده", index="audit_read_case_at"),
        migrations.AlterField(
            model_name="event",
            name="kind",
            field=models.CharField(max_length=16, verbose_name="نوع"),
        ),
        migrations.AlterField(
            model_name="read",
            name="action",
            field=models.CharField(max_length=32, verbose_name="اقدام"),
        ),
    ]
