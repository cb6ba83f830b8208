"""Middleware of the project's own: response headers, and the request id of the logs."""

import logging

from django.conf import settings
from django.shortcuts import render

from shared import logs
from shared.persian import digits_to_persian

logger = logging.getLogger(__name__)


class PermissionsPolicyMiddleware:
    """``Permissions-Policy``: no page uses the camera, the microphone, the location or any other
    device, so none may (settings.PERMISSIONS_POLICY). Django's SecurityMiddleware has no setting
    for this header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class RequestIdMiddleware:
    """Gives each request an id, in the log lines it causes (shared.logs) and in the
    ``X-Request-ID`` response header. The proxy's ``X-Request-ID`` is kept only behind the TLS
    proxy (settings.TRUST_REQUEST_ID, from DJANGO_TLS_PROXY), and only when it is a short run of
    letters, digits and hyphens: a client reaching the app directly could otherwise write what it
    likes into every line of its requests. First in MIDDLEWARE, so that every other middleware's
    lines carry it; the user is known only once the session is read, in ``process_view``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get("X-Request-ID", "") if settings.TRUST_REQUEST_ID else ""
        request.request_id = given if logs.REQUEST_ID.fullmatch(given) else logs.new_request_id()
        # Set, not reset on the way out: Django logs a 4xx or 5xx response ("Not Found: ...")
        # after the middleware has returned; shared.logs clears them on request_finished.
        logs.request_id.set(request.request_id)
        logs.path.set(request.path)
        logs.user.set("-")
        response = self.get_response(request)
        if response.status_code >= 400:
            # Django logs this response next, and a 404 reached no view: name the user here.
            self._log_user(request)
        response.headers["X-Request-ID"] = request.request_id
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        # AuthenticationMiddleware has run; the view reads the user anyway (one session query).
        self._log_user(request)

    @staticmethod
    def _log_user(request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            logs.user.set(user.get_username())


class FileRefusedMiddleware:
    """Answers a download whose stored file failed its check (shared.http.FileRefused) with
    the integrity page the check made."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from shared.http import FileRefused

        if isinstance(exception, FileRefused):
            return exception.response
        return None


class RequestSizeMiddleware:
    """Refuses a request whose body is larger than ``REQUEST_MAX_BYTES`` before anything reads a
    byte of it: 413 and a Persian page (issue 21: a signed-in user sent 300 MB in one request of
    many files, each under the upload limit). A body sent without a length (chunked) is refused
    with 411: Django reads no further than ``Content-Length`` and would silently see it empty.

    nginx refuses the same before the app (deploy/nginx.conf, client_max_body_size); this holds
    when the app is reached without it. ``shared.uploads.LimitedUploadHandler`` also stops
    reading once the files of one request pass the limit. Second in MIDDLEWARE, after the
    request id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        refused = self.refusal(request)
        return refused if refused is not None else self.get_response(request)

    @staticmethod
    def refusal(request):
        limit = settings.REQUEST_MAX_BYTES
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        chunked = "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
        if length <= limit and not chunked:
            return None
        logger.warning(
            "request body refused unread: %s bytes declared%s, limit %s",
            length,
            " (chunked, no length)" if chunked else "",
            limit,
        )
        return RequestSizeMiddleware.too_large(request, chunked=chunked)

    @staticmethod
    def too_large(request, *, chunked: bool = False):
        """The 413 page (411 for a body without a length)."""
        limit = settings.REQUEST_MAX_BYTES
        megabytes = digits_to_persian(f"{limit / (1024 * 1024):.3g}")
        response = render(
            request,
            "request_too_large.html",
            {"megabytes": megabytes, "chunked": chunked},
            status=411 if chunked else 413,
        )
        response["Connection"] = "close"  # the unread body must not be taken for a next request
        return response
