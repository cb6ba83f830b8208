"""Each person's exit instead of one for the case: the day an expelled case recorded is kept on
each person whose documents it cancelled (the border point stays in the case's events, where the
step recorded it; the enforcement app keeps the full record from now on)."""

from django.db import migrations, models


def copy_expulsion_dates(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    CaseSubject = apps.get_model("cases", "CaseSubject")
    for case_id, expelled_on in Case.objects.filter(expelled_on__isnull=False).values_list(
        "pk", "expelled_on"
    ):
        CaseSubject.objects.filter(case_id=case_id, decision="cancel").update(
            departed_on=expelled_on
        )


class Migration(migrations.Migration):
    dependencies = [("cases", "0004_najva_registration_per_subject")]

    operations = [
        migrations.AddField(
            model_name="casesubject",
            name="departed_on",
            field=models.DateField(blank=True, null=True, verbose_name="تاریخ خروج از کشور"),
        ),
        migrations.RunPython(copy_expulsion_dates, migrations.RunPython.noop),
        migrations.RemoveField(model_name="case", name="expelled_on"),
        migrations.RemoveField(model_name="case", name="expulsion_border_point"),
    ]
