"""The minutes as a printed kind (shared.printing): who may download them is the sessions'
rule (committees.views.session_or_404), the page is documents.views. They carry no QR code, so
there is nothing to verify. Registered in CommitteesConfig.ready()."""

from django.http import Http404

from committees.models import Minutes
from committees.trail import CommitteeRead
from committees.views import _reader, session_or_404
from shared.printing import Download, PrintedKind


def _minutes_for(user, pk) -> Minutes:
    _reader(user)  # a user who reads no sessions is refused (403) before anything is looked up
    minutes = Minutes.objects.filter(pk=pk).first()
    if minutes is None:
        raise Http404
    minutes.session = session_or_404(user, minutes.session_id)
    if not minutes.is_current():
        raise Http404("صورتجلسه این نسخه از جلسه هنوز تهیه نشده است.")
    return minutes


def _download(minutes: Minutes) -> Download:
    session = minutes.session
    return Download(
        filename=f"minutes-{session.pk}-v{minutes.version}.pdf",
        label=f"صورتجلسه جلسه {session.pk}",
        read_action=CommitteeRead.MINUTES,
        # The minutes name every case on the agenda.
        read={
            "cases": session.items.values_list("case_id", flat=True),
            "detail": f"session {session.pk} v{minutes.version}",
        },
        inline=False,
    )


KIND = PrintedKind(
    slug=Minutes.printed_kind,
    model=Minutes,
    label="صورتجلسه",
    document_for=_minutes_for,
    download=_download,
)
