"""Structured logs (issue 11, item 9): JSON lines with the request id and the user, the id in the
response header, identity numbers masked, the id carried to the Celery task a request queues."""

import io
import json
import logging
import logging.config

import pytest
from celery import shared_task
from django.conf import settings
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import path

from shared import logs
from shared.middleware import RequestIdMiddleware

logger = logging.getLogger("shared.test_logs")


@pytest.fixture
def json_lines(monkeypatch):
    """The project's logging as production configures it (DJANGO_LOG_FORMAT=json), writing to a
    buffer; returns a function that reads the JSON lines written so far."""
    stream = io.StringIO()
    monkeypatch.setattr("sys.stdout", stream)
    logging.config.dictConfig(logs.logging_config(json=True, level="INFO"))
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines() if line]
    logging.config.dictConfig(settings.LOGGING)


@shared_task
def _task_that_logs(note: str) -> None:
    logger.warning("the task ran: %s", note)


@pytest.mark.django_db
def test_a_request_logs_a_json_line_with_its_id_and_user_and_returns_the_id(
    client, users, json_lines
):
    client.force_login(users["expert_a"])
    page = client.get("/cases/1234567890/no-such-page/")
    assert page.status_code == 404
    request_id = page.headers["X-Request-ID"]
    assert len(request_id) == 36  # a uuid4
    (line,) = [line for line in json_lines() if line["logger"] == "django.request"]
    assert line["level"] == "WARNING"
    assert line["request_id"] == request_id
    assert line["user"] == users["expert_a"].username
    assert line["path"] == "/cases/******7890/no-such-page/"
    assert line["message"] == "Not Found: /cases/******7890/no-such-page/"
    assert {"timestamp", "task_id", "task_name"} <= set(line)
    assert "1234567890" not in json.dumps(line)
    # Each request its own id.
    assert client.get("/cases/1234567890/no-such-page/").headers["X-Request-ID"] != request_id


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("1234567890", "******7890"),
        ("۱۲۳۴۵۶۷۸۹۰", "******۷۸۹۰"),
        ("٠١٢٣٤٥٦٧٨٩", "******٦٧٨٩"),
        ("۱۲۳-۴۵۶۷۸۹-۰", "******۷۸۹۰"),
        ("12345678", "****5678"),
    ],
)
def test_an_identity_number_comes_out_masked_in_message_args_and_traceback(
    json_lines, number, masked
):
    logger.warning(f"in the message {number}; in the args %s", number)
    try:
        raise ValueError(f"registry refused {number}")
    except ValueError:
        logger.exception("delivery failed")
    first, second = json_lines()
    assert first["message"] == f"in the message {masked}; in the args {masked}"
    assert f"ValueError: registry refused {masked}" in second["exc_info"]
    assert number not in json.dumps([first, second], ensure_ascii=False)


def test_dates_times_and_case_numbers_stay_readable():
    text = "case 1405-00317 at 2026-11-26 11:30:23, 3 of 1234567"
    assert logs.mask_identifiers(text) == text


def test_a_hex_digest_stays_whole_beside_a_masked_number():
    digest = "c01644efb78830b08e608de8c95fde3188d75b794409485f522e5233e4250ad4"
    line = logs.mask_identifiers(f"file {digest} of person 1234567890")
    assert line == f"file {digest} of person ******7890"
    # A username hashed for the log keeps its token; sixteen digits alone are still masked.
    assert logs.mask_identifiers("user [#1234567890abcdef]") == "user [#1234567890abcdef]"
    assert logs.mask_identifiers("card 1234567890123456") == "card ************3456"


@pytest.mark.parametrize(
    "kept",
    [
        # Celery task ids (uuid4): digit runs of 8 or 12 in a segment were cut (issue 21).
        "550e8400-e29b-41d4-a716-446655440000",
        "12345678-aaaa-4bbb-8ccc-123456789012",
        "Task najva.tasks.deliver[12345678-aaaa-4bbb-8ccc-123456789012] succeeded",
        # Digests in either case, and one whose digits come first.
        "C01644EFB78830B08E608DE8C95FDE3188D75B794409485F522E5233E4250AD4",
        "sha256:1234567890123456789abcdef",
        # The chain's first head (64 zeros), as seed_demo logs the read chain before any read.
        "reads seq=0 hash=" + "0" * 64,
    ],
)
def test_task_ids_and_digests_stay_whole(kept):
    assert logs.mask_identifiers(kept) == kept


def test_an_identity_number_next_to_a_task_id_is_still_masked():
    line = "task 550e8400-e29b-41d4-a716-446655440000 for 1234567890 passport K12345678"
    assert logs.mask_identifiers(line) == (
        "task 550e8400-e29b-41d4-a716-446655440000 for ******7890 passport K****5678"
    )


def test_gunicorns_access_line_keeps_its_status_size_and_time():
    import runpy

    line = runpy.run_path(str(settings.BASE_DIR / "gunicorn.conf.py"))["access_log_format"] % {
        "h": "127.0.0.1",
        "m": "GET",
        "U": "/cases/23-1405-00001/",
        "H": "HTTP/1.1",
        "s": "200",
        "b": "41350",
        "M": "7044",
        "{x-request-id}o": "abc",
    }
    assert logs.mask_identifiers(line) == line


def test_the_text_format_masks_too(monkeypatch):
    stream = io.StringIO()
    monkeypatch.setattr("sys.stdout", stream)
    logging.config.dictConfig(logs.logging_config(json=False, level="INFO"))
    try:
        logger.warning("card %s", "۹۸۷۶۵۴۳۲۱۰")
    finally:
        logging.config.dictConfig(settings.LOGGING)
    assert "card ******۳۲۱۰" in stream.getvalue()
    assert "۹۸۷۶۵۴۳۲۱۰" not in stream.getvalue()


def _request_queueing_a_task(headers=None):
    def view(request):
        _task_that_logs.delay("queued by the view")
        return HttpResponse("ok")

    return RequestIdMiddleware(view)(RequestFactory().get("/cases/", headers=headers or {}))


def test_a_task_queued_in_a_request_logs_the_same_request_id(json_lines):
    """Eager, the task runs inside the request (the contextvar is still set)."""
    response = _request_queueing_a_task()
    (line,) = json_lines()
    assert line["message"] == "the task ran: queued by the view"
    assert line["request_id"] == response.headers["X-Request-ID"]
    assert line["task_name"] == _task_that_logs.name
    assert line["task_id"] != "-"


def test_a_worker_takes_the_request_id_from_the_message_headers(json_lines):
    """In a worker the request is long gone: the id travels in the message's headers, put there
    by before_task_publish as the task is sent (here called as the producer calls it) and read
    back by task_prerun from the request context the worker builds out of those headers."""
    headers = {}
    logs.request_id.set("req-from-the-web")
    logs._add_request_id(headers=headers)
    assert headers[logs.HEADER] == "req-from-the-web"
    logs._request_finished()  # the worker is another process: no request there
    assert logs.request_id.get() == "-"
    _task_that_logs.apply(args=["in the worker"], headers=headers)
    (line,) = json_lines()
    assert line["request_id"] == "req-from-the-web"
    assert logs.request_id.get() == "-"  # and nothing left of the task after it


@pytest.mark.parametrize("trusted", [False, True])
def test_the_proxys_request_id_is_kept_only_behind_the_proxy(settings, trusted):
    settings.TRUST_REQUEST_ID = trusted
    response = _request_queueing_a_task({"X-Request-ID": "abc-123"})
    assert (response.headers["X-Request-ID"] == "abc-123") is trusted


@pytest.mark.parametrize(
    "given", ["a" * 65, "abc 123", "abc\nforged line", "<script>", "abc\n", ""]
)
def test_a_malformed_request_id_is_replaced_even_behind_the_proxy(settings, given):
    settings.TRUST_REQUEST_ID = True
    response = _request_queueing_a_task({"X-Request-ID": given})
    assert response.headers["X-Request-ID"] != given
    assert len(response.headers["X-Request-ID"]) == 36


def _view_that_fails(request, number):
    raise ValueError(f"the registry refused {number}")


urlpatterns = [path("fails/<str:number>/", _view_that_fails)]


@pytest.mark.django_db
@pytest.mark.urls("shared.test_logs")
def test_a_500s_traceback_is_logged_masked(client, json_lines):
    client.raise_request_exception = False
    assert client.get("/fails/۱۲۳۴۵۶۷۸۹۰/").status_code == 500
    (line,) = [line for line in json_lines() if line["logger"] == "django.request"]
    # Django's request logger writes what is not ASCII in a path escaped ("\u06f7"): masked too.
    assert line["message"] == r"Internal Server Error: /fails/******\u06f7\u06f8\u06f9\u06f0/"
    assert line["path"] == "/fails/******۷۸۹۰/"
    assert "ValueError: the registry refused ******۷۸۹۰" in line["exc_info"]
    assert "۱۲۳۴۵۶۷۸۹۰" not in json.dumps(line, ensure_ascii=False)


@pytest.mark.django_db
@pytest.mark.urls("shared.test_logs")
def test_a_500_of_a_signed_in_user_is_logged_once(client, json_lines, users):
    """One error line, with its traceback, through the whole middleware stack (issue 21 saw
    each 500 twice)."""
    client.force_login(users["expert_a"])
    client.raise_request_exception = False
    assert client.get("/fails/x/").status_code == 500
    errors = [line for line in json_lines() if line["level"] in ("ERROR", "CRITICAL")]
    assert [line["logger"] for line in errors] == ["django.request"]
    assert "ValueError: the registry refused x" in errors[0]["exc_info"]
    assert errors[0]["user"] == "expert_a"
