"""A letter's way, as the supervisor takes it on the pages: printed once (numbered and dated from
the province's letter register), signed, posted with a tracking number used once, delivered or
returned and posted again; every date in order and every refusal in Persian, nothing saved by a
refused request, and each step an event naming the letter's number and its addressee."""

import datetime
import hashlib

import pytest
from django.urls import reverse

from audit.models import Event
from cases.choices import CaseState
from letters import services
from letters.models import Dispatch, Letter, LetterRegister
from letters.tests.conftest import ADDRESS, give_address, letter_to, letters_of
from shared import clock
from shared.persian import digits_to_persian, jalali, jalali_year

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_storage")]


def html(response) -> str:
    return response.content.decode()


def days(n: int) -> str:
    """A Solar Hijri date ``n`` days from today, as a user types it (Persian digits)."""
    return jalali(clock.today() + datetime.timedelta(days=n))


def events(case, action) -> list[Event]:
    return list(case.events.filter(action=action).order_by("pk"))


@pytest.fixture
def supervisor(client, users):
    client.force_login(users["supervisor_a"])
    return users["supervisor_a"]


def print_letter(client, letter):
    assert client.post(reverse("letters:print", args=[letter.pk])).status_code == 302
    letter.refresh_from_db()
    return letter


def sign(client, letter):
    assert client.post(reverse("letters:sign", args=[letter.pk])).status_code == 302
    letter.refresh_from_db()
    return letter


def post(client, letter, number, sent_on):
    return client.post(
        reverse("letters:dispatch", args=[letter.pk]),
        {"tracking_number": number, "sent_on": sent_on},
    )


def test_a_letter_is_printed_once_numbered_and_dated_and_the_same_file_served_after(
    client, supervisor, cancelled_case, family
):
    letter = letter_to(cancelled_case, "head")
    url = reverse("letters:print", args=[letter.pk])
    page = html(client.get(url))
    assert family[0].full_name in page and family[2].full_name in page
    assert "شماره‌گذاری و ساخت نامه برای چاپ" in page

    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == url
    year = jalali_year(clock.today())
    number = f"23/{year}/00001"
    page = html(client.get(url))
    assert digits_to_persian(number) in page
    assert letter.download_url in page
    letter.refresh_from_db()
    assert (letter.status, letter.number, letter.dated_on) == (
        Letter.Status.PRINTED,
        number,
        clock.today(),
    )
    served = client.get(letter.download_url)
    assert served["Content-Type"] == "application/pdf"
    pdf = b"".join(served.streaming_content)
    assert pdf.startswith(b"%PDF") and hashlib.sha256(pdf).hexdigest() == letter.sha256

    # Printing again serves the same document: no new number, no new file, no new event.
    assert client.post(url).status_code == 302
    again = Letter.objects.get(pk=letter.pk)
    assert (again.number, again.sha256, again.file.name) == (
        number,
        letter.sha256,
        letter.file.name,
    )
    assert b"".join(client.get(letter.download_url).streaming_content) == pdf
    assert LetterRegister.objects.get(year=year).last_value == 1
    (event,) = events(cancelled_case, "letter_print")
    assert event.label == f"چاپ نامه {number} به {letter.addressee_label}"
    assert event.actor == supervisor
    assert {c["field"]: c["new"] for c in event.changes}["sha256"] == letter.sha256


def test_numbers_follow_the_register_of_the_province_and_the_year(
    case_in, actors_b, users, monkeypatch
):
    year = jalali_year(clock.today())
    tehran_case = case_in(CaseState.CARD_CANCELLED)
    isfahan_case = case_in(CaseState.CARD_CANCELLED, actors=actors_b)
    # Last year's register of Tehran went up to 57: this year's numbers start again.
    LetterRegister.objects.create(province=tehran_case.province, year=year - 1, last_value=57)
    printed = [
        services.letter_print(letter=x, by=users["supervisor_a"]).number
        for x in letters_of(tehran_case)[:3]
    ]
    assert printed == [f"23/{year}/00001", f"23/{year}/00002", f"23/{year}/00003"]
    first = letters_of(isfahan_case)[0]
    assert services.letter_print(letter=first, by=users["supervisor_b"]).number == (
        f"10/{year}/00001"
    )
    # Next year (Nowruz passed): a new register row, from 1 again.
    monkeypatch.setattr(services, "jalali_year", lambda day: year + 1)
    last = letters_of(tehran_case)[3]
    assert services.letter_print(letter=last, by=users["supervisor_a"]).number == (
        f"23/{year + 1}/00001"
    )
    assert dict(
        LetterRegister.objects.filter(province=tehran_case.province).values_list(
            "year", "last_value"
        )
    ) == {year - 1: 57, year: 3, year + 1: 1}


def test_signing_needs_a_printed_letter_and_is_recorded_once(client, supervisor, cancelled_case):
    letter = letter_to(cancelled_case, "person")
    url = reverse("letters:sign", args=[letter.pk])
    response = client.post(url)
    assert response.status_code == 400
    assert "این نامه هنوز چاپ نشده است؛ نخست آن را چاپ کنید." in html(response)
    letter = print_letter(client, letter)
    page = html(client.get(url))
    assert "نامه چاپ‌شده را مدیرکل یا معاون امضا کرده است؟" in page
    letter = sign(client, letter)
    assert (letter.status, letter.signed_by) == (Letter.Status.SIGNED, supervisor)
    response = client.post(url)
    assert response.status_code == 400 and "امضای این نامه پیش‌تر ثبت شده است." in html(response)
    (event,) = events(cancelled_case, "letter_signed")
    assert event.label == f"ثبت امضای نامه {letter.number} به {letter.addressee_label}"


def test_a_letter_without_an_address_is_printed_and_signed_but_not_posted(
    client, supervisor, cancelled_case, users
):
    letter = sign(client, print_letter(client, letter_to(cancelled_case, "person")))
    url = reverse("letters:dispatch", args=[letter.pk])
    household = digits_to_persian(letter.household.number)
    told = f"نشانی پستی خانوار \u2066{household}\u2069 ثبت نشده است؛ نخست کارشناس اتباع استان"
    assert told in html(client.get(url))
    assert told in html(client.get(reverse("letters:detail", args=[letter.pk])))
    response = post(client, letter, "RR0001IR", days(0))
    assert response.status_code == 400 and told in html(response)
    assert not Dispatch.objects.exists()
    letter.refresh_from_db()
    assert letter.status == Letter.Status.SIGNED

    # The expert records the address; the letter goes, with it on the envelope.
    give_address(letter.household, users["expert_a"])
    response = post(client, letter, "RR0001IR", days(0))
    assert response.status_code == 302
    dispatch = Dispatch.objects.get()
    assert (dispatch.postal_address, dispatch.postal_code) == (ADDRESS, "1314567890")
    # An agency's office without an address is the IT administrator's to record.
    agency = sign(client, print_letter(client, letter_to(cancelled_case, "agency")))
    response = post(client, agency, "RR0002IR", days(0))
    assert response.status_code == 400
    assert "نشانی پستی «فرماندهی انتظامی استان تهران» ثبت نشده است" in html(response)


def test_dates_are_in_order_and_every_refusal_is_in_persian(
    client, supervisor, cancelled_case, users
):
    letter = letter_to(cancelled_case, "head")
    give_address(letter.household, users["expert_a"])
    letter = sign(client, print_letter(client, letter))
    for data, told in [
        ({"tracking_number": "", "sent_on": ""}, "شماره پیگیری پستی را وارد کنید."),
        ({"tracking_number": "", "sent_on": ""}, "تاریخ ارسال را وارد کنید."),
        ({"tracking_number": "RR1", "sent_on": "۱۴۰۵/۱۳/۰۱"}, "سال/ماه/روز"),
        ({"tracking_number": "RR1", "sent_on": "۱۴۰۴/۱۲/۳۰"}, "در تقویم خورشیدی وجود ندارد"),
        ({"tracking_number": "RR1", "sent_on": days(1)}, "تاریخ ارسال نمی‌تواند در آینده باشد."),
        (
            {"tracking_number": "RR1", "sent_on": days(-1)},
            f"تاریخ ارسال نمی‌تواند پیش از تاریخ نامه ({days(0)}) باشد.",
        ),
        ({"tracking_number": "R" * 41, "sent_on": days(0)}, "بیش از ۴۰ نویسه است"),
    ]:
        response = client.post(reverse("letters:dispatch", args=[letter.pk]), data)
        assert response.status_code == 400, data
        assert told in html(response), (data, told)
    assert not Dispatch.objects.exists()
    assert post(client, letter, "RR1", days(0)).status_code == 302

    url = reverse("letters:delivery", args=[letter.pk])
    for data, told in [
        ({"delivered_on": days(1), "received_by": "خود گیرنده"}, "نمی‌تواند در آینده باشد"),
        (
            {"delivered_on": days(-2), "received_by": "خود گیرنده"},
            f"تاریخ تحویل نمی‌تواند پیش از ارسال ({days(0)}) باشد.",
        ),
        ({"delivered_on": days(0), "received_by": "  "}, "نام تحویل‌گیرنده را بنویسید."),
    ]:
        response = client.post(url, data)
        assert response.status_code == 400, data
        assert told in html(response), (data, told)
    response = client.post(
        reverse("letters:return", args=[letter.pk]), {"returned_on": days(-3), "reason": "x"}
    )
    assert f"تاریخ برگشت نمی‌تواند پیش از ارسال ({days(0)}) باشد." in html(response)
    letter.refresh_from_db()
    assert letter.status == Letter.Status.DISPATCHED
    assert Dispatch.objects.get().outcome == Dispatch.Outcome.OUT
    assert not events(cancelled_case, "letter_delivered")
    assert client.get(reverse("letters:detail", args=[10**9])).status_code == 404


def test_a_tracking_number_is_used_once_however_it_is_typed(
    client, supervisor, cancelled_case, users
):
    head, own = letter_to(cancelled_case, "head"), letter_to(cancelled_case, "person")
    give_address(head.household, users["expert_a"])
    head, own = (sign(client, print_letter(client, x)) for x in (head, own))
    assert post(client, head, "RR 1234 5678 IR", days(0)).status_code == 302
    assert Dispatch.objects.get().tracking_number == "RR12345678IR"
    response = post(client, own, "rr-۱۲۳۴-۵۶۷۸-ir", days(0))
    assert response.status_code == 400
    assert "این شماره پیگیری پستی پیش‌تر برای ارسال دیگری ثبت شده است." in html(response)
    own.refresh_from_db()
    assert own.status == Letter.Status.SIGNED and Dispatch.objects.count() == 1


def test_a_returned_letter_is_posted_again_and_the_earlier_posting_stays(
    client, supervisor, cancelled_case, users
):
    letter = letter_to(cancelled_case, "head")
    give_address(letter.household, users["expert_a"])
    letter = sign(client, print_letter(client, letter))
    assert post(client, letter, "RR100IR", days(0)).status_code == 302
    page = html(client.get(cancelled_case.get_absolute_url()))
    assert "ارسال‌شده" in page and digits_to_persian("RR100IR") in page

    response = client.post(
        reverse("letters:return", args=[letter.pk]),
        {"returned_on": days(0), "reason": "گیرنده در نشانی شناخته نشد."},
    )
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.status == Letter.Status.RETURNED
    page = html(client.get(reverse("letters:queue")))
    assert "گیرنده در نشانی شناخته نشد." in page
    # The same number again is refused; a new one goes.
    assert post(client, letter, "RR100IR", days(0)).status_code == 400
    assert post(client, letter, "RR200IR", days(0)).status_code == 302
    response = client.post(
        reverse("letters:delivery", args=[letter.pk]),
        {"delivered_on": days(0), "received_by": "همسر گیرنده"},
    )
    assert response.status_code == 302
    page = html(client.get(reverse("letters:detail", args=[letter.pk])))
    assert "برگشت خورد" in page and "تحویل شد" in page and "همسر گیرنده" in page

    first, second = Dispatch.objects.filter(letter=letter).order_by("pk")
    assert (first.tracking_number, first.outcome, first.return_reason) == (
        "RR100IR",
        Dispatch.Outcome.RETURNED,
        "گیرنده در نشانی شناخته نشد.",
    )
    assert (second.tracking_number, second.outcome, second.received_by) == (
        "RR200IR",
        Dispatch.Outcome.DELIVERED,
        "همسر گیرنده",
    )
    letter.refresh_from_db()
    assert letter.status == Letter.Status.DELIVERED
    what = f"نامه {letter.number} به {letter.addressee_label}"
    assert [e.label for e in events(cancelled_case, "letter_dispatch")] == [
        f"ارسال پستی {what}",
        f"ارسال دوباره {what}",
    ]
    (returned,) = events(cancelled_case, "letter_returned")
    assert returned.label == f"برگشت {what}" and returned.reason == "گیرنده در نشانی شناخته نشد."
    assert [e.label for e in events(cancelled_case, "letter_delivered")] == [f"تحویل {what}"]


def test_a_delivered_letter_cannot_be_returned_nor_posted_again(
    client, supervisor, cancelled_case, users
):
    letter = letter_to(cancelled_case, "person")
    give_address(letter.household, users["expert_a"])
    letter = sign(client, print_letter(client, letter))
    assert post(client, letter, "RR300IR", days(0)).status_code == 302
    client.post(
        reverse("letters:delivery", args=[letter.pk]),
        {"delivered_on": days(0), "received_by": "خود گیرنده"},
    )
    url = reverse("letters:return", args=[letter.pk])
    told = "این نامه به گیرنده تحویل شده است؛ برگشت آن ثبت نمی‌شود."
    assert told in html(client.get(url))
    response = client.post(url, {"returned_on": days(0), "reason": "نپذیرفت"})
    assert response.status_code == 400 and told in html(response)
    response = post(client, letter, "RR301IR", days(0))
    assert response.status_code == 400
    assert "این نامه به گیرنده تحویل شده است و دوباره ارسال نمی‌شود." in html(response)
    response = client.post(
        reverse("letters:delivery", args=[letter.pk]),
        {"delivered_on": days(0), "received_by": "خود گیرنده"},
    )
    assert response.status_code == 400
    letter.refresh_from_db()
    assert letter.status == Letter.Status.DELIVERED
    assert list(Dispatch.objects.values_list("outcome", flat=True)) == ["delivered"]
    assert not events(cancelled_case, "letter_returned")
