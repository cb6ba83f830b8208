"""The minutes of a session as a PDF: WeasyPrint, with Vazirmatn embedded, and the QR code of
every printed document (shared.printing): the minutes' serial and the SHA-256 of the facts they
print, to their verification page.

Rendering takes about a second for a long session, so it runs in a Celery task
(committees.tasks.make_minutes); the file is stored with its SHA-256 for the session version it
shows, and served again until the session changes. The serial stays the minutes' through every
version; the digest is the latest version's, so a paper of an earlier version no longer matches.
"""

from committees.models import Minutes, Session
from shared import clock
from shared.printing import content_digest, qr_context, render_document


def minutes_context(session: Session) -> dict:
    group = session.group
    # Those present as recorded (a member deactivated since still signs these minutes); absent,
    # the group's other members who were current when the minutes were made.
    present_members = list(session.present.order_by("order", "pk"))
    present = {m.pk for m in present_members}
    members = [*present_members, *group.members.filter(active=True).exclude(pk__in=present)]
    items = list(
        session.items.select_related("case", "offence_type", "correction_of__session")
        .prefetch_related("case__subjects__person", "votes__member")
        .order_by("position")
    )
    return {
        "session": session,
        "group": group,
        # The issuing office: the province's for a provincial group, the ministry's otherwise.
        "province": group.province.name if group.province_id else "",
        "present": present_members,
        "absent": [m for m in members if m.pk not in present],
        "items": items,
        "made_at": clock.now(),
    }


def minutes_facts(context: dict) -> dict:
    """What the minutes state, as plain values (the content digest is taken over these)."""
    session = context["session"]
    return {
        "group": str(context["group"]),
        "province": context["province"],
        "session": {
            "number": session.number,
            "held_on": session.held_on.isoformat(),
            "place": session.place,
            "version": session.version,
            "draft": session.is_open,
            "letter_number": session.letter_number,
        },
        "present": [[m.full_name, m.position, m.agency] for m in context["present"]],
        "absent": [m.full_name for m in context["absent"]],
        "items": [
            {
                "position": item.position,
                "case": item.case.number,
                "persons": [s.person.full_name for s in item.case.subjects.all()],
                "outcome": item.outcome,
                "resolution_number": item.resolution_number,
                "offence_type": str(item.offence_type) if item.offence_type_id else "",
                "reason": item.reason,
                "correction_of": (
                    [item.correction_of.session.number, item.correction_of.resolution_number]
                    if item.correction_of_id
                    else None
                ),
                "correction_reason": item.correction_reason,
                "votes": [count for _, count in item.tally()],
            }
            for item in context["items"]
        ],
    }


def render_minutes(session: Session, minutes: Minutes | None = None) -> tuple[bytes, int]:
    """The PDF of the session's minutes, and its number of pages. The digest of the facts it
    prints is set on ``minutes`` (the row to store it with; a row of its own when none is given,
    to measure the rendering alone)."""
    if minutes is None:
        minutes = Minutes(session=session)
    context = minutes_context(session)
    minutes.content_sha256 = content_digest(minutes_facts(context))
    document = render_document("pdf/minutes.html", {**context, **qr_context(minutes)})
    return document.write_pdf(), len(document.pages)


def warm_up() -> None:
    """Load WeasyPrint, Pango and the fonts once, as a worker process starts: the first minutes
    a process renders otherwise pay for it (about a second and a half here). The empty letterhead
    of the documents' base template loads the same faces the minutes use."""
    render_document("pdf/base.html", {}).write_pdf()
