"""The read log and the verification runs get their tables, the read log append-only on
PostgreSQL like the events. The chains' seals are 0006's."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import shared.clock

APPEND_ONLY = """
CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only (% refused)', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_read_append_only
    BEFORE UPDATE OR DELETE ON audit_read
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();
"""

DROP_APPEND_ONLY = """
DROP TRIGGER IF EXISTS audit_read_append_only ON audit_read;
DROP FUNCTION IF EXISTS audit_append_only();
"""


def read_append_only(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(APPEND_ONLY, params=None)


def drop_read_append_only(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_APPEND_ONLY, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0004_event_household"),
        ("cases", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="event",
            name="kind",
            field=models.CharField(
                choices=[
                    ("opened", "ثبت پرونده"),
                    ("transition", "تغییر وضعیت"),
                    ("change", "تغییر اطلاعات"),
                    ("account", "تغییر نقش یا استان کاربر"),
                    ("register", "ثبت در فهرست اتباع"),
                    ("security", "رویداد امنیتی"),
                ],
                max_length=16,
                verbose_name="نوع",
            ),
        ),
        migrations.CreateModel(
            name="Read",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "at",
                    models.DateTimeField(
                        db_index=True, default=shared.clock.now, verbose_name="زمان"
                    ),
                ),
                (
                    "actor_name",
                    models.CharField(blank=True, max_length=300, verbose_name="نام کاربر"),
                ),
                (
                    "actor_roles",
                    models.CharField(blank=True, max_length=300, verbose_name="نقش کاربر"),
                ),
                (
                    "action",
                    models.CharField(
                        choices=[
                            ("case_page", "دیدن صفحه پرونده"),
                            ("evidence", "دریافت مستند پرونده"),
                            ("inquiry_reply", "دریافت پاسخ استعلام"),
                            ("scan", "دریافت نسخه امضاشده"),
                            ("najva_form", "چاپ فرم ابطال کارت"),
                            ("order", "چاپ دستور اخراج"),
                            ("minutes", "چاپ صورتجلسه"),
                            ("letter", "چاپ نامه"),
                            ("dispatch_register", "چاپ فهرست ارسال پستی"),
                            ("case_search", "جست‌وجوی پرونده"),
                            ("people_search", "جست‌وجوی شخص یا خانوار"),
                        ],
                        max_length=32,
                        verbose_name="اقدام",
                    ),
                ),
                (
                    "case_ids",
                    models.JSONField(blank=True, default=list, verbose_name="پرونده‌های یافته"),
                ),
                (
                    "found",
                    models.PositiveIntegerField(blank=True, null=True, verbose_name="تعداد یافته"),
                ),
                (
                    "query",
                    models.TextField(blank=True, verbose_name="عبارت جست‌وجو (شماره‌ها چکیده‌شده)"),
                ),
                ("detail", models.CharField(blank=True, max_length=300, verbose_name="جزئیات")),
                ("ip", models.GenericIPAddressField(blank=True, null=True, verbose_name="نشانی")),
                (
                    "actor",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="کاربر",
                    ),
                ),
                (
                    "case",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="reads",
                        to="cases.case",
                        verbose_name="پرونده",
                    ),
                ),
            ],
            options={
                "verbose_name": "خواندن",
                "verbose_name_plural": "گزارش خواندن‌ها",
                "ordering": ["-at", "-pk"],
                "indexes": [
                    models.Index(fields=["case", "at"], name="audit_read_case_at"),
                    models.Index(fields=["actor", "at"], name="audit_read_actor_at"),
                ],
            },
        ),
        migrations.CreateModel(
            name="Verification",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "at",
                    models.DateTimeField(
                        db_index=True, default=shared.clock.now, verbose_name="زمان"
                    ),
                ),
                ("ok", models.BooleanField(verbose_name="سالم")),
                ("chains", models.JSONField(default=dict, verbose_name="زنجیره‌ها")),
                ("problem", models.TextField(blank=True, verbose_name="ایراد")),
            ],
            options={
                "verbose_name": "وارسی زنجیره",
                "verbose_name_plural": "وارسی‌های زنجیره",
                "ordering": ["-at", "-pk"],
            },
        ),
        migrations.RunPython(read_append_only, drop_read_append_only),
    ]
