"""Who the letters of a decision go to, read off the case (no writes here: letters.services
writes the letters)."""

import datetime
from dataclasses import dataclass, field

from cases.choices import SubjectDecision
from cases.models import CaseSubject
from letters.models import AgencyOffice, Letter
from people.models import DocumentStatus

ADULT_AGE = 18


@dataclass(frozen=True)
class Addressee:
    """Who one letter goes to, and the persons of the case it names."""

    kind: str  # Letter.Addressee
    subjects: tuple = field(default=())
    person: object = None
    household: object = None
    agency: AgencyOffice | None = None


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def is_minor(person, day: datetime.date) -> bool:
    """Under eighteen on ``day``. A person whose birth date is unknown is taken as an adult: the
    letter then goes to them, as well as naming them to the head of their household."""
    return person.birth_date is not None and age_on(person.birth_date, day) < ADULT_AGE


def agency_offices(province) -> list[AgencyOffice]:
    """The province's police and intelligence office. Seeded by a migration; made here when a
    test's flush emptied the table, or a province was added later (named after the province)."""
    offices = []
    for kind in (AgencyOffice.Kind.POLICE, AgencyOffice.Kind.INTELLIGENCE):
        office, _ = AgencyOffice.objects.get_or_create(
            province=province,
            kind=kind,
            defaults={"name": AgencyOffice.default_name(kind, province)},
        )
        offices.append(office)
    return offices


def _cancelled_subjects(case) -> list[CaseSubject]:
    return list(
        case.subjects.filter(decision=SubjectDecision.CANCEL)
        .select_related("person__household__head")
        .order_by("person__household_id", "pk")
    )


def cancellation_addressees(case, *, on: datetime.date) -> list[Addressee]:
    """The addressees of the decision to cancel (``Step.CANCEL_CARD``), decided on ``on``:

    - the head of each household concerned, one letter naming every member of the household the
      decision covers (the head among them or not); a household without a head recorded gets one
      addressed to its head, by the household's number, when a minor is named;
    - each other adult whose documents are cancelled, a letter of their own (a minor is named in
      the head's letter only);
    - the province's police and intelligence office, each a letter naming everybody cancelled.
    """
    cancelled = _cancelled_subjects(case)
    return household_addressees(cancelled, on=on) + [
        Addressee(Letter.Addressee.AGENCY, subjects=tuple(cancelled), agency=office)
        for office in agency_offices(case.province)
    ]


def order_addressees(order, *, on: datetime.date) -> list[Addressee]:
    """The addressees of an expulsion order: the persons on it as for the cancellation (the head
    of each household for its members, each other adult for themselves), and the province's
    police, who execute it."""
    subjects = [
        entry.subject
        for entry in order.persons.select_related("subject__person__household__head").order_by(
            "subject__person__household_id", "subject_id"
        )
    ]
    police = agency_offices(order.case.province)[0]
    # The head is written to only for themselves or for a minor on the order (a head already
    # expelled is not told of the order given again for his wife).
    return household_addressees(subjects, on=on, head_always=False) + [
        Addressee(Letter.Addressee.AGENCY, subjects=tuple(subjects), agency=police)
    ]


def household_addressees(cancelled, *, on: datetime.date, head_always=True) -> list[Addressee]:
    """The head of each household of ``cancelled`` (naming its members among them) and each other
    adult among them (a minor is named in the head's letter only). With ``head_always`` False the
    head is written to only when among them or when a minor is."""
    addressees = []
    households: dict[int, list[CaseSubject]] = {}
    for subject in cancelled:
        households.setdefault(subject.person.household_id, []).append(subject)
    for members in households.values():
        household = members[0].person.household
        head = household.head
        head_named = head is not None and (
            head_always or any(s.person_id == head.pk for s in members)
        )
        if head_named or any(is_minor(s.person, on) for s in members):
            addressees.append(
                Addressee(
                    Letter.Addressee.HEAD,
                    subjects=tuple(members),
                    person=head,
                    household=household,
                )
            )
        for subject in members:
            if subject.person_id == household.head_id or is_minor(subject.person, on):
                continue
            addressees.append(
                Addressee(
                    Letter.Addressee.PERSON,
                    subjects=(subject,),
                    person=subject.person,
                    household=household,
                )
            )
    return addressees


def remaining_members(household, cancelled_ids) -> list:
    """The members of ``household`` who stay in the country with their status: not cancelled by
    this case, and holding a document not cancelled."""
    return [
        member
        for member in household.members.order_by("pk")
        if member.pk not in cancelled_ids
        and member.documents.exclude(status=DocumentStatus.CANCELLED).exists()
    ]


def departure_addressees(case) -> list[Addressee]:
    """The addressees when the case closes because its persons had already left the country
    (``Step.CLOSE_AS_DEPARTED``): the head of each household concerned who remains in the country
    (a member this case did not cancel), naming the household's members whose documents were
    cancelled; and the province's police and intelligence office."""
    cancelled = _cancelled_subjects(case)
    cancelled_ids = {s.person_id for s in cancelled}
    addressees = []
    households: dict[int, list[CaseSubject]] = {}
    for subject in cancelled:
        households.setdefault(subject.person.household_id, []).append(subject)
    for members in households.values():
        household = members[0].person.household
        head = household.head
        if head is None or head.pk in cancelled_ids:
            continue  # nobody of the household is left here to be told (or no head recorded)
        if head not in remaining_members(household, cancelled_ids):
            continue
        addressees.append(
            Addressee(
                Letter.Addressee.HEAD,
                subjects=tuple(members),
                person=head,
                household=household,
            )
        )
    for office in agency_offices(case.province):
        addressees.append(
            Addressee(Letter.Addressee.AGENCY, subjects=tuple(cancelled), agency=office)
        )
    return addressees
