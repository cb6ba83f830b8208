import pytest
from django.utils import timezone

from cases import services
from cases.models import Case
from cases.tests import factories
from revocation.persian import jalali_year

pytestmark = pytest.mark.django_db


def open_case(expert):
    return services.case_open(
        by=expert,
        source_type="judicial_ruling",
        source_reference=factories.reference(),
        source_date=factories.days_ago(3),
        subjects=factories.household_with_members(1),
    )


def test_case_numbers_run_per_province_and_solar_hijri_year(users):
    year = jalali_year(timezone.now())
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


def test_a_case_needs_subjects_of_one_household_and_a_real_source(users):
    expert = users["expert_a"]
    a = factories.household_with_members(1)
    b = factories.household_with_members(1)
    with pytest.raises(services.CaseActionRefused, match="یک خانوار"):
        services.case_open(
            by=expert,
            source_type="judicial_ruling",
            source_reference="R",
            source_date=factories.days_ago(1),
            subjects=a + b,
        )
    with pytest.raises(services.CaseActionRefused, match="آینده"):
        services.case_open(
            by=expert,
            source_type="judicial_ruling",
            source_reference="R",
            source_date=factories.days_ago(-2),
            subjects=a,
        )
    with pytest.raises(services.CaseActionRefused, match="شخص موضوع"):
        services.case_open(
            by=expert,
            source_type="judicial_ruling",
            source_reference="R",
            source_date=factories.days_ago(1),
            subjects=[],
        )
    with pytest.raises(services.CaseActionRefused, match="منشأ"):
        services.case_open(
            by=expert,
            source_type="bogus",
            source_reference="R",
            source_date=factories.days_ago(1),
            subjects=a,
        )
    with pytest.raises(services.CaseActionRefused, match="مرجع"):
        services.case_open(
            by=expert,
            source_type="judicial_ruling",
            source_reference="  ",
            source_date=factories.days_ago(1),
            subjects=a,
        )
    assert not Case.objects.exists()
    assert a[0].documents.get().status == "valid"
