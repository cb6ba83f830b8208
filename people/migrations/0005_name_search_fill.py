"""Name search by the parts of names (issue 7): the rows and the indexes, without locking the
register for the length of the migration.

Not atomic: each batch of persons is filled and committed on its own (walking the primary key, so
memory stays one batch whatever the size of the register), and on PostgreSQL the indexes are built
with CONCURRENTLY, which blocks no read or write of people_person:

- a full-text GIN index on the parts (people.selectors.NamePartsVector writes the same
  expression, so that the planner uses it);
- a trigram index on the vocabulary of parts;
- the trigram index of the spaced key dropped: word similarity over a million full names is what
  made a search of a common name take half a second; a typo is now corrected against the
  vocabulary.
"""

from django.db import migrations

from shared.persian import name_parts

BATCH = 2000

CREATE = [
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS people_person_name_parts_fts"
    " ON people_person USING gin (to_tsvector('simple'::regconfig, name_parts))",
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS people_namepart_part_trgm"
    " ON people_namepart USING gin (part gin_trgm_ops)",
    "DROP INDEX CONCURRENTLY IF EXISTS people_person_search_key_trgm",
]
DROP = [
    "DROP INDEX CONCURRENTLY IF EXISTS people_person_name_parts_fts",
    "DROP INDEX CONCURRENTLY IF EXISTS people_namepart_part_trgm",
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS people_person_search_key_trgm"
    " ON people_person USING gin (search_key gin_trgm_ops)",
]


def fill_parts(apps, schema_editor):
    Person = apps.get_model("people", "Person")
    NamePart = apps.get_model("people", "NamePart")
    last = 0
    while True:
        batch = list(
            Person.objects.filter(pk__gt=last)
            .order_by("pk")
            .only("first_name", "last_name", "father_name")[:BATCH]
        )
        if not batch:
            return
        seen: set[str] = set()
        for person in batch:
            parts = name_parts(person.first_name, person.last_name, person.father_name)
            person.name_parts = " ".join(parts)
            seen.update(parts)
        Person.objects.bulk_update(batch, ["name_parts"])
        NamePart.objects.bulk_create([NamePart(part=p) for p in seen], ignore_conflicts=True)
        last = batch[-1].pk


def indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in CREATE:
            schema_editor.execute(statement, params=None)


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in DROP:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("people", "0004_name_search"),
    ]

    operations = [
        migrations.RunPython(fill_parts, migrations.RunPython.noop, atomic=False),
        migrations.RunPython(indexes, drop_indexes, atomic=False),
    ]
