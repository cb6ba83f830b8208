"""The minutes of a session as a PDF: WeasyPrint, with Vazirmatn embedded.

Rendering takes about a second for a long session, so it runs in a Celery task
(committees.tasks.make_minutes); the file is stored with its SHA-256 for the session version it
shows, and served again until the session changes.
"""

from committees.models import Session
from shared import clock
from shared.printing import render_document


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


def render_minutes(session: Session) -> tuple[bytes, int]:
    """The PDF of the session's minutes, and its number of pages."""
    document = render_document("pdf/minutes.html", minutes_context(session))
    return document.write_pdf(), len(document.pages)


def warm_up() -> None:
    """Load WeasyPrint, Pango and the fonts once, as a worker process starts: the first minutes
    a process renders otherwise pay for it (about a second and a half here). The empty letterhead
    of the documents' base template loads the same faces the minutes use."""
    render_document("pdf/base.html", {}).write_pdf()
