"""The URLs of a case's pages, made without resolving the URLconf for every row of a list.

``reverse`` with the case-number converter costs ten times what a string replacement does, and a
work queue calls it for every row and every button, about two hundred times (what this saves:
``bench/pages.py --compare links``, docs/perf-internals.md). Each pattern is reversed once per
script prefix, with a sample number, and the number put in its place (case numbers all have the
sample's form, which the URL converter enforces: cases.urls). ``FAST_LINKS=false``: reverse() for
every link.
"""

from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, reverse

SAMPLE_NUMBER = "00-0000-00000"
SAMPLE_STEP = "sample_step"


@lru_cache(maxsize=64)
def _pattern(prefix: str, name: str, with_step: bool) -> str:
    args = [SAMPLE_NUMBER, SAMPLE_STEP] if with_step else [SAMPLE_NUMBER]
    return reverse(name, args=args)


def case_url(number: str, name: str = "cases:detail") -> str:
    if not settings.FAST_LINKS:
        return reverse(name, args=[number])
    return _pattern(get_script_prefix(), name, False).replace(SAMPLE_NUMBER, number, 1)


def step_url(number: str, step: str) -> str:
    if not settings.FAST_LINKS:
        return reverse("cases:action", args=[number, step])
    return (
        _pattern(get_script_prefix(), "cases:action", True)
        .replace(SAMPLE_NUMBER, number, 1)
        .replace(SAMPLE_STEP, step, 1)
    )
