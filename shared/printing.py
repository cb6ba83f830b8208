"""What every printed document shares: a PDF made by WeasyPrint with the vendored Vazirmatn
fonts, the SHA-256 of the facts it prints, and a QR code to the page that verifies it.

A PDF cannot carry its own file hash (printing the hash changes the file): the QR code carries the
SHA-256 of the facts printed, in a canonical JSON form, and the file's own SHA-256 is kept beside
the stored file and shown on the verification page.
"""

import hashlib
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ClassVar

import segno
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.template.loader import render_to_string
from django.urls import reverse

FONTS = settings.BASE_DIR / "static" / "fonts" / "vazirmatn"


def content_digest(facts: dict) -> str:
    """The SHA-256 of the facts in one canonical JSON form (a date as its ISO text)."""
    canonical = json.dumps(
        facts, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def absolute(path: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def qr_data_uri(url: str) -> str:
    """The QR code as an SVG data URI (segno: pure Python, vector, sharp at any print size)."""
    return segno.make(url, error="m").svg_data_uri(scale=4, border=2)


def font_uris() -> dict:
    """The vendored Vazirmatn faces, as the PDF templates' ``@font-face`` rules name them."""
    return {
        "font_regular": (FONTS / "Vazirmatn-Regular.ttf").as_uri(),
        "font_bold": (FONTS / "Vazirmatn-Bold.ttf").as_uri(),
    }


def render_document(template: str, context: dict):
    """``template`` laid out by WeasyPrint (its pages counted, ``write_pdf()`` for the file),
    with the fonts' URIs in its context."""
    html = render_to_string(template, {**context, **font_uris()})
    from weasyprint import HTML  # imported when used: WeasyPrint loads its fonts and Pango

    return HTML(string=html, base_url=str(settings.BASE_DIR)).render()


def render_pdf(template: str, context: dict) -> bytes:
    """``template`` rendered to a PDF, with the fonts' URIs in its context."""
    return render_document(template, context).write_pdf()


# ------------------------------------------------------------------------------------------------
# The printed document as a model: what the cancellation form, the expulsion order, the letter and
# the minutes keep alike. Abstract models, so this module needs no installed app and imports none.


def new_serial() -> str:
    """What the QR code carries besides the digest: the verification page finds the document by
    it, and it cannot be guessed (so a serial does not lead to another document)."""
    return secrets.token_urlsafe(12)


# The file's place is each kind's own (a path under its app, named by its hash): the fields call
# the model's ``upload_file_to`` / ``upload_scan_to``, so one field serves every kind.
def printed_file_path(instance, filename):
    return instance.upload_file_to(filename)


def signed_scan_path(instance, filename):
    return instance.upload_scan_to(filename)


class PrintedDocument(models.Model):
    """A PDF made once and served again as it was, with the SHA-256 of the file. Blank until it is
    printed: a letter and the minutes exist before their PDF does."""

    # The kind's slug in the registry below and in the documents' URLs.
    printed_kind: ClassVar[str] = ""

    file = models.FileField("فایل", upload_to=printed_file_path, blank=True, max_length=255)
    sha256 = models.CharField("چکیده SHA-256 فایل", max_length=64, blank=True)
    printed_at = models.DateTimeField("زمان چاپ", null=True, blank=True)
    printed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="چاپ‌کننده",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        abstract = True

    def upload_file_to(self, filename: str) -> str:
        raise NotImplementedError

    @property
    def download_url(self) -> str:
        return reverse(
            settings.PRINTED_DOCUMENT_URLS["download"], args=[self.printed_kind, self.pk]
        )


class Verifiable(models.Model):
    """A printed document with a QR code: its serial and the SHA-256 of the facts it prints (a PDF
    cannot carry its own file hash, see above)."""

    serial = models.CharField("شناسه", max_length=32, unique=True, default=new_serial)
    content_sha256 = models.CharField("چکیده محتوا", max_length=64, blank=True)

    class Meta:
        abstract = True

    def verification_url(self) -> str:
        """What the QR code carries: the verification page, absolute, with the facts' digest."""
        path = reverse(
            settings.PRINTED_DOCUMENT_URLS["verify"], args=[self.printed_kind, self.serial]
        )
        return absolute(f"{path}?h={self.content_sha256}")


class Signed(models.Model):
    """Who recorded that the paper was signed, and when."""

    signed_at = models.DateTimeField("زمان ثبت امضا", null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="ثبت‌کننده امضا",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        abstract = True


class SignedScan(Signed):
    """The scan of the signed paper, kept with its SHA-256 and the type it was uploaded as."""

    signed_scan = models.FileField(
        "تصویر امضاشده", upload_to=signed_scan_path, blank=True, max_length=255
    )
    scan_sha256 = models.CharField("چکیده تصویر امضاشده", max_length=64, blank=True)
    scan_content_type = models.CharField(max_length=64, blank=True)

    class Meta:
        abstract = True

    def upload_scan_to(self, filename: str) -> str:
        raise NotImplementedError


# ------------------------------------------------------------------------------------------------
# The registry of printed kinds: the one verification page and the one download page find a kind
# here. Each app registers its kinds in its AppConfig.ready(); the access rule stays the app's.


@dataclass(frozen=True)
class Download:
    """How a document is served, and what the read log records of it (a read word its app
    declares in its trail module, and the record_read arguments, named by that app)."""

    filename: str
    label: str
    read_action: str
    read: dict = field(default_factory=dict)  # case / case_id / cases, detail
    case: object = None  # the case whose file it is, for the integrity page, if one
    inline: bool = True  # our own PDFs open in the browser's viewer, for printing


@dataclass(frozen=True)
class PrintedKind:
    slug: str
    model: type
    # «فرم ابطال کارت»: the verification page's title.
    label: str
    # The document the user may download, by its key: raises Http404 (not theirs to see, or not
    # made yet) or PermissionDenied, as the app's own pages do.
    document_for: Callable
    # How to serve it: a Download.
    download: Callable
    # Verifiable kinds: the documents the user may see (the page answers 404 for any other),
    # the page's template (extending documents/verify.html) and the facts it shows.
    visible_to: Callable | None = None
    verify_template: str = ""
    verify_context: Callable | None = None


_KINDS: dict[str, PrintedKind] = {}


def register(kind: PrintedKind) -> None:
    if kind.slug in _KINDS and _KINDS[kind.slug] != kind:
        raise ImproperlyConfigured(f"printed kind {kind.slug!r} registered twice")
    if kind.model.printed_kind != kind.slug:
        raise ImproperlyConfigured(f"{kind.model.__name__}.printed_kind is not {kind.slug!r}")
    _KINDS[kind.slug] = kind


def kind_of(slug: str) -> PrintedKind | None:
    return _KINDS.get(slug)


def kinds() -> dict[str, PrintedKind]:
    return dict(_KINDS)


def qr_context(document) -> dict:
    """What the PDF base template's QR block prints for a verifiable document."""
    url = document.verification_url()
    return {"serial": document.serial, "verify_url": url, "qr": qr_data_uri(url)}
