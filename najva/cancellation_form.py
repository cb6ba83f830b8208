"""The card cancellation form (فرم ابطال کارت) of one subject, as a PDF (WeasyPrint, Vazirmatn).

The QR code on the form carries the verification URL with the form's serial and the SHA-256 of
the facts it prints (``content_sha256``): a PDF cannot carry its own file hash, since printing the
hash changes the file. The file's SHA-256 is kept with it and shown on the verification page, so
that a file can be compared as well as a paper.
"""

from shared.printing import content_digest, qr_context, render_pdf

__all__ = ["content_digest", "form_facts", "render_form"]


def form_facts(subject, registrations) -> dict:
    """What the form states, as plain values (the content hash is taken over these)."""
    case = subject.case
    person = subject.person
    household = person.household
    head = household.head

    def day(value):
        return value.isoformat() if value else ""

    return {
        "case_number": case.number,
        "province": case.province.name,
        "person": {
            "name": person.full_name,
            "father_name": person.father_name,
            "nationality": person.get_nationality_display(),
            "birth_date": day(person.birth_date),
        },
        "household": {"number": household.number, "head": head.full_name if head else ""},
        "documents": [
            {
                "type": str(r.document.document_type),
                "number": r.document.number,
                "series": r.document.series,
                "issued_on": day(r.document.issued_on),
                "expires_on": day(r.document.expires_on),
                "tracking_number": r.tracking_number,
            }
            for r in registrations
        ],
        "resolution": {
            "number": case.province_resolution_number,
            "date": day(case.province_resolution_date),
        },
        "national_letter": {
            "number": case.national_letter_number,
            "date": day(case.national_letter_date),
        },
        "offence_type": str(case.offence_type) if case.offence_type_id else "",
        "expert": (case.assigned_expert.get_full_name() if case.assigned_expert else ""),
    }


def render_form(form, registrations) -> bytes:
    subject = form.subject
    facts = form_facts(subject, registrations)
    return render_pdf(
        "pdf/cancellation_form.html",
        {
            "facts": facts,
            "subject": subject,
            "case": subject.case,
            "province": subject.case.province.name,
            "person": subject.person,
            "registrations": registrations,
            "digest": form.content_sha256,
            "printed_at": form.printed_at,
            "printed_by": form.printed_by,
            **qr_context(form),
        },
    )
