# The minutes take their fields from shared.printing's printed document: the same columns
# renamed (the data kept), who made them (printed_by, new), the upload paths through the base.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import shared.printing


class Migration(migrations.Migration):
    dependencies = [
        ("committees", "0004_corrections"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField("minutes", "made_at", "printed_at"),
        migrations.RenameField("minutes", "signed_sha256", "scan_sha256"),
        migrations.RenameField("minutes", "signed_content_type", "scan_content_type"),
        migrations.RenameField("minutes", "signed_uploaded_at", "signed_at"),
        migrations.RenameField("minutes", "signed_uploaded_by", "signed_by"),
        migrations.AddField(
            model_name="minutes",
            name="printed_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="چاپ‌کننده",
            ),
        ),
        migrations.AlterField(
            model_name="minutes",
            name="printed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="زمان چاپ"),
        ),
        migrations.AlterField(
            model_name="minutes",
            name="scan_sha256",
            field=models.CharField(blank=True, max_length=64, verbose_name="چکیده تصویر امضاشده"),
        ),
        migrations.AlterField(
            model_name="minutes",
            name="signed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="زمان ثبت امضا"),
        ),
        migrations.AlterField(
            model_name="minutes",
            name="signed_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="ثبت‌کننده امضا",
            ),
        ),
        migrations.AlterField(
            model_name="minutes",
            name="file",
            field=models.FileField(
                blank=True,
                max_length=255,
                upload_to=shared.printing.printed_file_path,
                verbose_name="فایل",
            ),
        ),
        migrations.AlterField(
            model_name="minutes",
            name="sha256",
            field=models.CharField(blank=True, max_length=64, verbose_name="چکیده SHA-256 فایل"),
        ),
        migrations.AlterField(
            model_name="minutes",
            name="signed_scan",
            field=models.FileField(
                blank=True,
                max_length=255,
                upload_to=shared.printing.signed_scan_path,
                verbose_name="تصویر امضاشده",
            ),
        ),
    ]
