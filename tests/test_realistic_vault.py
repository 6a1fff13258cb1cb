"""A vault written as real ones are (fixtures/realistic: what Obsidian's help vault and
users' vaults hold), exported whole and note by note in every format: valid, compiled,
no raw Obsidian syntax outside code, every embed's text and image present."""
from __future__ import annotations

import html
import re
import shutil
import subprocess
import zipfile
from xml.dom import minidom

import pytest

from exporter import export

from .conftest import FIXTURES, epubcheck, page_texts, require, require_tex

VAULT = FIXTURES / "realistic"
WHOLE = "."
BOOK = "Books/The Wealth of Nations.md"
PERSON = "People/Adam Smith.md"
FORMATTING = "Reference/Formatting.md"
# What each source's embeds bring from notes in other folders (block ids after a callout,
# a list, a table, an image; a heading's section), and the images it shows.
EMBEDDED = {
    BOOK: ["limited by the extent of the market", "Pointing", "Price tends to the natural"],
    PERSON: ["the dexterity of every workman", "the machines that abridge labour"],
    FORMATTING: ["Keyboard shortcuts", "upper-case span"],
}
EMBEDDED[WHOLE] = [text for texts in EMBEDDED.values() for text in texts]
IMAGES = {BOOK: {"kirkcaldy.png"}, PERSON: {"smith-portrait.jpg", "pin-factory.svg"},
          FORMATTING: {"smith-portrait.jpg", "pin-factory.svg"}}
IMAGES[WHOLE] = set().union(*IMAGES.values())
RAW = ["[[", "]]", "[!", "%%", "$$", "^callout-markets", "^three-causes", "^labour-table",
       "^pin-figure", "^portrait", "^market-list", "<br", "<kbd", "<BR", "</", "\\begin"]
CODE = re.compile(r"<(pre|code|svg|math|script|style)\b.*?</\1>", re.S | re.I)


def visible_text(markup: str) -> str:
    """The words a reader sees, outside code, formulas and pictures."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", CODE.sub(" ", markup))).split())


def raw_syntax(text: str) -> list[str]:
    return [raw for raw in RAW if raw in text]


def exported(tmp_path, source: str, fmt: str, **options):
    suffix = {"latex": "tex"}.get(fmt, fmt)
    result = export(VAULT / source, fmt, output=tmp_path / f"out.{suffix}", **options)
    assert result.output.exists()
    return result


@pytest.mark.parametrize("source", [WHOLE, BOOK, PERSON, FORMATTING])
def test_html(tmp_path, source):
    result = exported(tmp_path, source, "html")
    markup = result.output.read_text()
    text = visible_text(markup)
    assert raw_syntax(text) == []
    for words in EMBEDDED[source]:
        assert words in text, words
    assert len(re.findall(r"<img\b", markup)) >= len(IMAGES[source])
    assert not [w for w in result.warnings if "no such" in w or "not found" in w]


@pytest.mark.parametrize("source", [WHOLE, BOOK, PERSON, FORMATTING])
def test_epub(tmp_path, source):
    result = exported(tmp_path, source, "epub")
    checked = epubcheck(result.output)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "0 fatals / 0 errors" in checked.stdout + checked.stderr
    with zipfile.ZipFile(result.output) as book:
        names = book.namelist()
        chapters = [book.read(n).decode() for n in names if n.endswith(".xhtml")]
    for chapter in chapters:
        minidom.parseString(chapter)  # well-formed XHTML
    text = visible_text(" ".join(chapters))
    assert raw_syntax(text) == []
    for words in EMBEDDED[source]:
        assert words in text, words
    media = [name for name in names if name.startswith("EPUB/media/")]  # pandoc renames them
    assert {name.rsplit(".", 1)[-1] for name in media} == {
        image.rsplit(".", 1)[-1] for image in IMAGES[source]}, media


@pytest.mark.parametrize("source", [WHOLE, PERSON])
def test_latex_compiles(tmp_path, source):
    require_tex()
    result = exported(tmp_path, source, "latex", compile_tex=True)
    text = " ".join(" ".join(page_texts(result.extra[0])).split())
    assert raw_syntax(text) == []
    for words in EMBEDDED[source]:
        assert words in text, words
    tex = result.output.read_text()
    assert tex.count("\\includegraphics") >= len(IMAGES[source])
    assert "\\includesvg" not in tex


@pytest.mark.parametrize("source", [WHOLE, BOOK])
def test_pdf(tmp_path, source):
    require(shutil.which("pdfimages") is not None, "pdfimages (poppler-utils)")
    result = exported(tmp_path, source, "pdf")
    text = " ".join(" ".join(page_texts(result.output)).split())
    assert raw_syntax(text) == []
    for words in EMBEDDED[source]:
        assert words in text, words
    for words in ("国富论", "国富論", "ثروة") if source == WHOLE else ():
        assert words in text or words[::-1] in text, words
    listed = subprocess.run(["pdfimages", "-list", str(result.output)], capture_output=True,
                            text=True, check=True).stdout.splitlines()[2:]
    bitmaps = {name for name in IMAGES[source] if not name.endswith(".svg")}
    assert len(listed) >= len(bitmaps)
