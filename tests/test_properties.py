"""properties = [...] in exporter.toml: those front-matter properties of each chapter's
note as a small table under its heading, in every format; none by default."""
from __future__ import annotations

import re
import shutil
import zipfile

import pytest

from exporter import export
from exporter.properties import table_markdown

from .conftest import FIXTURES, epubcheck, page_texts, require_tex

REALISTIC = FIXTURES / "realistic"
CONFIG = 'properties = ["author", "year", "aliases", "status", "read", "finished", "born"]\n'


@pytest.fixture
def vault(tmp_path):
    folder = tmp_path / "v"
    shutil.copytree(REALISTIC, folder)
    book = folder / "Books" / "The Wealth of Nations.md"
    book.write_text(book.read_text().replace(
        "author: Adam Smith\n",
        'author: "[[Adam Smith]]"\nstatus: reading | notes\nread: true\nfinished: 2024-03-01\n'))
    (folder / "exporter.toml").write_text(CONFIG)
    return folder


def test_values_as_written_in_one_cell_each():
    import datetime
    meta = {"author": ["A", "B"], "read": False, "finished": datetime.date(2024, 3, 1),
            "status": "a | b\nc", "empty": None}
    assert table_markdown(meta, ["status", "author", "read", "finished", "empty"]) == (
        "| Property | Value |\n|---|---|\n| status | a \\| b c |\n| author | A, B |\n"
        "| read | no |\n| finished | 2024-03-01 |\n")
    assert table_markdown(meta, ["nothing"]) is None


def test_html_table_under_the_heading_with_links_as_cross_references(vault, tmp_path):
    page = export(vault, "html", output=tmp_path / "p.html").output.read_text()
    tables = re.findall(r'<table class="properties">.*?</table>', page, re.S)
    assert len(tables) == 2  # the book's note and Adam Smith's (born); none for the others
    first = tables[0]
    cells = re.findall(r"<td>(.*?)</td>", first, re.S)
    assert cells[0::2] == ["author", "year", "aliases", "status", "read", "finished"]
    assert 'class="xref" data-target="People/Adam Smith">Adam Smith</a>' in cells[1]
    assert cells[5:12:2] == ["Wealth of Nations, WoN", "reading | notes", "yes", "2024-03-01"]
    heading = page.index('id="the-wealth-of-nations">')
    assert heading < page.index(first) < page.index("Smith opens with the pin factory")
    assert "<thead>" not in first
    assert "(Smith 1776, 4)" in re.sub(r"<[^>]+>", "", page)  # the author linked, cited


def test_none_without_the_key(vault, tmp_path):
    (vault / "exporter.toml").unlink()
    page = export(vault, "html", output=tmp_path / "p.html").output.read_text()
    assert 'class="properties"' not in page


def test_pdf_epub_and_latex(vault, tmp_path):
    text = " ".join(" ".join(page_texts(export(vault, "pdf", output=tmp_path / "p.pdf")
                                        .output)).split())
    assert "author Adam Smith" in text and "finished 2024-03-01" in text
    book = export(vault, "epub", output=tmp_path / "p.epub").output
    assert epubcheck(book).returncode == 0
    with zipfile.ZipFile(book) as epub:
        assert any('class="properties"' in epub.read(n).decode() for n in epub.namelist()
                   if n.endswith(".xhtml"))
    require_tex()
    result = export(vault, "latex", output=tmp_path / "p.tex", compile_tex=True)
    latex_text = " ".join(" ".join(page_texts(result.extra[0], layout=True)).split())
    assert "finished 2024-03-01" in latex_text
