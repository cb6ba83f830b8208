"""Opening a case: its number, its subjects, and the suspension of their documents."""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction

from accounts import permissions
from accounts.roles import Capability
from audit import services as audit
from cases import tasks
from cases.choices import CaseState, SourceType
from cases.models import Case, CaseNumberSequence, CaseSubject
from cases.selectors.intake import OpenCase, open_cases_naming, subjects_unavailable
from cases.services.common import queue, queue_notice
from cases.trail import CaseEvent
from cases.workflow.errors import CaseActionRefused
from people import services as people
from people.models import DocumentStatus, IdentityDocument, Person
from shared import clock, daterules
from shared.numbering import next_value


class OpenCasesElsewhere(CaseActionRefused):
    """The subjects are named on cases still open (in another province, or this one): the case
    is opened only once the expert has seen this and confirmed. Nothing was saved."""

    def __init__(self, open_cases: list[OpenCase]):
        self.open_cases = open_cases
        super().__init__({"confirm_open_cases": [warning(case) for case in open_cases]})


def warning(case: OpenCase) -> str:
    """What the expert is told of an open case: the person and the province, no case number (it
    may be another province's)."""
    return f"{case.person_name} پرونده باز در استان {case.province} دارد."


def _refuse_unavailable(subjects, source_type: str, source_reference: str) -> None:
    why = subjects_unavailable(subjects, source_type=source_type, source_reference=source_reference)
    if why:
        names = {person.pk: person.full_name for person in subjects}
        raise CaseActionRefused(
            {"subjects": [f"{names[pk]} {reason}." for pk, reason in why.items() if pk in names]}
        )


def subject_attach(case: Case, person: Person) -> list[dict]:
    """Name ``person`` on the case and suspend their valid documents (the caller holds the person's
    lock); returns the event changes."""
    CaseSubject.objects.create(case=case, person=person)
    changes = [audit.change("شخص موضوع پرونده", "", person.full_name, field="subject")]
    for document in IdentityDocument.objects.select_for_update().filter(
        person=person, status=DocumentStatus.VALID
    ):
        document.suspend()
        document.save()
        changes.append(
            audit.change(
                f"{document.document_type} {document.number} ({person.full_name})",
                DocumentStatus.VALID.label,
                DocumentStatus.SUSPENDED.label,
                field=f"document:{document.pk}",
            )
        )
    return changes


def require_opener(by) -> None:
    """The guard of intake and of opening a case: an expert with a province."""
    if not permissions.can(by, Capability.OPEN_CASE) or by.province_id is None:
        raise PermissionDenied("فقط کارشناس استان می‌تواند پرونده ثبت کند.")


@transaction.atomic
def case_open(
    *,
    by,
    source_type: str,
    source_reference: str,
    source_date: datetime.date,
    subjects: list[Person],
    summary: str = "",
    confirmed_open_cases: bool = False,
) -> Case:
    """Register a case in the expert's province and suspend the subjects' valid documents.

    A subject already named on an open case (any province's) is a possible duplicate: without
    ``confirmed_open_cases`` this refuses with ``OpenCasesElsewhere`` (the page shows it and asks
    for confirmation); with it, the case is opened, an event on it records the warning and the
    confirmation, and the supervisors of both provinces are told by e-mail after commit."""
    require_opener(by)
    if source_type not in SourceType.values:
        raise CaseActionRefused({"source_type": "منشأ پرونده را از فهرست انتخاب کنید."})
    if not subjects:
        raise CaseActionRefused({"subjects": "دست‌کم یک شخص موضوع پرونده را مشخص کنید."})
    if len({person.household_id for person in subjects}) != 1:
        raise CaseActionRefused({"subjects": "اشخاص یک پرونده باید اعضای یک خانوار باشند."})
    if not source_reference.strip():
        raise CaseActionRefused({"source_reference": "شماره مرجع منشأ را وارد کنید."})
    now = clock.now()
    refusal = daterules.not_in_future(source_date, "تاریخ مرجع منشأ")
    if refusal:
        raise CaseActionRefused({"source_date": refusal})
    # Lock the subjects (in id order) before reading their cases and documents: the same form
    # sent twice, or a case closing on the same person at this moment, waits for this one (or this
    # one for it) and then sees it.
    people.lock_persons([p.pk for p in subjects])
    _refuse_unavailable(subjects, source_type, source_reference)
    open_cases = open_cases_naming(subjects)
    if open_cases and not confirmed_open_cases:
        raise OpenCasesElsewhere(open_cases)
    year = Case.year_of(now)
    sequence = next_value(CaseNumberSequence, province=by.province, year=year)
    case = Case.objects.create(
        number=Case.format_number(by.province.code, year, sequence),
        province=by.province,
        year=year,
        sequence=sequence,
        source_type=source_type,
        source_reference=source_reference.strip(),
        source_date=source_date,
        summary=summary,
        assigned_expert=by,
        opened_by=by,
        opened_at=now,
        state_entered_at=now,
    )
    changes = []
    for person in subjects:
        changes += subject_attach(case, person)
    event = audit.record(
        case=case,
        by=by,
        kind=CaseEvent.OPENED,
        action="case_open",
        label="ثبت پرونده",
        to_state=case.state,
        to_state_label=CaseState(case.state).label,
        changes=changes,
    )
    queue_notice(event)
    if open_cases:
        provinces = sorted({c.province for c in open_cases})
        audit.record(
            case=case,
            by=by,
            kind="security",
            action="case_open_despite_open_case",
            label="ثبت پرونده با وجود پرونده باز در استان " + "، ".join(provinces),
            reason="کارشناس هشدار پرونده باز را دید و ثبت پرونده را تأیید کرد.",
            changes=[
                audit.change("هشدار", "", warning(c), field=f"open_case:{c.case_id}")
                for c in open_cases
            ],
        )
        # The supervisors of both provinces hear of the second case (sent once it commits).
        queue(tasks.notify_open_case_elsewhere, case.pk)
    return case
