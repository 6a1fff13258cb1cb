"""Cases found by exporting large real vaults (tests/fixtures/edges): ids that clashed,
links written the way tables and nested headings need, callouts and images of other forms."""
from __future__ import annotations

import re
import zipfile

import pytest

from exporter import export
from exporter.check import check

from .conftest import FIXTURES, epubcheck, printed_pages

VAULT = FIXTURES / "edges"


@pytest.fixture(scope="module")
def html(tmp_path_factory):
    return export(VAULT, "html", output=tmp_path_factory.mktemp("h") / "e.html").output.read_text()


def xrefs(text: str) -> dict[str, str]:
    """Each cross-reference's shown text -> the id it points to."""
    return {shown: href for href, shown in
            re.findall(r'<a href="#([^"]+)"[^>]*class="xref"[^>]*>([^<]+)</a>', text)}


def test_every_id_is_given_once(html):
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids))


def test_a_block_id_named_as_a_heading_gets_an_anchor_of_its_own(html):
    assert xrefs(html)["licence block"] == "gamma--lucide-2"  # the heading is gamma--lucide
    assert '<span id="gamma--lucide-2" class="block-anchor"></span>Version' in html


def test_a_note_named_index_is_not_the_guides_index(html):
    assert xrefs(html)["Index"] != "index"
    assert '<h1 class="unnumbered index" id="index">' in html or 'id="index"' in html


def test_links_escaped_in_a_table_and_nested_headings_resolve(html):
    links = xrefs(html)
    assert links["the beta note"] == "beta"  # [[Beta\|the beta note]] in a table cell
    assert links["deeper"] == "beta--deeper"
    assert links["Beta › Deeper › Deepest"] == "beta--deepest"  # [[Beta#Deeper#Deepest]]
    assert "Beta\\" not in html


def test_images_sized_in_a_table_and_by_markdown_alt_text(html):
    assert re.search(r'<img [^>]*width="40"', html)  # ![[diagram.png\|40]]
    assert re.search(r'<img [^>]*aria-label="a diagram"[^>]*width="50" height="30"', html)


def test_an_embed_never_starts_a_chapter_and_links_go_to_the_chapter(tmp_path):
    out = export(VAULT, "epub", output=tmp_path / "e.epub").output
    check_run = epubcheck(out)
    assert "0 errors / 0 warnings" in check_run.stdout, check_run.stdout
    with zipfile.ZipFile(out) as book:
        pages = {name: book.read(name).decode() for name in book.namelist()
                 if name.endswith(".xhtml")}
    chapter_of = {i: name for name, page in pages.items()
                  for i in re.findall(r'\sid="([^"]+)"', page)}
    beta = chapter_of["beta"]
    assert "Beta text." in pages[beta] and "Alpha embeds" not in pages[beta]
    assert all(f'{beta.rsplit("/", 1)[-1]}#beta"' in pages[name] for name in pages
               if "See <a" in pages[name])
    assert chapter_of["alpha"] == chapter_of["alpha--embedded-1"]  # the embed stays in Alpha


def test_pdf_pages_of_the_index_note_and_the_zettel(tmp_path):
    out = export(VAULT, "pdf", output=tmp_path / "e.pdf").output
    pages = printed_pages(out)
    text = " ".join(pages.values())

    def page_of(start: str) -> str:  # a page's text starts with its running head
        return next(n for n, page in pages.items() if n.isdigit() and page.startswith(start))

    assert f"Index (p. {page_of('Index Index My map')})" in text
    assert f"alienation (p. {page_of('Alienation Alienation')})" in text


def test_check_knows_self_sections_and_missing_blocks():
    problems = [str(p) for p in check(VAULT)]
    assert not any("cycle" in p for p in problems), problems
    assert "Self.md:11: warning: [[Beta#^nosuchblock]]: Beta.md has no block '^nosuchblock'" \
        in problems
