"""Letters printed at the same moment (real PostgreSQL, each print in its own thread, connection
and transaction): the province's letter register gives each its own number, in order, with no
gap, even for the first letter of the year (the register's row made by one and locked by both);
one letter printed twice at once is printed once."""

import pytest

from cases.choices import CaseState
from cases.tests.test_concurrency import race
from letters import documents, services
from letters.models import Letter, LetterRegister
from letters.tests.conftest import letters_of
from shared import clock
from shared.persian import jalali_year

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("private_storage")]


def slowly(monkeypatch):
    """Rendering takes its time while the register's row is held: the other print must wait."""
    import time

    render = documents.render_letter

    def render_slowly(letter, facts):
        time.sleep(0.3)
        return render(letter, facts)

    monkeypatch.setattr(documents, "render_letter", render_slowly)


def test_two_letters_printed_at_once_get_two_numbers_in_order(
    postgres, case_in, users, monkeypatch
):

    case = case_in(CaseState.CARD_CANCELLED)
    first, second, third = letters_of(case)[:3]
    assert not LetterRegister.objects.exists()  # the first letters of the year
    slowly(monkeypatch)
    supervisor = users["supervisor_a"]
    outcomes = race(
        lambda: services.letter_print(letter=first, by=supervisor),
        lambda: services.letter_print(letter=second, by=supervisor),
        lambda: services.letter_print(letter=third, by=supervisor),
        refused=services.LetterRefused,
    )
    assert outcomes == ["won", "won", "won"]
    year = jalali_year(clock.today())
    numbers = sorted(Letter.objects.exclude(number="").values_list("number", flat=True))
    assert numbers == [f"23/{year}/0000{n}" for n in (1, 2, 3)]
    assert LetterRegister.objects.get(year=year).last_value == 3
    assert case.events.filter(action="letter_print").count() == 3


def test_one_letter_printed_twice_at_once_is_printed_once(postgres, case_in, users, monkeypatch):
    case = case_in(CaseState.CARD_CANCELLED)
    letter = letters_of(case)[0]
    slowly(monkeypatch)
    outcomes = race(
        lambda: services.letter_print(letter=letter, by=users["supervisor_a"]),
        lambda: services.letter_print(letter=letter, by=users["supervisor_a"]),
        refused=services.LetterRefused,
    )
    assert outcomes == ["won", "won"]  # the second is served the first's letter
    letter.refresh_from_db()
    assert letter.number.endswith("/00001")
    assert LetterRegister.objects.get().last_value == 1
    assert case.events.filter(action="letter_print").count() == 1
