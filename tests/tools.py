"""Command-line tools the tests read our documents with: poppler (pdftotext, pdffonts, pdftoppm)
and zbar (zbarimg, for QR codes). ``make test`` installs them; a test that needs one fails, not
skips, when it is missing."""

import shutil
import subprocess

import pytest


def run_tool(tool: str, *args, package: str = "poppler-utils") -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.fail(f"{tool} ({package}) is missing: make test installs it")
    command = [path, *args]  # a tool of ours on a file of our own
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603


def poppler(tool: str, *args) -> str:
    return run_tool(tool, *args)


def read_qr_codes(png_path) -> list[str]:
    """The QR codes zbarimg finds in an image."""
    out = run_tool("zbarimg", "--quiet", "--raw", str(png_path), package="zbar-tools")
    return [line for line in out.splitlines() if line]
