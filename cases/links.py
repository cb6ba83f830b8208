"""The URLs of a case's pages, made without resolving the URLconf for every row of a list
(shared.links): a work queue makes about two hundred, one for every row and every button. Case
numbers all have the sample's form, which the URL converter enforces (cases.urls)."""

from shared.links import fast_reverse

SAMPLE_NUMBER = "00-0000-00000"
SAMPLE_STEP = "sample_step"


def case_url(number: str, name: str = "cases:detail") -> str:
    return fast_reverse(name, (number,), (SAMPLE_NUMBER,))


def step_url(number: str, step: str) -> str:
    return fast_reverse("cases:action", (number, step), (SAMPLE_NUMBER, SAMPLE_STEP))
