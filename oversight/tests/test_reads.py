"""The read log: what reading a case, a file or a search leaves behind, and the auditor's page
that searches it, exports it and shows the audit chain's state."""

import datetime
import io
import re
import zipfile

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from audit import heads
from audit.chain import seal_all, seal_pending
from audit.models import Read, Seal
from audit.reads import mask_numbers, number_tokens, record_read
from cases.choices import CaseState
from cases.trail import CaseRead
from committees.trail import CommitteeRead
from enforcement.trail import EnforcementRead
from letters.trail import LetterRead
from najva.trail import NajvaRead
from people.trail import PeopleRead
from shared import clock
from shared.persian import digits_to_persian, jalali

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_storage")]


def signed_in(user) -> Client:
    client = Client(REMOTE_ADDR="10.1.2.3")
    client.force_login(user)
    return client


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_opening_a_case_page_records_one_read(case_in, actors_a):
    case = case_in(CaseState.EXPERT_REVIEW)
    response = signed_in(actors_a.expert).get(reverse("cases:detail", args=[case.number]))
    assert response.status_code == 200
    read = Read.objects.get()
    assert read.action == CaseRead.CASE_PAGE
    assert read.actor == actors_a.expert and read.case_id == case.pk
    assert read.ip == "10.1.2.3"
    assert read.actor_name
    # This test's transaction never commits: the sealer at commit has not run; it seals it so.
    assert read.seal is None
    seal_pending("reads")
    assert read.seal.seq == 1 and len(read.seal.hash) == 64


def test_behind_the_proxy_the_read_keeps_the_clients_address_not_the_proxys(
    case_in, actors_a, settings
):
    settings.TLS_PROXY = True
    case = case_in(CaseState.EXPERT_REVIEW)
    client = Client(REMOTE_ADDR="172.18.0.5", HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.7")
    client.force_login(actors_a.expert)
    assert client.get(reverse("cases:detail", args=[case.number])).status_code == 200
    # What the client wrote itself (1.1.1.1) is not taken; the hop our proxy wrote is.
    assert Read.objects.get().ip == "203.0.113.7"


def test_a_page_another_province_may_not_see_records_nothing(case_in, users):
    case = case_in(CaseState.EXPERT_REVIEW)
    response = signed_in(users["expert_b"]).get(reverse("cases:detail", args=[case.number]))
    assert response.status_code == 404
    assert not Read.objects.exists()


def test_downloading_evidence_records_the_read(case_in, actors_a):
    case = case_in(CaseState.EXPERT_REVIEW)
    item = case.evidence.first()
    url = reverse("cases:evidence_download", args=[case.number, item.pk])
    response = signed_in(actors_a.supervisor).get(url)
    assert response.status_code == 200
    read = Read.objects.get()
    assert read.action == CaseRead.EVIDENCE
    assert (read.actor, read.case_id, read.detail) == (
        actors_a.supervisor,
        case.pk,
        f"evidence {item.pk}",
    )


def test_printing_a_letter_records_the_read(case_in, actors_a):
    case = case_in(CaseState.CARD_CANCELLED)
    letter = case.letters.exclude(file="").first()
    if letter is None:  # printed by the supervisor first
        from letters import services as letters

        letter = case.letters.first()
        letters.letter_print(letter=letter, by=actors_a.supervisor)
    response = signed_in(actors_a.supervisor).get(letter.download_url)
    assert response.status_code == 200
    read = Read.objects.get()
    assert (read.action, read.case_id) == (LetterRead.LETTER, case.pk)


def test_a_search_records_the_cases_returned_without_the_number_in_clear(case_in, actors_a):
    case = case_in(CaseState.EXPERT_REVIEW)
    other = case_in(CaseState.EXPERT_REVIEW)
    number = case.subjects.order_by("pk").first().person.documents.get().number
    client = signed_in(actors_a.expert)
    response = client.post(reverse("cases:list"), {"q": digits_to_persian(number)}, follow=True)
    assert response.status_code == 200 and case.number in text(response)
    read = Read.objects.get()
    assert read.action == CaseRead.CASE_SEARCH and read.actor == actors_a.expert
    assert read.case_ids == [case.pk] and read.found == 1 and other.pk not in read.case_ids
    # The number is in no column, in no script: only its keyed hash.
    row = str(list(Read.objects.values_list()))
    assert number not in row and digits_to_persian(number) not in row
    assert number_tokens(number)[0] in read.query


def test_the_number_is_hashed_however_it_was_typed():
    typed = ["123456789012", "۱۲۳۴۵۶۷۸۹۰۱۲", "١٢٣٤٥٦٧٨٩٠١٢", "1234-5678-9012", "123 456 789 012"]
    assert len({mask_numbers(t) for t in typed}) == 1
    assert "1234" not in mask_numbers("q=1234-5678-9012")
    # A case number stays readable when short runs only; short numbers are not identities.
    assert mask_numbers("state=expert_review 12345") == "state=expert_review 12345"
    assert number_tokens("P1234567") == number_tokens("۱۲۳۴۵۶۷")


def test_the_people_search_at_intake_records_the_search_hashed(users):
    from people.tests import factories

    head, _member = factories.household_with_members(2)
    number = head.documents.get().number
    client = signed_in(users["expert_a"])
    response = client.post(
        reverse("intake:intake"), {"step": "find", "number": number}, follow=True
    )
    assert response.status_code == 200
    read = Read.objects.get()
    assert read.action == PeopleRead.PEOPLE_SEARCH and read.found == 1
    assert number not in read.query and number_tokens(number)[0] in read.query
    assert read.detail == f"households {head.household_id}"


@pytest.fixture
def logged(case_in, actors_a, users):
    """Reads by two users on two cases, one of them a search by a document number, one old."""
    case = case_in(CaseState.EXPERT_REVIEW)
    other = case_in(CaseState.EXPERT_REVIEW)
    number = other.subjects.order_by("pk").first().person.documents.get().number
    expert, supervisor = signed_in(actors_a.expert), signed_in(actors_a.supervisor)
    expert.get(reverse("cases:detail", args=[case.number]))
    supervisor.post(reverse("cases:list"), {"q": number}, follow=True)
    old = Read(actor=actors_a.supervisor, action=CaseRead.CASE_PAGE, case_id=other.pk)
    old.at = clock.now() - datetime.timedelta(days=40)
    old.save()
    return {"case": case, "other": other, "number": number}


def search(client, **params):
    data = {"user": "", "case": "", "since": "", "until": "", "number": "", **params}
    response = client.post(reverse("oversight:reads"), data, follow=True)
    assert response.status_code == 200, text(response)
    return response


def shown(response) -> list[Read]:
    return list(response.context["page"].object_list)


def test_the_auditor_finds_reads_by_user_case_date_and_identity_number(logged, users, actors_a):
    auditor = signed_in(users["auditor"])
    assert len(shown(search(auditor))) == 3

    by_user = shown(search(auditor, user=actors_a.supervisor.username))
    assert {r.actor for r in by_user} == {actors_a.supervisor} and len(by_user) == 2

    by_case = shown(search(auditor, case=digits_to_persian(logged["other"].number)))
    # the old page read, and the search that returned the case
    assert {r.action for r in by_case} == {CaseRead.CASE_PAGE, CaseRead.CASE_SEARCH}

    today = jalali(clock.today())
    recent = shown(search(auditor, since=today, until=today))
    assert len(recent) == 2 and all(r.at > clock.now() - datetime.timedelta(days=1) for r in recent)

    by_number = shown(search(auditor, number=digits_to_persian(logged["number"])))
    assert [r.action for r in by_number] == [CaseRead.CASE_SEARCH]
    # The rows show the search's case by number, and the hash where the number was typed.
    rows = text(search(auditor, number=logged["number"])).split("<tbody>")[-1]
    assert logged["number"] not in rows and digits_to_persian(logged["number"]) not in rows
    assert digits_to_persian(logged["other"].number) in rows

    refused = auditor.post(reverse("oversight:reads"), {"number": "۱۲۳"})
    assert refused.status_code == 400
    assert "دست‌کم شش رقم" in text(refused)


def test_the_export_is_a_right_to_left_workbook_of_the_search(logged, users, actors_a):
    auditor = signed_in(users["auditor"])
    response = search(auditor, user=actors_a.supervisor.username)
    token = response.redirect_chain[-1][0].split("s=")[1]
    export = auditor.get(reverse("oversight:reads_export"), {"s": token})
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    with zipfile.ZipFile(io.BytesIO(export.content)) as book:
        # (constant-memory mode writes the strings inline, in the sheet)
        sheet = strings = book.read("xl/worksheets/sheet1.xml").decode()
    assert 'rightToLeft="1"' in sheet
    assert sheet.count("<row ") == 3  # the headers and the supervisor's two reads
    assert "اقدام" in strings and "جست‌وجوی پرونده" in strings
    assert logged["other"].number in strings and logged["number"] not in strings


def test_only_the_auditor_reaches_the_page_and_sees_it_in_the_menu(users):
    for name in ("expert_a", "supervisor_a", "national", "registry"):
        client = signed_in(users[name])
        assert client.get(reverse("oversight:reads")).status_code == 403
        assert client.get(reverse("oversight:reads_export")).status_code == 403
        assert reverse("oversight:reads") not in text(client.get(reverse("home")))
    auditor = signed_in(users["auditor"])
    assert reverse("oversight:reads") in text(auditor.get(reverse("home")))


def test_the_page_shows_the_chain_state_honestly(logged, users, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    auditor = signed_in(users["auditor"])
    page = auditor.get(reverse("oversight:reads"))
    content = text(page)
    assert "هنوز هیچ‌گاه به‌طور کامل وارسی نشده است" in content
    assert "هنوز سر زنجیره‌ای صادر نشده است" in content
    # This test's transaction never commits, so the sealer at commit has not run: the three
    # reads logged wait for their seal, and the page says so.
    heads_now = page.context["chain"]["heads"]
    assert heads_now["reads"]["seq"] == 0 and heads_now["reads"]["pending"] == 3
    assert "<td>۰</td> <td>۳</td>" in content
    assert "در انتظار مهر" in content
    seal_all()
    heads.export_heads()
    call_command("verify_audit", stdout=io.StringIO())
    head = Seal.objects.filter(chain="reads").order_by("-seq").first()
    page = auditor.get(reverse("oversight:reads"))
    assert page.context["chain"]["heads"]["reads"] == {"seq": 3, "hash": head.hash, "pending": 0}
    content = text(page)
    assert "آخرین وارسی کامل" in content and "سالم بودند" in content
    assert head.hash in content
    assert "<td>۳</td> <td>۰</td>" in content
    assert "هنوز با سوابق می‌خواند" in content


def test_record_read_keeps_a_capped_list_of_a_big_search(rf, users):
    request = rf.get("/")
    request.user = users["auditor"]
    read = record_read(request, CaseRead.CASE_SEARCH, cases=range(1, 1001), query="x")
    assert len(read.case_ids) == 200 and read.found == 1000


def test_printing_the_forms_orders_and_minutes_records_the_reads(case_in, actors_a):
    """Each of our PDFs, printed by a user who sees the case, leaves a read naming its case (the
    minutes: every case on the session's agenda)."""
    from enforcement.models import ExpulsionOrder
    from najva import services as najva
    from najva.models import CancellationForm
    from tests.test_permission_matrix import _session_with_minutes

    expelled = case_in(CaseState.EXPULSION_ORDERED)
    najva.form_print(subject=expelled.subjects.order_by("pk").first(), by=actors_a.supervisor)
    ready = case_in(CaseState.READY_FOR_PROVINCE)
    _session_with_minutes(ready, actors_a)
    from committees.models import Session

    client = signed_in(actors_a.supervisor)
    urls = {
        NajvaRead.NAJVA_FORM: CancellationForm.objects.latest("pk").download_url,
        EnforcementRead.ORDER: ExpulsionOrder.objects.latest("pk").download_url,
        CommitteeRead.MINUTES: Session.objects.latest("pk").minutes.download_url,
    }
    for action, url in urls.items():
        assert client.get(url).status_code == 200, action
        read = Read.objects.filter(action=action).get()
        assert read.actor == actors_a.supervisor
        if action == CommitteeRead.MINUTES:
            assert read.case_ids == [ready.pk] and read.found == 1
        else:
            assert read.case_id == expelled.pk
