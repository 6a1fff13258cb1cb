"""Page locators in prose become citations; years, editions and headings do not."""
from __future__ import annotations

import panflute as pf
import pytest
from exporter.filters import callouts, page_citations

from exporter import pandoc


def run(markdown: str, book_length: int = 0, fmt: str = "html"):
    doc = pandoc.parse_markdown(markdown, "test")
    doc.format = fmt
    doc = callouts.main(doc)
    doc.citekeys = {"n.md": "grant1997"}
    doc.first_note, doc.note_starts = "n.md", {}
    doc.book_lengths = {"grant1997": book_length}
    return page_citations.main(doc)


def locators(doc) -> list[str]:
    found = []
    doc.walk(lambda e, d: found.append(pf.stringify(pf.Plain(*e.citations[0].suffix)))
             if isinstance(e, pf.Cite) else None)
    return found


@pytest.mark.parametrize("text, expected", [
    ("Sentence (40).", ", p.\u00a040"),
    ("Range (41-42).", ", pp.\u00a041–42"),
    ("En dash (41–42).", ", pp.\u00a041–42"),
    ("Abbreviated (192-6).", ", pp.\u00a0192–196"),
    ("Abbreviated (101-9).", ", pp.\u00a0101–109"),
    ("List (108, 110).", ", pp.\u00a0108, 110"),
    ("As stated (p. 7).", ", p.\u00a07"),
    ("As stated (pp. 41-42).", ", pp.\u00a041–42"),
    ("(12) Leading the paragraph.", ", p.\u00a012"),
    ("In *emphasis (33)* too.", ", p.\u00a033"),
    ("Footnote.^[As the book says (77).]", ", p.\u00a077"),
    ("- a list item (5)", ", p.\u00a05"),
    ("> [!note] Title (9)\n> Callout body (10).", ", p.\u00a010"),
])
def test_locator_forms(text, expected):
    assert locators(run(text)) == [expected]


@pytest.mark.parametrize("text", [
    "In 1972 (1972) he predicted it.",
    "The book appeared (1997).",
    "The (2nd edition) is longer.",
    "A ratio of 1:50 is large.",
    "# A heading (40)",
    "`code (40)`",
    "[link text (40)](https://example.org/(40))",
    "<https://example.org/page(40)>",
    "Backwards range (42-41).",
    "Words (see chapter 4).",
])
def test_not_a_page(text):
    assert locators(run(text)) == []


def test_a_year_is_a_page_when_the_book_is_that_long():
    assert locators(run("Late in the book (1200).", book_length=1500)) == [", p.\u00a01200"]


def test_punctuation_after_the_locator_stays():
    doc = run("Sentence (40). Next (41),")
    assert pf.stringify(doc).count(".") >= 1 and pf.stringify(doc).rstrip().endswith(",")


def test_chapter_gets_the_range_of_book_pages_it_cites():
    doc = run("# One\n\nA (25).\n\nB (41-51).\n\n# Two\n\nNo pages here.\n")
    assert doc.chapter_pages == {"one": [25, 25, 41, 51], "two": []}
    shown = [pf.stringify(b).strip() for b in doc.content if isinstance(b, pf.Div)]
    assert shown == ["Book pages 25–51"]


def test_without_a_book_locators_stay_as_written():
    doc = pandoc.parse_markdown("Said so (40).", "test")
    doc.format = "html"
    doc = page_citations.main(doc)
    assert locators(doc) == [] and "(40)" in pf.stringify(doc)
    assert doc.uncited == [(None, "(40).")]


def test_the_punctuation_after_a_locator_is_not_in_the_citation():
    doc = run("Sentence (40).")
    cite = next(e for e in doc.content[0].content if isinstance(e, pf.Cite))
    assert pf.stringify(cite) == "(40)" and pf.stringify(doc).strip().endswith("(40).")
