# The minutes become a verifiable printed document (shared.printing.Verifiable): a serial and the
# digest of the facts printed, for the QR code. A unique serial cannot be added with one default
# for the rows already there, so the column is added empty, each existing row (printed or still
# pending) given its own serial, and only then made unique and required. Minutes printed before
# this have no QR code and keep no digest: the verification page says nothing matches them.

from django.db import migrations, models

import shared.printing


def give_serials(apps, schema_editor):
    Minutes = apps.get_model("committees", "Minutes")
    for minutes in Minutes.objects.filter(serial__isnull=True).only("pk").iterator():
        Minutes.objects.filter(pk=minutes.pk).update(serial=shared.printing.new_serial())


class Migration(migrations.Migration):
    dependencies = [("committees", "0005_printed_document_base")]

    operations = [
        migrations.AddField(
            model_name="minutes",
            name="serial",
            field=models.CharField(max_length=32, null=True, verbose_name="شناسه"),
        ),
        migrations.RunPython(give_serials, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="minutes",
            name="serial",
            field=models.CharField(
                default=shared.printing.new_serial,
                max_length=32,
                unique=True,
                verbose_name="شناسه",
            ),
        ),
        migrations.AddField(
            model_name="minutes",
            name="content_sha256",
            field=models.CharField(blank=True, max_length=64, verbose_name="چکیده محتوا"),
        ),
    ]
