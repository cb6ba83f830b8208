"""The register of people: numbers unique under races, each document type's validity rule, the
former head no longer called head, and registration only in one's own province."""

import datetime
import logging
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from people import services
from people.models import Household, IdentityDocument, Relation
from people.tests import factories
from reference.models import DocumentType


def person(first="رحیم"):
    return {
        "first_name": first,
        "last_name": "احمدی",
        "father_name": "کریم",
        "nationality": "AF",
        "sex": "male",
        "birth_date": datetime.date(1990, 1, 1),
    }


def card(number, **dates):
    return {
        "document_type": DocumentType.objects.get(code="amayesh"),
        "number": number,
        "series": "",
        "issued_on": dates.get("issued_on"),
        "expires_on": dates.get("expires_on"),
    }


@pytest.mark.django_db(transaction=True)
def test_racing_registrations_of_one_number_give_one_household_and_persian_refusals(
    postgres, users, caplog
):
    expert = users["expert_a"]
    attempts = 12
    barrier = threading.Barrier(attempts)
    outcomes = []

    def register(index):
        try:
            barrier.wait(timeout=10)
            services.household_register(
                by=expert,
                number=f"{880000 + index % 2}",  # two household numbers, one document number
                head=person(),
                document=card("4455667788"),
            )
            outcomes.append("registered")
        except ValidationError as error:
            outcomes.append(" ".join(error.messages))
        except Exception as error:  # reported by the assertion below
            outcomes.append(repr(error))
        finally:
            connection.close()

    with caplog.at_level(logging.DEBUG):
        threads = [threading.Thread(target=register, args=(i,)) for i in range(attempts)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert outcomes.count("registered") == 1
    refusals = [o for o in outcomes if o != "registered"]
    assert len(refusals) == attempts - 1
    assert all("پیش‌تر" in o and "ثبت شده است" in o for o in refusals), refusals
    assert IdentityDocument.objects.filter(number="4455667788").count() == 1
    assert Household.objects.filter(number__in=["880000", "880001"]).count() == 1
    assert "4455667788" not in caplog.text


@pytest.mark.django_db
def test_a_ninety_day_permit_valid_for_three_years_is_refused(users):
    permit = DocumentType.objects.get(code="travel_permit_90")
    document = card(
        "5566", issued_on=datetime.date(2025, 1, 1), expires_on=datetime.date(2028, 1, 1)
    )
    document["document_type"] = permit
    with pytest.raises(ValidationError) as error:
        services.household_register(
            by=users["expert_a"], number="9911", head=person(), document=document
        )
    assert error.value.message_dict["expires_on"] == [
        "اعتبار برگه تردد ۹۰ روزه حداکثر ۹۰ روز از تاریخ صدور است."
    ]
    assert not Household.objects.filter(number="9911").exists()
    document["expires_on"] = datetime.date(2025, 3, 31)
    household = services.household_register(
        by=users["expert_a"], number="9911", head=person(), document=document
    )
    assert household.head.documents.get().document_type == permit


@pytest.mark.django_db
def test_another_provinces_household_cannot_get_members_from_here(users):
    household = factories.household_with_members(1)[0].household  # Tehran's
    with pytest.raises(PermissionDenied):
        services.household_add_member(
            by=users["expert_b"],
            household=household,
            relation=Relation.CHILD,
            person=person("سارا"),
            document=card("7788"),
        )
    assert household.members.count() == 1


@pytest.mark.django_db
def test_a_new_head_makes_the_old_one_former_head(users):
    head, child = factories.household_with_members(2)
    household = head.household
    with pytest.raises(PermissionDenied):
        services.household_set_head(by=users["expert_b"], household=household, new_head=child)
    former, new = services.household_set_head(
        by=users["expert_a"], household=household, new_head=child
    )
    head.refresh_from_db()
    child.refresh_from_db()
    assert (former, new) == (head, child)
    assert head.relation_label == "سرپرست پیشین"
    assert child.relation_label == "سرپرست خانوار"
    assert Household.objects.get(pk=household.pk).head == child


@pytest.mark.django_db
def test_registering_a_household_and_a_member_is_in_the_trail(users):
    from audit.models import Event

    expert = users["expert_a"]
    household = services.household_register(
        by=expert, number="7788", head=person(), document=card("11223344")
    )
    services.household_add_member(
        by=expert,
        household=household,
        relation=Relation.SPOUSE,
        person=person("مریم"),
        document=card("55667788"),
    )
    events = list(Event.objects.filter(household_id=household.pk).order_by("pk"))
    assert [e.label for e in events] == ["ثبت خانوار 7788 و سرپرست آن", "ثبت عضو خانوار 7788"]
    assert all(e.actor == expert for e in events)
    assert {c["new"] for c in events[1].changes} >= {"55667788", "همسر"}
