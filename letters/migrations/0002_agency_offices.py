"""A row per province for the police (فرماندهی انتظامی استان) and the intelligence office (اداره
کل اطلاعات استان), the agencies every decision letter goes to. Their postal addresses are left
blank: the IT administrator records them in the admin (a letter without one is not posted)."""

from django.db import migrations

KINDS = [
    ("police", "فرماندهی انتظامی استان"),
    ("intelligence", "اداره کل اطلاعات استان"),
]


def load(apps, schema_editor):
    Province = apps.get_model("reference", "Province")
    AgencyOffice = apps.get_model("letters", "AgencyOffice")
    for province in Province.objects.all():
        for kind, label in KINDS:
            AgencyOffice.objects.get_or_create(
                province=province, kind=kind, defaults={"name": f"{label} {province.name}"}
            )


class Migration(migrations.Migration):
    dependencies = [
        ("letters", "0001_initial"),
        ("reference", "0002_reference_data"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
