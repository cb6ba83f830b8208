"""Name search over the parts of names, on any database (SQLite here, PostgreSQL in CI)."""

import pytest

from people.models import NamePart
from people.selectors import persons_matching_name
from people.tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def named():
    def make(first, last, father=""):
        (person,) = factories.household_with_members(1)
        person.first_name, person.last_name, person.father_name = first, last, father
        person.save()
        return person

    return make


def found(text, trigrams=False):
    return set(persons_matching_name(text, trigrams=trigrams))


@pytest.mark.parametrize(
    ("stored", "typed"),
    [
        (("عبد-الله", "کریمی"), "عبد-الله"),  # punctuation, typed as stored
        (("عبد-الله", "کریمی"), "عبدالله کریمی"),
        (("Sean", "O'Brien"), "o'brien"),
        (("Sean", "O'Brien"), "OBrien"),
        (("علی", "کریمی\u200cنژاد"), "کریمی نژاد"),  # a ZWNJ typed as a space
        (("علی", "کریمی\u200cنژاد"), "كريمينژاد"),  # Arabic letters, the ZWNJ left out
        (("عبدالرحیم", "نوری"), "عبد الرحیم"),  # a compound typed split
    ],
)
def test_a_name_is_found_however_it_was_typed(named, stored, typed):
    person = named(*stored)
    other = named("مریم", "احمدی")
    assert person in found(typed)
    assert other not in found(typed)


def test_every_part_is_in_the_vocabulary_as_the_search_compares_it(named):
    named("عبد-الله", "کریمی\u200cنژاد", "O'Brien")
    assert {"عبدالله", "کریمینژاد", "obrien"} <= set(
        NamePart.objects.values_list("part", flat=True)
    )


def test_a_word_too_common_to_use_the_index_still_filters(postgres, named, monkeypatch):
    import people.selectors

    karimi = named("محمد", "کریمی")
    karimi_nejad = named("زهرا", "کریمی\u200cنژاد")
    ahmadi = named("محمد", "احمدی")
    # «کریمی» is inside two parts (کریمی, کریمینژاد), «محمد» inside one: with at most one part
    # per word, «کریمی» is left to a check on the rows «محمد» finds, and still filters them.
    monkeypatch.setattr(people.selectors, "MAX_PARTS_PER_WORD", 1)
    assert found("محمد کریمی", trigrams=True) == {karimi}
    # Every word too common: each is looked for inside the parts.
    monkeypatch.setattr(people.selectors, "MAX_PARTS_PER_WORD", 0)
    assert found("محمد کریمی", trigrams=True) == {karimi}
    assert found("کریمی", trigrams=True) == {karimi, karimi_nejad}
    assert ahmadi not in found("کریمی", trigrams=True)
