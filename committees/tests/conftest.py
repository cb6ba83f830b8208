"""Fixtures of the working-group tests."""

import pytest

from committees.models import Member
from committees.selectors import working_group_of


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
