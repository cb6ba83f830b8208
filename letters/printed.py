"""The letter as a printed kind (shared.printing): who may download and verify it is letters'
rule, the pages are documents.views. Registered in LettersConfig.ready()."""

from letters import selectors
from letters.models import Letter
from letters.trail import LetterRead
from letters.views import _letter_for, _named_subjects
from shared.printing import PrintedKind


def _visible_to(user):
    # A letter not printed yet has nothing to verify.
    return (
        selectors.letters_visible_to(user=user)
        .exclude(number="")
        .select_related(*selectors.LETTER_JOINS, "printed_by", "signed_by")
    )


KIND = PrintedKind(
    slug=Letter.printed_kind,
    model=Letter,
    label="نامه",
    document_for=_letter_for,
    name=lambda letter: letter.number,
    case=lambda letter: letter.case,
    read_action=LetterRead.LETTER,
    visible_to=_visible_to,
    verify_template="letters/verify.html",
    verify_context=lambda letter: {
        "named": _named_subjects(letter),
        "dispatches": selectors.dispatches_of(letter),
    },
)
