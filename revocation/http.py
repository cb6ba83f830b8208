"""Serving a stored file to a user who may read it: as a download, never sniffed by the browser,
and only when its bytes are still the ones whose SHA-256 we recorded when we stored it."""

import hashlib
import logging

from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render

logger = logging.getLogger(__name__)

CHUNK = 256 * 1024


def file_sha256(stored_file) -> str:
    """The SHA-256 of a stored file, read in chunks (a file can be large)."""
    sha = hashlib.sha256()
    with stored_file.open("rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            sha.update(chunk)
    return sha.hexdigest()


def attachment(
    stored_file,
    *,
    request,
    sha256: str,
    filename: str,
    content_type: str,
    inline: bool = False,
    case=None,
    label: str = "",
):
    """The file as a download (``inline``: shown in the browser's own viewer, for printing one of
    our PDFs; never for an upload, whose content we did not make).

    ``sha256`` is the digest recorded when the file was stored. The file is read once to check it
    before a byte is sent (reading twice from local disk is cheap; streaming then finding a
    mismatch at the end would have served the altered bytes already). A mismatch, or no recorded
    digest, is refused with the integrity page, an ERROR log line and a security event.
    """
    try:
        actual = file_sha256(stored_file)
    except FileNotFoundError:
        logger.error("stored file %s is missing", stored_file.name)
        raise Http404 from None
    if not sha256 or actual != sha256:
        return integrity_failure(
            request, stored_file, expected=sha256, actual=actual, case=case, label=label
        )
    response = FileResponse(
        stored_file.open("rb"),
        as_attachment=not inline,
        filename=filename,
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def integrity_failure(request, stored_file, *, expected, actual, case, label) -> HttpResponse:
    """Refuse a file whose bytes changed on disk since we stored it.

    500, not 409: nothing the user sent conflicts with anything and nothing they can do fixes it;
    the fault is in what the server holds, and monitoring that counts 5xx answers should see it.
    """
    from audit import services as audit  # the project package sits below the apps at import time

    logger.error(
        "file integrity check failed: %s (recorded sha256 %s, on disk %s)",
        stored_file.name,
        expected or "none",
        actual,
    )
    with transaction.atomic():
        audit.record(
            by=request.user,
            kind="security",
            action="file_integrity_failed",
            label=f"فایل خراب یا دست‌خورده: {label or stored_file.name}",
            case=case,
            changes=[
                audit.change("چکیده ثبت‌شده", "", expected or "—", field="sha256", kind="code"),
                audit.change("چکیده فایل روی دیسک", "", actual, field="actual", kind="code"),
            ],
        )
    return render(request, "integrity_failed.html", {"label": label}, status=500)
