"""Edges a careful reviewer found: each is refused with a clear answer, never a 500 or a silent
change."""

import datetime

import pytest
from django.urls import reverse

from audit.models import Event
from cases import services
from cases.choices import Agency, CaseState, Step, SubjectDecision
from cases.models import Case
from cases.services import CaseActionRefused
from people import services as people
from people.models import Household
from people.tests import factories
from reference.models import DocumentType, OffenceType
from shared import clock
from tests.proofs import proof_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("token", ["%00", "a%00b", "x" * 43 + "%00", "../../etc", "' OR 1=1"])
def test_a_malformed_search_token_is_no_500(client, users, token):
    client.force_login(users["expert_a"])
    for url in (f"/cases/?s={token}", f"/cases/new/?s={token}"):
        page = client.get(url)
        assert page.status_code == 200
        assert "این جست‌وجو یافت نشد" in page.content.decode() or url.startswith("/cases/new")


def test_an_expert_cannot_replace_the_head_of_another_provinces_household(
    client, users, actors_a, offences
):
    isfahan_household = factories.household_with_members(2, province=users["expert_b"].province)
    head, child = isfahan_household
    case = services.case_open(
        by=actors_a.expert,
        source_type="judicial_ruling",
        source_reference="R-1",
        source_date=factories.days_ago(2),
        subjects=[head],
    )
    services.case_take_step(case=case, by=actors_a.expert, step=Step.START_REVIEW)
    services.subject_decide(
        case=case, by=actors_a.expert, person=head, decision=SubjectDecision.CANCEL
    )
    client.force_login(actors_a.expert)
    page = client.get(reverse("cases:detail", args=[case.number]))
    assert "سرپرست جدید را کارشناس استان اصفهان ثبت می‌کند" in page.content.decode()
    events = Event.objects.count()
    answer = client.post(
        reverse("cases:household_head", args=[case.number, head.household_id]),
        {"new_head": child.pk},
    )
    assert answer.status_code == 403
    assert Household.objects.get(pk=head.household_id).head == head
    assert Event.objects.count() == events


def test_an_inquiry_letter_cannot_be_corrected_to_after_its_reply(case_in, actors_a):
    case = case_in(CaseState.READY_FOR_PROVINCE)
    services.case_take_step(
        case=case,
        by=actors_a.secretary,
        step=Step.RETURN_FOR_INFORMATION,
        **proof_for(case, Step.RETURN_FOR_INFORMATION),
        reason="ناقص",
    )
    services.case_take_step(case=case, by=actors_a.expert, step=Step.RESUME_REVIEW)
    # Opened ten days ago; the letter went six days ago and the reply came five days ago.
    type(case).objects.filter(pk=case.pk).update(opened_at=clock.now() - datetime.timedelta(10))
    case.inquiries.filter(agency=Agency.POLICE).update(
        sent_on=factories.days_ago(6),
        due_on=factories.days_ago(1),
        replied_on=factories.days_ago(5),
    )
    with pytest.raises(CaseActionRefused) as refusal:
        services.inquiry_record_sent(
            case=case,
            by=actors_a.expert,
            agency=Agency.POLICE,
            letter_number="POL/2",
            sent_on=factories.days_ago(3),
            due_on=factories.days_ago(0),
        )
    assert refusal.value.message_dict["sent_on"] == [
        "تاریخ ارسال نمی‌تواند پس از تاریخ پاسخ ثبت‌شده باشد."
    ]


def test_a_case_that_left_the_users_scope_mid_request_is_a_404(client, case_in, users, monkeypatch):
    case = case_in(CaseState.RECEIVED)
    client.force_login(users["expert_a"])

    def gone(**kwargs):
        raise type(case).DoesNotExist

    monkeypatch.setattr(services, "case_take_step", gone)
    answer = client.post(reverse("cases:action", args=[case.number, Step.START_REVIEW]))
    assert answer.status_code == 404


def offences_in_force():
    return OffenceType.objects.in_force(Case.year_of(clock.now())).first()


def test_the_it_administrator_reads_no_register_or_case_event_in_the_admin(
    client, it_admin, users, actors_a
):
    household = services_people_register(actors_a.expert)
    client.force_login(it_admin)
    listing = client.get("/admin/audit/event/").content.decode()
    assert household.number not in listing
    event = Event.objects.get(household_id=household.pk)
    assert client.get(f"/admin/audit/event/{event.pk}/change/").status_code == 302
    home = client.get("/").content.decode()
    assert "این حساب نقشی در پرونده‌ها ندارد" in home


def services_people_register(expert):
    return people.household_register(
        by=expert,
        number="6655443",
        head={
            "first_name": "رضا",
            "last_name": "نوری",
            "father_name": "علی",
            "nationality": "AF",
            "sex": "male",
            "birth_date": None,
        },
        document={
            "document_type": DocumentType.objects.get(code="amayesh"),
            "number": "99887766",
            "series": "",
            "issued_on": None,
            "expires_on": None,
        },
    )
