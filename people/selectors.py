"""Reads of the register of people."""

from django.db.models import Q, Value
from django.db.models.functions import Replace

from people.models import Household, Person
from revocation.persian import normalize_identifier, normalize_name


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


def persons_matching_name(text: str, *, trigrams: bool):
    """People whose name matches ``text`` however it was typed (see revocation.persian).

    Everywhere: every word of the query in the normalized key, or the query with its spaces
    removed inside the key with its spaces removed (so «کریمینژاد» finds «کریمی‌نژاد»). With
    ``trigrams`` (PostgreSQL) also pg_trgm word similarity (``%>``, above pg_trgm's default
    threshold of 0.6, enough for a one-letter typo) on the same key, served by its GIN index.
    """
    key = normalize_name(text)
    if not key:
        return Person.objects.none()
    words = Q()
    for word in key.split(" "):
        words &= Q(search_key__contains=word)
    compact = Q(compact_key__contains=key.replace(" ", ""))
    people = Person.objects.annotate(compact_key=Replace("search_key", Value(" "), Value("")))
    if trigrams:
        return people.filter(words | compact | Q(search_key__trigram_word_similar=key))
    return people.filter(words | compact)
