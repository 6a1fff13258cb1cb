"""The LaTeX of what real vaults hold (fixtures/latex_real, after Obsidian's help vault),
exported and compiled once."""
from __future__ import annotations

import pytest
from pypdf import PdfReader

from exporter import export

from .conftest import FIXTURES, page_texts, require_tex

VAULT = FIXTURES / "latex_real"


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    require_tex()
    folder = tmp_path_factory.mktemp("latex_real")
    result = export(VAULT, "latex", output=folder / "real.tex", compile_tex=True)
    return {"result": result, "folder": folder, "pdf": result.extra[0],
            "tex": " ".join(result.output.read_text().split()),
            "text": " ".join(" ".join(page_texts(result.extra[0])).split())}


def test_links_to_parts_of_notes(exported):
    tex = exported["tex"]
    assert "{Elsewhere › Some heading}\\index{Elsewhere}}" in tex
    assert "{Tables › A heading}\\index{Tables}~(p.~\\pageref{tables--a-heading})" in tex


def test_svg_images_are_included_as_pdf(exported):
    assert "\\includesvg" not in exported["tex"]
    assert exported["tex"].count("{Attachments/icon.svg.pdf}") == 2
    assert (exported["folder"] / "Attachments" / "icon.svg.pdf").read_bytes().startswith(b"%PDF")


def test_an_svg_that_does_not_convert_is_left_out_with_a_warning(exported):
    assert "[image left out: broken.svg]" in exported["text"]
    warned = [str(w) for w in exported["result"].warnings if "broken.svg" in str(w)]
    assert len(warned) == 1
    assert warned[0].startswith(
        "Images.md: image left out: broken.svg is an SVG not convertible to PDF (")


def test_backslash_words_tex_does_not_know_print_as_written(exported):
    assert "C:\\Users\\Username\\Vaults, or in C:\\Program Files\\Obsidian." in exported["text"]
    assert "\\fi. \\newpage After a page break." in exported["tex"]  # raw LaTeX kept


def test_characters_latin_modern_lacks_print_in_fallback_fonts(exported):
    text = exported["text"]
    assert "Languages: Русский, 简体中文，日本語のかな, 한국어, Ελληνικά." in text
    assert "press ⌘ + ⇧ + ⌥ + ⌃, then ⇥; a menu ⋮; done ✓." in text
    assert "⌘ + P in code, ✓ in bold, Русский in italics." in text
    fonts = {font["/BaseFont"].split("+")[-1] for page in PdfReader(exported["pdf"]).pages
             for font in page["/Resources"]["/Font"].values()}
    assert {"NotoSerif-Regular", "NotoSerif-Italic", "DejaVuSans-Bold"} <= fonts
    assert any(font.startswith("NotoSerifCJK") for font in fonts)


def test_one_note_with_no_h1_starts_after_the_contents_page(tmp_path):
    require_tex()
    note = tmp_path / "vault" / "A note without H1.md"
    note.parent.mkdir()
    note.write_text("The note's first words.\n\n## First section\n\nText.\n\n## Second\n\nMore.\n")
    result = export(note, "latex", output=tmp_path / "out" / "n.tex", compile_tex=True)
    pages = page_texts(result.extra[0])
    contents = next(page for page in pages if "Contents" in page)
    assert "First section" in contents and "first words" not in contents


def test_lists_and_quotes_nest_deeper_than_latex_lets_them(exported):
    text = exported["text"]
    assert "· four • five – six ∗ seven" in text and "A. four 1. five" in text
    assert text.count("quote") >= 7


def test_raw_html_line_breaks_and_images_print(exported):
    text, tex = exported["text"], exported["tex"]
    assert "Value broken" in text and "line one line two" in text  # lines of a cell
    assert "Valuebroken" not in text
    assert tex.count("{Attachments/pic.png}") == 4  # <img width=300> among them
    assert "width=3.125in" in tex


def test_long_code_lines_wrap(exported):
    line = "a very long line of code that goes on" + " and on" * 12
    assert line in exported["text"].replace(" ↪ ", " ")  # ↪ marks where the line wraps


def test_long_inline_code_may_break_after_punctuation(exported):
    assert ("\\texttt{obsidian://}\\allowbreak{}\\texttt{open?}\\allowbreak{}\\texttt{vault=}"
            "\\allowbreak{}\\texttt{my-}") in exported["tex"]
    assert "{\\texttt{obsidian://open?vault=my-vault}}" in exported["tex"]  # not in a heading
    assert "\\texttt{\\%2Fa}\\allowbreak{}\\texttt{\\%2Fb}" in exported["tex"]
    assert "obsidian://open?vault=my-vault&file=path/to/a-long-note-name.md" in exported["text"]


def test_no_obsidian_syntax_prints_outside_code(exported):
    text = exported["text"].replace('print("%%")', "")
    for mark in ["[[", "]]", "[!", "%%", "$$", "=="]:
        assert mark not in text, mark


def test_mathjax_extensions_notes_use_compile(exported):
    assert "a state |𝜓⟩ and ⟨𝜙|, water H2O." in exported["text"]
    assert "\\[\\require{cancel}\\frac{\\cancel{a}b}{\\cancel{a}c}\\]" in exported["tex"]


def test_a_character_only_a_colour_font_has_is_named_in_a_warning(exported):
    warned = [str(w) for w in exported["result"].warnings if "xelatex" in str(w)]
    assert len(warned) == 1 and warned[0].endswith(
        "Scripts.md:4: no font xelatex draws has 🔴 (U+1F534): they will not print; "
        "xelatex draws no colour font (emoji)")
