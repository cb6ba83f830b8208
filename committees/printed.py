"""The minutes as a printed kind (shared.printing): who may download and verify them, and their
signed scan, is the sessions' rule (committees.views.session_or_404), the pages are
documents.views. Registered in CommitteesConfig.ready()."""

from django.http import Http404

from committees.models import Minutes
from committees.selectors import sessions_visible_to
from committees.trail import CommitteeRead
from committees.views import _reader, session_or_404
from shared.printing import PrintedKind, Stored, signed_scan


def _minutes_for(user, pk) -> Minutes:
    _reader(user)  # a user who reads no sessions is refused (403) before anything is looked up
    minutes = Minutes.objects.filter(pk=pk).first()
    if minutes is None:
        raise Http404
    minutes.session = session_or_404(user, minutes.session_id)
    return minutes


def _visible_to(user):
    _reader(user)  # 403, as for the sessions' pages
    # Minutes printed at least once (a row exists from the first request, before its file).
    return (
        Minutes.objects.filter(session__in=sessions_visible_to(user=user))
        .exclude(file="")
        .select_related("session__group__province")
    )


def _verify_context(minutes: Minutes) -> dict:
    session = minutes.session
    return {
        "session": session,
        "items": session.items.select_related("case").order_by("position"),
        # The paper is of an earlier version when the session has changed since it was made.
        "current": minutes.is_current(),
    }


KIND = PrintedKind(
    slug=Minutes.printed_kind,
    model=Minutes,
    label="صورتجلسه",
    document_for=_minutes_for,
    name=lambda minutes: f"{minutes.session_id}-v{minutes.version}",
    read_action=CommitteeRead.MINUTES,
    # The minutes name every case on the agenda.
    read=lambda minutes: {
        "cases": minutes.session.items.values_list("case_id", flat=True),
        "detail": f"session {minutes.session_id} v{minutes.version}",
    },
    # Served only for the session as it is now ("" would be an earlier version's file).
    files={"": Stored(ready=Minutes.is_current), "signed": signed_scan(CommitteeRead.SCAN)},
    inline=False,
    visible_to=_visible_to,
    verify_template="committees/verify.html",
    verify_context=_verify_context,
)
