"""Sessions, votes and resolutions through committees.services: quorum, the vote rule, a
resolution against its votes, and a close that moves every case or none."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from audit.models import Event
from cases.choices import CaseState
from committees import rules, services
from committees.models import Member, Outcome, Session, Vote
from committees.selectors import working_group_of
from shared import clock

pytestmark = pytest.mark.django_db
FOR, AGAINST, ABSTAIN = Vote.Choice.FOR, Vote.Choice.AGAINST, Vote.Choice.ABSTAIN


def test_quorum_is_more_than_half_of_the_members_unless_the_province_sets_it():
    assert rules.has_quorum(present=5, members=9, quorum=None)
    assert not rules.has_quorum(present=4, members=9, quorum=None)
    assert not rules.has_quorum(present=3, members=6, quorum=None)  # half is not more than half
    assert rules.has_quorum(present=4, members=6, quorum=None)
    assert rules.has_quorum(present=3, members=9, quorum=3)


@pytest.mark.parametrize(
    ("votes", "present", "carried"),
    [
        ([(FOR, False), (FOR, False), (AGAINST, True)], 3, True),  # majority of those present
        ([(FOR, True), (AGAINST, False)], 2, True),  # a tie: the chair voted for
        ([(AGAINST, True), (FOR, False)], 2, False),  # a tie: the chair voted against
        ([(FOR, False), (FOR, False), (AGAINST, False), (AGAINST, True)], 4, False),
        ([(FOR, False), (ABSTAIN, False), (ABSTAIN, True)], 3, False),  # 1 of 3 is no majority
        ([(ABSTAIN, True), (ABSTAIN, False)], 2, False),
        # For and against level, but with abstentions: no majority of those present, no tie.
        (
            [(FOR, True), (AGAINST, False), (ABSTAIN, False), (ABSTAIN, False), (ABSTAIN, False)],
            5,
            False,
        ),
        ([(FOR, True), (FOR, False), (AGAINST, False), (AGAINST, False)], 4, True),  # an even split
    ],
)
def test_the_vote_rule(votes, present, carried):
    assert rules.carried(votes, present=present) is carried


@pytest.fixture
def group(tehran):
    group = working_group_of(tehran)
    roles = [Member.Role.CHAIR, Member.Role.SECRETARY, *[Member.Role.MEMBER] * 3]
    for order, role in enumerate(roles):
        Member.objects.create(
            group=group,
            full_name=f"عضو {order}",
            position="نماینده",
            agency="استانداری",
            role=role,
            order=order,
        )
    return group


@pytest.fixture
def session(group, users):
    return services.session_open(
        group=group,
        by=users["secretary_a"],
        number="۱۲/۱۴۰۵",
        held_on=clock.today(),
        place="سالن جلسات استانداری",
    )


def members(group):
    return list(group.members.order_by("order"))


def record(item, by, outcome, votes, offences=None, **extra):
    return services.item_record(
        item=item,
        by=by,
        outcome=outcome,
        votes=votes,
        resolution_number=extra.pop("resolution_number", f"م/{item.pk}"),
        offence_type=offences[1] if offences and outcome == Outcome.APPROVE else None,
        **extra,
    )


def test_no_resolution_without_quorum(session, group, users, case_in, offences):
    case = case_in(CaseState.READY_FOR_PROVINCE)
    (item,) = services.agenda_add(session=session, by=users["secretary_a"], cases=[case])
    chair, secretary, *_ = members(group)
    services.session_set_attendance(
        session=session, by=users["secretary_a"], members=[chair, secretary]
    )
    with pytest.raises(services.SessionRefused) as refused:
        record(
            item,
            users["secretary_a"],
            Outcome.APPROVE,
            {chair.pk: FOR, secretary.pk: FOR},
            offences,
        )
    assert "حد نصاب" in " ".join(refused.value.messages)
    item.refresh_from_db()
    assert not item.outcome and not item.votes.exists()


def test_a_resolution_against_its_own_votes_is_refused(session, group, users, case_in, offences):
    case = case_in(CaseState.READY_FOR_PROVINCE)
    (item,) = services.agenda_add(session=session, by=users["secretary_a"], cases=[case])
    present = members(group)[:3]
    services.session_set_attendance(session=session, by=users["secretary_a"], members=present)
    votes = {present[0].pk: AGAINST, present[1].pk: AGAINST, present[2].pk: FOR}
    with pytest.raises(services.SessionRefused) as refused:
        record(item, users["secretary_a"], Outcome.APPROVE, votes, offences)
    assert "نمی‌خواند" in " ".join(refused.value.messages)
    # The same votes with a rejection are accepted.
    record(item, users["secretary_a"], Outcome.REJECT, votes, reason="سوابق کافی نیست.")
    item.refresh_from_db()
    assert item.outcome == Outcome.REJECT
    assert sorted(item.votes.values_list("choice", flat=True)) == [AGAINST, AGAINST, FOR]


def test_every_member_present_votes_and_only_they(session, group, users, case_in, offences):
    case = case_in(CaseState.READY_FOR_PROVINCE)
    (item,) = services.agenda_add(session=session, by=users["secretary_a"], cases=[case])
    present = members(group)[:3]
    absent = members(group)[4]
    services.session_set_attendance(session=session, by=users["secretary_a"], members=present)
    with pytest.raises(services.SessionRefused) as refused:
        record(
            item,
            users["secretary_a"],
            Outcome.APPROVE,
            {present[0].pk: FOR, present[1].pk: FOR},
            offences,
        )
    assert present[2].full_name in " ".join(refused.value.messages)
    with pytest.raises(services.SessionRefused):
        votes = {m.pk: FOR for m in present} | {absent.pk: FOR}
        record(item, users["secretary_a"], Outcome.APPROVE, votes, offences)


def close_three(session, group, users, case_in, offences):
    """A session of three cases: approved, rejected, returned."""
    cases = [case_in(CaseState.READY_FOR_PROVINCE) for _ in range(3)]
    items = services.agenda_add(session=session, by=users["secretary_a"], cases=cases)
    present = members(group)[:3]
    services.session_set_attendance(session=session, by=users["secretary_a"], members=present)
    carried = {m.pk: FOR for m in present}
    lost = {present[0].pk: AGAINST, present[1].pk: AGAINST, present[2].pk: FOR}
    record(items[0], users["secretary_a"], Outcome.APPROVE, carried, offences)
    record(items[1], users["secretary_a"], Outcome.REJECT, lost, reason="دلایل کافی نیست.")
    record(items[2], users["secretary_a"], Outcome.RETURN, lost, reason="استعلام پلیس ناقص است.")
    return cases


def test_closing_moves_every_case_through_its_step(session, group, users, case_in, offences):
    cases = close_three(session, group, users, case_in, offences)
    services.session_close(session=session, by=users["secretary_a"])
    session.refresh_from_db()
    assert session.state == Session.State.CLOSED and session.closed_by == users["secretary_a"]
    for case in cases:
        case.refresh_from_db()
    assert [c.state for c in cases] == [
        CaseState.APPROVED_BY_PROVINCE,
        CaseState.REJECTED_BY_PROVINCE,
        CaseState.RETURNED,
    ]
    assert cases[0].province_resolution_number == f"م/{session.items.get(case=cases[0]).pk}"
    assert cases[0].province_resolution_date == session.held_on
    assert cases[0].offence_type == offences[1]  # the working group's, not the registry's
    assert cases[2].reason == "استعلام پلیس ناقص است."
    # One event per resolution, by the secretary, naming the session, the number and the votes.
    actions = ["approve_in_province", "reject_in_province", "return_for_information"]
    for case, action in zip(cases, actions, strict=True):
        (event,) = Event.objects.filter(case_id=case.pk, action=action)
        assert event.actor == users["secretary_a"]
        ground = event.changes[0]
        assert ground["label"] == "مرجع تصمیم"
        assert "۱۲/۱۴۰۵" in ground["new"] and "موافق" in ground["new"]
    # A closed session is never edited again.
    with pytest.raises(services.SessionRefused):
        services.agenda_add(
            session=session, by=users["secretary_a"], cases=[case_in(CaseState.READY_FOR_PROVINCE)]
        )


def test_a_session_in_which_one_case_fails_moves_no_case(session, group, users, case_in, offences):
    cases = close_three(session, group, users, case_in, offences)
    # The second case is withdrawn by the supervisor before the session is closed.
    from cases.choices import Step
    from cases.services import case_take_step

    case_take_step(case=cases[1], by=users["supervisor_a"], step=Step.WITHDRAW, reason="استرداد")
    events = Event.objects.count()
    with pytest.raises(services.SessionCloseRefused) as refused:
        services.session_close(session=session, by=users["secretary_a"])
    assert refused.value.item.case == cases[1]
    assert "مختومه" in " ".join(refused.value.reasons)
    for case in cases:
        case.refresh_from_db()
    assert [c.state for c in (cases[0], cases[2])] == [CaseState.READY_FOR_PROVINCE] * 2
    session.refresh_from_db()
    assert session.state == Session.State.OPEN
    assert Event.objects.count() == events


def test_only_the_provinces_secretary_records_its_sessions(group, users):
    today = clock.today()
    for who in ("expert_a", "supervisor_a", "secretary_b", "national", "auditor"):
        with pytest.raises(PermissionDenied):
            services.session_open(group=group, by=users[who], number="۱", held_on=today, place="x")
    with pytest.raises(services.SessionRefused):
        services.session_open(
            group=group,
            by=users["secretary_a"],
            number="۱",
            held_on=today + datetime.timedelta(days=1),
            place="x",
        )


def test_a_case_of_another_province_or_not_ready_stays_off_the_agenda(
    session, users, case_in, actors_b
):
    other = case_in(CaseState.READY_FOR_PROVINCE, actors=actors_b)
    early = case_in(CaseState.AWAITING_INQUIRIES)
    for case in (other, early):
        with pytest.raises(services.SessionRefused):
            services.agenda_add(session=session, by=users["secretary_a"], cases=[case])
    assert not session.items.exists()


def test_a_correction_is_a_new_item_with_its_reason_and_leaves_the_closed_session_as_it_was(
    session, group, users, case_in, offences
):
    cases = close_three(session, group, users, case_in, offences)
    services.session_close(session=session, by=users["secretary_a"])
    approved = session.items.get(case=cases[0])
    votes_before = sorted(approved.votes.values_list("member_id", "choice"))
    later = services.session_open(
        group=group, by=users["secretary_a"], number="۱۳/۱۴۰۵",
        held_on=clock.today(), place="استانداری",
    )  # fmt: skip
    with pytest.raises(services.SessionRefused):  # a reason is required
        services.agenda_add_correction(
            session=later, by=users["secretary_a"], item=approved, reason=" "
        )
    correction = services.agenda_add_correction(
        session=later,
        by=users["secretary_a"],
        item=approved,
        reason="رأی عضو سوم اشتباه ثبت شده بود.",
    )
    present = members(group)[:3]
    services.session_set_attendance(session=later, by=users["secretary_a"], members=present)
    # The outcome of a correction is the corrected one.
    lost = {present[0].pk: AGAINST, present[1].pk: AGAINST, present[2].pk: AGAINST}
    with pytest.raises(services.SessionRefused) as refused:
        record(correction, users["secretary_a"], Outcome.REJECT, lost, reason="x")
    assert "نتیجه مصوبه را تغییر نمی‌دهد" in " ".join(refused.value.messages)
    votes = {present[0].pk: FOR, present[1].pk: FOR, present[2].pk: ABSTAIN}
    record(correction, users["secretary_a"], Outcome.APPROVE, votes, offences)
    events = Event.objects.filter(case_id=cases[0].pk).count()
    services.session_close(session=later, by=users["secretary_a"])
    cases[0].refresh_from_db()
    assert cases[0].state == CaseState.APPROVED_BY_PROVINCE  # the case did not move
    event = Event.objects.filter(case_id=cases[0].pk).latest("pk")
    assert Event.objects.filter(case_id=cases[0].pk).count() == events + 1
    assert event.action == "resolution_corrected"
    assert event.reason == "رأی عضو سوم اشتباه ثبت شده بود."
    assert "ممتنع ۱" in event.changes[0]["new"]
    approved.refresh_from_db()
    assert sorted(approved.votes.values_list("member_id", "choice")) == votes_before


def test_once_a_vote_is_recorded_the_present_list_is_fixed(
    session, group, users, case_in, offences
):
    (item,) = services.agenda_add(
        session=session, by=users["secretary_a"], cases=[case_in(CaseState.READY_FOR_PROVINCE)]
    )
    present = members(group)[:3]
    services.session_set_attendance(session=session, by=users["secretary_a"], members=present)
    votes = {present[0].pk: FOR, present[1].pk: FOR, present[2].pk: AGAINST}
    record(item, users["secretary_a"], Outcome.APPROVE, votes, offences)
    with pytest.raises(services.SessionRefused) as refused:
        services.session_set_attendance(
            session=session, by=users["secretary_a"], members=members(group)
        )
    assert "فهرست حاضران" in " ".join(refused.value.messages)
    assert session.present.count() == 3


def test_a_case_that_reached_the_group_after_the_sessions_date_stays_off_its_agenda(
    group, users, case_in
):
    yesterday = services.session_open(
        group=group, by=users["secretary_a"], number="۱۱/۱۴۰۵",
        held_on=clock.today() - datetime.timedelta(days=1), place="استانداری",
    )  # fmt: skip
    with pytest.raises(services.SessionRefused) as refused:
        services.agenda_add(
            session=yesterday,
            by=users["secretary_a"],
            cases=[case_in(CaseState.READY_FOR_PROVINCE)],
        )
    assert "پس از تاریخ این جلسه" in " ".join(refused.value.messages)


def test_a_resolution_number_is_one_number_however_its_digits_were_typed(
    session, group, users, case_in, offences
):
    items = services.agenda_add(
        session=session,
        by=users["secretary_a"],
        cases=[case_in(CaseState.READY_FOR_PROVINCE) for _ in range(2)],
    )
    present = members(group)[:3]
    services.session_set_attendance(session=session, by=users["secretary_a"], members=present)
    votes = {m.pk: FOR for m in present}
    record(
        items[0],
        users["secretary_a"],
        Outcome.APPROVE,
        votes,
        offences,
        resolution_number="12/1405",
    )
    with pytest.raises(services.SessionRefused) as refused:
        record(
            items[1], users["secretary_a"], Outcome.APPROVE, votes, offences,
            resolution_number="۱۲/۱۴۰۵",
        )  # fmt: skip
    assert "پیش‌تر" in " ".join(refused.value.messages)


def test_a_correction_can_itself_be_corrected(session, group, users, case_in, offences):
    cases = close_three(session, group, users, case_in, offences)
    services.session_close(session=session, by=users["secretary_a"])
    item = session.items.get(case=cases[0])
    present = members(group)[:3]
    votes = {m.pk: FOR for m in present}
    for number in ("۱۳/۱۴۰۵", "۱۴/۱۴۰۵"):
        later = services.session_open(
            group=group, by=users["secretary_a"], number=number,
            held_on=clock.today(), place="استانداری",
        )  # fmt: skip
        item = services.agenda_add_correction(
            session=later, by=users["secretary_a"], item=item, reason="شمارش آرا."
        )
        services.session_set_attendance(session=later, by=users["secretary_a"], members=present)
        record(item, users["secretary_a"], Outcome.APPROVE, votes, offences)
        services.session_close(session=later, by=users["secretary_a"])
    assert Event.objects.filter(case_id=cases[0].pk, action="resolution_corrected").count() == 2


def test_a_signed_scan_is_not_replaced_and_a_lost_minutes_task_is_said(
    session, group, users, django_capture_on_commit_callbacks
):
    from unittest import mock

    from committees.models import Minutes

    # The broker is down when the minutes are asked for: the page says they failed.
    with mock.patch(
        "committees.tasks.make_minutes.delay", side_effect=ConnectionError("broker down")
    ):
        with django_capture_on_commit_callbacks(execute=True):
            services.minutes_request(session=session, by=users["secretary_a"])
    assert Minutes.objects.get(session=session).status == Minutes.Status.FAILED
