"""Reads of the register of people."""

from django.contrib.postgres.search import (
    SearchQuery,
    SearchVectorField,
    TrigramSimilarity,
    TrigramWordSimilarity,
)
from django.db.models import F, Func, Q
from django.db.models.functions import Greatest

from people.models import Household, NamePart, Person
from shared.persian import name_part, normalize_identifier, normalize_name


def find_households(*, text: str):
    """Households found by a household number or a member's identity document number (the
    register is national: any province's household is found by its number)."""
    identifier = normalize_identifier(text)
    if not identifier:
        return Household.objects.none()
    return (
        Household.objects.filter(Q(number=identifier) | Q(members__documents__number=identifier))
        .distinct()
        .select_related("province", "head")
        .prefetch_related("members__documents__document_type", "members__household")
    )


def households_of(*, user):
    """The households registered in the user's province: reached by id, editable by its experts."""
    if user.province_id is None:
        return Household.objects.none()
    return Household.objects.filter(province_id=user.province_id)


class NamePartsVector(Func):
    """``to_tsvector('simple', name_parts)``: the expression of the index
    people_person_name_parts_fts (migration 0005), written the same way so that PostgreSQL uses
    it."""

    template = "to_tsvector('simple'::regconfig, %(expressions)s)"
    output_field = SearchVectorField()


# A typed word found inside more parts of names than this (a letter or two) is too common for the
# full-text index to narrow anything: it is checked on the rows the other words find instead.
MAX_PARTS_PER_WORD = 300
# A word found in no part is taken as a typo for the parts most like it (pg_trgm word similarity).
TYPO_MIN_SIMILARITY = 0.3
TYPO_JOINED_SIMILARITY = 0.5
TYPO_CANDIDATES = 10


def typed_words(text: str) -> list[str]:
    """The words of a typed name, each reduced as the parts of names are (letters and digits)."""
    words = (name_part(word) for word in normalize_name(text).split())
    return [word for word in words if word]


def parts_meant(word: str, joined: tuple[str, ...] = ()) -> tuple[list[str], bool]:
    """(the parts of names that ``word`` may mean, whether it was taken as a typo).

    The parts that contain the word (more than ``MAX_PARTS_PER_WORD`` of them when the word is too
    common to narrow anything): one query, served by the vocabulary's trigram index. When no part
    contains it, a second query: the parts with a stretch most like it, or like it joined to the
    word typed before or after it (``joined``: a compound typed in two words), by pg_trgm word
    similarity, so «بدخس» finds «بدخشنژاد» and «کریمی نژات» finds «کریمینژاد»; none for a word
    like no name in the register.
    """
    exact = list(
        NamePart.objects.filter(part__contains=word)
        .order_by("part")
        .values_list("part", flat=True)[: MAX_PARTS_PER_WORD + 1]
    )
    if exact:
        return exact, False
    # The word inside a longer part (word similarity), or the word joined to its neighbour as a
    # whole part (similarity, stricter: «نرگسعزیری» is not «نرگس»).
    similar = NamePart.objects.annotate(inside=TrigramWordSimilarity(word, "part"))
    likeness = Q(inside__gte=TYPO_MIN_SIMILARITY)
    order = F("inside")
    if joined:
        whole = [TrigramSimilarity("part", text) for text in joined]
        similar = similar.annotate(whole=Greatest(*whole) if len(whole) > 1 else whole[0])
        likeness |= Q(whole__gte=TYPO_JOINED_SIMILARITY)
        order = Greatest("inside", "whole")
    similar = (
        similar.filter(likeness)
        .order_by(order.desc(), "part")
        .values_list("part", flat=True)[:TYPO_CANDIDATES]
    )
    return list(similar), True


def persons_matching_name(text: str, *, trigrams: bool):
    """People whose name matches ``text`` however it was typed (see shared.persian).

    A person matches when every typed word is inside a part of their name: «کریمی نژاد»,
    «کریمینژاد» and «کريمي‌نژاد» all find «کریمی‌نژاد», «عبد الرحیم» finds «عبدالرحیم».

    On PostgreSQL (``trigrams``) each word is first looked up in the vocabulary of parts
    (``NamePart``, small): the parts containing it, or for a word in none of them (a typo), the
    parts most like it. Persons are then found by those parts through the full-text index of
    ``Person.name_parts``: "a part among these and a part among those", exact posting lists, where
    a trigram match over a million names would recheck every «محمد». Elsewhere (SQLite), every
    word is looked for inside the parts.
    """
    words = typed_words(text)
    if not words:
        return Person.objects.none()
    inside = Q()
    for word in words:
        inside &= Q(name_parts__contains=word)
    if not trigrams:
        return Person.objects.filter(inside)
    clauses, unspecific = [], Q()
    for index, word in enumerate(words):
        joined = (
            *([words[index - 1] + word] if index else []),
            *([word + words[index + 1]] if index + 1 < len(words) else []),
        )
        parts, _typo = parts_meant(word, joined)
        if not parts:
            return Person.objects.none()  # a word like no name in the register
        if len(parts) > MAX_PARTS_PER_WORD:
            # Too common for the index to narrow anything: checked on the rows the others find.
            unspecific &= Q(name_parts__contains=word)
            continue
        clauses.append("(" + " | ".join(_lexeme(part) for part in parts) + ")")
    if not clauses:
        return Person.objects.filter(inside)
    query = SearchQuery(" & ".join(clauses), search_type="raw", config="simple")
    return (
        Person.objects.annotate(parts_vector=NamePartsVector("name_parts"))
        .filter(parts_vector=query)
        .filter(unspecific)
    )


def _lexeme(part: str) -> str:
    """A part as a quoted tsquery lexeme (parts hold letters and digits only; quoted anyway)."""
    return "'" + part.replace("\\", "\\\\").replace("'", "''") + "'"
