"""Issue 21: free-text reasons with bidi controls or 200 KB of text reached the append-only trail
and the case page. Refused on the form (Persian, 400) and again where the text enters a service,
and by the trail itself past its own cap."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from audit import services as audit
from audit.models import Event
from cases.choices import CaseState, Step
from cases.services import CaseActionRefused, case_take_step
from committees.models import Session
from committees.services import SessionRefused, item_record
from shared import clock
from shared.persian import jalali
from shared.text import TEXT_MAX_CHARS, TRAIL_REASON_MAX_CHARS
from tests.proofs import proof_for

pytestmark = pytest.mark.django_db

BIDI = ["رد به دلیل \u202eناقص\u202c", "\u2066ABC\u2069", "x\u202dy", "x\u2067y\u2069"]
HUGE = "الف" * (200 * 1024 // 3)


def national_batch(client, users, case_in):
    client.force_login(users["national"])
    case = case_in(CaseState.APPROVED_BY_PROVINCE)
    client.post(
        reverse("committees:new"),
        {"number": "ک/۹/۱۴۰۵", "held_on": jalali(clock.today()), "place": "وزارت کشور"},
    )
    session = Session.objects.get(number="ک/۹/۱۴۰۵")
    client.post(reverse("committees:national_queue"), {"session": session.pk, "cases": [case.pk]})
    return case, session, session.items.get()


@pytest.mark.parametrize("reason", [*BIDI, HUGE], ids=[*map(ascii, BIDI), "200KB"])
def test_a_national_refusal_reason_with_bidi_controls_or_200kb_is_refused(
    client, users, case_in, reason
):
    _, session, item = national_batch(client, users, case_in)
    events = Event.objects.count()
    page = client.post(
        reverse("committees:batch", args=[session.pk]),
        {f"outcome_{item.pk}": "refuse", f"reason_{item.pk}": reason},
    )
    assert page.status_code == 400
    text = page.content.decode()
    assert "کنترل دوسویه یونیکد" in text or "نویسه است؛ کوتاه‌ترش کنید" in text
    item.refresh_from_db()
    assert item.outcome == "" and item.reason == ""
    assert Event.objects.count() == events
    # The service, called without the form, refuses the same.
    with pytest.raises(SessionRefused):
        item_record(item=item, by=users["national"], outcome="refuse", reason=reason)


@pytest.mark.parametrize("reason", [BIDI[0], "ب" * (TEXT_MAX_CHARS + 1)], ids=["bidi", "long"])
def test_a_step_reason_is_refused_on_the_form_and_in_the_engine(client, users, case_in, reason):
    withdrawn = case_in(CaseState.EXPERT_REVIEW)
    client.force_login(users["supervisor_a"])
    events = withdrawn.events.count()
    page = client.post(
        reverse("cases:action", args=[withdrawn.number, Step.WITHDRAW.value]), {"reason": reason}
    )
    assert page.status_code == 400
    assert (
        "کنترل دوسویه یونیکد" in page.content.decode() or "کوتاه‌ترش کنید" in page.content.decode()
    )
    withdrawn.refresh_from_db()
    assert withdrawn.state == CaseState.EXPERT_REVIEW and withdrawn.events.count() == events
    case = case_in(CaseState.APPROVED_BY_PROVINCE)
    events = case.events.count()
    inputs = {"national_letter_number": "۱۲", "national_letter_date": clock.today()}
    with pytest.raises(CaseActionRefused) as refused:
        case_take_step(
            case=case,
            by=users["national"],
            step=Step.REFUSE_NATIONALLY,
            reason=reason,
            **proof_for(case, Step.REFUSE_NATIONALLY),
            **inputs,
        )
    assert "reason" in refused.value.message_dict
    case.refresh_from_db()
    assert case.state == CaseState.APPROVED_BY_PROVINCE and case.events.count() == events


def test_marks_the_persian_keyboard_types_are_kept(users, case_in):
    """RLM and LRM (and ZWNJ) are typed by the Persian keyboard: not refused."""
    case = case_in(CaseState.EXPERT_REVIEW)
    item = case.evidence.first()
    from cases.services import evidence_withdraw

    evidence_withdraw(
        case=case, by=users["expert_a"], evidence=item, reason="اشتباه\u200fثبت‌شد\u200e"
    )
    item.refresh_from_db()
    assert item.withdraw_reason == "اشتباه\u200fثبت‌شد\u200e"


def test_the_evidence_withdrawal_refuses_200kb_in_the_service(users, case_in):
    from cases.services import evidence_withdraw

    case = case_in(CaseState.EXPERT_REVIEW)
    item = case.evidence.first()
    with pytest.raises(CaseActionRefused):
        evidence_withdraw(case=case, by=users["expert_a"], evidence=item, reason=HUGE)
    item.refresh_from_db()
    assert item.withdrawn_at is None


def test_the_trail_refuses_a_reason_past_its_cap():
    with pytest.raises(ValidationError):
        audit.record(
            by=None,
            kind=Event.Kind.CHANGE,
            action="x",
            label="x",
            reason="x" * (TRAIL_REASON_MAX_CHARS + 1),
        )
    assert not Event.objects.filter(action="x").exists()
