"""An expulsion order is told by post: written with the order (enforcement.signals), to the
persons on it (the head of each household for its members, each other adult) and to the police
who execute it; an order given again for a person not found is told again; the printed letter
says the order's number, the border, the deadline and the ban."""

import datetime
from pathlib import Path

import pytest

from cases.choices import CaseState
from enforcement import services as enforcement
from enforcement.models import ExpulsionOrder, OrderedPerson, Outcome
from letters import services as letters
from letters.models import Letter
from letters.tests.conftest import pdf_text, said
from shared import clock
from shared.persian import digits_to_persian, jalali

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_storage")]


def order_letters(case):
    return list(
        Letter.objects.filter(case=case, kind=Letter.Kind.EXPULSION_ORDER)
        .select_related("person", "agency", "order")
        .order_by("pk")
    )


def test_the_order_is_told_to_the_head_each_adult_and_the_police(case_in, family, users):
    father, mother, daughter = family
    case = case_in(CaseState.EXPULSION_ORDERED, subjects=family)
    order = ExpulsionOrder.objects.get(case=case)
    written = order_letters(case)
    assert [(x.addressee_kind, x.addressee_name) for x in written] == [
        ("head", father.full_name),
        ("person", mother.full_name),
        ("agency", "فرماندهی انتظامی استان تهران"),
    ]
    assert {x.order for x in written} == {order}
    assert {x.created_by for x in written} == {users["supervisor_a"]}
    # The nine-year-old is named in her father's letter only.
    head = written[0]
    assert {s.person_id for s in head.subjects.all()} == {father.pk, mother.pk, daughter.pk}


def test_an_order_given_again_is_told_again_to_the_person_not_found(case_in, family, actors_a):
    case = case_in(CaseState.EXPULSION_ORDERED, subjects=family)
    order = ExpulsionOrder.objects.get(case=case)
    mother = OrderedPerson.objects.get(order=order, subject__person=family[1])
    enforcement.outcome_record(
        entry=mother,
        by=actors_a.enforcement,
        outcome=Outcome.NOT_FOUND,
        on=clock.today(),
        note="در نشانی نبود.",
    )
    again = enforcement.order_issue(
        case=case,
        by=actors_a.supervisor,
        subjects=[mother.subject],
        issued_on=clock.today(),
        border_point=order.border_point,
        leave_by=clock.today() + datetime.timedelta(days=15),
        reentry_ban_years=5,
        replaces=order,
        reason="نشانی تازه رسید.",
    )
    told = [x for x in order_letters(case) if x.order == again]
    assert [(x.addressee_kind, x.addressee_name) for x in told] == [
        ("person", family[1].full_name),
        ("agency", "فرماندهی انتظامی استان تهران"),
    ]


def test_the_printed_order_letter_says_the_order_the_border_the_deadline_and_the_ban(
    case_in, family, actors_a, tmp_path, settings
):
    case = case_in(CaseState.EXPULSION_ORDERED, subjects=family)
    order = ExpulsionOrder.objects.get(case=case)
    head = order_letters(case)[0]
    printed = letters.letter_print(letter=head, by=actors_a.supervisor)
    path = tmp_path / "order-letter.pdf"
    path.write_bytes(printed.file.read())
    artifacts = Path(settings.BASE_DIR) / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    (artifacts / "letters-expulsion-order.pdf").write_bytes(path.read_bytes())
    text = pdf_text(path)
    for expected in [
        "ابلاغ دستور اخراج",
        digits_to_persian(order.number),
        digits_to_persian(jalali(order.leave_by)),
        order.border_point.name,
        "۵ سال",
        family[2].full_name,
        digits_to_persian(printed.number),
    ]:
        assert said(expected) in text, (expected, text)


def test_the_print_queue_tells_the_order_letter_from_the_cancellation_letter(
    client, case_in, family, users
):
    case_in(CaseState.EXPULSION_ORDERED, subjects=family)
    client.force_login(users["supervisor_a"])
    page = client.get("/letters/").content.decode()
    to_print = page.split('id="to-print"')[1].split('class="card shadow-sm')[0]
    assert to_print.count("ابلاغ دستور اخراج") == 3
    assert to_print.count("ابلاغ ابطال مدارک و لغو پناهندگی") == 4
