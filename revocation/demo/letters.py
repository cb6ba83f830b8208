"""Letters in the demo data and the test fixtures: a case's letters taken through the whole of
their way, as the supervisor would, through the services (every event real).

``manage.py seed_demo`` may call ``send_all(case, supervisor=..., expert=...)`` after walking a
case past the cancellation of its cards (or its closing as departed): every letter is printed,
recorded signed, posted and delivered today. A postal address is needed to post: a household
without one gets a demo address recorded by ``expert`` (an expert of its province, through
people.services, with its event); an agency's office without one gets a demo address written
directly, as the IT administrator would in the admin. Without an expert, a letter to a household
with no address is left signed (the queue then shows it waiting to be posted). Idempotent: a
letter already further on is taken from where it is.
"""

from letters import services
from letters.models import Letter
from people import services as people
from shared import clock

DEMO_ADDRESS = "{province}، خیابان انقلاب، کوچه نمونه، پلاک ۱۲، واحد ۳"
DEMO_AGENCY_ADDRESS = "{province}، میدان امام خمینی، ساختمان {name}"
DEMO_POSTAL_CODE = "1314567890"
DEMO_RECEIVER = "خود گیرنده (نمونه)"


def demo_tracking_number(letter: Letter) -> str:
    """A number shaped like a postal barcode (digits), unique per posting of each letter."""
    return f"90{letter.case_id:07d}{letter.pk:07d}{letter.dispatches.count() + 1:02d}"


def _fresh(pk: int) -> Letter:
    return Letter.objects.select_related(
        "case", "person", "household__province", "agency__province"
    ).get(pk=pk)


def _give_address(letter: Letter, expert) -> None:
    if letter.postal_address.strip():
        return
    if letter.addressee_kind == Letter.Addressee.AGENCY:
        office = letter.agency
        office.postal_address = DEMO_AGENCY_ADDRESS.format(
            province=office.province.name, name=office.name
        )
        office.save(update_fields=["postal_address"])
    elif expert is not None:
        people.household_set_address(
            by=expert,
            household=letter.household,
            postal_address=DEMO_ADDRESS.format(province=letter.household.province.name),
            postal_code=DEMO_POSTAL_CODE,
        )


def send_all(case, *, supervisor, expert=None) -> list[Letter]:
    """Print, sign, post and deliver every letter of ``case`` as ``supervisor`` (today); returns
    the letters as they then are."""
    today = clock.today()
    for pk in Letter.objects.filter(case=case).order_by("pk").values_list("pk", flat=True):
        letter = _fresh(pk)
        # The address first: the letter prints it (a letter printed without one, never after).
        _give_address(letter, expert)
        letter = _fresh(pk)
        if letter.status == Letter.Status.WAITING:
            services.letter_print(letter=letter, by=supervisor)
            letter = _fresh(pk)
        if letter.status == Letter.Status.PRINTED:
            services.letter_mark_signed(letter=letter, by=supervisor)
            letter = _fresh(pk)
        if letter.status in (Letter.Status.SIGNED, Letter.Status.RETURNED):
            if services.why_not_dispatch(letter):
                continue  # no address and no expert to record one: left signed
            services.letter_dispatch(
                letter=letter,
                by=supervisor,
                tracking_number=demo_tracking_number(letter),
                sent_on=today,
            )
            letter = _fresh(pk)
        if letter.status == Letter.Status.DISPATCHED:
            services.letter_record_delivery(
                letter=letter, by=supervisor, delivered_on=today, received_by=DEMO_RECEIVER
            )
    return list(Letter.objects.filter(case=case).order_by("pk"))
