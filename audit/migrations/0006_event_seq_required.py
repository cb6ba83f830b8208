"""Every event has its place in the chain now (0005 sealed the existing ones): seq is required.
A migration of its own, so that the NOT NULL is set after 0005's transaction has committed."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("audit", "0005_chain")]

    operations = [
        migrations.AlterField(
            model_name="event",
            name="seq",
            field=models.BigIntegerField(
                editable=False, unique=True, verbose_name="شماره در زنجیره"
            ),
        ),
    ]
