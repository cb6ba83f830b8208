import pytest

from cases import services
from cases.choices import SourceType
from cases.models import Case
from people.models import DocumentStatus
from people.tests import factories
from shared import clock
from shared.persian import jalali_year

pytestmark = pytest.mark.django_db


def open_case(expert):
    return services.case_open(
        by=expert,
        source_type=SourceType.JUDICIAL_RULING,
        source_reference=factories.reference(),
        source_date=factories.days_ago(3),
        subjects=factories.household_with_members(1),
    )


def test_case_numbers_run_per_province_and_solar_hijri_year(users):
    year = jalali_year(clock.now())
    first = open_case(users["expert_a"])
    second = open_case(users["expert_a"])
    isfahan = open_case(users["expert_b"])
    assert [first.number, second.number, isfahan.number] == [
        f"23-{year}-00001",
        f"23-{year}-00002",
        f"10-{year}-00001",
    ]
    assert sorted(Case.objects.values_list("number", flat=True)) == [
        isfahan.number,
        first.number,
        second.number,
    ]


def test_only_an_expert_with_a_province_opens_a_case(users):
    from django.core.exceptions import PermissionDenied

    for username in ["secretary_a", "national", "auditor", "registry"]:
        with pytest.raises(PermissionDenied):
            open_case(users[username])
    expert_without_province = users["expert_a"]
    expert_without_province.province = None
    with pytest.raises(PermissionDenied):
        open_case(expert_without_province)
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"subjects": "two households"}, "یک خانوار"),
        ({"source_date": factories.days_ago(-2)}, "آینده"),
        ({"subjects": []}, "شخص موضوع"),
        ({"source_type": "bogus"}, "منشأ"),
        ({"source_reference": "  "}, "مرجع"),
    ],
)
def test_a_case_needs_subjects_of_one_household_and_a_real_source(users, change, message):
    a = factories.household_with_members(1)
    b = factories.household_with_members(1)
    arguments = {
        "by": users["expert_a"],
        "source_type": SourceType.JUDICIAL_RULING,
        "source_reference": "R",
        "source_date": factories.days_ago(1),
        "subjects": a,
        **change,
    }
    if arguments["subjects"] == "two households":
        arguments["subjects"] = a + b
    with pytest.raises(services.CaseActionRefused, match=message):
        services.case_open(**arguments)
    assert not Case.objects.exists()
    assert a[0].documents.get().status == DocumentStatus.VALID
