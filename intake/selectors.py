"""Across provinces: what one province may learn of a person another registered."""

from dataclasses import dataclass

from cases.selectors.intake import open_cases_naming
from people.models import IdentityDocument
from shared.persian import normalize_identifier


@dataclass(frozen=True)
class FoundElsewhere:
    """A person another province registered, as an expert who typed their document number sees
    them: enough to know not to register them again, and nothing more (no household, no other
    member, no case number). Built here, field by field: no model instance reaches the page."""

    person_id: int
    name: str
    document: str  # the document's type
    status: str  # the document's status, in Persian
    registered_in: str  # the province that registered the person
    open_cases_in: tuple[str, ...]  # the provinces of the open cases naming the person


def found_elsewhere(*, user, document_number: str) -> list[FoundElsewhere]:
    """The persons registered in another province than ``user``'s whose document has exactly
    this number (typed in any digits): their name, the document's type and status, the province
    that registered them and the provinces of the open cases naming them. Two queries. An exact
    number only: names are never searched across provinces."""
    number = normalize_identifier(document_number)
    if not number or user.province_id is None:
        return []
    documents = list(
        IdentityDocument.objects.filter(number=number)
        .exclude(person__household__province_id=user.province_id)
        .select_related("document_type", "person__household__province")
        .order_by("pk")
    )
    if not documents:
        return []
    open_in: dict[int, list[str]] = {}
    for case in open_cases_naming([d.person_id for d in documents]):
        provinces = open_in.setdefault(case.person_id, [])
        if case.province not in provinces:
            provinces.append(case.province)
    return [
        FoundElsewhere(
            person_id=document.person_id,
            name=document.person.full_name,
            document=document.document_type.name,
            status=document.get_status_display(),
            registered_in=document.person.household.province.name,
            open_cases_in=tuple(open_in.get(document.person_id, ())),
        )
        for document in documents
    ]
