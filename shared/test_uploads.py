"""shared.uploads: the size limit while a body streams, names, and the ClamAV client against a
real clamd."""

import shutil
import socket
import subprocess
import time

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from cases.choices import CaseState
from cases.models import Evidence
from conftest import require
from revocation.demo.walk import DEMO_PDF
from shared.uploads import EICAR, safe_display_name, validate_upload
from tests.files import PNG, png_with_pixels, png_with_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_storage")]

DECLARED = 200 * 1024 * 1024
BOUNDARY = "----revocation-test-boundary"


class EndlessBody:
    """A request body that claims ``DECLARED`` bytes and makes them only as they are read: what
    was consumed tells how far the server read."""

    def __init__(self, head: bytes):
        self.head, self.consumed = head, 0

    def read(self, size=-1):
        if size is None or size < 0:
            size = DECLARED - self.consumed
        size = min(size, DECLARED - self.consumed)
        out = self.head[self.consumed : self.consumed + size]
        out += b"A" * (size - len(out))
        self.consumed += len(out)
        return out

    def readline(self, size=-1):
        return self.read(min(size, 65536) if size and size > 0 else 65536)


def multipart_head(fields: dict, file_field: str) -> bytes:
    parts = b"".join(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    )
    return (
        parts
        + (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{file_field}"; '
            'filename="huge.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\n'
        ).encode()
    )


def post_endless(client, url, body, content_type):
    return client.generic(
        "POST",
        url,
        **{
            "wsgi.input": body,
            "CONTENT_LENGTH": str(DECLARED),
            "CONTENT_TYPE": content_type,
        },
    )


@pytest.fixture
def small_limit(settings):
    settings.UPLOAD_MAX_BYTES = 256 * 1024
    # These tests look at the upload handler, behind the request's own cap (tested below).
    settings.REQUEST_MAX_BYTES = DECLARED
    return settings.UPLOAD_MAX_BYTES


def test_a_signed_in_upload_is_cut_at_the_limit_and_the_form_says_so(
    client, actors_a, case_in, small_limit
):
    case = case_in(CaseState.RECEIVED)
    client.force_login(actors_a.expert)
    rows = Evidence.objects.count()
    body = EndlessBody(multipart_head({"evidence_type": "agency_report"}, "file"))
    page = post_endless(
        client,
        reverse("cases:evidence_upload", args=[case.number]),
        body,
        f"multipart/form-data; boundary={BOUNDARY}",
    )
    assert page.status_code == 400
    assert "اندازه فایل بیش از حد مجاز" in page.content.decode()
    assert Evidence.objects.count() == rows
    # Read up to the limit and a chunk or two more, not the 200 MB declared.
    assert small_limit < body.consumed < small_limit + 512 * 1024


def test_a_signed_out_visitors_big_multipart_body_is_not_read(case_in, small_limit):
    case = case_in(CaseState.RECEIVED)
    visitor = Client(
        enforce_csrf_checks=True
    )  # the CSRF check reads the body first, as in production
    body = EndlessBody(multipart_head({"csrfmiddlewaretoken": "x"}, "file"))
    page = post_endless(
        visitor,
        reverse("cases:evidence_upload", args=[case.number]),
        body,
        f"multipart/form-data; boundary={BOUNDARY}",
    )
    assert page.status_code in (302, 403)
    assert body.consumed == 0


def test_a_signed_out_visitors_file_is_not_read_even_under_the_declared_cap(case_in, small_limit):
    case = case_in(CaseState.RECEIVED)
    visitor = Client(enforce_csrf_checks=True)
    head = multipart_head({"csrfmiddlewaretoken": "x"}, "file")
    body = EndlessBody(head)
    page = visitor.generic(
        "POST",
        reverse("cases:evidence_upload", args=[case.number]),
        **{
            "wsgi.input": body,
            "CONTENT_LENGTH": str(900 * 1024),  # under DATA_UPLOAD_MAX_MEMORY_SIZE
            "CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}",
        },
    )
    assert page.status_code in (302, 403)
    assert body.consumed < len(head) + 128 * 1024  # stopped at the file's first chunk


def test_a_big_form_body_is_refused_unread(case_in, settings):
    settings.REQUEST_MAX_BYTES = DECLARED  # Django's own cap on the fields, behind ours
    visitor = Client(enforce_csrf_checks=True)
    body = EndlessBody(b"username=a&password=")
    page = post_endless(visitor, reverse("login"), body, "application/x-www-form-urlencoded")
    assert page.status_code in (400, 403)
    assert body.consumed == 0


@pytest.mark.parametrize("signed_in", [True, False])
def test_a_request_past_the_request_limit_is_refused_unread_with_413(
    client, actors_a, case_in, signed_in
):
    """Issue 21: 300 MB in one request, each file under the upload limit. Refused before a byte
    of the body is read, signed in or not, with the Persian page."""
    case = case_in(CaseState.RECEIVED)
    if signed_in:
        client.force_login(actors_a.expert)
    body = EndlessBody(multipart_head({"evidence_type": "agency_report"}, "file"))
    rows = Evidence.objects.count()
    page = post_endless(
        client,
        reverse("cases:evidence_upload", args=[case.number]),
        body,
        f"multipart/form-data; boundary={BOUNDARY}",
    )
    assert page.status_code == 413
    assert "بیش از حد مجاز (۱۱ مگابایت" in page.content.decode()
    assert body.consumed == 0
    assert Evidence.objects.count() == rows


def test_a_body_without_a_length_is_refused(client, actors_a, case_in):
    case = case_in(CaseState.RECEIVED)
    client.force_login(actors_a.expert)
    page = client.generic(
        "POST",
        reverse("cases:evidence_upload", args=[case.number]),
        b"",
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
        HTTP_TRANSFER_ENCODING="chunked",
    )
    assert page.status_code == 411
    assert "بدون اعلام اندازه" in page.content.decode()


def test_many_files_each_under_the_upload_limit_stop_at_the_request_limit(
    client, actors_a, case_in, settings
):
    """The files of one request counted together by the upload handler too (a length declared
    under the limit is all Django reads; this holds if the middleware were left out)."""
    settings.UPLOAD_MAX_BYTES = 64 * 1024
    settings.REQUEST_MAX_BYTES = 200 * 1024
    case = case_in(CaseState.RECEIVED)
    client.force_login(actors_a.expert)
    settings.MIDDLEWARE = [
        m for m in settings.MIDDLEWARE if m != "shared.middleware.RequestSizeMiddleware"
    ]
    files = [SimpleUploadedFile(f"p{i}.pdf", DEMO_PDF + b"%" * 60_000) for i in range(6)]
    rows = Evidence.objects.count()
    page = client.post(
        reverse("cases:evidence_upload", args=[case.number]),
        {"evidence_type": "agency_report", "file": files},
    )
    assert page.status_code == 413
    assert Evidence.objects.count() == rows


@pytest.mark.parametrize("text", ["علی\u202eرضا", "\u2066Ali\u2069", "x\u202a", "x\u2068"])
def test_a_person_name_with_bidi_controls_is_refused(text):
    from people.forms import PersonFields

    form = PersonFields({"first_name": text, "last_name": "احمدی"})
    form.is_valid()
    assert "کنترل دوسویه یونیکد" in " ".join(form.errors.get("first_name", []))
    assert "last_name" not in form.errors


def test_validate_upload_refuses_a_name_with_a_bidi_override():
    with pytest.raises(ValidationError) as refused:
        validate_upload(SimpleUploadedFile("report\u202efdp.exe", DEMO_PDF))
    assert "نویسه پنهان تغییر جهت" in refused.value.messages[0]


@pytest.mark.parametrize(
    ("name", "content_type", "shown"),
    [
        ("invoice.pdf.exe", "application/pdf", "invoice.pdf"),
        ("../../etc/passwd", "image/png", "passwd.png"),
        ("C:\\Users\\x\\scan.JPG", "image/jpeg", "scan.jpg"),
        ("\u200f\u200f", "application/pdf", "file.pdf"),
        ("نامه استعلام.pdf", "application/pdf", "نامه استعلام.pdf"),
    ],
)
def test_a_display_name_is_a_basename_with_the_contents_extension(name, content_type, shown):
    assert safe_display_name(name, content_type) == shown


def test_a_phones_mpo_photo_is_a_jpeg():
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (32, 32), "white").save(
        buffer, "MPO", save_all=True, append_images=[Image.new("RGB", (8, 8), "grey")]
    )
    photo = buffer.getvalue()
    assert validate_upload(SimpleUploadedFile("photo.jpg", photo)) == "image/jpeg"
    with pytest.raises(ValidationError):  # but not with something after its last picture
        validate_upload(SimpleUploadedFile("photo.jpg", photo + b"\x01tail"))


def test_markup_or_zip_bytes_inside_pixel_data_are_not_a_polyglot():
    # Compressed pixel data is never read as HTML or as a zip: only the file's structure is
    # searched, or about 2% of 10 MB scans would be refused for spelling "<svg" by chance.
    image = png_with_pixels(b"<svg PK\x03\x04")
    assert b"<svg" in image and b"PK\x03\x04" in image
    assert validate_upload(SimpleUploadedFile("scan.png", image)) == "image/png"
    # The same bytes in a text chunk (metadata a viewer may show) are refused.
    with pytest.raises(ValidationError):
        validate_upload(SimpleUploadedFile("scan.png", png_with_text(b"<svg onload=x>")))


# --------------------------------------------------------------------------------------------------
# ClamAV: a real clamd with a database of two signatures written here.

MARKER = b"REVOCATION-CLAMD-TEST-MARKER-7f3a"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def clamd(tmp_path_factory):
    binary = shutil.which("clamd") or shutil.which("clamd", path="/usr/sbin")
    require(binary is not None, "clamd is not installed (apt-get install clamav-daemon)")
    home = tmp_path_factory.mktemp("clamd")
    (home / "db").mkdir()
    (home / "db" / "test.ndb").write_text(
        f"Revocation.Test.Marker:0:*:{MARKER.hex()}\nEicar-Test-Signature:0:*:{EICAR.hex()}\n"
    )
    port = free_port()
    config = home / "clamd.conf"
    config.write_text(
        f"Foreground yes\nDatabaseDirectory {home / 'db'}\nTCPSocket {port}\n"
        f"TCPAddr 127.0.0.1\nLogFile {home / 'clamd.log'}\nStreamMaxLength 20M\n"
    )
    process = subprocess.Popen(  # noqa: S603 (Debian's clamd, our config)
        [binary, "--config-file", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
                    conn.sendall(b"zPING\0")
                    if conn.recv(16).startswith(b"PONG"):
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                log = (home / "clamd.log").read_text() if (home / "clamd.log").exists() else ""
                pytest.fail(f"clamd did not start: {log[-2000:]}")
            time.sleep(0.2)
        yield f"tcp://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_clamd_is_asked_and_an_infected_upload_is_refused(clamd, settings):
    settings.CLAMAV_ADDRESS = clamd
    # Passes every content check of ours: only clamd knows the marker.
    with pytest.raises(ValidationError) as refused:
        validate_upload(SimpleUploadedFile("scan.png", png_with_text(MARKER)))
    assert "ضدویروس در این فایل بدافزار یافت" in refused.value.messages[0]
    assert "Revocation.Test.Marker" in refused.value.messages[0]
    assert validate_upload(SimpleUploadedFile("scan.png", PNG)) == "image/png"


def test_an_infected_upload_is_refused_on_the_case_page(clamd, settings, client, actors_a, case_in):
    settings.CLAMAV_ADDRESS = clamd
    case = case_in(CaseState.RECEIVED)
    client.force_login(actors_a.expert)
    rows = Evidence.objects.count()
    page = client.post(
        reverse("cases:evidence_upload", args=[case.number]),
        {
            "evidence_type": "agency_report",
            "file": SimpleUploadedFile("scan.png", png_with_text(MARKER)),
        },
    )
    assert page.status_code == 400
    assert "ضدویروس در این فایل بدافزار یافت" in page.content.decode()
    assert Evidence.objects.count() == rows


def test_an_unreachable_clamd_refuses_the_upload(settings, caplog):
    settings.CLAMAV_ADDRESS = f"tcp://127.0.0.1:{free_port()}"
    with pytest.raises(ValidationError) as refused:
        validate_upload(SimpleUploadedFile("scan.png", PNG))
    assert "بررسی ضدویروس فایل اکنون ممکن نیست" in refused.value.messages[0]
    assert any("virus scanner" in r.getMessage() for r in caplog.records)
