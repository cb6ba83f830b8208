"""One verification page and one download for every printed kind (shared.printing's registry):
what differs between kinds (who may see one, its facts, its file name) is the kind's own."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from audit.reads import record_read
from shared import printing
from shared.http import attachment


def _kind_or_404(slug: str) -> printing.PrintedKind:
    kind = printing.kind_of(slug)
    if kind is None:
        raise Http404
    return kind


@login_required
@require_safe
def download(request, kind, pk, variant=""):
    """A kind's file (``variant``: "" for the printed PDF, "signed" for the scan of the signed
    paper), to a user its app lets see the document: the same 403 and 404 as its own pages."""
    kind = _kind_or_404(kind)
    document = kind.document_for(request.user, pk)
    served = kind.download(document, variant)
    response = attachment(
        served.file,
        request=request,
        sha256=served.sha256,
        case=served.case,
        label=served.label,
        filename=served.filename,
        content_type=served.content_type,
        inline=served.inline,
        in_trail=served.in_trail,
    )
    record_read(request, served.read_action, **served.read)
    return response


@login_required
@require_safe
def verify(request, kind, serial):
    """Whether a printed paper is genuine: for a user who may see its case. Anyone else is told
    only that no such document is known to them (another province's is not revealed)."""
    kind = _kind_or_404(kind)
    if kind.visible_to is None:
        raise Http404
    digest = (request.GET.get("h") or "").strip().lower()
    document = kind.visible_to(request.user).filter(serial=serial).first()
    context = {"kind": kind, "document": document, "digest": digest, "genuine": False}
    if document is not None:
        # A document printed without a QR code (the minutes made before they had one) has no
        # digest of its facts, and nothing matches it.
        context["genuine"] = bool(document.content_sha256) and digest == document.content_sha256
        context.update(kind.verify_context(document))
    return render(request, kind.verify_template, context, status=200 if document else 404)
