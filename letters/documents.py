"""The letter and the day's dispatch list as PDFs (WeasyPrint, Vazirmatn), as the card
cancellation form is made (najva.cancellation_form).

The QR code on a letter carries the verification URL with the letter's serial and the SHA-256 of
the facts it prints (``content_sha256``); the file's own SHA-256 is kept beside it. The facts are
plain values read once, when the letter is first printed: the PDF is made from them, so what the
digest covers is what the paper says.
"""

import datetime

from django.utils import timezone

from cases.choices import SourceType
from letters.addressees import is_minor, remaining_members
from letters.models import Letter
from people.models import DocumentStatus, Sex
from reference.models import YearlyPolicy
from shared import clock
from shared.persian import jalali_year
from shared.printing import content_digest, qr_context, render_pdf

__all__ = ["content_digest", "render_letter", "render_register"]


def _honorific(person) -> str:
    return "خانم" if person.sex == Sex.FEMALE else "آقای"


def _person(subject, *, day: datetime.date) -> dict:
    person = subject.person
    return {
        "name": person.full_name,
        "father_name": person.father_name,
        "nationality": person.get_nationality_display(),
        "birth_date": person.birth_date,
        "relation": person.relation_label,
        "household": person.household.number,
        "minor": is_minor(person, day),
        "documents": [
            {"type": str(document.document_type), "number": document.number}
            for document in person.documents.all()
            if document.status == DocumentStatus.CANCELLED
        ],
    }


def _addressee(letter: Letter) -> dict:
    if letter.addressee_kind == Letter.Addressee.AGENCY:
        return {
            "kind": letter.addressee_kind,
            "salutation": f"{letter.agency.name}",
            "name": letter.agency.name,
            "household": "",
            "postal_address": letter.agency.postal_address,
            "postal_code": letter.agency.postal_code,
        }
    person, household = letter.person, letter.household
    if person is None:  # a household with no head recorded
        salutation = f"سرپرست محترم خانوار شماره {household.number}"
    elif letter.addressee_kind == Letter.Addressee.HEAD:
        salutation = f"{_honorific(person)} {person.full_name}، سرپرست محترم خانوار"
    else:
        salutation = f"{_honorific(person)} {person.full_name}"
    return {
        "kind": letter.addressee_kind,
        "salutation": salutation,
        "name": letter.addressee_name,
        "father_name": person.father_name if person else "",
        "household": household.number,
        "postal_address": household.postal_address,
        "postal_code": household.postal_code,
    }


def letter_facts(letter: Letter) -> dict:
    """What the letter states, as plain values (the content digest is taken over these). Read
    when it is first printed: its number, date and printer are already on ``letter``."""
    case = letter.case
    decided_on = timezone.localdate(letter.created_at)
    subjects = list(
        letter.subjects.select_related("person__household__head").prefetch_related(
            "person__documents__document_type"
        )
    )
    named = {s.person_id for s in subjects}
    policy = YearlyPolicy.objects.in_force(jalali_year(decided_on))
    keeping = []
    if letter.kind == Letter.Kind.CLOSED_DEPARTED:
        households = {s.person.household for s in subjects}
        for household in sorted(households, key=lambda h: h.pk):
            keeping += [
                {"name": m.full_name, "relation": m.relation_label, "household": household.number}
                for m in remaining_members(household, named)
            ]
    signer = letter.printed_by
    order = letter.order
    return {
        "number": letter.number,
        "date": letter.dated_on,
        "province": case.province.name,
        "kind": letter.kind,
        "subject_line": subject_line(letter),
        "addressee": _addressee(letter),
        "case_number": case.number,
        "source": {
            "type": SourceType(case.source_type).label,
            "reference": case.source_reference,
            "date": case.source_date,
        },
        "resolution": {
            "number": case.province_resolution_number,
            "date": case.province_resolution_date,
        },
        "national_letter": {
            "number": case.national_letter_number,
            "date": case.national_letter_date,
        },
        "offence_type": case.offence_type.title if case.offence_type_id else "",
        "decided_on": decided_on,
        "persons": [_person(s, day=decided_on) for s in subjects],
        "keeping": keeping,
        "order": {
            "number": order.number,
            "date": order.issued_on,
            "border_point": str(order.border_point),
            "leave_by": order.leave_by,
            "reentry_ban_years": order.reentry_ban_years,
        }
        if order is not None
        else None,
        "policy": {
            "year": policy.year,
            "objection_within_days": policy.objection_within_days,
            "objection_authority": policy.objection_authority,
            "leave_within_days": policy.leave_within_days,
            "reentry_ban_min_years": policy.reentry_ban_min_years,
        },
        "signer": (signer.get_full_name() or signer.username) if signer else "",
    }


def subject_line(letter: Letter) -> str:
    if letter.kind == Letter.Kind.EXPULSION_ORDER:
        return "ابلاغ دستور اخراج (طرد) از کشور"
    if letter.kind == Letter.Kind.CLOSED_DEPARTED:
        return "اعلام مختومه شدن پرونده به علت خروج غیرقانونی از کشور"
    if letter.addressee_kind == Letter.Addressee.AGENCY:
        return "اعلام ابطال مدارک اقامتی و لغو پناهندگی اتباع خارجی"
    return "ابلاغ ابطال مدارک اقامتی و لغو پناهندگی"


def render_letter(letter: Letter, facts: dict) -> bytes:
    return render_pdf(
        "pdf/letter.html",
        {
            "facts": facts,
            "letter": letter,
            "province": facts["province"],
            "body": f"pdf/letters/{letter.kind}.html",
            **qr_context(letter),
        },
    )


def render_register(*, day: datetime.date, province, dispatches, by) -> bytes:
    """The day's dispatch list to hand to the post office with the envelopes."""
    return render_pdf(
        "pdf/dispatch_register.html",
        {
            "day": day,
            "province": province,
            "dispatches": dispatches,
            "made_at": clock.now(),
            "made_by": by,
        },
    )
