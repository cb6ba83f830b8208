"""What every printed document shares: a PDF made by WeasyPrint with the vendored Vazirmatn
fonts, the SHA-256 of the facts it prints, and a QR code to the page that verifies it.

A PDF cannot carry its own file hash (printing the hash changes the file): the QR code carries the
SHA-256 of the facts printed, in a canonical JSON form, and the file's own SHA-256 is kept beside
the stored file and shown on the verification page.
"""

import hashlib
import json

import segno
from django.conf import settings
from django.template.loader import render_to_string

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
