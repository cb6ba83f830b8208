"""Fixtures of the letters' tests: a case whose cards were cancelled, with its letters, and the
household addresses their posting needs."""

import datetime

import pytest

from cases.choices import CaseState
from letters.models import Letter
from people import services as people
from people.tests import factories
from shared import clock

ADDRESS = "تهران، خیابان انقلاب، کوچه نسترن، پلاک ۱۲، واحد ۳"
POSTAL_CODE = "1314567890"


def letters_of(case) -> list[Letter]:
    return list(
        Letter.objects.filter(case=case)
        .select_related("person", "household", "agency")
        .order_by("pk")
    )


def letter_to(case, kind: str) -> Letter:
    """The case's first letter to a person, a head of household or an agency."""
    return next(letter for letter in letters_of(case) if letter.addressee_kind == kind)


def years_ago(years: int, days: int = 0) -> datetime.date:
    today = clock.today()
    try:
        day = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        day = today.replace(year=today.year - years, day=28)
    return day - datetime.timedelta(days=days)


def give_address(household, expert, address=ADDRESS, code=POSTAL_CODE):
    return people.household_set_address(
        by=expert, household=household, postal_address=address, postal_code=code
    )


@pytest.fixture
def family():
    """A household of Tehran: the father (head), the mother, and a daughter of nine."""
    father, mother, daughter = factories.household_with_members(3)
    mother.first_name, mother.last_name, mother.sex = "فاطمه", "رحیمی", "female"
    mother.relation_to_head = "spouse"
    mother.save()
    daughter.first_name, daughter.sex, daughter.birth_date = "زهرا", "female", years_ago(9)
    daughter.save()
    return [father, mother, daughter]


@pytest.fixture
def cancelled_case(case_in, family):
    """A Tehran case that cancelled the whole family's cards (Najva registered them)."""
    return case_in(CaseState.CARD_CANCELLED, subjects=family)


def walk_deciding(
    actors,
    subjects,
    *,
    decisions=None,
    new_head=None,
    state=CaseState.CARD_CANCELLED,
    source_type=None,
):
    """A case of ``subjects`` walked to ``state`` as the demo walks it, except that before the
    submission the expert records ``decisions`` ({person: decision}; the others: cancel) and,
    where given, ``new_head`` for their household."""
    from cases import services
    from cases.choices import Step
    from revocation.demo.najva import settle
    from revocation.demo.walk import STEPS_TO, attach_required_evidence, prepare, source_for, take

    case = services.case_open(
        by=actors.expert,
        source_type=source_type or source_for(state),
        source_reference=factories.reference(),
        source_date=factories.days_ago(20),
        subjects=subjects,
    )
    attach_required_evidence(case, actors.expert)
    for step in STEPS_TO[state]:
        prepare(case, step, actors)
        if step == Step.SUBMIT_TO_PROVINCE:
            for person, decision in (decisions or {}).items():
                services.subject_decide(
                    case=case, by=actors.expert, person=person, decision=decision
                )
            if new_head is not None:
                services.household_change_head(
                    case=case, by=actors.expert, household=new_head.household, new_head=new_head
                )
        case = settle(take(case, step, actors))
    return case


# pdftotext's reading of a Persian PDF: the words in reading order, but with bidi embedding marks
# around numbers and Latin runs, the spaces and the punctuation beside them moved («صفحه ۱از ۱»,
# «احمدی ،سرپرست», «پلاک ،۱۲ واحد»), zero-width non-joiners dropped, and each lam-alef ligature
# given back as alef-lam (ابلاغ → ابالغ). Both sides are brought to one form before comparing: no
# marks, spaces or sentence punctuation, lam-alef as pdftotext gives it. The letters and the
# digits, and the «/» and «-» inside numbers, still have to come in order.
_MARKS = "\u200c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_DROPPED = dict.fromkeys(map(ord, _MARKS + "،؛:.()"))


def pdf_text(path) -> str:
    """The text of a PDF as pdftotext reads it, in the form ``said`` compares with."""
    from tests.tools import poppler

    return "".join(poppler("pdftotext", str(path), "-").translate(_DROPPED).split())


def said(phrase: str) -> str:
    """``phrase`` in the form pdf_text gives it."""
    return "".join(phrase.translate(_DROPPED).replace("لا", "ال").split())
