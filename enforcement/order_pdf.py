"""The expulsion order (دستور اخراج) as a PDF for the supervisor's signature (WeasyPrint,
Vazirmatn), with a QR code to its verification page (shared.printing)."""

from shared.printing import content_digest, qr_context, render_pdf

__all__ = ["content_digest", "order_facts", "render_order"]


def _day(value) -> str:
    return value.isoformat() if value else ""


def order_facts(order, persons) -> dict:
    """What the order states, as plain values (its content hash is taken over these)."""
    case = order.case
    return {
        "number": order.number,
        "case_number": case.number,
        "province": case.province.name,
        "issued_on": _day(order.issued_on),
        "border_point": str(order.border_point),
        "leave_by": _day(order.leave_by),
        "reentry_ban_years": order.reentry_ban_years,
        "replaces": order.replaces.number if order.replaces_id else "",
        "persons": [
            {
                "name": entry.subject.person.full_name,
                "father_name": entry.subject.person.father_name,
                "nationality": entry.subject.person.get_nationality_display(),
                "birth_date": _day(entry.subject.person.birth_date),
                "household": entry.subject.person.household.number,
            }
            for entry in persons
        ],
        "resolution": [case.province_resolution_number, _day(case.province_resolution_date)],
        "national_letter": [case.national_letter_number, _day(case.national_letter_date)],
        "offence_type": str(case.offence_type) if case.offence_type_id else "",
    }


def render_order(*, order, persons, facts) -> bytes:
    documents = {
        entry.subject_id: list(entry.subject.person.documents.select_related("document_type"))
        for entry in persons
    }
    return render_pdf(
        "pdf/expulsion_order.html",
        {
            "order": order,
            "case": order.case,
            "province": order.case.province.name,
            "persons": [(entry, documents[entry.subject_id]) for entry in persons],
            "facts": facts,
            "printed_at": order.printed_at,
            "printed_by": order.printed_by,
            **qr_context(order),
        },
    )
