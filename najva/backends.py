"""The one interface to Najva, with two backends chosen by ``settings.NAJVA_BACKEND``.

- ``embedded`` (the default): tables in our own database (``najva.models.RegistryEntry``), so the
  demo and a newcomer's machine work offline;
- ``http``: a real Najva over HTTPS, with the JSON contract of ``docs/najva-api.md``.

A backend answers ``register_cancellation`` with a tracking number, or raises ``NajvaError``:
``retryable`` when trying again later may succeed (Najva down, slow, 5xx, 429), not when the
request itself is refused (4xx: the same request will be refused again, so the row is parked for
the operator at once). Both backends are idempotent on ``Cancellation.idempotency_key``.
"""

import socket
import threading
from dataclasses import asdict, dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.module_loading import import_string

from shared import clock
from shared.persian import digits_to_ascii, jalali_year


class NajvaError(Exception):
    def __init__(self, message: str, *, retryable: bool = True):
        super().__init__(message)
        self.retryable = retryable


@dataclass(frozen=True)
class Cancellation:
    """What is registered: one cancelled document of one person, with the offence type."""

    idempotency_key: str
    case_number: str
    province_code: str
    person_first_name: str
    person_last_name: str
    person_father_name: str
    person_nationality: str
    document_type: str
    document_number: str
    document_series: str
    offence_code: str
    offence_version_year: int
    offence_title: str
    cancelled_on: str  # ISO date


@dataclass(frozen=True)
class DocumentReport:
    """Najva's answer about one document."""

    status: str  # "valid", "cancelled" or "unknown"
    tracking_number: str = ""


def tracking_key(number: str) -> str:
    """A tracking number as stored and compared: trimmed, its digits in ASCII."""
    return digits_to_ascii((number or "").strip())


class EmbeddedBackend:
    """Najva as tables in our own database: registers at once, never fails on its own."""

    def register_cancellation(self, cancellation: Cancellation) -> str:
        from najva.models import RegistryEntry

        existing = RegistryEntry.objects.filter(idempotency_key=cancellation.idempotency_key)
        entry = existing.first()
        if entry is None:
            try:
                with transaction.atomic():
                    entry = RegistryEntry.objects.create(
                        idempotency_key=cancellation.idempotency_key,
                        # Unique until the number is set from the row id, just below.
                        tracking_number=f"pending:{cancellation.idempotency_key}",
                        document_type=cancellation.document_type,
                        document_number=cancellation.document_number,
                        person_name=(
                            f"{cancellation.person_first_name} {cancellation.person_last_name}"
                        ),
                        offence_code=cancellation.offence_code,
                    )
                    entry.tracking_number = f"NJ{jalali_year(clock.now())}{entry.pk:08d}"
                    entry.save(update_fields=["tracking_number"])
            except IntegrityError:  # the same key registered at this moment by another worker
                entry = existing.get()
        return entry.tracking_number

    def document_status(self, document_type: str, number: str) -> DocumentReport:
        from najva.models import RegistryEntry

        entry = RegistryEntry.objects.filter(
            document_type=document_type, document_number=number
        ).first()
        if entry is None:
            return DocumentReport("unknown")
        return DocumentReport("cancelled", entry.tracking_number)


DEADLINE_PASSED = "نجوا پاسخ را در مهلت کل تماس کامل نکرد (deadline)."


def deadline_seconds() -> float:
    """The most one call to Najva may take, start to end: NAJVA_DEADLINE_SECONDS, by default
    the connect and read timeouts together. A read timeout alone bounds only the wait for each
    packet: an answer trickled a few bytes at a time held each call 81 s (issue 21)."""
    return settings.NAJVA_DEADLINE_SECONDS or (
        settings.NAJVA_CONNECT_TIMEOUT + settings.NAJVA_READ_TIMEOUT
    )


class _Call:
    """One call's connections, cut (shut down) by a timer when its deadline passes."""

    def __init__(self):
        self.connections = []
        self.expired = False
        self.lock = threading.Lock()

    def add(self, connection):
        with self.lock:
            self.connections.append(connection)
            expired = self.expired
        if expired:
            self._shut(connection)

    def cut(self):
        with self.lock:
            self.expired = True
            connections = list(self.connections)
        for connection in connections:
            self._shut(connection)

    @staticmethod
    def _shut(connection):
        sock = getattr(connection, "sock", None)
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)  # the blocked read returns at once
            except OSError:
                pass


# The call of this thread (each thread of a worker or a benchmark calls on its own).
_calls = threading.local()


def _tracked(pool_class):
    class Tracked(pool_class):
        def _get_conn(self, timeout=None):
            connection = super()._get_conn(timeout)
            call = getattr(_calls, "current", None)
            if call is not None:
                call.add(connection)
            return connection

    return Tracked


def _DeadlineAdapter():
    from requests.adapters import HTTPAdapter
    from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

    class Adapter(HTTPAdapter):
        """Hands each call's connections to the call, for its deadline to cut."""

        def init_poolmanager(self, *args, **kwargs):
            super().init_poolmanager(*args, **kwargs)
            self.poolmanager.pool_classes_by_scheme = {
                "http": _tracked(HTTPConnectionPool),
                "https": _tracked(HTTPSConnectionPool),
            }

    return Adapter()


class HttpBackend:
    """A real Najva: ``NAJVA_URL``, a bearer token, timeouts, TLS verification (a CA bundle of
    the government network where given) and an optional client certificate."""

    def __init__(self):
        import requests

        self.base = settings.NAJVA_URL.rstrip("/")
        self.session = requests.Session()
        self.session.headers["Accept"] = "application/json"
        if settings.NAJVA_TOKEN:
            self.session.headers["Authorization"] = f"Bearer {settings.NAJVA_TOKEN}"
        self.session.verify = settings.NAJVA_CA_BUNDLE or True
        if settings.NAJVA_CLIENT_CERT:
            self.session.cert = settings.NAJVA_CLIENT_CERT
        self.timeout = (settings.NAJVA_CONNECT_TIMEOUT, settings.NAJVA_READ_TIMEOUT)
        self.deadline = deadline_seconds()
        adapter = _DeadlineAdapter()
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    def _call(self, method: str, path: str, **kwargs):
        import requests

        call = _Call()
        timer = threading.Timer(self.deadline, call.cut)
        timer.daemon = True
        _calls.current = call
        timer.start()
        try:
            # No redirects: one would turn the POST into a GET somewhere else.
            response = self.session.request(
                method, f"{self.base}{path}", timeout=self.timeout, allow_redirects=False, **kwargs
            )
        except requests.RequestException as error:
            if call.expired:
                raise NajvaError(DEADLINE_PASSED) from None
            if isinstance(error, requests.Timeout):
                raise NajvaError("نجوا در مهلت مقرر پاسخ نداد (timeout).") from None
            if isinstance(error, requests.ConnectionError):
                raise NajvaError(f"اتصال به نجوا برقرار نشد: {type(error).__name__}") from None
            raise NajvaError(f"خطای ارتباط با نجوا: {type(error).__name__}") from None
        finally:
            timer.cancel()
            _calls.current = None
        if response.status_code >= 500 or response.status_code == 429:
            raise NajvaError(f"نجوا خطای {response.status_code} داد: {_error_of(response)}")
        if response.status_code in (401, 403):
            # A credential problem is fixed by configuration, then retried: not parked at once.
            raise NajvaError(f"نجوا دسترسی را نپذیرفت ({response.status_code}).")
        if 300 <= response.status_code < 400:
            raise NajvaError(
                f"نجوا به نشانی دیگری ارجاع داد ({response.status_code})؛ NAJVA_URL را بررسی کنید.",
                retryable=False,
            )
        if response.status_code >= 400:
            raise NajvaError(
                f"نجوا درخواست را نپذیرفت ({response.status_code}): {_error_of(response)}",
                retryable=False,
            )
        try:
            return response.json()
        except ValueError:
            raise NajvaError("پاسخ نجوا JSON معتبر نبود.") from None

    def register_cancellation(self, cancellation: Cancellation) -> str:
        body = self._call(
            "POST",
            "/v1/cancellations",
            json=asdict(cancellation),
            headers={"Idempotency-Key": cancellation.idempotency_key},
        )
        number = tracking_key(str(body.get("tracking_number") or ""))
        if not number:
            raise NajvaError("پاسخ نجوا شماره پیگیری نداشت.")
        return number

    def document_status(self, document_type: str, number: str) -> DocumentReport:
        body = self._call("GET", f"/v1/documents/{document_type}/{number}")
        return DocumentReport(
            str(body.get("status") or "unknown"), str(body.get("tracking_number") or "")
        )


def _error_of(response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200]
    return str(body.get("message") or body.get("error") or "")[:200]


BACKENDS = {"embedded": EmbeddedBackend, "http": HttpBackend}


def get_backend():
    """The backend of ``settings.NAJVA_BACKEND`` (a name above, or a dotted path to a class)."""
    name = settings.NAJVA_BACKEND
    cls = BACKENDS.get(name) or import_string(name)
    return cls()
