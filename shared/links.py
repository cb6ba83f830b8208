"""URLs made without resolving the URLconf for every row of a list.

``reverse`` costs ten times what a string replacement does, and a work queue or a print queue
makes a few hundred links (what this saves: ``bench/pages.py --compare links``,
docs/perf-internals.md). Each pattern is reversed once per script prefix with sample arguments,
and the real arguments put in their place: a sample must have the form the URL converter
enforces for every real value, and appear nowhere else in the URL. ``FAST_LINKS=false``:
reverse() for every link.
"""

from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, reverse


@lru_cache(maxsize=128)
def _pattern(prefix: str, name: str, samples: tuple) -> str:
    return reverse(name, args=samples)


def fast_reverse(name: str, args: tuple, samples: tuple) -> str:
    """``reverse(name, args=args)``, made from the URL of ``samples`` (one for each argument)."""
    if not settings.FAST_LINKS:
        return reverse(name, args=args)
    url = _pattern(get_script_prefix(), name, samples)
    for sample, value in zip(samples, args, strict=True):
        url = url.replace(str(sample), str(value), 1)
    return url
