"""Structured logs: who (the user), which request (its id), and no identity number in clear.

Every log line of the web and Celery processes passes the two filters below, on every handler
(settings.LOGGING): ``ContextFilter`` adds the request id, the user, the path and, in a worker, the
task; ``MaskingFilter`` masks the digit runs that look like identity or document numbers in the
message, its arguments, the traceback and any extra field. The request id lives in a contextvar
set by ``shared.middleware.RequestIdMiddleware``; a task queued during the request carries it
in a message header (``before_task_publish``) and the worker puts it back (``task_prerun``).
"""

import contextvars
import logging
import re
import uuid

from celery import signals
from django.core.signals import request_finished

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
user: contextvars.ContextVar[str] = contextvars.ContextVar("log_user", default="-")
path: contextvars.ContextVar[str] = contextvars.ContextVar("log_path", default="-")
current_task_id: contextvars.ContextVar[str] = contextvars.ContextVar("task_id", default="-")
current_task_name: contextvars.ContextVar[str] = contextvars.ContextVar("task_name", default="-")

# The message header a queued task carries its request id in.
HEADER = "revocation_request_id"

# A request id taken from the proxy: short, letters, digits and hyphens (a uuid fits).
REQUEST_ID = re.compile(r"[A-Za-z0-9-]{1,64}")

_DIGIT = "0-9\u06f0-\u06f9\u0660-\u0669"  # ASCII, Persian (۰-۹) and Arabic-Indic (٠-٩)
# A digit, or a Persian or Arabic-Indic one as Django's request logger writes it (it escapes
# what is not ASCII in a path: "\u06f1").
_D = rf"(?:[{_DIGIT}]|\\u06[6f][0-9])"
_NOT_AFTER_DIGIT = rf"(?<![{_DIGIT}])(?<!\\u06[6f][0-9])"
# An identity number: 8 or more digits in a row (Amayesh cards, travel permits, national ids,
# passports' digits), or groups of 3 or more digits (the last may be shorter) joined by one hyphen
# or space, 10 or more in all ("۱۲۳-۴۵۶۷۸۹-۰", a national id). Shorter groups are left alone so
# that a date (2026-11-26), a time or a case number (1405-00317) stays readable.
_RUN = rf"{_D}{{8,}}"
_GROUPS = rf"{_D}{{3,}}(?:[- ]{_D}{{3,}})*(?:[- ]{_D}{{1,2}})?"
IDENTIFIER = re.compile(rf"{_NOT_AFTER_DIGIT}(?:{_RUN}|{_GROUPS})(?!{_D})")
_ONE_DIGIT = re.compile(_D)
KEEP = 4  # the last digits kept, to tell two numbers apart when reading a log


def _mask(match: re.Match) -> str:
    digits = _ONE_DIGIT.findall(match.group())
    grouped = "-" in match.group() or " " in match.group()
    if len(digits) < (10 if grouped else 8):
        return match.group()
    return "*" * (len(digits) - KEEP) + "".join(digits[-KEEP:])


# A SHA-256 or another digest written in hex (the audit chain's heads, a file's checksum), in
# either case, and a UUID (a Celery task's id, a request id): their digit runs are no identity
# number, and a cut one could not be looked up or compared any more. A digest is sixteen hex
# characters or more, at least one a letter (a shorter run of digits alone is masked), or 32
# characters or more of any (the chain's first head, 64 zeros): no identity or passport number is
# that long.
_HEX = "0-9A-Fa-f"
DIGEST = re.compile(
    rf"(?<![0-9A-Za-z-])"
    rf"(?:[{_HEX}]{{8}}-[{_HEX}]{{4}}-[{_HEX}]{{4}}-[{_HEX}]{{4}}-[{_HEX}]{{12}}"
    rf"|(?=[0-9]*[A-Fa-f])[{_HEX}]{{16,}}|[{_HEX}]{{32,}})"
    rf"(?![0-9A-Za-z-])"
)


def mask_identifiers(text: str) -> str:
    """``text`` with every digit run that looks like an identity number masked but for its last
    four digits: ``1234567890`` → ``******7890`` (in whichever digits it was written); hex digests
    are left whole."""
    if not text:
        return text
    kept, start = [], 0
    for digest in DIGEST.finditer(text):
        kept += [IDENTIFIER.sub(_mask, text[start : digest.start()]), digest.group()]
        start = digest.end()
    kept.append(IDENTIFIER.sub(_mask, text[start:]))
    return "".join(kept)


def new_request_id() -> str:
    return str(uuid.uuid4())


class ContextFilter(logging.Filter):
    """Adds ``request_id``, ``user``, ``path``, ``task_id`` and ``task_name`` to every record."""

    def filter(self, record):
        record.request_id = request_id.get()
        record.user = user.get()
        record.path = path.get()
        record.task_id = current_task_id.get()
        record.task_name = current_task_name.get()
        return True


# The attributes every LogRecord has, and the ids ContextFilter adds: the extras are the others.
_RECORD_ATTRIBUTES = set(vars(logging.makeLogRecord({}))) | {
    "message",
    "asctime",
    "request_id",
    "task_id",
    "task_name",
}


class MaskingFilter(logging.Filter):
    """Masks identity numbers in the record before any formatter sees it: the message with its
    arguments merged, the traceback (formatted here), the stack and the string extras. Django's
    request logger passes the request object as an extra: it is dropped (its repr holds the query
    string); the path is in ``path`` already, masked."""

    def filter(self, record):
        record.msg = mask_identifiers(record.getMessage())
        record.args = None
        if record.exc_info:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
        if record.exc_text:
            record.exc_text = mask_identifiers(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_identifiers(record.stack_info)
        record.__dict__.pop("request", None)
        for key, value in list(record.__dict__.items()):
            if key not in _RECORD_ATTRIBUTES and isinstance(value, str):
                setattr(record, key, mask_identifiers(value))
        return True


def _request_finished(**kwargs):
    """The response is sent: what is logged from here on belongs to no request."""
    for var in (request_id, user, path):
        var.set("-")


request_finished.connect(_request_finished, dispatch_uid="shared.logs.request_finished")


# --------------------------------------------------------------------------------------------------
# Celery: the request id travels with the task.


@signals.before_task_publish.connect(dispatch_uid="shared.logs.publish")
def _add_request_id(headers=None, **kwargs):
    """A task queued during a request carries the request's id (and user) to the worker."""
    if headers is not None and request_id.get() != "-":
        headers[HEADER] = request_id.get()
        headers[HEADER + "_user"] = user.get()


_TOKENS = "_revocation_log_tokens"


@signals.task_prerun.connect(dispatch_uid="shared.logs.prerun")
def _enter_task(task_id=None, task=None, **kwargs):
    """In the worker: the task's lines carry the id of the request that queued it. In eager mode
    (tests, no broker) the task runs inside the request, whose id is already set."""
    request = task.request
    headers = getattr(request, "headers", None) or {}
    queued_by = getattr(request, HEADER, None) or headers.get(HEADER)
    queued_user = getattr(request, HEADER + "_user", None) or headers.get(HEADER + "_user")
    tokens = [
        (current_task_id, current_task_id.set(task_id or "-")),
        (current_task_name, current_task_name.set(task.name)),
    ]
    if queued_by and REQUEST_ID.fullmatch(str(queued_by)):
        tokens.append((request_id, request_id.set(str(queued_by))))
        tokens.append((user, user.set(str(queued_user or "-"))))
    setattr(request, _TOKENS, tokens)


@signals.task_postrun.connect(dispatch_uid="shared.logs.postrun")
def _leave_task(task=None, **kwargs):
    for var, token in reversed(getattr(task.request, _TOKENS, [])):
        try:
            var.reset(token)
        except ValueError:  # set in another context (a thread pool): nothing to restore
            var.set("-")
    setattr(task.request, _TOKENS, [])


def logging_config(*, json: bool, level: str) -> dict:
    """settings.LOGGING: one handler on stdout, JSON or text, both filters on it."""
    text = "%(asctime)s %(levelname)s %(name)s [%(request_id)s %(user)s] %(message)s"
    fields = [
        "levelname",
        "name",
        "message",
        "request_id",
        "user",
        "path",
        "task_id",
        "task_name",
    ]
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "context": {"()": "shared.logs.ContextFilter"},
            "mask": {"()": "shared.logs.MaskingFilter"},
        },
        "formatters": {
            "text": {"format": text},
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": fields,
                "rename_fields": {"levelname": "level", "name": "logger"},
                "timestamp": True,  # ISO 8601, UTC
                "json_ensure_ascii": False,
            },
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
                "formatter": "json" if json else "text",
                "filters": ["context", "mask"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        # One line per eager task, or per step of a PDF, would drown what matters in the console.
        "loggers": {
            # Django's own handlers (a console in DEBUG, mail to the admins) would print unmasked
            # lines: named here without handlers, its loggers only propagate to the one above.
            "django": {"level": "INFO"},
            "django.server": {"level": "INFO"},
            "celery": {"level": "WARNING"},
            "weasyprint": {"level": "WARNING"},
            "fontTools": {"level": "WARNING"},
            # axes writes each failure with the username typed, in clear (whatever was typed:
            # a password in the wrong box); accounts.signin logs each failure and lockout itself.
            "axes": {"level": "ERROR"},
        },
    }
