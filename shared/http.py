"""Serving a stored file to a user who may read it: as a download, never sniffed by the browser,
and only when its bytes are still the ones whose SHA-256 we recorded when we stored it."""

import hashlib
import logging
import unicodedata

from django.conf import settings
from django.db import transaction
from django.http import FileResponse, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

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


def safe_next(request, fallback: str) -> str:
    """Where a ``next`` value (POST, else GET) may send the user back to: a path on this site
    (``/...``, never ``//host``, no scheme, no control character anywhere), else ``fallback``.

    Never handed to ``django.shortcuts.redirect`` as it came: that function takes a value without
    ``/`` or ``.`` for a view name and raises NoReverseMatch (a 500 after the change was saved),
    and a line break in a Location header raises too."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if (
        len(target) <= 2000
        and target.startswith("/")
        and not target.startswith(("//", "/\\"))
        and not any(unicodedata.category(ch)[0] in "CZ" for ch in target)  # controls, spaces
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return fallback


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
    in_trail: bool = False,
):
    """The file as a download (``inline``: shown in the browser's own viewer, for printing one of
    our PDFs; never for an upload, whose content we did not make).

    ``sha256`` is the digest recorded when the file was stored. The file is read once to check it
    before a byte is sent (streaming then finding a mismatch at the end would have served the
    altered bytes already), and the same open file is then served from its start, so it cannot be
    swapped between the check and the answer. A mismatch, a missing file or no recorded digest
    raises ``FileRefused``: the integrity page, an ERROR log line and a security event.

    ``in_trail``: the file is one whose digest the audit trail recorded when it was stored (an
    upload: evidence, a reply scan, a signed scan, a proof of exit). The row's digest must then
    also be one an event of ``case`` recorded (audit.files.in_trail): a file replaced together
    with its row's digest, by someone holding the app's database role, is refused the same way.
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
    if in_trail and not _in_trail(sha256, case):
        handle.close()
        raise FileRefused(
            integrity_failure(
                request,
                stored_file,
                expected=sha256,
                actual=actual,
                case=case,
                label=label,
                trail=False,
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


# Who records a file that failed its check, besides the log, and who tells whether a digest is in
# the audit trail: the audit app registers both at start-up (audit.apps), so that this module,
# below every app, imports none of them.
_integrity_recorders: list = []
_trail_checkers: list = []


def on_trail_check(checker) -> None:
    """Register ``checker(sha256, *, case_id) -> bool`` (audit.files.in_trail)."""
    if checker not in _trail_checkers:
        _trail_checkers.append(checker)


def _in_trail(sha256: str, case) -> bool:
    if not _trail_checkers:  # a file that must be in the trail, and no trail to ask: refused
        return False
    case_id = getattr(case, "pk", case)
    return all(checker(sha256, case_id=case_id) for checker in _trail_checkers)


def on_integrity_failure(recorder) -> None:
    """Register ``recorder(request, *, name, expected, actual, case, label, trail)``, called
    inside the transaction of the refusal for every file that failed its check."""
    if recorder not in _integrity_recorders:
        _integrity_recorders.append(recorder)


def integrity_failure(
    request, stored_file, *, expected, actual, case, label, trail=None
) -> HttpResponse:
    """Refuse a file whose bytes changed on disk since we stored it.

    500, not 409: nothing the user sent conflicts with anything and nothing they can do fixes it;
    the fault is in what the server holds, and monitoring that counts 5xx answers should see it.
    """
    logger.error(
        "file integrity check failed: %s (recorded sha256 %s, on disk %s%s)",
        stored_file.name,
        expected or "none",
        actual or "missing",
        ", the recorded digest is not in the audit trail" if trail is False else "",
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
                trail=trail,
            )
    response = render(request, "integrity_failed.html", {"label": label}, status=500)
    # Logged above, with the file and its digests: Django's request logger, which writes a line
    # for every 5xx answer, is told not to write this one again (one 500, one error line).
    response._has_been_logged = True
    return response
