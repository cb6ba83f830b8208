"""Serving a stored file to a user who may read it: as a download, never sniffed by the browser,
and only when its bytes are still the ones whose SHA-256 we recorded when we stored it."""

import hashlib
import logging

from django.conf import settings
from django.db import transaction
from django.http import FileResponse, HttpResponse
from django.shortcuts import render

logger = logging.getLogger(__name__)

CHUNK = 256 * 1024


def client_address(request) -> str:
    """The address a request came from: REMOTE_ADDR, unless the app runs behind the TLS proxy
    (DJANGO_TLS_PROXY): then the last entry of X-Forwarded-For, the one our proxy wrote (compose's
    nginx sets it to the client's address as the TLS proxy reported it: deploy/nginx.conf). Every
    earlier entry was written by the client and could be anything. The sign-in lockout and the
    read log both use this."""
    if settings.TLS_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return request.META.get("REMOTE_ADDR", "")


class FileRefused(Exception):
    """A stored file failed its check: ``response`` is the integrity page to answer with
    (shared.middleware.FileRefusedMiddleware). Raised, not returned, so that nothing the view
    does after ``attachment`` (such as writing the read log) happens for a file not served."""

    def __init__(self, response: HttpResponse):
        super().__init__("stored file refused")
        self.response = response


def sha256_of(handle) -> str:
    """The SHA-256 of an open binary file, read in chunks from where it stands (a file can be
    large)."""
    sha = hashlib.sha256()
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
    before a byte is sent (streaming then finding a mismatch at the end would have served the
    altered bytes already), and the same open file is then served from its start, so it cannot be
    swapped between the check and the answer. A mismatch, a missing file or no recorded digest
    raises ``FileRefused``: the integrity page, an ERROR log line and a security event.
    """
    try:
        handle = stored_file.open("rb")
    except FileNotFoundError:
        raise FileRefused(
            integrity_failure(
                request, stored_file, expected=sha256, actual="", case=case, label=label
            )
        ) from None
    actual = sha256_of(handle)
    if not sha256 or actual != sha256:
        handle.close()
        raise FileRefused(
            integrity_failure(
                request, stored_file, expected=sha256, actual=actual, case=case, label=label
            )
        )
    handle.seek(0)
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=filename,
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# Who records a file that failed its check, besides the log: the audit app registers its recorder
# at start-up (audit.apps), so that this module, below every app, imports none of them.
_integrity_recorders: list = []


def on_integrity_failure(recorder) -> None:
    """Register ``recorder(request, *, name, expected, actual, case, label)``, called inside the
    transaction of the refusal for every file that failed its check."""
    if recorder not in _integrity_recorders:
        _integrity_recorders.append(recorder)


def integrity_failure(request, stored_file, *, expected, actual, case, label) -> HttpResponse:
    """Refuse a file whose bytes changed on disk since we stored it.

    500, not 409: nothing the user sent conflicts with anything and nothing they can do fixes it;
    the fault is in what the server holds, and monitoring that counts 5xx answers should see it.
    """
    logger.error(
        "file integrity check failed: %s (recorded sha256 %s, on disk %s)",
        stored_file.name,
        expected or "none",
        actual or "missing",
    )
    with transaction.atomic():
        for recorder in _integrity_recorders:
            recorder(
                request,
                name=stored_file.name,
                expected=expected,
                actual=actual,
                case=case,
                label=label,
            )
    response = render(request, "integrity_failed.html", {"label": label}, status=500)
    # Logged above, with the file and its digests: Django's request logger, which writes a line
    # for every 5xx answer, is told not to write this one again (one 500, one error line).
    response._has_been_logged = True
    return response
