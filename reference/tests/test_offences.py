"""The offence catalogue changes yearly; a case keeps the entry it was decided under."""

import pytest
from django.urls import reverse

from cases.choices import CaseState
from people.tests import factories
from reference.models import OffenceType

pytestmark = pytest.mark.django_db


def test_a_case_keeps_its_offence_entry_after_a_new_catalogue(case_in, offences):
    case = case_in(CaseState.CARD_CANCELLED)
    decided_under = case.offence_type
    assert decided_under.version_year == 1405

    # The Ministry issues next year's catalogue, renaming the same offence code.
    renamed = factories.OffenceTypeFactory(
        version_year=1406, code=decided_under.code, title="خروج از مرز بدون مجوز"
    )
    assert list(OffenceType.objects.in_force(1406)) == [renamed]
    assert set(OffenceType.objects.in_force(1405)) == set(offences)
    assert set(OffenceType.objects.in_force(1404)) == set(
        OffenceType.objects.filter(version_year=1404)
    )
    assert not OffenceType.objects.in_force(1403).exists()  # before the first catalogue

    case.refresh_from_db()
    assert case.offence_type == decided_under
    assert case.offence_type.title == "خروج غیرمجاز از مرزهای کشور"


def test_an_entry_a_case_was_decided_under_cannot_be_edited_or_deleted_in_the_admin(
    client, it_admin, case_in, offences
):
    case = case_in(CaseState.CARD_CANCELLED)
    client.force_login(it_admin)
    url = reverse("admin:reference_offencetype_change", args=[case.offence_type.pk])
    client.post(url, {"version_year": 1405, "code": "99", "title": "تغییر"})
    case.offence_type.refresh_from_db()
    assert (case.offence_type.code, case.offence_type.title) == (
        offences[0].code,
        "خروج غیرمجاز از مرزهای کشور",
    )
    delete = reverse("admin:reference_offencetype_delete", args=[case.offence_type.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert OffenceType.objects.filter(pk=case.offence_type.pk).exists()


def test_an_entry_no_case_was_decided_under_can_still_be_corrected(client, it_admin, offences):
    unused = offences[1]
    client.force_login(it_admin)
    url = reverse("admin:reference_offencetype_change", args=[unused.pk])
    response = client.post(url, {"version_year": 1405, "code": "02", "title": "جعل مدرک هویتی"})
    assert response.status_code == 302
    unused.refresh_from_db()
    assert unused.title == "جعل مدرک هویتی"
