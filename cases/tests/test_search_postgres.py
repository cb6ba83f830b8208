"""Name search on the real PostgreSQL: pg_trgm on the normalized key, and a loud failure where the
database's character type would make it find nothing."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.urls import reverse

from cases.choices import CaseState
from cases.selectors.search import search_cases
from people.checks import trigram_problems
from people.models import NamePart, Person
from people.selectors import parts_meant, persons_matching_name
from people.tests import factories
from shared.persian import digits_to_persian

pytestmark = pytest.mark.django_db


@pytest.fixture
def karimi_case(postgres, case_in):
    people = factories.household_with_members(1)
    person = people[0]
    person.first_name, person.last_name = "علی", "کریمی‌نژاد"
    person.save()
    case = case_in(CaseState.RECEIVED, subjects=people)
    noise = case_in(CaseState.RECEIVED)
    return case, noise


@pytest.mark.parametrize(
    "typed",
    [
        "علي كريمي نژاد",  # Arabic yeh and kaf
        "علی کریمی نژاد",  # ZWNJ typed as a space
        "علی کریمینژاد",  # ZWNJ left out
        "علی کریمی نژات",  # a typo: corrected against the vocabulary of name parts
        "عَلی كريمي‌نژاد",  # a diacritic, Arabic letters and a ZWNJ at once
    ],
)
def test_the_name_is_found_however_it_was_typed(karimi_case, actors_a, typed):
    case, noise = karimi_case
    found = set(search_cases(user=actors_a.expert, text=typed))
    assert case in found
    assert noise not in found


def test_a_document_number_in_persian_digits_finds_the_case_through_the_page(
    karimi_case, client, actors_a
):
    case, noise = karimi_case
    number = case.subjects.get().person.documents.get().number
    client.force_login(actors_a.expert)
    # The search is POSTed, then shown as a GET of a token: the number never reaches the URL.
    response = client.post(reverse("cases:list"), {"q": digits_to_persian(number)}, follow=True)
    assert response.status_code == 200
    (url, _), *_ = response.redirect_chain
    assert number not in url and digits_to_persian(number) not in url
    page = response.content.decode()
    assert case.number in page and noise.number not in page


def test_the_name_search_uses_the_vocabulary_and_the_full_text_index(karimi_case):
    with connection.cursor() as cursor:
        cursor.execute("SELECT datctype FROM pg_database WHERE datname = current_database()")
        assert "UTF-8" in cursor.fetchone()[0].upper().replace("UTF8", "UTF-8")
        cursor.execute("SELECT show_trgm(%s)", ["علی"])
        assert cursor.fetchone()[0]  # trigrams extracted from Persian
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename LIKE 'people_%%'"
        )
        indexes = dict(cursor.fetchall())
    assert "to_tsvector('simple'::regconfig" in indexes["people_person_name_parts_fts"]
    assert "gin_trgm_ops" in indexes["people_namepart_part_trgm"]
    assert "people_person_search_key_trgm" not in indexes  # word similarity over every name: gone
    # The person's parts are in the vocabulary, in the form the search compares.
    assert set(NamePart.objects.values_list("part", flat=True)) >= {"علی", "کریمینژاد"}
    assert parts_meant("نژاد") == (["کریمینژاد"], False)
    assert parts_meant("کریمینژات") == (["کریمینژاد"], True)  # a typo, corrected
    query = str(persons_matching_name("علی کریمی", trigrams=True).query)
    assert "to_tsvector('simple'::regconfig" in query and "@@" in query


def test_the_full_text_index_serves_the_person_query(karimi_case):
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")  # a handful of rows: ask for the index plan
        sql, params = persons_matching_name("علی کریمی", trigrams=True).query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = on")
    assert "people_person_name_parts_fts" in plan


class RawConnection:
    """Just what the check needs of a connection, over a plain psycopg2 one (a Django wrapper for
    a database outside settings.DATABASES trips django.contrib.postgres' connection signal)."""

    vendor = "postgresql"

    def __init__(self, raw, name):
        self.raw = raw
        self.settings_dict = {"NAME": name}

    def cursor(self):
        return self.raw.cursor()


@pytest.fixture
def c_ctype_database(postgres):
    """A database created the wrong way: LC_CTYPE 'C', with pg_trgm installed."""
    import psycopg2

    name = f"{connection.settings_dict['NAME']}_ctype_c"
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(
            f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' "
            "LC_COLLATE 'C' LC_CTYPE 'C'"
        )
    params = connection.get_connection_params()
    params["dbname"] = name
    raw = psycopg2.connect(**{k: v for k, v in params.items() if k != "cursor_factory"})
    raw.autocommit = True
    with raw.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        cursor.execute("SELECT show_trgm(%s)", ["علی"])
        assert cursor.fetchone()[0] == []  # the trap itself: no trigrams, and no error
    yield RawConnection(raw, name)
    raw.close()
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


def test_a_database_with_a_c_character_type_is_refused_loudly(
    c_ctype_database, monkeypatch, actors_a
):
    problems = trigram_problems(c_ctype_database)
    assert problems and "LC_CTYPE 'C'" in problems[0]

    import cases.selectors.search

    monkeypatch.setattr(cases.selectors.search, "connection", c_ctype_database)
    with pytest.raises(ImproperlyConfigured, match="LC_CTYPE"):
        list(search_cases(user=actors_a.expert, text="علی"))


def test_the_system_check_reports_the_database_it_runs_on(postgres):
    from people.checks import check_persian_search

    assert check_persian_search(databases=["default"]) == []
    assert Person.objects.count() == 0
