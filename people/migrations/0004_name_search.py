"""Name search by the parts of names (issue 7): the schema.

``Person.name_parts`` (the parts of the name, shared.persian.name_parts) and ``NamePart``
(every part once: the vocabulary a typed word is looked up in first). Adding a column with a
constant default rewrites no table on PostgreSQL; the rows are filled, and the indexes built, by
0005, outside one long transaction.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0003_search_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="NamePart",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("part", models.CharField(max_length=255, unique=True, verbose_name="جزء نام")),
            ],
            options={
                "verbose_name": "جزء نام",
                "verbose_name_plural": "اجزای نام",
            },
        ),
        migrations.AddField(
            model_name="person",
            name="name_parts",
            field=models.CharField(
                blank=True, editable=False, max_length=255, verbose_name="اجزای نام"
            ),
        ),
    ]
