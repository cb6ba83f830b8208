"""Middleware of the project's own: response headers, and the request id of the logs."""

from django.conf import settings

from shared import logs


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
