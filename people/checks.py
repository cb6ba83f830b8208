"""System checks that refuse a database on which Persian search would silently find nothing."""

from django.core.checks import Error, Tags, register
from django.db import connections


def trigram_problems(connection) -> list[str]:
    """Why pg_trgm cannot work on Persian text on this PostgreSQL connection (empty when it can)."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT datctype FROM pg_database WHERE datname = current_database()")
        (ctype,) = cursor.fetchone()
        problems = []
        if "utf" not in ctype.lower().replace("-", ""):
            problems.append(
                f"database {connection.settings_dict['NAME']} has LC_CTYPE {ctype!r}: "
                "pg_trgm extracts no trigrams from Persian; recreate it with a UTF-8 "
                "LC_CTYPE such as C.UTF-8"
            )
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if cursor.fetchone() and not problems:
            cursor.execute("SELECT array_length(show_trgm(%s), 1)", ["علی"])
            if not cursor.fetchone()[0]:
                problems.append("show_trgm('علی') is empty: Persian name search would find nothing")
    return problems


@register(Tags.database)
def check_persian_search(app_configs=None, databases=None, **kwargs):
    errors = []
    for alias in databases or []:
        for problem in trigram_problems(connections[alias]):
            errors.append(Error(problem, id="people.E001"))
    return errors
