"""Every step of the work: taken by its role it moves the case and writes one event; taken by
any other role, from another state, or with a condition unmet it raises, changes nothing and
writes no event."""

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from cases import services
from cases.demo import prepare
from cases.models import (
    BorderPoint,
    Case,
    CaseEvent,
    CaseState,
    SourceType,
)
from cases.services import CaseActionRefused

pytestmark = pytest.mark.django_db

# step → (who takes it, the inputs a user types with it)
TODAY = timezone.localdate()
STEP_INPUTS = {
    "start_review": ("expert", {}),
    "send_inquiries": ("expert", {}),
    "submit_to_province": ("expert", {}),
    "resume_review": ("expert", {}),
    "return_for_information": ("secretary", {"reason": "نامه انتظامی ناقص است."}),
    "approve_in_province": (
        "secretary",
        {"province_resolution_number": "۱۲/ک", "province_resolution_date": TODAY},
    ),
    "reject_in_province": (
        "secretary",
        {
            "province_resolution_number": "۱۳/ک",
            "province_resolution_date": TODAY,
            "reason": "مستندات کافی نیست.",
        },
    ),
    "confirm_nationally": (
        "national",
        {"national_letter_number": "۴۴۵/د", "national_letter_date": TODAY},
    ),
    "refuse_nationally": (
        "national",
        {
            "national_letter_number": "۴۴۶/د",
            "national_letter_date": TODAY,
            "reason": "خلاف دستورالعمل.",
        },
    ),
    "cancel_card": ("registry", {"najva_registration_number": "NJ-77"}),  # + offence type
    "order_expulsion": ("supervisor", {}),
    "record_expulsion": ("enforcement", {"expelled_on": TODAY}),  # + border point
    "close_as_departed": ("supervisor", {}),
    "withdraw": ("supervisor", {"reason": "متقاضی انصراف داد."}),
}

ALL_STEPS = sorted(
    (t.name, t.source, t.target) for t in Case(state=CaseState.RECEIVED).get_all_state_transitions()
)


def test_the_table_covers_every_transition():
    assert {name for name, _, _ in ALL_STEPS} == set(STEP_INPUTS)
    # Every state is reachable and every closed state has a way in.
    targets = {target for _, _, target in ALL_STEPS}
    assert targets | {CaseState.RECEIVED} == set(CaseState.values)


def inputs_for(name, offences):
    role, inputs = STEP_INPUTS[name]
    inputs = dict(inputs)
    if name == "cancel_card":
        inputs["offence_type"] = offences[0]
    if name == "record_expulsion":
        inputs["expulsion_border_point"] = BorderPoint.objects.first()
    return role, inputs


def source_type_for(name):
    return (
        SourceType.ILLEGAL_EXIT_REPORT if name == "close_as_departed" else SourceType.AGENCY_REPORT
    )


@pytest.mark.parametrize(("name", "source", "target"), ALL_STEPS)
def test_its_role_takes_the_step(name, source, target, case_in, actors_a, offences):
    case = case_in(source, source_type=source_type_for(name))
    prepare(case, name, actors_a)
    role, inputs = inputs_for(name, offences)
    actor = getattr(actors_a, role)
    before = case.events.count()

    services.case_transition(case=case, by=actor, name=name, **inputs)

    case.refresh_from_db()
    assert case.state == target
    assert case.is_closed == (case.closed_at is not None)
    event = case.events.order_by("pk").last()
    assert case.events.count() == before + 1
    assert (event.action, event.actor, event.from_state, event.to_state) == (
        name,
        actor,
        source,
        target,
    )
    assert event.reason == inputs.get("reason", "")
    for field, value in inputs.items():
        if field != "reason":
            assert getattr(case, field) == value


@pytest.mark.parametrize(("name", "source", "target"), ALL_STEPS)
def test_every_other_user_is_refused_and_nothing_changes(
    name, source, target, case_in, actors_a, users, offences
):
    case = case_in(source, source_type=source_type_for(name))
    prepare(case, name, actors_a)
    role, inputs = inputs_for(name, offences)
    allowed = getattr(actors_a, role)
    events = case.events.count()

    for username, user in users.items():
        if user == allowed:
            continue
        with pytest.raises((PermissionDenied, Case.DoesNotExist)):
            services.case_transition(case=case, by=user, name=name, **inputs)
        case.refresh_from_db()
        assert case.state == source, username
        assert case.events.count() == events, username


@pytest.mark.parametrize("name", sorted(STEP_INPUTS))
def test_a_step_from_the_wrong_state_is_refused(name, case_in, actors_a, offences):
    sources = {source for step, source, _ in ALL_STEPS if step == name}
    role, inputs = inputs_for(name, offences)
    # A state the actor can see: the registry operator sees cases from national confirmation on.
    candidates = (
        [CaseState.EXPELLED, CaseState.CARD_CANCELLED]
        if role == "registry"
        else [CaseState.RECEIVED, CaseState.EXPERT_REVIEW, CaseState.APPROVED_BY_PROVINCE]
    )
    wrong = next(state for state in candidates if state not in sources)
    case = case_in(wrong)
    events = case.events.count()

    with pytest.raises(CaseActionRefused) as refused:
        services.case_transition(case=case, by=getattr(actors_a, role), name=name, **inputs)

    assert "ممکن نیست" in refused.value.messages[0]
    case.refresh_from_db()
    assert case.state == wrong
    assert case.events.count() == events


def refused_with(case, actor, name, message_part, **inputs):
    events = CaseEvent.objects.filter(case=case).count()
    state = case.state
    with pytest.raises(CaseActionRefused) as refused:
        services.case_transition(case=case, by=actor, name=name, **inputs)
    assert any(message_part in message for message in refused.value.messages), refused.value
    case.refresh_from_db()
    assert case.state == state
    assert CaseEvent.objects.filter(case=case).count() == events
    return case


def test_inquiries_must_be_sent_to_both_agencies(case_in, actors_a):
    case = case_in(CaseState.EXPERT_REVIEW)
    services.inquiry_record_sent(
        case=case,
        by=actors_a.expert,
        agency="police",
        letter_number="۱۲۳",
        sent_on=TODAY,
        due_on=TODAY,
    )
    refused_with(case, actors_a.expert, "send_inquiries", "اداره اطلاعات")


def test_the_case_waits_for_both_inquiry_replies(case_in, actors_a):
    case = case_in(CaseState.AWAITING_INQUIRIES)
    services.inquiry_record_reply(
        case=case, by=actors_a.expert, agency="police", replied_on=TODAY, outcome="no_record"
    )
    refused_with(case, actors_a.expert, "submit_to_province", "پاسخ استعلام")
    services.inquiry_record_reply(
        case=case,
        by=actors_a.expert,
        agency="intelligence",
        replied_on=TODAY,
        outcome="record_found",
    )
    refused_with(case, actors_a.expert, "submit_to_province", "تصمیم")  # decisions still pending


def test_every_subject_needs_a_decision_and_a_cancelled_head_a_successor(case_in, actors_a):
    case = case_in(CaseState.AWAITING_INQUIRIES)
    prepare(case, "submit_to_province", actors_a)  # replies in, every subject: cancel
    head, child = [s.person for s in case.subjects.order_by("person__pk")]
    services.subject_decide(case=case, by=actors_a.expert, person=child, decision="keep")

    # The head loses his card while the child keeps hers: the household needs a new head first.
    refused_with(case, actors_a.expert, "submit_to_province", "سرپرست جدید")

    services.household_change_head(
        case=case, by=actors_a.expert, household=head.household, new_head=child
    )
    services.case_submit_to_province(case=case, by=actors_a.expert)
    case.refresh_from_db()
    assert case.state == CaseState.READY_FOR_PROVINCE
    change = case.events.get(action="household_change_head")
    assert change.changes == {f"household:{head.household_id}:head": [head.pk, child.pk]}


def test_provincial_decisions_need_a_resolution_and_rejections_a_reason(case_in, actors_a):
    case = case_in(CaseState.READY_FOR_PROVINCE)
    refused_with(case, actors_a.secretary, "approve_in_province", "مصوبه")
    refused_with(
        case,
        actors_a.secretary,
        "approve_in_province",
        "مصوبه",
        province_resolution_number="۱۲",
    )
    refused_with(
        case,
        actors_a.secretary,
        "reject_in_province",
        "دلیل",
        province_resolution_number="۱۲",
        province_resolution_date=TODAY,
        reason="   ",
    )
    refused_with(case, actors_a.secretary, "return_for_information", "دلیل")
    assert case.province_resolution_number == ""


def test_national_decisions_need_a_letter_number_and_date(case_in, actors_a):
    case = case_in(CaseState.APPROVED_BY_PROVINCE)
    refused_with(case, actors_a.national, "confirm_nationally", "نامه", national_letter_number="۱")
    refused_with(
        case,
        actors_a.national,
        "refuse_nationally",
        "دلیل",
        national_letter_number="۱",
        national_letter_date=TODAY,
    )


def test_cancellation_needs_the_offence_type_and_the_najva_number(case_in, actors_a, offences):
    case = case_in(CaseState.CONFIRMED_NATIONALLY)
    refused_with(case, actors_a.registry, "cancel_card", "نجوا", offence_type=offences[0])
    refused_with(case, actors_a.registry, "cancel_card", "نجوا", najva_registration_number="NJ1")


def test_a_person_who_already_left_is_not_expelled(case_in, actors_a):
    departed = case_in(CaseState.CARD_CANCELLED, source_type=SourceType.ILLEGAL_EXIT_REPORT)
    refused_with(departed, actors_a.supervisor, "order_expulsion", "خروج غیرقانونی نیست")
    present = case_in(CaseState.CARD_CANCELLED, source_type=SourceType.JUDICIAL_RULING)
    refused_with(present, actors_a.supervisor, "close_as_departed", "خروج غیرقانونی است")


def test_an_expulsion_is_recorded_with_its_border_point_and_date(case_in, actors_a):
    case = case_in(CaseState.EXPULSION_ORDERED)
    refused_with(case, actors_a.enforcement, "record_expulsion", "مرز", expelled_on=TODAY)


def test_withdrawal_needs_a_reason(case_in, actors_a):
    case = case_in(CaseState.AWAITING_INQUIRIES)
    refused_with(case, actors_a.supervisor, "withdraw", "دلیل")


def test_the_offence_type_comes_from_the_catalogue_in_force(case_in, actors_a, offences):
    from cases.models import OffenceType

    old = OffenceType.objects.get(version_year=1404)
    case = case_in(CaseState.CONFIRMED_NATIONALLY)
    with pytest.raises(CaseActionRefused, match="دستورالعمل جاری"):
        services.case_cancel_card(
            case=case, by=actors_a.registry, offence_type=old, najva_registration_number="NJ-1"
        )
    case.refresh_from_db()
    assert case.state == CaseState.CONFIRMED_NATIONALLY


def test_a_step_records_only_its_own_fields(case_in, actors_a, tehran, isfahan):
    case = case_in(CaseState.RECEIVED)
    with pytest.raises(TypeError):
        services.case_transition(
            case=case, by=actors_a.expert, name="start_review", province=isfahan
        )
    with pytest.raises(TypeError):
        services.case_transition(
            case=case, by=actors_a.expert, name="start_review", number="23-1405-99999"
        )
    case.refresh_from_db()
    assert (case.state, case.province) == (CaseState.RECEIVED, tehran)
