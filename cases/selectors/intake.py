"""Look-ups of a new case: who may not be named again, and the open cases naming a person (in any
province). What one province may learn of a person another registered is intake's
(intake.selectors.found_elsewhere)."""

from dataclasses import dataclass

from cases.models import CaseSubject
from cases.states import CLOSED_STATES, DECIDING_STATES
from people.models import DocumentStatus, IdentityDocument


def subjects_unavailable(people, *, source_type: str = "", source_reference: str = "") -> dict:
    """{person id: why a new case cannot name them}, in Persian: every document already cancelled,
    or (with a source) named on a case still deciding that was opened on the very same source,
    which is the same form sent twice, not a new event."""
    why: dict[int, str] = {}
    documents: dict[int, set[str]] = {}
    for person_id, status in IdentityDocument.objects.filter(person__in=people).values_list(
        "person_id", "status"
    ):
        documents.setdefault(person_id, set()).add(status)
    for person_id, statuses in documents.items():
        if statuses == {DocumentStatus.CANCELLED}:
            why[person_id] = "مدارکش پیش‌تر باطل شده است"
    if source_reference:
        same_source = CaseSubject.objects.filter(
            person__in=people,
            case__state__in=DECIDING_STATES,
            case__source_type=source_type,
            case__source_reference=source_reference.strip(),
        ).select_related("case")
        for subject in same_source:
            why.setdefault(
                subject.person_id, f"با همین منشأ در پرونده {subject.case.number} ثبت شده است"
            )
    return why


@dataclass(frozen=True)
class OpenCase:
    """An open case naming one of the persons a new case is about to name."""

    person_id: int
    person_name: str
    case_id: int
    case_number: str
    province_id: int
    province: str


def open_cases_naming(people) -> list[OpenCase]:
    """The cases not closed that name any of ``people``, in any province (one query): a new case
    on one of them is a second case, to be confirmed (cases.services.case_open)."""
    subjects = (
        CaseSubject.objects.filter(person__in=people)
        .exclude(case__state__in=CLOSED_STATES)
        .select_related("person", "case__province")
        .order_by("case__opened_at", "case_id", "person_id")
    )
    return [
        OpenCase(
            person_id=subject.person_id,
            person_name=subject.person.full_name,
            case_id=subject.case_id,
            case_number=subject.case.number,
            province_id=subject.case.province_id,
            province=subject.case.province.name,
        )
        for subject in subjects
    ]
