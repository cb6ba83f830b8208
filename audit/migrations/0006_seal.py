"""The hash chains' seals (audit.chain): one insert-only table for both chains, append-only on
PostgreSQL like the records, and the events already there sealed in the order they were
inserted (by id), as the sealer seals them."""

import django.utils.timezone
from django.db import migrations, models

import shared.clock
from audit.chain import GENESIS, digest

# Event.SEALED_FIELDS as they are when the chain begins (attribute names).
SEALED = (
    "case_id",
    "household_id",
    "account_id",
    "actor_id",
    "actor_name",
    "actor_roles",
    "at",
    "kind",
    "action",
    "label",
    "from_state",
    "from_state_label",
    "to_state",
    "to_state_label",
    "reason",
    "changes",
)

APPEND_ONLY = """
CREATE TRIGGER audit_seal_append_only
    BEFORE UPDATE OR DELETE ON audit_seal
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();
"""

DROP_APPEND_ONLY = "DROP TRIGGER IF EXISTS audit_seal_append_only ON audit_seal;"


def seal_existing(apps, schema_editor):
    Event = apps.get_model("audit", "Event")
    Seal = apps.get_model("audit", "Seal")
    now = django.utils.timezone.now()
    seq, prev_hash, batch = 0, GENESIS, []
    rows = Event.objects.order_by("pk").values_list("pk", *SEALED).iterator(chunk_size=2000)
    for pk, *values in rows:
        seq += 1
        hash_ = digest(dict(zip(SEALED, values, strict=True)), seq=seq, prev_hash=prev_hash)
        batch.append(
            Seal(
                chain="events",
                seq=seq,
                record_id=pk,
                prev_hash=prev_hash,
                hash=hash_,
                sealed_at=now,
            )
        )
        prev_hash = hash_
        if len(batch) >= 1000:
            Seal.objects.bulk_create(batch)
            batch = []
    if batch:
        Seal.objects.bulk_create(batch)


def seal_append_only(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(APPEND_ONLY, params=None)


def drop_seal_append_only(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_APPEND_ONLY, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0005_chain")]

    operations = [
        migrations.CreateModel(
            name="Seal",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "chain",
                    models.CharField(
                        choices=[("events", "رویدادها"), ("reads", "خواندن‌ها")],
                        max_length=16,
                        verbose_name="زنجیره",
                    ),
                ),
                ("seq", models.BigIntegerField(verbose_name="شماره در زنجیره")),
                ("record_id", models.BigIntegerField(verbose_name="شناسه رکورد")),
                ("prev_hash", models.CharField(max_length=64, verbose_name="چکیده پیشین")),
                ("hash", models.CharField(max_length=64, verbose_name="چکیده")),
                (
                    "sealed_at",
                    models.DateTimeField(default=shared.clock.now, verbose_name="زمان مهر"),
                ),
            ],
            options={
                "verbose_name": "مهر زنجیره",
                "verbose_name_plural": "مهرهای زنجیره",
                "ordering": ["chain", "seq"],
                "constraints": [
                    models.UniqueConstraint(fields=("chain", "seq"), name="audit_seal_chain_seq"),
                    models.UniqueConstraint(
                        fields=("chain", "record_id"), name="audit_seal_chain_record"
                    ),
                ],
            },
        ),
        migrations.RunPython(seal_existing, migrations.RunPython.noop),
        migrations.RunPython(seal_append_only, drop_seal_append_only),
    ]
