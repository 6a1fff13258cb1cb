"""A vault of several notes: one chapter each, cross-references with the right pages."""
from __future__ import annotations

import re

import pytest
from pypdf import PdfReader

from exporter import export

from .conftest import FIXTURES, epubcheck, printed_pages, require_tex

PRINCE = FIXTURES / "prince"
READING = FIXTURES / "reading"  # .obsidian/ at its root, the note two folders down


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """{printed page number: text} of the body and index pages."""
    out = export(PRINCE, "pdf", output=tmp_path_factory.mktemp("p") / "p.pdf").output
    return printed_pages(PdfReader(out))


def page_of(pages, heading):
    return next(int(n) for n, text in pages.items() if n.isdigit() and text.startswith(heading))


def test_each_note_is_a_chapter_in_order(pages):
    order = [page_of(pages, h) for h in ["Introduction", "Of hereditary principalities",
                                         "How the strength", "Cesare Borgia"]]
    assert order == sorted(order) and len(set(order)) == 4


def test_cross_references_show_the_page_they_point_to(pages):
    text = " ".join(pages.values())
    borgia = page_of(pages, "Cesare Borgia")
    assert f"Duke Valentino (p. {borgia})" in text  # alias as display text
    assert f"Chapter 10 (p. {page_of(pages, 'How the strength')})" in text
    assert f"See also Intro (p. {page_of(pages, 'Introduction')})" in text  # front-matter alias
    fall = re.search(r"his fall \(p\. (\d+)\)", text)
    assert fall and "Fall" in pages[fall.group(1)]


def test_concepts_print_their_text_and_hidden_things_do_not(pages):
    text = " ".join(pages.values())
    assert "virtù and Fortuna" in text
    for hidden in ["private remark", "A comment across lines", "TRASHED NOTE TEXT", "[[", "%%"]:
        assert hidden not in text
    assert "#42" in text and "C#" in text


def test_epub_of_a_vault_passes_epubcheck(tmp_path):
    out = export(PRINCE, "epub", output=tmp_path / "p.epub").output
    check = epubcheck(out)
    assert check.returncode == 0 and "0 errors" in check.stdout, check.stdout


def test_latex_of_a_vault_has_page_references_and_compiles(tmp_path):
    require_tex()
    from exporter.render import latex
    tex = export(PRINCE, "latex", output=tmp_path / "p.tex").output
    source = tex.read_text()
    assert "\\pageref{cesare-borgia}" in source and "\\hyperref[cesare-borgia]" in source
    pdf = latex.compile_pdf(tex)
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(pdf).pages).split())
    assert "Duke Valentino (p." in text and "??" not in text


def test_a_note_exported_alone_embeds_from_its_whole_vault(tmp_path):
    result = export(READING / "Reading Notes" / "The Prince.md", "html",
                    output=tmp_path / "p.html")
    text = result.output.read_text()
    assert result.warnings == []
    for embedded in ["skill and energy", "the other half is left to us",
                     "He lost everything", "data:image/png"]:
        assert embedded in text
    assert "Not in the embed" not in text and "Unrelated" not in text  # one note, one book
    assert "size: letter" in text  # the vault root's exporter.toml


def test_links_and_images_written_as_relative_or_encoded_paths_resolve(tmp_path):
    result = export(READING, "html", output=tmp_path / "r.html")
    text = result.output.read_text()
    assert result.warnings == []
    for target, shown in [("Concepts/Fortuna", "the fortune note"), ("Concepts/Virtù", "virtù"),
                          ("People/Borgia", "the duke"),
                          ("Reading Notes/Discussion questions", "the questions"),
                          ("Reading Notes/Discussion questions", "the same, again")]:
        assert re.search(rf'class="xref" data-target="{target}">{shown}</a>', text), shown
    assert 'aria-label="the map again" src="data:image/png' in text


def test_headings_match_ignoring_punctuation_and_attachments_print_as_text(tmp_path):
    text = export(READING, "html", output=tmp_path / "r.html").output.read_text()
    assert re.search(r'<a href="#fortuna--can-she-be-resisted" [^>]*class="xref"', text)
    assert re.search(r'<a href="#fortuna--her-flood-and-the-dykes" [^>]*>the dykes</a>', text)
    assert re.search(r'embed" data-source="Concepts/Fortuna.md">\n<h2[^>]*>Can she be resisted',
                     text)
    assert '<span class="attachment">the reading list</span>' in text
    assert 'data-target="reading list.pdf"' not in text and "map.png, " not in text  # no index
