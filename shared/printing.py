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
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse

from shared.uploads import EXTENSIONS

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
        return download_url(self.printed_kind, self.pk)


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

    @property
    def signed_scan_url(self) -> str:
        return download_url(self.printed_kind, self.pk, "signed")


# ------------------------------------------------------------------------------------------------
# The registry of printed kinds: the one verification page and the one download page find a kind
# here. Each app registers its kinds in its AppConfig.ready(); the access rule stays the app's.


@dataclass(frozen=True)
class Stored:
    """One file of a kind, by the fields of its model that keep it: the printed PDF (``file``),
    the scan of the signed paper (a variant, ``signed``), or a file that is a kind's only one
    (the proof of an exit)."""

    file: str = "file"
    sha256: str = "sha256"
    # The field keeping the type the file was uploaded as; "" for a PDF of our own.
    content_type: str = ""
    # Said after the kind's label, in the file's label: «فرم ابطال کارت امضاشده».
    label: str = ""
    # The read word of the log, when it is not the kind's (the signed scan: every app's "scan").
    read_action: str = ""
    # Whether the document's file may be served as it is now (the minutes: only for the session
    # as it is); an empty field is never served.
    ready: Callable | None = None

    @property
    def uploaded(self) -> bool:
        return bool(self.content_type)


PRINTED = Stored()


def signed_scan(read_action: str) -> Stored:
    """The scan of the signed paper (SignedScan's fields), served as the kind's ``signed``."""
    return Stored(
        file="signed_scan",
        sha256="scan_sha256",
        content_type="scan_content_type",
        label="امضاشده",
        read_action=read_action,
    )


@dataclass(frozen=True)
class Download:
    """One file as the download page serves it, and what the read log records of it."""

    file: object
    sha256: str
    content_type: str
    filename: str
    label: str
    read_action: str
    read: dict  # record_read's case / case_id / cases, and detail
    case: object = None  # the case whose file it is, for the integrity page, if one
    inline: bool = True
    # An upload (a signed scan, a proof of exit): its digest must also be one the audit trail
    # recorded when it was stored (shared.http.attachment's ``in_trail``); a PDF of our own is
    # made again from its facts and checked by its own digest.
    in_trail: bool = False


@dataclass(frozen=True)
class PrintedKind:
    slug: str
    model: type
    # «فرم ابطال کارت»: the verification page's title, and the start of the file's label.
    label: str
    # The document the user may download, by its key: raises Http404 (not theirs to see) or
    # PermissionDenied, as the app's own pages do.
    document_for: Callable
    # What tells one document of the kind from another (its number): the end of the file's
    # name and of its label.
    name: Callable
    # The read word of the log for its printed file (declared in the app's trail module).
    read_action: str
    # The case whose document it is (the read log's and the integrity page's), if one.
    case: Callable | None = None
    # What the read log records instead of the case (the minutes: every case on the agenda), as
    # record_read's arguments; a "detail" given here replaces "<kind> <key>" (the variant is
    # added to either).
    read: Callable | None = None
    # Its files by variant: "" is the one /documents/<kind>/<pk>/download/ serves.
    files: dict = field(default_factory=lambda: {"": PRINTED})
    # Our own PDFs open in the browser's viewer, for printing (an upload never does).
    inline: bool = True
    # Verifiable kinds: the documents the user may see (the page answers 404 for any other),
    # the page's template (extending documents/verify.html) and the facts it shows.
    visible_to: Callable | None = None
    verify_template: str = ""
    verify_context: Callable | None = None

    def download(self, document, variant: str = "") -> Download:
        """How ``document``'s file ``variant`` is served. Http404 when the kind has no such
        file, or the document has none (yet)."""
        stored = self.files.get(variant)
        if stored is None:
            raise Http404
        stored_file = getattr(document, stored.file)
        if not stored_file or (stored.ready is not None and not stored.ready(document)):
            raise Http404
        name = str(self.name(document))
        if stored.uploaded:
            content_type = getattr(document, stored.content_type)
            extension = EXTENSIONS.get(content_type, "bin")
        else:
            content_type, extension = "application/pdf", "pdf"
        stem = "-".join(filter(None, [self.slug, variant, name.replace("/", "-")]))
        case = self.case(document) if self.case else None
        read = {"case": case} if self.read is None else dict(self.read(document))
        detail = read.get("detail") or f"{self.slug} {document.pk}"
        read["detail"] = " ".join(filter(None, [detail, variant]))
        return Download(
            file=stored_file,
            sha256=getattr(document, stored.sha256),
            content_type=content_type,
            filename=f"{stem}.{extension}",
            label=" ".join(filter(None, [self.label, stored.label, name])),
            read_action=stored.read_action or self.read_action,
            read=read,
            case=case,
            inline=self.inline and not stored.uploaded,
            in_trail=stored.uploaded,
        )


_KINDS: dict[str, PrintedKind] = {}


def register(*kinds: PrintedKind) -> None:
    for kind in kinds:
        if kind.slug in _KINDS and _KINDS[kind.slug] != kind:
            raise ImproperlyConfigured(f"printed kind {kind.slug!r} registered twice")
        # A printed model names its kind; a kind may also serve a file of another model (the
        # proof of an exit, kept on the ordered person).
        printed = issubclass(kind.model, PrintedDocument)
        if printed and kind.model.printed_kind != kind.slug:
            raise ImproperlyConfigured(f"{kind.model.__name__}.printed_kind is not {kind.slug!r}")
        if not printed and kind.visible_to is not None:
            raise ImproperlyConfigured(f"{kind.slug!r}: only a printed document is verified")
        _KINDS[kind.slug] = kind


def kind_of(slug: str) -> PrintedKind | None:
    return _KINDS.get(slug)


def kinds() -> dict[str, PrintedKind]:
    return dict(_KINDS)


def download_url(slug: str, pk: int, variant: str = "") -> str:
    """The one download page's address for a file of kind ``slug``."""
    args = [slug, pk, variant] if variant else [slug, pk]
    return reverse(settings.PRINTED_DOCUMENT_URLS["download"], args=args)


def qr_context(document) -> dict:
    """What the PDF base template's QR block prints for a verifiable document."""
    url = document.verification_url()
    return {"serial": document.serial, "verify_url": url, "qr": qr_data_uri(url)}
