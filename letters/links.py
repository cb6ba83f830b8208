"""The URLs of a letter's pages, made without resolving the URLconf for every row of a list
(shared.links, as for cases): the print queue lists up to 250 letters with two or three links
each. The URLs take an integer (letters.urls), the sample's form."""

from shared.links import fast_reverse

SAMPLE_PK = 987654321


def letter_url(pk: int, name: str = "letters:detail") -> str:
    return fast_reverse(name, (pk,), (SAMPLE_PK,))
