"""Read PDFs in tests with poppler's command-line tools (skipped where poppler is missing)."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

PDFTOTEXT = shutil.which("pdftotext")
PDFINFO = shutil.which("pdfinfo")
needs_poppler = pytest.mark.skipif(
    not (PDFTOTEXT and PDFINFO), reason="poppler-utils (pdftotext, pdfinfo) is not installed"
)


def pdf_text(path: Path) -> str:
    return subprocess.run([PDFTOTEXT, path, "-"], capture_output=True, text=True).stdout


def pdf_pages_and_size(path: Path) -> tuple[int, tuple[int, int]]:
    """(number of pages, (width, height) of the first page in points, rounded)."""
    info = subprocess.run([PDFINFO, path], capture_output=True, text=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())
    return pages, (round(width), round(height))
