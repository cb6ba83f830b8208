"""The URLs of a letter's pages, made without resolving the URLconf for every row of a list (as
cases.links does for cases): ``reverse`` costs about 45 µs, and the print queue lists up to 250
letters with two or three links each. Each pattern is reversed once per script prefix with a
sample id, and the letter's id put in its place (the URLs take an integer: letters.urls)."""

from functools import lru_cache

from django.urls import get_script_prefix, reverse

SAMPLE_PK = 987654321


@lru_cache(maxsize=32)
def _pattern(prefix: str, name: str) -> str:
    return reverse(name, args=[SAMPLE_PK])


def letter_url(pk: int, name: str = "letters:detail") -> str:
    return _pattern(get_script_prefix(), name).replace(str(SAMPLE_PK), str(pk), 1)
