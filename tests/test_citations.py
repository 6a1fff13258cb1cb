"""Page citations end to end: citeproc in every format, References, several books."""
from __future__ import annotations

import re
import zipfile

from pypdf import PdfReader

from exporter import export

from .conftest import SEED_NOTE, SEEDS, epubcheck, require_tex

URL = "https://www.marxist.com/russia-from-revolution-to-counter-revolution/all-pages.htm"


def seed_locators() -> int:
    """Page locators in the seed's prose, counted on the Markdown: '(40)', '(41-42)', ..."""
    text = SEED_NOTE.read_text()
    return len(re.findall(r"\((?:pp?\. )?\d{1,3}(?:[-–]\d{1,3})?(?:, \d{1,3})*\)", text))


def test_every_locator_of_the_seed_is_a_citeproc_citation(tmp_path):
    html = export(SEEDS, "html", output=tmp_path / "s.html").output.read_text()
    assert html.count('<span class="citation" data-cites="grant1997">') == seed_locators() >= 60
    assert "(Grant 1997, 41–42)" in re.sub(r"<[^>]+>", "", html)
    assert "(Grant 1997, 108, 110)" in re.sub(r"<[^>]+>", "", html)
    assert "Russia - From Revolution to Counter-Revolution (1997)</h1>" not in html  # title page
    assert '<h1 class="unnumbered" id="bibliography">References</h1>' in html
    assert f'<a href="{URL}">' in html.split('id="refs"')[1]


def test_pdf_cites_the_book_and_lists_it(tmp_path):
    pdf = export(SEEDS, "pdf", output=tmp_path / "s.pdf").output
    pages = [" ".join(p.extract_text().split()) for p in PdfReader(pdf).pages]
    text = " ".join(pages)
    assert "(Grant 1997, 40)" in text and "(40)" not in text
    assert "(1997)" in pages[0]  # the year in the title is no page
    references = next(p for p in pages if p.startswith("References"))
    assert "Grant, Ted. 1997." in references
    assert "Book pages 25–51" in text


def test_epub_has_citations_and_references(tmp_path):
    out = export(SEEDS, "epub", output=tmp_path / "s.epub").output
    check = epubcheck(out)
    assert check.returncode == 0 and "0 errors" in check.stdout, check.stdout
    with zipfile.ZipFile(out) as book:
        text = " ".join(book.read(n).decode() for n in book.namelist() if n.endswith(".xhtml"))
    assert "Grant 1997, 40" in text and URL in text


def test_latex_carries_the_citations_and_compiles(tmp_path):
    require_tex()
    result = export(SEEDS, "latex", output=tmp_path / "s.tex", compile_tex=True)
    assert "Grant 1997, 40" in result.output.read_text()
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(result.extra[0]).pages).split())
    assert "(Grant 1997, 40)" in text and "References" in text


def test_short_citations_print_only_the_page_linked_to_the_reference(tmp_path):
    html = export(SEEDS, "html", output=tmp_path / "s.html", short_citations=True) \
        .output.read_text()
    assert '(<a href="#ref-grant1997" class="page-ref">40</a>)' in html
    assert 'id="ref-grant1997"' in html  # the book is still listed


def test_another_csl_style(tmp_path):
    style = tmp_path / "pages-only.csl"
    style.write_text(MINIMAL_CSL)
    html = export(SEEDS, "html", output=tmp_path / "s.html", csl=style).output.read_text()
    assert "[Grant p. 40]" in re.sub(r"<[^>]+>", "", html)


def test_two_books_in_one_vault_each_note_cites_its_own(tmp_path):
    (tmp_path / "Prince.md").write_text(
        "---\nauthor: Niccolò Machiavelli\ntitle: The Prince\nyear: 1532\n---\n"
        "Fortune is a river (98).\n")
    (tmp_path / "Leviathan.md").write_text(
        "---\nauthor: Thomas Hobbes\ntitle: Leviathan (1651)\npublisher: Crooke\n---\n"
        "Life is nasty, brutish and short (62).\n")
    html = export(tmp_path, "html", output=tmp_path / "out" / "x.html").output.read_text()
    text = re.sub(r"<[^>]+>", "", html)
    assert "(Machiavelli 1532, 98)" in text and "(Hobbes 1651, 62)" in text
    assert "Hobbes, Thomas. 1651. Leviathan. Crooke." in " ".join(text.split())


def test_page_numbers_without_a_book_stay_and_warn(tmp_path):
    (tmp_path / "Loose.md").write_text("No front matter, but a page (40).\n")
    result = export(tmp_path, "html", output=tmp_path / "out" / "x.html")
    assert "a page (40)." in result.output.read_text()
    assert any(w.startswith("Loose.md: page numbers but no book") for w in result.warnings)


MINIMAL_CSL = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info><title>Pages only</title><id>pages-only</id>
    <updated>2026-01-01T00:00:00+00:00</updated></info>
  <citation><layout prefix="[" suffix="]">
    <names variable="author"><name form="short"/></names>
    <group delimiter=" " prefix=" "><label variable="locator" form="short"/>
      <text variable="locator"/></group>
  </layout></citation>
  <bibliography><layout><names variable="author"/>
    <text variable="title" prefix=". "/></layout></bibliography>
</style>
"""
