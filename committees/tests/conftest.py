"""Fixtures of the working-group tests."""

import pytest

from cases.choices import CaseState
from committees import services
from committees.models import Member, Outcome
from committees.selectors import working_group_of
from reference.models import OffenceType
from shared import clock


@pytest.fixture
def members(tehran):
    group = working_group_of(tehran)
    roles = ["chair", "secretary", "member", "member", "member"]
    return [
        Member.objects.create(
            group=group,
            full_name=name,
            position="نماینده",
            agency=agency,
            role=role,
            order=order,
        )
        for order, (name, agency, role) in enumerate(
            zip(
                ["احمد کریمی", "مریم رحیمی", "علی صادقی", "زهرا نوری", "حسن مرادی"],
                ["استانداری", "اداره اتباع", "اطلاعات", "انتظامی", "دادگستری"],
                roles,
                strict=True,
            )
        )
    ]


@pytest.fixture
def closed_session(members, case_in, users):

    from committees.selectors import working_group_of

    secretary = users["secretary_a"]
    group = working_group_of(members[0].group.province)
    session = services.session_open(
        group=group, by=secretary, number="۱۲/۱۴۰۵", held_on=clock.today(), place="استانداری"
    )
    services.session_set_attendance(session=session, by=secretary, members=members[:4])
    cases = [case_in(CaseState.READY_FOR_PROVINCE) for _ in range(3)]
    items = services.agenda_add(session=session, by=secretary, cases=cases)
    offence = OffenceType.objects.order_by("-version_year", "code").first()
    votes = {m.pk: "for" for m in members[:4]}
    lost = {m.pk: "against" for m in members[:4]}
    services.item_record(
        item=items[0], by=secretary, outcome=Outcome.APPROVE, votes=votes,
        resolution_number="م/۱", offence_type=offence,
    )  # fmt: skip
    services.item_record(
        item=items[1], by=secretary, outcome=Outcome.REJECT, votes=lost,
        resolution_number="م/۲", reason="سوابق کافی نیست.",
    )  # fmt: skip
    services.item_record(
        item=items[2], by=secretary, outcome=Outcome.RETURN, votes=lost,
        resolution_number="م/۳", reason="پاسخ انتظامی ناقص است.",
    )  # fmt: skip
    services.session_close(session=session, by=secretary)
    session.refresh_from_db()
    session.cases = cases
    return session
