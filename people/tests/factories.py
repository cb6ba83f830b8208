import datetime
import itertools

import factory
from django.contrib.auth import get_user_model

from people.models import Household, IdentityDocument, Person, Relation, Sex
from reference.models import DocumentType, OffenceType, Province
from shared import clock

_numbers = itertools.count(1)


def reference() -> str:
    return f"REF-{next(_numbers)}"


def days_ago(days: int) -> datetime.date:
    return clock.today() - datetime.timedelta(days=days)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.invalid")
    password = factory.django.Password("test-pass-1405")


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    number = factory.Sequence(lambda n: f"{500000 + n}")
    province = factory.LazyFunction(lambda: Province.objects.get(slug="tehran"))


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    first_name = "علی"
    last_name = factory.Iterator(["احمدی", "رضایی", "موسوی", "حسینی", "صادقی", "نوری"])
    father_name = "حسن"
    sex = Sex.MALE
    household = factory.SubFactory(HouseholdFactory)
    relation_to_head = Relation.HEAD
    birth_date = datetime.date(1990, 3, 21)


class IdentityDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IdentityDocument

    person = factory.SubFactory(PersonFactory)
    document_type = factory.LazyFunction(lambda: DocumentType.objects.get(code="amayesh"))
    number = factory.Sequence(lambda n: f"{3000000000 + n}")


class OffenceTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OffenceType

    version_year = 1405
    code = factory.Sequence(lambda n: f"{n:02d}")
    title = "خروج غیرقانونی از کشور"


def household_with_members(count: int, province=None) -> list[Person]:
    """A household (of ``province``, Tehran by default) whose head is the first person; each
    member holds a valid Amayesh card."""
    household = HouseholdFactory(**({"province": province} if province else {}))
    people = []
    for index in range(count):
        person = PersonFactory(
            household=household,
            relation_to_head=Relation.HEAD if index == 0 else Relation.CHILD,
        )
        IdentityDocumentFactory(person=person)
        people.append(person)
    household.head = people[0]
    household.save()
    return people
