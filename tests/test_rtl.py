"""Notes in a right-to-left language (fixtures/arabic, lang: ar) run right to left: the PDF's
lines end at the right margin, the HTML and EPUB say dir="rtl" (the EPUB's spine too), the
LaTeX compiles with its Arabic shaped; left-to-right guides are unchanged."""
from __future__ import annotations

import re
import shutil
import subprocess
import zipfile

import pytest

from exporter import export
from exporter.model import Book

from .conftest import FIXTURES, SEEDS, epubcheck, require, require_tex

VAULT = FIXTURES / "arabic"


@pytest.mark.parametrize(("lang", "direction"), [
    ("ar", "rtl"), ("he-IL", "rtl"), ("fa", "rtl"), ("ur", "rtl"), ("en", "ltr"),
    ("zh-Hans", "ltr"), ("ku", "ltr")])
def test_the_direction_of_a_language(lang, direction):
    assert Book("t", None, None, [], FIXTURES, lang=lang).dir == direction


def lines(pdf, page: int) -> list[tuple[float, float, str]]:
    """(left, right, text) of each line of a page, from poppler's boxes."""
    require(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils)")
    boxes = subprocess.run(["pdftotext", "-bbox-layout", "-f", str(page), "-l", str(page),
                            str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    found = re.findall(r'<line xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"[^>]*>(.*?)</line>',
                       boxes, re.S)
    return [(float(a), float(b), " ".join(re.findall(r">([^<]+)</word>", words)))
            for a, b, words in found]


def test_pdf_lines_start_at_the_right_margin(tmp_path):
    pdf = export(VAULT, "pdf", output=tmp_path / "a.pdf").output
    body = [line for page in (3, 4) for line in lines(pdf, page)[1:-1]  # no head, no folio
            if len(line[2]) > 8]
    assert len(body) > 10, "no lines of text"
    assert all(right > 500 for _, right, _ in body)  # of 595 pt: at the right margin
    short = [left for left, _, text in body if len(text) < 40]
    assert short and all(left > 250 for left in short)  # short lines stand at the right


def test_html_and_epub_say_rtl(tmp_path):
    page = export(VAULT, "html", output=tmp_path / "a.html").output.read_text()
    assert '<html lang="ar" dir="rtl">' in page
    book = export(VAULT, "epub", output=tmp_path / "a.epub").output
    checked = epubcheck(book)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    with zipfile.ZipFile(book) as epub:
        assert 'page-progression-direction="rtl"' in epub.read("EPUB/content.opf").decode()
        chapters = [epub.read(n).decode() for n in epub.namelist() if "/text/ch" in n]
    assert chapters and all(' dir="rtl"' in chapter for chapter in chapters)


def test_a_left_to_right_guide_says_ltr(tmp_path):
    page = export(SEEDS, "html", output=tmp_path / "s.html").output.read_text()
    assert '<html lang="en">' in page and 'dir="rtl"' not in page


def test_latex_compiles_with_arabic_shaped(tmp_path):
    require_tex()
    result = export(VAULT, "latex", output=tmp_path / "a.tex", compile_tex=True)
    assert "[Script=Arabic]{Noto Naskh Arabic}" in result.output.read_text()
    fonts = subprocess.run(["pdffonts", str(result.extra[0])], capture_output=True,
                           text=True, check=True).stdout
    assert "NotoNaskhArabic" in fonts


def test_exporter_toml_sets_the_language_of_notes_that_name_none(tmp_path):
    vault = tmp_path / "v"
    vault.mkdir()
    (vault / "Note.md").write_text("# عنوان\n\nنص قصير.\n")
    (vault / "exporter.toml").write_text('lang = "ar"\n')
    page = export(vault, "html", output=tmp_path / "n.html").output.read_text()
    assert '<html lang="ar" dir="rtl">' in page
