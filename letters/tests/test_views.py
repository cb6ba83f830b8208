"""The letters as their users meet them: who reads and who acts (another province: 404; the
expert: 403; the auditor reads), each letter's whereabouts on the case page, the print queue and
its cost at 1 and 50 letters, the dispatch register of a day, the verification page, and the
PDFs read back with poppler (text in order, Vazirmatn embedded) and zbar (the QR code)."""

import datetime
import re
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.choices import CaseState
from letters import services
from letters.models import AgencyOffice, Dispatch, Letter
from letters.tests.conftest import (
    ADDRESS,
    give_address,
    letter_to,
    letters_of,
    pdf_text,
    said,
)
from revocation.demo.letters import send_all
from shared import clock
from shared.persian import digits_to_persian, jalali
from tests.tools import poppler, read_qr_codes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_storage")]


def html(response) -> str:
    return response.content.decode()


def fa(value) -> str:
    return digits_to_persian(value)


def take_to(letter, status, users, *, number="RR500IR"):
    """The letter taken by Tehran's supervisor to ``status`` through the services."""
    by = users["supervisor_a"]
    if letter.postal_address == "" and letter.household_id:
        give_address(letter.household, users["expert_a"])
    today = clock.today()
    order = ["printed", "signed", "dispatched", "delivered"]
    if status == "returned":
        order = ["printed", "signed", "dispatched", "returned"]
    for step in order[: order.index(status) + 1]:
        letter = Letter.objects.get(pk=letter.pk)
        if step == "printed":
            services.letter_print(letter=letter, by=by)
        elif step == "signed":
            services.letter_mark_signed(letter=letter, by=by)
        elif step == "dispatched":
            services.letter_dispatch(letter=letter, by=by, tracking_number=number, sent_on=today)
        elif step == "delivered":
            services.letter_record_delivery(
                letter=letter, by=by, delivered_on=today, received_by="خود گیرنده"
            )
        else:
            services.letter_record_return(
                letter=letter, by=by, returned_on=today, reason="نشانی ناقص است"
            )
    return Letter.objects.get(pk=letter.pk)


def test_another_province_gets_404_the_expert_403_and_the_auditor_reads(
    client, cancelled_case, users
):
    letter = take_to(letter_to(cancelled_case, "head"), "printed", users)
    reads = [reverse("letters:detail", args=[letter.pk]), letter.download_url]
    acts = [
        reverse(name, args=[letter.pk])
        for name in ("letters:print", "letters:sign", "letters:dispatch", "letters:delivery")
    ]
    urls = reads + acts
    for username in ("expert_b", "supervisor_b"):
        client.force_login(users[username])
        for url in urls:
            response = client.get(url)
            assert response.status_code == 404, (username, url)
            assert letter.addressee_name not in html(response)
        assert letter.addressee_name not in html(client.get(reverse("letters:queue")))
    client.force_login(users["expert_a"])
    for url in urls:
        assert client.get(url).status_code == 403, url
    assert client.get(reverse("letters:queue")).status_code == 403
    # The expert sees where the letter is on the case page, without its page or buttons.
    page = html(client.get(cancelled_case.get_absolute_url()))
    assert 'id="letters"' in page and fa(letter.number) in page
    assert reverse("letters:detail", args=[letter.pk]) not in page
    assert "نامه‌ها و ارسال پستی" not in page  # no navigation link either
    client.force_login(users["auditor"])
    for url in reads:
        assert client.get(url).status_code == 200, url
    for url in acts:
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("letters:sign", args=[letter.pk])).status_code == 403
    queue = html(client.get(reverse("letters:queue")))
    assert fa(letter.number) in queue and "ثبت امضا" not in queue
    letter.refresh_from_db()
    assert letter.status == Letter.Status.PRINTED and letter.signed_at is None


def test_the_case_page_shows_each_letter_and_where_it_is(client, cancelled_case, users):
    head, own, police, intelligence = letters_of(cancelled_case)
    client.force_login(users["supervisor_a"])
    page = html(client.get(cancelled_case.get_absolute_url()))
    assert page.count('class="letter-row"') == 4
    assert len(re.findall(r'data-letter="\d+" data-status="waiting"', page)) == 4
    assert page.count(">چاپ نامه<") == 4

    take_to(head, "delivered", users, number="RR1IR")
    take_to(own, "returned", users, number="RR2IR")
    AgencyOffice.objects.update(postal_address="تهران، میدان امام خمینی")
    take_to(police, "dispatched", users, number="RR3IR")
    take_to(intelligence, "signed", users)
    page = html(client.get(cancelled_case.get_absolute_url()))
    for letter, status in [
        (head, "delivered"),
        (own, "returned"),
        (police, "dispatched"),
        (intelligence, "signed"),
    ]:
        assert f'data-letter="{letter.pk}" data-status="{status}"' in page
    assert "تحویل‌شده" in page and "خود گیرنده" in page
    assert "برگشتی" in page and "نشانی ناقص است" in page
    assert "ارسال‌شده" in page and f"شماره پیگیری {fa(_bdi('RR3IR'))}" in page
    assert ">ثبت تحویل<" in page and ">ثبت برگشت<" in page and ">ارسال دوباره<" in page
    for letter in letters_of(cancelled_case):
        assert fa(letter.number) in page
    # The timeline names each letter's number and addressee.
    assert fa(f"تحویل نامه {Letter.objects.get(pk=head.pk).number}") in page


def _bdi(value) -> str:
    return f'<bdi dir="ltr" class="case-number">{fa(value)}</bdi>'


def test_the_queue_costs_the_same_at_1_and_50_letters_and_the_case_page_at_1_and_9(
    client, case_in, users, django_assert_max_num_queries
):
    from people.tests import factories

    def queries(url):
        # The fewer of two requests: a session is touched (written) once a minute, whatever page.
        counts = []
        for _ in range(2):
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            counts.append(len(captured))
        return min(counts)

    client.force_login(users["supervisor_a"])
    first = case_in(CaseState.CARD_CANCELLED)
    for extra in letters_of(first)[1:]:
        extra.subjects.clear()
        extra.delete()
    assert Letter.objects.count() == 1
    one = queries(reverse("letters:queue")), queries(first.get_absolute_url())

    # A household of seven adults: nine letters on its case page.
    big = case_in(CaseState.CARD_CANCELLED, subjects=factories.household_with_members(7))
    assert len(letters_of(big)) == 9
    while Letter.objects.count() < 50:
        case_in(CaseState.CARD_CANCELLED)
    # Letters in every section, with their postings (a returned one posted twice).
    AgencyOffice.objects.update(postal_address="تهران، میدان امام خمینی")
    for index, letter in enumerate(Letter.objects.order_by("pk")[:40]):
        status = ["printed", "signed", "dispatched", "delivered", "returned"][index % 5]
        take_to(letter, status, users, number=f"RR{index:04d}IR")
    page = html(client.get(reverse("letters:queue")))
    assert page.count('class="letter-row"') == Letter.objects.exclude(status="delivered").count()
    assert "نشانی ناقص است" in page and fa("RR0002IR") in page
    fifty = queries(reverse("letters:queue")), queries(big.get_absolute_url())
    assert fifty == one
    with django_assert_max_num_queries(one[0]):
        client.get(reverse("letters:queue"))


def test_the_queue_lists_the_oldest_fifty_of_each_section_and_counts_all(
    client, case_in, users, settings
):
    from letters import selectors

    for _ in range(2):
        case_in(CaseState.CARD_CANCELLED)
    client.force_login(users["supervisor_a"])
    context = selectors.print_queue(user=users["supervisor_a"], limit=3)
    waiting = context["sections"][0]
    assert waiting["count"] == 8 and len(waiting["letters"]) == 3
    oldest = list(Letter.objects.order_by("status_at", "pk")[:3])
    assert waiting["letters"] == oldest
    page = html(client.get(reverse("letters:queue")))
    assert 'id="to-print"' in page and fa(8) in page
    assert "نامه‌ها و ارسال پستی" in page  # the navigation link
    # The supervisor's work queue says how many letters wait in each section.
    home = html(client.get(reverse("home")))
    assert 'id="letters-waiting"' in home and f"برای چاپ: {fa(8)}" in home


def test_the_dispatch_register_of_a_day_and_its_pdf_for_the_post_office(
    client, cancelled_case, users, tmp_path, settings
):
    AgencyOffice.objects.update(postal_address="تهران، میدان امام خمینی، ساختمان شماره ۲")
    letters = [take_to(x, "printed", users) for x in letters_of(cancelled_case)]
    for index, letter in enumerate(letters):
        take_to(letter, "dispatched", users, number=f"12345678901234567{index}")
    client.force_login(users["supervisor_a"])
    page = html(client.get(reverse("letters:register")))
    assert page.count('class="dispatch-row"') == 4
    assert f'value="{jalali(clock.today())}"' in page  # the date box shows the day
    yesterday = jalali(clock.today() - datetime.timedelta(days=1))
    page = html(client.get(reverse("letters:register"), {"on": yesterday}))
    assert "در این روز نامه‌ای با پست ارسال نشده است." in page
    response = client.get(reverse("letters:register"), {"on": "۱۴۰۵/۱۴/۰۱"})
    assert response.status_code == 400 and "سال/ماه/روز" in html(response)
    # Another province's supervisor sees none of them; a national reader names the province.
    client.force_login(users["supervisor_b"])
    assert 'class="dispatch-row"' not in html(client.get(reverse("letters:register")))
    client.force_login(users["auditor"])
    assert html(client.get(reverse("letters:register"))).count('class="dispatch-row"') == 4
    response = client.get(reverse("letters:register_pdf"))
    assert response.status_code == 400 and "استان را انتخاب کنید" in html(response)

    client.force_login(users["supervisor_a"])
    response = client.get(reverse("letters:register_pdf"))
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / "dispatch-list.pdf"
    path.write_bytes(response.content)
    _keep(path, "dispatch-list.pdf")
    text = pdf_text(path)
    for expected in [
        "فهرست مرسوله‌های پستی روز",
        "اداره کل امور اتباع و مهاجرین خارجی استان تهران",
        "شماره پیگیری پستی",
        "متصدی اداره پست",
        "صفحه ۱ از ۱",
        fa(ADDRESS.split("،")[0]),
        fa("1314567890"),
        jalali(clock.today(), "%-d %B %Y"),
        *(fa(letter.number) for letter in letters),
        *(fa(f"12345678901234567{index}") for index in range(4)),
        *(letter.addressee_name for letter in letters),
    ]:
        assert said(expected) in text, (expected, text)
    _embedded_vazirmatn(path)
    poppler(
        "pdftoppm",
        "-png",
        "-r",
        "80",
        "-singlefile",
        str(path),
        str(_artifacts() / "dispatch-list"),
    )


def _artifacts() -> Path:
    from django.conf import settings

    folder = Path(settings.BASE_DIR) / "test-artifacts"
    folder.mkdir(exist_ok=True)
    return folder


def _keep(path: Path, name: str) -> None:
    (_artifacts() / name).write_bytes(path.read_bytes())


def _embedded_vazirmatn(path: Path) -> None:
    fonts = poppler("pdffonts", str(path))
    assert "Vazirmatn" in fonts, fonts
    rows = [line for line in fonts.splitlines()[2:] if line.strip()]
    assert rows and all(" yes " in line for line in rows), fonts
    assert all("Vazirmatn" in line for line in rows), fonts  # no silent fallback to DejaVu


def test_the_letter_reads_back_in_order_with_vazirmatn_and_its_qr_code(
    client, cancelled_case, family, users, tmp_path, settings
):
    settings.SITE_URL = "https://revocation.example.ir"
    father, mother, daughter = family
    letter = letter_to(cancelled_case, "head")
    give_address(letter.household, users["expert_a"])
    letter = take_to(letter, "printed", users)
    client.force_login(users["supervisor_a"])
    served = client.get(letter.download_url)
    path = tmp_path / "letter.pdf"
    path.write_bytes(b"".join(served.streaming_content))
    _keep(path, "letter-head-of-household.pdf")
    text = pdf_text(path)
    case = cancelled_case
    for expected in [
        "وزارت کشور",
        "اداره کل امور اتباع و مهاجرین خارجی استان تهران",
        "ابلاغ ابطال مدارک اقامتی و لغو پناهندگی",
        f"{father.full_name}، سرپرست محترم خانوار",
        mother.full_name,
        daughter.full_name,
        "زیر ۱۸ سال",
        "آنچه می‌توانید انجام دهید و مهلت آن",
        "ظرف ۲۰ روز",  # the yearly policy's defaults: 20 days to object,
        "ظرف ۳۰ روز",  # 30 days to leave,
        "تا ۵ سال",  # a ban of at least 5 years
        "مدیرکل امور اتباع و مهاجرین خارجی استان تهران",
        case.offence_type.title,
        fa(letter.number),
        fa(jalali(letter.dated_on)),
        fa(case.number),
        fa("1314567890"),
        fa(father.documents.get().number),
        fa(daughter.documents.get().number),
        fa(jalali(case.national_letter_date)),
        fa(case.national_letter_number.split("/", 1)[1]),
        "صفحه ۱ از ۱",
    ]:
        assert said(expected) in text, (expected, text)
    _embedded_vazirmatn(path)
    poppler("pdftoppm", "-png", "-r", "150", "-singlefile", str(path), str(tmp_path / "letter"))
    (code,) = read_qr_codes(tmp_path / "letter.png")
    verify = reverse("documents:verify", args=["letter", letter.serial])
    assert code == f"https://revocation.example.ir{verify}?h={letter.content_sha256}"
    poppler("pdftoppm", "-png", "-r", "80", "-singlefile", str(path), str(_artifacts() / "letter"))


def test_the_yearly_policy_in_force_is_what_the_letter_says(
    client, cancelled_case, users, tmp_path
):
    from reference.models import YearlyPolicy
    from shared.persian import jalali_year

    YearlyPolicy.objects.create(
        year=jalali_year(clock.today()) - 1,
        reentry_ban_min_years=7,
        leave_within_days=45,
        objection_within_days=15,
        objection_authority="کمیسیون رسیدگی به اعتراضات اتباع",
    )
    letter = take_to(letter_to(cancelled_case, "person"), "printed", users)
    path = tmp_path / "letter.pdf"
    path.write_bytes(letter.file.open("rb").read())
    text = pdf_text(path)
    for expected in ["ظرف ۱۵ روز", "ظرف ۴۵ روز", "تا ۷ سال", "کمیسیون رسیدگی به اعتراضات اتباع"]:
        assert said(expected) in text, (expected, text)


def test_an_agency_letter_and_a_closing_letter_read_back(case_in, users, tmp_path):
    case = case_in(CaseState.CLOSED_DEPARTED)
    closing = next(x for x in letters_of(case) if x.kind == Letter.Kind.CLOSED_DEPARTED)
    closing = take_to(closing, "printed", users)
    path = tmp_path / "closing.pdf"
    path.write_bytes(closing.file.open("rb").read())
    _keep(path, "letter-closed-departed-police.pdf")
    text = pdf_text(path)
    for expected in [
        "فرماندهی انتظامی استان تهران",
        "اعلام مختومه شدن پرونده به علت خروج غیرقانونی از کشور",
        "خواهشمند است دستور فرمایید",
        fa(case.number),
        *(s.person.full_name for s in case.subjects.select_related("person")),
    ]:
        assert said(expected) in text, (expected, text)
    _embedded_vazirmatn(path)
    poppler(
        "pdftoppm",
        "-png",
        "-r",
        "80",
        "-singlefile",
        str(path),
        str(_artifacts() / "letter-closing"),
    )


def test_the_verification_page_genuine_altered_and_another_province(client, cancelled_case, users):
    letter = take_to(letter_to(cancelled_case, "head"), "printed", users)
    verify = reverse("documents:verify", args=["letter", letter.serial])
    client.force_login(users["expert_a"])  # whoever sees the case may verify a paper
    page = html(client.get(f"{verify}?h={letter.content_sha256}"))
    assert "این نامه اصیل است" in page and fa(letter.number) in page and letter.sha256 in page
    response = client.get(f"{verify}?h={'0' * 64}")
    assert response.status_code == 200 and "یکی نیست" in html(response)
    client.force_login(users["expert_b"])
    response = client.get(f"{verify}?h={letter.content_sha256}")
    assert response.status_code == 404 and letter.addressee_name not in html(response)
    # A letter not printed yet has nothing to verify.
    waiting = letter_to(cancelled_case, "person")
    client.force_login(users["supervisor_a"])
    unprinted = reverse("documents:verify", args=["letter", waiting.serial])
    assert client.get(unprinted).status_code == 404


def test_the_demo_takes_every_letter_of_a_case_to_its_addressee(case_in, users):
    case = case_in(CaseState.CARD_CANCELLED)
    letters = send_all(case, supervisor=users["supervisor_a"], expert=users["expert_a"])
    assert [x.status for x in letters] == [Letter.Status.DELIVERED] * 4
    assert Dispatch.objects.filter(outcome=Dispatch.Outcome.DELIVERED).count() == 4
    assert send_all(case, supervisor=users["supervisor_a"]) == letters  # idempotent
    other = case_in(CaseState.CARD_CANCELLED)
    # Without an expert to record the household's address, its letters stay signed.
    statuses = [x.status for x in send_all(other, supervisor=users["supervisor_a"])]
    assert statuses == ["signed", "signed", "delivered", "delivered"]


def test_a_case_shared_with_another_province_shows_its_letters_but_gives_no_hand_on_them(
    client, cancelled_case, case_in, users
):
    from cases.services import case_grant_access

    letter = take_to(letter_to(cancelled_case, "person"), "dispatched", users)
    client.force_login(users["supervisor_b"])
    assert client.get(reverse("letters:detail", args=[letter.pk])).status_code == 404
    case_grant_access(case=cancelled_case, by=users["supervisor_a"], user=users["supervisor_b"])
    assert client.get(reverse("letters:detail", args=[letter.pk])).status_code == 200
    assert fa(letter.number) in html(client.get(reverse("letters:queue")))
    register = html(client.get(reverse("letters:register"), {"on": jalali(clock.today())}))
    # The register of Isfahan's supervisor is Isfahan's: the shared Tehran letter is not on it.
    assert fa(letter.number) not in register
    for name in ("letters:delivery", "letters:return"):
        assert client.get(reverse(name, args=[letter.pk])).status_code == 403
    # Only that case is shared: a letter of another Tehran case stays unseen.
    other = letters_of(case_in(CaseState.CARD_CANCELLED))[0]
    assert client.get(reverse("letters:detail", args=[other.pk])).status_code == 404


def test_a_name_with_markup_is_shown_as_text_in_the_print_queue(client, cancelled_case, users):
    """The queue's rows are made in Python (letters' queue_row): every value is escaped."""
    head, *_ = letters_of(cancelled_case)
    head.person.first_name = '<script>alert("x")</script>'
    head.person.last_name = "O'Brien & <b>co</b>"
    head.person.save()
    client.force_login(users["supervisor_a"])
    queue = html(client.get(reverse("letters:queue")))
    assert "<script>" not in queue and "<b>co</b>" not in queue
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in queue
    assert "O&#x27;Brien &amp; &lt;b&gt;co&lt;/b&gt;" in queue
