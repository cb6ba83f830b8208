"""Every step of the work: taken by its role it moves the case and writes one event; taken by
any other role, from another state, or with a condition unmet it raises, changes nothing and
writes no event."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile

from audit.models import Event
from cases import rules, services
from cases.choices import CaseState, SourceType, Step
from cases.models import Case
from cases.services import CaseActionRefused, CaseStateConflict
from cases.states import CLOSED_STATES, FROM_NATIONAL_CONFIRMATION
from cases.steps import STEPS
from cases.trail import CaseEvent
from najva import services as najva_services
from people.tests import factories
from reference.models import OffenceType
from revocation.demo.walk import DEMO_PDF, prepare, walk
from shared import clock
from tests.proofs import proof_for

pytestmark = pytest.mark.django_db

# step → (who takes it, the inputs a user types with it)
TODAY = clock.today()
STEP_INPUTS = {
    Step.START_REVIEW: ("expert", {}),
    Step.SEND_INQUIRIES: ("expert", {}),
    Step.SUBMIT_TO_PROVINCE: ("expert", {}),
    Step.RESUME_REVIEW: ("expert", {}),
    Step.RETURN_FOR_INFORMATION: ("secretary", {"reason": "نامه انتظامی ناقص است."}),
    Step.APPROVE_IN_PROVINCE: (
        "secretary",
        {"province_resolution_number": "۱۲/ک", "province_resolution_date": TODAY},
    ),
    Step.REJECT_IN_PROVINCE: (
        "secretary",
        {
            "province_resolution_number": "۱۳/ک",
            "province_resolution_date": TODAY,
            "reason": "مستندات کافی نیست.",
        },
    ),
    Step.CONFIRM_NATIONALLY: (
        "national",
        {"national_letter_number": "۴۴۵/د", "national_letter_date": TODAY},
    ),
    Step.REFUSE_NATIONALLY: (
        "national",
        {
            "national_letter_number": "۴۴۶/د",
            "national_letter_date": TODAY,
            "reason": "خلاف دستورالعمل.",
        },
    ),
    Step.CANCEL_CARD: ("registry", {}),
    # Taken by the system when the last registration reaches Najva (najva app).
    Step.NAJVA_REGISTERED: ("system", {}),
    Step.ORDER_EXPULSION: ("supervisor", {}),
    # Recorded by the enforcement app: each person's exit first (CaseSubject.departed_on).
    Step.RECORD_EXPULSION: ("enforcement", {}),
    Step.CLOSE_AS_DEPARTED: ("supervisor", {}),
    Step.WITHDRAW: ("supervisor", {"reason": "متقاضی انصراف داد."}),
}

ALL_STEPS = sorted(
    (Step(t.name), t.source, t.target)
    for t in Case(state=CaseState.RECEIVED).get_all_state_transitions()
)


def test_the_table_covers_every_transition():
    assert {name for name, _, _ in ALL_STEPS} == set(STEP_INPUTS) == set(Step)
    # Every state is reachable and every closed state has a way in.
    targets = {target for _, _, target in ALL_STEPS}
    assert targets | {CaseState.RECEIVED} == set(CaseState.values)


def actor_of(actors, role):
    return None if role == "system" else getattr(actors, role)


def inputs_for(step, offences):
    role, inputs = STEP_INPUTS[step]
    inputs = dict(inputs)
    if step == Step.APPROVE_IN_PROVINCE:
        inputs["offence_type"] = offences[0]
    return role, inputs


def source_type_for(step):
    return (
        SourceType.ILLEGAL_EXIT_REPORT
        if step == Step.CLOSE_AS_DEPARTED
        else SourceType.AGENCY_REPORT
    )


@pytest.mark.parametrize(("step", "source", "target"), ALL_STEPS)
def test_its_role_takes_the_step(step, source, target, case_in, actors_a, offences):
    case = case_in(source, source_type=source_type_for(step))
    prepare(case, step, actors_a)
    role, inputs = inputs_for(step, offences)
    actor = actor_of(actors_a, role)
    before = case.events.count()

    if STEPS[step].automatic:
        # Najva's registrations are recorded per subject; the last one moves the case.
        for subject in case.subjects.filter(decision="cancel"):
            najva_services.record_subject_registered(case, subject, by=None, changes=[])
        before += case.subjects.filter(decision="cancel").count()
    else:
        if rules.subjects_departed in STEPS[step].conditions:
            # Each person's exit, as the enforcement app keeps it on the case before the step.
            case.subjects.filter(decision="cancel").update(departed_on=TODAY)
        services.case_take_step(case=case, by=actor, step=step, **proof_for(case, step), **inputs)

    case.refresh_from_db()
    assert case.state == target
    assert (case.state in CLOSED_STATES) == (case.closed_at is not None)
    event = case.events.order_by("pk").last()
    assert case.events.count() == before + 1
    assert (event.kind, event.action, event.actor, event.from_state, event.to_state) == (
        CaseEvent.STEP,
        step.value,
        actor,
        source,
        target,
    )
    assert (event.label, event.to_state_label) == (STEPS[step].label, CaseState(target).label)
    assert event.reason == inputs.get("reason", "")
    for field, value in inputs.items():
        if field != "reason":
            assert getattr(case, field) == value
    # Each typed input is in the event, with its label and its new value; resuming after a
    # return shows the return's reason cleared.
    cleared = {"reason"} if step == Step.RESUME_REVIEW else set()
    decided = {"proof"} if STEPS[step].elsewhere else set()
    assert {c["field"] for c in event.changes if not c["field"].startswith("document:")} == {
        field for field in inputs if field != "reason"
    } | cleared | decided


STEPS_BY_STATE_AUTOMATIC = {CaseState.AWAITING_NAJVA: True}


def expected_refusal(username, state):
    """Another province's users, and the registry operator before national confirmation, do not
    see the case at all (404 on the pages); everyone else who sees it may not take the step (403).
    """
    if STEPS_BY_STATE_AUTOMATIC.get(state):
        return PermissionDenied  # a step of the system: refused to every user, before anything
    if username.endswith("_b") or (
        username == "registry" and state not in FROM_NATIONAL_CONFIRMATION
    ):
        return Case.DoesNotExist
    return PermissionDenied


@pytest.mark.parametrize(("step", "source", "target"), ALL_STEPS)
def test_every_other_user_is_refused_and_nothing_changes(
    step, source, target, case_in, actors_a, users, offences
):
    case = case_in(source, source_type=source_type_for(step))
    prepare(case, step, actors_a)
    role, inputs = inputs_for(step, offences)
    allowed = actor_of(actors_a, role)
    events = case.events.count()

    for username, user in users.items():
        if user == allowed:
            continue
        with pytest.raises(expected_refusal(username, source)):
            services.case_take_step(case=case, by=user, step=step, **inputs)
        case.refresh_from_db()
        assert case.state == source, username
        assert case.events.count() == events, username


@pytest.mark.parametrize("step", sorted(STEP_INPUTS))
def test_a_step_from_the_wrong_state_is_a_conflict(step, case_in, actors_a, offences):
    sources = {source for name, source, _ in ALL_STEPS if name == step}
    role, inputs = inputs_for(step, offences)
    # A state the actor can see: the registry operator sees cases from national confirmation on.
    candidates = (
        [CaseState.EXPELLED, CaseState.CARD_CANCELLED]
        if role == "registry"
        else [CaseState.RECEIVED, CaseState.EXPERT_REVIEW, CaseState.APPROVED_BY_PROVINCE]
    )
    wrong = next(state for state in candidates if state not in sources)
    case = case_in(wrong)
    events = case.events.count()

    with pytest.raises(CaseStateConflict) as conflict:
        services.case_take_step(case=case, by=actor_of(actors_a, role), step=step, **inputs)

    assert (conflict.value.case.state, conflict.value.what) == (wrong, STEPS[step].label)
    case.refresh_from_db()
    assert case.state == wrong
    assert case.events.count() == events


def refused_with(case, actor, step, message_part, **inputs):
    events = Event.objects.filter(case_id=case.pk).count()
    state = case.state
    with pytest.raises(CaseActionRefused) as refused:
        services.case_take_step(case=case, by=actor, step=step, **proof_for(case, step), **inputs)
    assert any(message_part in message for message in refused.value.messages), refused.value
    case.refresh_from_db()
    assert case.state == state
    assert Event.objects.filter(case_id=case.pk).count() == events
    return case


def reply_scan():
    return ContentFile(DEMO_PDF, name="reply.pdf")


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
    refused_with(case, actors_a.expert, Step.SEND_INQUIRIES, "اداره اطلاعات")


def test_the_case_waits_for_both_inquiry_replies(case_in, actors_a):
    case = case_in(CaseState.AWAITING_INQUIRIES)
    services.inquiry_record_reply(
        case=case,
        by=actors_a.expert,
        agency="police",
        replied_on=TODAY,
        outcome="no_record",
        reply_document=reply_scan(),
    )
    refused_with(case, actors_a.expert, Step.SUBMIT_TO_PROVINCE, "پاسخ استعلام")
    services.inquiry_record_reply(
        case=case,
        by=actors_a.expert,
        agency="intelligence",
        replied_on=TODAY,
        outcome="record_found",
        reply_document=reply_scan(),
    )
    # Decisions about the subjects are still pending.
    refused_with(case, actors_a.expert, Step.SUBMIT_TO_PROVINCE, "تصمیم")


def test_every_subject_needs_a_decision_and_a_cancelled_head_a_successor(case_in, actors_a):
    case = case_in(CaseState.AWAITING_INQUIRIES)
    prepare(case, Step.SUBMIT_TO_PROVINCE, actors_a)  # replies in, every subject: cancel
    head, child = [s.person for s in case.subjects.order_by("person__pk")]
    services.subject_decide(case=case, by=actors_a.expert, person=child, decision="keep")

    # The head loses his card while the child keeps hers: the household needs a new head first.
    refused_with(case, actors_a.expert, Step.SUBMIT_TO_PROVINCE, "سرپرست جدید")

    services.household_change_head(
        case=case, by=actors_a.expert, household=head.household, new_head=child
    )
    services.case_take_step(case=case, by=actors_a.expert, step=Step.SUBMIT_TO_PROVINCE)
    case.refresh_from_db()
    assert case.state == CaseState.READY_FOR_PROVINCE
    change = case.events.get(action="household_change_head")
    assert [(c["field"], c["old"], c["new"]) for c in change.changes] == [
        ("head", head.full_name, child.full_name)
    ]


def test_provincial_decisions_need_a_resolution_and_rejections_a_reason(case_in, actors_a):
    case = case_in(CaseState.READY_FOR_PROVINCE)
    refused_with(case, actors_a.secretary, Step.APPROVE_IN_PROVINCE, "مصوبه")
    refused_with(
        case,
        actors_a.secretary,
        Step.APPROVE_IN_PROVINCE,
        "مصوبه",
        province_resolution_number="۱۲",
    )
    refused_with(
        case,
        actors_a.secretary,
        Step.REJECT_IN_PROVINCE,
        "دلیل",
        province_resolution_number="۱۲",
        province_resolution_date=TODAY,
        reason="   ",
    )
    refused_with(case, actors_a.secretary, Step.RETURN_FOR_INFORMATION, "دلیل")
    assert case.province_resolution_number == ""


def test_national_decisions_need_a_letter_number_and_date(case_in, actors_a):
    case = case_in(CaseState.APPROVED_BY_PROVINCE)
    refused_with(
        case, actors_a.national, Step.CONFIRM_NATIONALLY, "نامه", national_letter_number="۱"
    )
    refused_with(
        case,
        actors_a.national,
        Step.REFUSE_NATIONALLY,
        "دلیل",
        national_letter_number="۱",
        national_letter_date=TODAY,
    )


def test_a_member_registered_after_the_submission_keeps_their_documents(case_in, actors_a):
    case = case_in(CaseState.CONFIRMED_NATIONALLY)
    household = case.subjects.first().person.household
    # A child registered in the household after the working group decided: not on the case.
    child = factories.PersonFactory(household=household, relation_to_head="child")
    document = factories.IdentityDocumentFactory(person=child)
    services.case_take_step(case=case, by=actors_a.registry, step=Step.CANCEL_CARD)
    document.refresh_from_db()
    assert document.status == "valid"
    case.refresh_from_db()
    assert case.state == CaseState.AWAITING_NAJVA


def test_every_household_member_is_decided_before_the_working_group(case_in, actors_a):
    case = case_in(CaseState.AWAITING_INQUIRIES)
    prepare(case, Step.SUBMIT_TO_PROVINCE, actors_a)
    household = case.subjects.first().person.household
    newborn = factories.PersonFactory(household=household, relation_to_head="child")
    factories.IdentityDocumentFactory(person=newborn)
    refused_with(case, actors_a.expert, Step.SUBMIT_TO_PROVINCE, "همه اعضای خانوار")
    services.subject_add(case=case, by=actors_a.expert, person=newborn)
    refused_with(case, actors_a.expert, Step.SUBMIT_TO_PROVINCE, "همه اعضای خانوار")
    services.subject_decide(case=case, by=actors_a.expert, person=newborn, decision="cancel")
    services.case_take_step(case=case, by=actors_a.expert, step=Step.SUBMIT_TO_PROVINCE)
    case.refresh_from_db()
    assert case.state == CaseState.READY_FOR_PROVINCE


def test_a_case_that_cancels_nobodys_documents_is_not_cancelled(case_in, actors_a):
    case = case_in(CaseState.AWAITING_INQUIRIES)
    prepare(case, Step.SUBMIT_TO_PROVINCE, actors_a)
    for subject in case.subjects.select_related("person"):
        services.subject_decide(
            case=case, by=actors_a.expert, person=subject.person, decision="keep"
        )
    services.case_take_step(case=case, by=actors_a.expert, step=Step.SUBMIT_TO_PROVINCE)
    case = walk(case, [Step.APPROVE_IN_PROVINCE, Step.CONFIRM_NATIONALLY], actors_a)
    refused_with(case, actors_a.registry, Step.CANCEL_CARD, "دست‌کم برای یکی")


def test_the_system_step_is_refused_to_users_and_before_every_registration(case_in, actors_a):
    case = case_in(CaseState.AWAITING_NAJVA)
    with pytest.raises(PermissionDenied):
        services.case_take_step(case=case, by=actors_a.registry, step=Step.NAJVA_REGISTERED)
    refused_with(case, None, Step.NAJVA_REGISTERED, "در نجوا ثبت شده باشد")


def test_an_approval_needs_the_offence_type(case_in, actors_a, offences):
    case = case_in(CaseState.READY_FOR_PROVINCE)
    refused_with(
        case,
        actors_a.secretary,
        Step.APPROVE_IN_PROVINCE,
        "نوع جرم",
        province_resolution_number="۱۲",
        province_resolution_date=TODAY,
    )


def test_a_person_who_already_left_is_not_expelled(case_in, actors_a):
    departed = case_in(CaseState.CARD_CANCELLED, source_type=SourceType.ILLEGAL_EXIT_REPORT)
    refused_with(departed, actors_a.supervisor, Step.ORDER_EXPULSION, "خروج غیرقانونی نیست")
    present = case_in(CaseState.CARD_CANCELLED, source_type=SourceType.JUDICIAL_RULING)
    refused_with(present, actors_a.supervisor, Step.CLOSE_AS_DEPARTED, "خروج غیرقانونی است")


def test_a_case_is_expelled_only_when_everyone_cancelled_has_left(case_in, actors_a):
    case = case_in(CaseState.EXPULSION_ORDERED)
    first, _second = case.subjects.filter(decision="cancel").order_by("pk")
    first.departed_on = TODAY  # as the enforcement app records one person's exit
    first.save(update_fields=["departed_on"])
    refused_with(case, actors_a.enforcement, Step.RECORD_EXPULSION, "خروج از کشور همه اشخاصی")


def test_steps_recorded_elsewhere_are_refused_without_their_record(case_in, actors_a):
    case = case_in(CaseState.CARD_CANCELLED)
    with pytest.raises(PermissionDenied, match="دستور اخراج"):
        services.case_take_step(case=case, by=actors_a.supervisor, step=Step.ORDER_EXPULSION)
    case.refresh_from_db()
    assert case.state == CaseState.CARD_CANCELLED


def test_withdrawal_needs_a_reason(case_in, actors_a):
    case = case_in(CaseState.AWAITING_INQUIRIES)
    refused_with(case, actors_a.supervisor, Step.WITHDRAW, "دلیل")


def test_the_offence_type_comes_from_the_catalogue_in_force(case_in, actors_a, offences):
    old = OffenceType.objects.get(version_year=1404)
    case = case_in(CaseState.READY_FOR_PROVINCE)
    refused = refused_with(
        case,
        actors_a.secretary,
        Step.APPROVE_IN_PROVINCE,
        "دستورالعمل جاری",
        province_resolution_number="۱۲",
        province_resolution_date=TODAY,
        offence_type=old,
    )
    assert refused.state == CaseState.READY_FOR_PROVINCE
    assert refused.offence_type is None


def test_a_step_records_only_its_own_fields(case_in, actors_a, tehran, isfahan):
    case = case_in(CaseState.RECEIVED)
    with pytest.raises(TypeError):
        services.case_take_step(
            case=case, by=actors_a.expert, step=Step.START_REVIEW, province=isfahan
        )
    with pytest.raises(TypeError):
        services.case_take_step(
            case=case, by=actors_a.expert, step=Step.START_REVIEW, number="23-1405-99999"
        )
    case.refresh_from_db()
    assert (case.state, case.province) == (CaseState.RECEIVED, tehran)


@pytest.mark.parametrize("step", sorted(s for s, rule in STEPS.items() if rule.in_session))
def test_a_working_groups_decision_is_refused_outside_a_session(step, case_in, actors_a, offences):
    """No side door: the service itself refuses a working group's decision that names no
    session, whoever calls it, before any rule is checked."""
    source = next(src for name, src, _ in ALL_STEPS if name == step)
    case = case_in(source)
    role, inputs = inputs_for(step, offences)
    events = case.events.count()
    with pytest.raises(PermissionDenied, match="در جلسه کارگروه"):
        services.case_take_step(case=case, by=actor_of(actors_a, role), step=step, **inputs)
    case.refresh_from_db()
    assert (case.state, case.events.count()) == (source, events)
