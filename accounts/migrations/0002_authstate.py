"""The token the processes check their kept users against (accounts.usercache), and on PostgreSQL the
triggers that change it in the transaction of every statement that changes what a signed-in user
is: users, their groups, groups, provinces, TOTP devices. Statement-level: one UPDATE of the one
row per statement, however many rows it touched, TRUNCATE included."""

import uuid

from django.db import migrations, models

TABLES = [
    "accounts_user",
    "accounts_user_groups",
    "auth_group",
    "reference_province",
    "otp_totp_totpdevice",
]

FUNCTION = """
CREATE OR REPLACE FUNCTION accounts_authstate_change() RETURNS trigger AS $$
BEGIN
    UPDATE accounts_authstate SET token = gen_random_uuid() WHERE id = 1;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""

# ENABLE ALWAYS: it fires under session_replication_role = replica too (a bulk fix or a restore
# run that way); only an explicit ALTER TABLE ... DISABLE TRIGGER by the owner stops it.
TRIGGER = """
CREATE TRIGGER {table}_authstate
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION accounts_authstate_change();
ALTER TABLE {table} ENABLE ALWAYS TRIGGER {table}_authstate;
"""


def forwards(apps, schema_editor):
    apps.get_model("accounts", "AuthState").objects.create(id=1, token=uuid.uuid4())
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION, params=None)
        for table in TABLES:
            schema_editor.execute(TRIGGER.format(table=table), params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_authstate ON {table}")
        schema_editor.execute("DROP FUNCTION IF EXISTS accounts_authstate_change()")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("reference", "0004_border_points_in_use"),
        ("otp_totp", "0003_add_timestamps"),
    ]

    operations = [
        migrations.CreateModel(
            name="AuthState",
            fields=[
                (
                    "id",
                    models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False),
                ),
                ("token", models.UUIDField()),
            ],
            options={
                "verbose_name": "نشانه وضعیت دسترسی\u200cها",
                "verbose_name_plural": "نشانه وضعیت دسترسی\u200cها",
            },
        ),
        migrations.RunPython(forwards, backwards),
    ]
