"""What an upload may be: checked by its content, whole, never by its name.

Every upload form (evidence, inquiry replies, signed scans, proofs of exit) calls
``validate_upload``. The checks, in order, each refusal a Persian sentence on the form:

1. size (the upload handler below has already stopped reading past the limit);
2. the first bytes: PDF, PNG or JPEG, nothing else;
3. polyglots, anywhere in the raw bytes: the EICAR test string, HTML/script/PHP/SVG markers, a zip
   local header (a file that is also an archive or a web page);
4. the format itself: images decoded fully by Pillow under a pixel limit, with nothing after their
   end (PNG IEND, JPEG EOI); PDFs parsed by pypdf, with pages, not encrypted, and without active
   content (JavaScript, automatic actions, launch, embedded files and file-attachment annotations,
   links to other files or network shares (GoToR, GoToE), form submission or import, rich media,
   XFA, links that are not http(s) or mailto): we walk every object
   reachable from the trailer (names there are decoded, so ``/J#61vaScript`` is caught) and also
   scan the raw bytes for the same names, which catches objects no reference reaches;
5. ClamAV (clamd INSTREAM), when ``CLAMAV_ADDRESS`` is set; unreachable means refused (fail closed).
"""

import io
import logging
import re
import socket
import struct
import unicodedata
from urllib.parse import urlparse

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import QueryDict
from django.http.multipartparser import MultiPartParserError
from django.utils.datastructures import MultiValueDict

from shared.persian import digits_to_persian

logger = logging.getLogger(__name__)

# What an upload may be, recognised by its first bytes, never by its name.
SIGNATURES = [
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
]
EXTENSIONS = {content_type: ext for _, content_type, ext in SIGNATURES}
# A phone's photo is often MPO: a JPEG followed by more JPEGs (depth map, a smaller copy).
PILLOW_FORMATS = {"image/png": {"PNG"}, "image/jpeg": {"JPEG", "MPO"}}

# A scanned A4 page at 600 dpi is about 35 megapixels.
MAX_IMAGE_PIXELS = 40_000_000

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
MARKUP = re.compile(rb"<script|<\?php|<html|<svg|<iframe|<!doctype html", re.IGNORECASE)
ZIP_LOCAL_HEADER = b"PK\x03\x04"
ZIP_END = b"PK\x05\x06"
# Each name that makes a PDF do something, or carry something, besides showing its pages, and
# what the refusal says it found. Names are found as keys and as values (``/S /SubmitForm``).
ACTIVE_PDF_REASONS = {
    "/JavaScript": "اسکریپت (JavaScript)",
    "/JS": "اسکریپت (JavaScript)",
    "/OpenAction": "اقدام خودکار هنگام باز شدن",
    "/AA": "اقدام خودکار",
    "/Launch": "اجرای برنامه",
    "/EmbeddedFiles": "فایل پیوست",
    "/EF": "فایل پیوست",
    "/FileAttachment": "فایل پیوست",
    "/RichMedia": "رسانه پویا",
    "/RichMediaExecute": "رسانه پویا",
    "/XFA": "فرم پویا",
    "/GoToR": "پیوند به فایل دیگر (مثلاً روی پوشه اشتراکی شبکه)",
    "/GoToE": "پیوند به فایل پیوست",
    "/SubmitForm": "ارسال فرم به نشانی دیگر",
    "/ImportData": "خواندن داده از فایل دیگر",
    "/Rendition": "پخش رسانه",
    "/Sound": "پخش صدا",
    "/Movie": "پخش فیلم",
}
ACTIVE_PDF_NAMES = tuple(ACTIVE_PDF_REASONS)
# A link (/URI action) may open a web page or an e-mail, nothing else: ``javascript:``,
# ``file:``, ``\\server\share`` and the like are refused.
SAFE_URI_SCHEMES = frozenset({"http", "https", "mailto"})
URI_REASON = "پیوندی که صفحه وب یا نشانی ایمیل نیست (مثلاً javascript: یا فایل روی شبکه)"
# A name ends at a PDF delimiter or whitespace: "/JS" must not match "/JSomething".
ACTIVE_PDF_RAW = re.compile(
    rb"/(?:"
    + b"|".join(re.escape(n[1:].encode()) for n in ACTIVE_PDF_NAMES)
    + rb")(?=[\s()<>\[\]{}/%]|$)"
)
# The same, in the raw bytes outside streams (an object no reference reaches): a link's text.
UNSAFE_URI_RAW = re.compile(rb"\(\s*(?:javascript|vbscript|file|data)\s*:", re.IGNORECASE)
MAX_PDF_OBJECTS = 200_000

# Characters that reorder text (U+202A-U+202E embeddings and overrides, U+2066-U+2069 isolates):
# "‮fdp.exe" shows as "exe.pdf". Refused in every text a user types.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
BIDI_MESSAGE = (
    "این متن نویسه پنهان تغییر جهت (کنترل دوسویه یونیکد) دارد که ترتیب نمایش نوشته را "
    "عوض می‌کند؛ آن را بدون این نویسه‌ها دوباره بنویسید."
)


def has_bidi_controls(text: str) -> bool:
    return any(ch in BIDI_CONTROLS for ch in text)


def no_bidi_controls(value) -> None:
    """A validator: text with bidi override or isolate characters is refused."""
    if isinstance(value, str) and has_bidi_controls(value):
        raise ValidationError(BIDI_MESSAGE, code="bidi")


def size_message() -> str:
    megabytes = digits_to_persian(f"{settings.UPLOAD_MAX_BYTES / (1024 * 1024):g}")
    return f"اندازه فایل بیش از حد مجاز ({megabytes} مگابایت) است."


def sniff_content_type(upload) -> str | None:
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    return content_type_of(head)


def content_type_of(head: bytes) -> str | None:
    for signature, content_type, _ in SIGNATURES:
        if head.startswith(signature):
            return content_type
    return None


def safe_display_name(name: str, content_type: str) -> str:
    """The name shown for an upload: no path, no control characters, and an extension that says
    what the content is (``invoice.pdf.exe`` holding a PDF is shown as ``invoice.pdf``)."""
    name = re.split(r"[/\\]", name or "")[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip(" .")
    stem = name
    # Drop every extension-like suffix: what the uploader called the type is not shown.
    while True:
        shorter = re.sub(r"\.[A-Za-z0-9]{1,5}$", "", stem)
        if shorter == stem:
            break
        stem = shorter.rstrip(" .")
    stem = stem[:200] or "file"
    return f"{stem}.{EXTENSIONS.get(content_type, 'bin')}"


def _refuse(message: str, code: str):
    raise ValidationError(message, code=code)


def _check_polyglot(data: bytes, content_type: str) -> None:
    """EICAR anywhere; markup and zip headers in the file's structure, outside compressed pixel
    data and PDF streams, where four random bytes spell ``<svg`` in about 2% of 10 MB scans (a
    browser or a zip reader never looks inside them; PDF streams' names are walked by pypdf)."""
    if EICAR in data:
        _refuse(
            "این فایل رشته آزمایشی ضدویروس (EICAR) دارد و بدافزار شمرده می‌شود؛ پذیرفته نشد.",
            "eicar",
        )
    structure = _structure(data, content_type)
    if MARKUP.search(structure):
        _refuse(
            "درون این فایل کد صفحه وب یا اسکریپت (HTML، SVG، JavaScript یا PHP) هست؛ "
            "فقط تصویر یا PDF ساده پذیرفته می‌شود.",
            "markup",
        )
    # A zip is read from its end: its end-of-directory record sits in the last 64 KB.
    if ZIP_LOCAL_HEADER in structure or ZIP_END in data[-(65536 + 22) :]:
        _refuse(
            "درون این فایل یک فایل فشرده (ZIP) پنهان است؛ فقط تصویر یا PDF ساده پذیرفته می‌شود.",
            "zip",
        )


PDF_STREAM = re.compile(rb"stream\r?\n.*?endstream", re.DOTALL)


def _structure(data: bytes, content_type: str) -> bytes:
    """The file without its compressed payload (PNG IDAT data, JPEG scan data, PDF stream
    bodies); all of it when it cannot be walked (the format checks refuse it then)."""
    if content_type == "application/pdf":
        return PDF_STREAM.sub(b"stream endstream", data)
    cut = _png_pixel_ranges(data) if content_type == "image/png" else _jpeg_scan_ranges(data)
    if cut is None:
        return data
    out, at = [], 0
    for start, stop in cut:
        out.append(data[at:start])
        at = stop
    out.append(data[at:])
    return b"".join(out)


def _png_pixel_ranges(data: bytes):
    ranges, at = [], 8
    while at + 12 <= len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        kind = data[at + 4 : at + 8]
        if kind == b"IDAT":
            ranges.append((at + 8, min(at + 8 + length, len(data))))
        at += 12 + length
        if kind == b"IEND":
            return ranges
    return None


def _png_end(data: bytes) -> int | None:
    """Where the PNG ends (after its IEND chunk), walking the chunks; None when it is broken."""
    at = 8
    while at + 12 <= len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        kind = data[at + 4 : at + 8]
        at += 12 + length
        if kind == b"IEND":
            return at if at <= len(data) else None
    return None


def _jpeg_walk(data: bytes):
    """(where the JPEG ends after its EOI marker, the ranges of entropy-coded scan data), walking
    the segments; (None, None) when it is broken."""
    at, size, scans = 2, len(data), []
    while at + 1 < size:
        if data[at] != 0xFF:
            return None, None
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker == 0xD9:
            return at + 2, scans
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            at += 2
            continue
        if at + 4 > size:
            return None, None
        (length,) = struct.unpack(">H", data[at + 2 : at + 4])
        at += 2 + length
        if marker == 0xDA:  # entropy-coded data runs to the next marker but stuffing and restarts
            start = at
            while at + 1 < size and not (
                data[at] == 0xFF and data[at + 1] != 0x00 and not 0xD0 <= data[at + 1] <= 0xD7
            ):
                at += 1
            scans.append((start, at))
    return None, None


def _jpeg_end(data: bytes) -> int | None:
    return _jpeg_walk(data)[0]


def _jpeg_scan_ranges(data: bytes):
    return _jpeg_walk(data)[1]


def _check_image(data: bytes, content_type: str) -> None:
    from PIL import Image

    unreadable = "این تصویر خراب است یا کامل خوانده نمی‌شود."
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in PILLOW_FORMATS[content_type]:
                _refuse("قالب تصویر با محتوای آن نمی‌خواند.", "format")
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                pixels = digits_to_persian(MAX_IMAGE_PIXELS // 1_000_000)
                _refuse(
                    f"ابعاد این تصویر ({digits_to_persian(width)}×{digits_to_persian(height)} "
                    f"پیکسل) بیش از حد مجاز ({pixels} مگاپیکسل) است.",
                    "pixels",
                )
            image.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        _refuse("ابعاد این تصویر بیش از حد مجاز است.", "pixels")
    except Exception:
        _refuse(unreadable, "unreadable")
    end = (_png_end if content_type == "image/png" else _jpeg_end)(data)
    # MPO: each further picture is a whole JPEG of its own, right after the one before.
    while end is not None and content_type == "image/jpeg" and data[end:].startswith(b"\xff\xd8"):
        more = _jpeg_end(data[end:])
        end = None if more is None else end + more
    if end is None:
        _refuse(unreadable, "unreadable")
    if data[end:].strip(b"\x00"):
        _refuse(
            "پس از پایان تصویر داده دیگری چسبانده شده است؛ تصویر را دوباره ذخیره یا اسکن کنید.",
            "trailing",
        )


def _unsafe_uri(value) -> bool:
    """Whether a link's target is anything but a web page or an e-mail address."""
    from pypdf.generic import ByteStringObject

    if isinstance(value, ByteStringObject):
        value = value.decode("latin-1")
    if not isinstance(value, str):
        return True  # a link whose target is no string: nothing a reader should follow
    text = "".join(ch for ch in value if not ch.isspace() and unicodedata.category(ch)[0] != "C")
    scheme = urlparse(text).scheme.lower()
    return scheme not in SAFE_URI_SCHEMES


def _active_pdf_names(reader) -> set[str]:
    """The active-content names in every object reachable from the trailer, and "/URI" for a
    link that goes anywhere but a web page or an e-mail address."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    found, seen, stack, visited = set(), set(), [reader.trailer], 0
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            item = item.get_object()
        visited += 1
        if visited > MAX_PDF_OBJECTS:
            raise ValueError("too many objects")
        if isinstance(item, DictionaryObject):
            for name, value in item.items():
                if name in ACTIVE_PDF_NAMES:
                    found.add(name)
                if value in ACTIVE_PDF_NAMES:  # /S /JavaScript, /S /Launch
                    found.add(str(value))
                if name == "/URI" and _unsafe_uri(
                    value.get_object() if isinstance(value, IndirectObject) else value
                ):
                    found.add("/URI")
                stack.append(value)
        elif isinstance(item, ArrayObject):
            stack.extend(item)
    return found


def _check_pdf(data: bytes) -> None:
    from pypdf import PdfReader

    unreadable = "این PDF خراب است یا خوانده نمی‌شود."
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            _refuse("این PDF رمزگذاری شده است؛ نسخه بدون رمز را بارگذاری کنید.", "encrypted")
        try:
            pages = len(reader.pages)
        except Exception:  # a catalog without a page tree
            pages = 0
        if pages == 0:
            _refuse("این PDF هیچ صفحه‌ای ندارد.", "no_pages")
        names = _active_pdf_names(reader)
    except ValidationError:
        raise
    except Exception:
        _refuse(unreadable, "unreadable")
    structure = PDF_STREAM.sub(b"stream endstream", data)
    names |= {m.group().decode() for m in ACTIVE_PDF_RAW.finditer(structure)}
    if UNSAFE_URI_RAW.search(structure):
        names.add("/URI")
    if names:
        reasons = {ACTIVE_PDF_REASONS.get(name, URI_REASON) for name in names}
        _refuse(
            f"این PDF محتوای فعال دارد ({'، '.join(sorted(reasons))})؛ "
            "آن را به PDF ساده چاپ کنید یا اسکن کنید و دوباره بارگذاری کنید.",
            "active",
        )


class ScannerUnavailable(Exception):
    pass


def clamd_scan(data: bytes, address: str, timeout: float = 30.0) -> str | None:
    """Ask clamd about ``data`` (INSTREAM): the signature name when infected, None when clean."""
    parsed = urlparse(address)
    try:
        if parsed.scheme == "unix":
            conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            conn.settimeout(timeout)
            conn.connect(parsed.path)
        else:
            conn = socket.create_connection((parsed.hostname, parsed.port or 3310), timeout)
        with conn:
            conn.sendall(b"zINSTREAM\0")
            for start in range(0, len(data), 64 * 1024):
                chunk = data[start : start + 64 * 1024]
                conn.sendall(struct.pack(">I", len(chunk)) + chunk)
            conn.sendall(struct.pack(">I", 0))
            reply = b""
            while not reply.endswith(b"\0"):
                part = conn.recv(4096)
                if not part:
                    break
                reply += part
    except OSError as error:
        raise ScannerUnavailable(str(error)) from error
    answer = reply.rstrip(b"\0").decode("utf-8", "replace").strip()
    if answer.endswith("FOUND"):
        return answer.removeprefix("stream:").removesuffix("FOUND").strip()
    if answer.endswith("OK"):
        return None
    raise ScannerUnavailable(answer or "no reply")


def _check_clamav(data: bytes) -> None:
    address = getattr(settings, "CLAMAV_ADDRESS", "")
    if not address:
        return
    try:
        found = clamd_scan(data, address)
    except ScannerUnavailable as error:
        logger.error("virus scanner at %s unavailable, upload refused: %s", address, error)
        _refuse(
            "بررسی ضدویروس فایل اکنون ممکن نیست؛ چند دقیقه دیگر دوباره بارگذاری کنید.",
            "scanner",
        )
    if found:
        logger.warning("upload refused by the virus scanner: %s", found)
        _refuse(f"ضدویروس در این فایل بدافزار یافت ({found})؛ پذیرفته نشد.", "virus")


def validate_upload(upload) -> str:
    """The content type of an acceptable upload, or a ValidationError in Persian.

    On success ``upload.name`` becomes a safe display name (see ``safe_display_name``)."""
    if getattr(upload, "refused_size", False) or upload.size > settings.UPLOAD_MAX_BYTES:
        _refuse(size_message(), "size")
    if upload.size == 0:
        _refuse("فایل خالی است.", "empty")
    if has_bidi_controls(upload.name or ""):
        _refuse(
            "نام فایل نویسه پنهان تغییر جهت دارد (نامی که پسوند واقعی را پنهان می‌کند)؛ "
            "نام فایل را عوض کنید و دوباره بارگذاری کنید.",
            "bidi",
        )
    content_type = sniff_content_type(upload)
    if content_type is None:
        _refuse(
            "محتوای این فایل PDF، JPEG یا PNG نیست (نام فایل ملاک نیست)؛ "
            "فقط این سه نوع پذیرفته می‌شود.",
            "type",
        )
    upload.seek(0)
    data = upload.read()  # at most UPLOAD_MAX_BYTES: the handler stops past it
    upload.seek(0)
    _check_polyglot(data, content_type)
    if content_type == "application/pdf":
        _check_pdf(data)
    else:
        _check_image(data, content_type)
    _check_clamav(data)
    upload.name = safe_display_name(upload.name, content_type)
    return content_type


class RefusedUpload(SimpleUploadedFile):
    """Stands in for a file the upload handler stopped reading: the form says it was too big."""

    refused_size = True

    def __init__(self, name: str, received: int):
        super().__init__(name or "file", b"")
        self.size = received


class LimitedUploadHandler(FileUploadHandler):
    """Stop reading an upload as soon as it passes ``UPLOAD_MAX_BYTES``, before it is stored.

    A signed-out visitor never uploads a file: their multipart body is not read at all. A signed-in
    user's file is read up to the limit, then the rest of the body is left unread (``StopUpload``
    with ``connection_reset``); ``RefusedUploadMiddleware`` puts a ``RefusedUpload`` in its place
    so the form shows the size message instead of "choose a file".
    """

    def _signed_in(self) -> bool:
        user = getattr(self.request, "user", None)
        return bool(user is not None and user.is_authenticated)

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.received = 0
        if not self._signed_in() and content_length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            logger.warning(
                "multipart body of %s bytes from a signed-out visitor not read", content_length
            )
            self.request.upload_refused_unread = True
            return QueryDict(encoding=encoding), MultiValueDict()
        return None

    def new_file(self, field_name, file_name, *args, **kwargs):
        super().new_file(field_name, file_name, *args, **kwargs)
        if not self._signed_in():
            raise StopUpload(connection_reset=True)
        self.file_received = 0

    def receive_data_chunk(self, raw_data, start):
        self.file_received += len(raw_data)
        self.received += len(raw_data)
        if self.received > settings.REQUEST_MAX_BYTES:
            # Many files each under the limit: the request's own limit stops them all (the
            # middleware refuses a declared length past it before this is reached).
            logger.warning("upload stopped: the request's files passed %s bytes", self.received)
            self.request.request_too_large = True  # RefusedUploadMiddleware answers 413
            raise StopUpload(connection_reset=True)
        if self.file_received > settings.UPLOAD_MAX_BYTES:
            refused = getattr(self.request, "refused_uploads", {})
            refused[self.field_name] = (self.file_name, self.file_received)
            self.request.refused_uploads = refused
            logger.info("upload %s stopped past %s bytes", self.field_name, self.file_received)
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size):
        return None


class RefusedUploadMiddleware:
    """After the body is parsed (CSRF reads it first): a file cut short by the handler is given to
    the form as a ``RefusedUpload``, so the form answers with the size message."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view, args, kwargs):
        if request.method == "POST" and request.content_type == "multipart/form-data":
            try:
                files = request.FILES
            except MultiPartParserError:  # Django answers that itself when the view reads it
                return None
            if getattr(request, "request_too_large", False):
                from shared.middleware import RequestSizeMiddleware

                return RequestSizeMiddleware.too_large(request)
            for field, (name, received) in getattr(request, "refused_uploads", {}).items():
                files.setlist(field, [RefusedUpload(name, received)])
        return None
