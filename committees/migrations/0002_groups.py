"""One working group per province, and the national permanent working group (members are added
by each province in the admin)."""

from django.db import migrations


def create_groups(apps, schema_editor):
    Province = apps.get_model("reference", "Province")
    WorkingGroup = apps.get_model("committees", "WorkingGroup")
    for province in Province.objects.all():
        WorkingGroup.objects.get_or_create(province=province, defaults={"kind": "provincial"})
    WorkingGroup.objects.get_or_create(kind="national", province=None)


class Migration(migrations.Migration):
    dependencies = [
        ("committees", "0001_working_groups"),
        ("reference", "0002_reference_data"),
    ]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
