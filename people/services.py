"""Writes to the register of people. Numbers are unique: a race between two registrations of the
same number ends with the Persian "already registered" message for the loser, never a 500, and no
identity number is written to a log."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from accounts import permissions
from accounts.roles import Capability
from audit import services as audit
from audit.models import Event
from people.models import POSTAL_CODE, Household, IdentityDocument, Person, Relation
from people.trail import PeopleEvent
from shared.persian import normalize_identifier

DOCUMENT_TAKEN = "این شماره مدرک پیش‌تر برای {} ثبت شده است."
DOCUMENT_TAKEN_ELSEWHERE = (
    "این شماره {} پیش‌تر در استان {} ثبت شده است؛ این شخص را دوباره ثبت نکنید و از همان استان "
    "بخواهید."
)
HOUSEHOLD_TAKEN = "خانواری با این شماره پیش‌تر ثبت شده است."

# The document fields of a registration, and the form fields they are typed in.
DOCUMENT_FIELDS = {
    "number": "document_number",
    "series": "document_series",
    "issued_on": "issued_on",
    "expires_on": "expires_on",
    "document_type": "document_type",
}


def lock_persons(ids) -> None:
    """Lock these persons' rows, always in id order (so two transactions locking overlapping sets
    cannot deadlock), inside the caller's transaction: whatever changes their documents or the
    cases naming them waits for, or is waited on by, whoever holds them."""
    list(Person.objects.select_for_update().filter(pk__in=ids).order_by("pk"))


def require_registrar(by) -> None:
    """The guard of the register's pages and services: an expert with a province."""
    if not permissions.can(by, Capability.REGISTER_PEOPLE) or by.province_id is None:
        raise PermissionDenied("فقط کارشناس استان می‌تواند اشخاص و خانوارها را ثبت کند.")


def validate_document(document: dict) -> None:
    """The document type's rules (validity period, series), errors keyed by the form's fields."""
    try:
        document["document_type"].validate_document(
            series=document.get("series", ""),
            issued_on=document.get("issued_on"),
            expires_on=document.get("expires_on"),
        )
    except ValidationError as error:
        raise ValidationError(
            {
                DOCUMENT_FIELDS.get(field, field): errors
                for field, errors in error.message_dict.items()
            }
        ) from None


def _document_taken(household, document_type, number: str) -> ValidationError:
    """The refusal of a number already registered: where another province registered it, which
    one (the number identifies the person: that province keeps their record)."""
    registered_in = (
        IdentityDocument.objects.filter(document_type=document_type, number=number)
        .exclude(person__household__province_id=household.province_id)
        .values_list("person__household__province__name", flat=True)
        .first()
    )
    if registered_in:
        message = DOCUMENT_TAKEN_ELSEWHERE.format(document_type, registered_in)
    else:
        message = DOCUMENT_TAKEN.format(document_type)
    return ValidationError({"document_number": message})


def _person_with_document(*, household, relation, person: dict, document: dict) -> Person:
    validate_document(document)
    document_type = document["document_type"]
    number = normalize_identifier(document["number"])
    if IdentityDocument.objects.filter(document_type=document_type, number=number).exists():
        raise _document_taken(household, document_type, number)
    created = Person.objects.create(household=household, relation_to_head=relation, **person)
    try:
        # A savepoint: a registration of the same number committed since the check above loses
        # here, on the unique constraint, and is told so.
        with transaction.atomic():
            IdentityDocument.objects.create(person=created, **document)
    except IntegrityError:
        raise _document_taken(household, document_type, number) from None
    return created


def _record_registration(*, by, household, person: Person, label: str) -> None:
    """The register's own trail: who registered which person with which document, when."""
    document = person.documents.select_related("document_type").get()
    audit.record(
        by=by,
        household=household,
        kind=PeopleEvent.REGISTER,
        action="person_register",
        label=label,
        changes=[
            audit.change("نام", "", f"{person.full_name} فرزند {person.father_name}", field="name"),
            audit.change("نسبت با سرپرست", "", person.get_relation_to_head_display(), field="rel"),
            audit.change(str(document.document_type), "", document.number, field="document"),
        ],
    )


def _clean_address(postal_address: str, postal_code: str) -> tuple[str, str]:
    """The address as stored (one line per line typed, trimmed) and the postal code in ASCII
    digits; a code that is not ten digits is refused on its field, in Persian."""
    address = "\n".join(line.strip() for line in (postal_address or "").strip().splitlines())
    code = normalize_identifier(postal_code)
    if code:
        try:
            POSTAL_CODE(code)
        except ValidationError as error:
            raise ValidationError({"postal_code": error.messages}) from None
    return address, code


@transaction.atomic
def household_register(
    *,
    by,
    number: str,
    head: dict,
    document: dict,
    postal_address: str = "",
    postal_code: str = "",
) -> Household:
    """Register a household in the expert's province with its head and the head's identity
    document (and its postal address, where known), or nothing at all."""
    require_registrar(by)
    address, code = _clean_address(postal_address, postal_code)
    if Household.objects.filter(number=number).exists():
        raise ValidationError({"household_number": HOUSEHOLD_TAKEN})
    try:
        with transaction.atomic():
            household = Household.objects.create(
                number=number, province=by.province, postal_address=address, postal_code=code
            )
    except IntegrityError:
        raise ValidationError({"household_number": HOUSEHOLD_TAKEN}) from None
    household.head = _person_with_document(
        household=household, relation=Relation.HEAD, person=head, document=document
    )
    household.save(update_fields=["head"])
    _record_registration(
        by=by,
        household=household,
        person=household.head,
        label=f"ثبت خانوار {household.number} و سرپرست آن",
    )
    return household


@transaction.atomic
def household_add_member(
    *, by, household: Household, relation: str, person: dict, document: dict
) -> Person:
    """Register another member of a household of the expert's province, with their document."""
    require_registrar(by)
    if not permissions.may_register_in(by, household):
        raise PermissionDenied("اعضای خانوار را فقط کارشناس استان ثبت‌کننده آن ثبت می‌کند.")
    if relation == Relation.HEAD or relation not in Relation.values:
        raise ValidationError({"relation_to_head": "نسبت با سرپرست را از فهرست انتخاب کنید."})
    member = _person_with_document(
        household=household, relation=relation, person=person, document=document
    )
    _record_registration(
        by=by, household=household, person=member, label=f"ثبت عضو خانوار {household.number}"
    )
    return member


@transaction.atomic
def household_set_address(
    *, by, household: Household, postal_address: str, postal_code: str
) -> Household:
    """Record or change where the directorate's letters to the household go by post (an expert
    of the household's province), with an event on the household saying what it was before."""
    household = (
        Household.objects.select_for_update().select_related("province").get(pk=household.pk)
    )
    require_registrar(by)
    if not permissions.may_register_in(by, household):
        raise PermissionDenied(
            f"نشانی این خانوار را کارشناس استان {household.province} ثبت می‌کند "
            "(خانوار در آن استان ثبت شده است)."
        )
    address, code = _clean_address(postal_address, postal_code)
    if not address:
        raise ValidationError({"postal_address": "نشانی پستی را بنویسید."})
    before = audit.snapshot(household, ["postal_address", "postal_code"])
    household.postal_address, household.postal_code = address, code
    changes = audit.diff(before, audit.snapshot(household, ["postal_address", "postal_code"]))
    if not changes:
        return household
    household.save(update_fields=["postal_address", "postal_code"])
    audit.record(
        by=by,
        household=household,
        kind=Event.Kind.CHANGE,
        action="household_address",
        label=f"ثبت نشانی پستی خانوار {household.number}",
        changes=changes,
    )
    return household


def household_set_head(
    *, by, household: Household, new_head: Person
) -> tuple[Person | None, Person]:
    """Make ``new_head`` the head (inside the caller's transaction): the former head is then
    called «سرپرست پیشین», never «سرپرست خانوار» any more. Returns (former head, new head).

    Only an expert of the household's own province changes it: another province reached it
    through a number search, read-only."""
    household = (
        Household.objects.select_for_update().select_related("province").get(pk=household.pk)
    )
    if not permissions.may_register_in(by, household):
        raise PermissionDenied(
            f"سرپرست این خانوار را کارشناس استان {household.province} ثبت می‌کند "
            "(خانوار در آن استان ثبت شده است)."
        )
    if new_head.household_id != household.pk:
        raise ValidationError("سرپرست جدید باید از اعضای همین خانوار باشد.")
    former = household.head
    if former is not None and former.pk != new_head.pk:
        former.relation_to_head = Relation.FORMER_HEAD
        former.save(update_fields=["relation_to_head"])
    new_head.relation_to_head = Relation.HEAD
    new_head.save(update_fields=["relation_to_head"])
    household.head = new_head
    household.save(update_fields=["head"])
    return former, new_head
