"""Raw HTML in notes reaches the EPUB as well-formed XHTML (and the HTML balanced): pandoc
gives a piece per tag, and the pieces of one list of blocks or inlines are written together."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zipfile

import panflute as pf
import pytest
from exporter.filters import xhtml

from exporter import export

from .conftest import FIXTURES, epubcheck

RAW_HTML = FIXTURES / "raw_html"


def written(items: list) -> str:
    """The list as pandoc would write its inlines: raw HTML as it is, text escaped."""
    return "".join(item.text if isinstance(item, pf.RawInline) else
                   (pf.stringify(item).replace("&", "&amp;").replace("<", "&lt;"))
                   for item in items)


def inline(*pieces) -> str:
    items = [pf.RawInline(p, "html") if p.startswith("<") else pf.Str(p) for p in pieces]
    return written(xhtml.balance(items, xhtml.INLINE))


def test_void_elements_are_closed_and_names_lower_case():
    assert inline("a", "<br>", "b", "<BR>", "<br/>", "<Img src='data:image/png;base64,AA'"
                  " width=30>") == 'a<br />b<br /><br /><img src="data:image/png;base64,AA" ' \
                                   'width="30" />'


def test_tags_open_in_one_piece_close_in_another_or_at_the_end_of_the_list():
    assert inline("<u>", "under", "</u>", " ", "<B>", "bold") == "<u>under</u> <b>bold</b>"
    assert inline("<b>", "x", "<i>", "y", "</b>", "z", "</i>") == "<b>x<i>y</i></b>z"
    assert inline("stray", "</em>", "</p>") == "stray"


def test_entities_become_characters_and_attributes_are_quoted():
    assert inline('<span title="a&nbsp;b &amp; c" class=flair>', "x") == \
        '<span title="a\xa0b &amp; c" class="flair">x</span>'


def test_attributes_xhtml_does_not_allow_are_dropped():
    assert inline('<td align=center>', "x") == "<br />x"  # a cell in a line: a break
    assert inline('<span align=center onclick="x()" data-x=1 foo:bar=2 id=a>', "x") == \
        '<span data-x="1" id="a">x</span>'
    assert inline('<a href="Note.md">', "x", "</a>", '<a href="https://a.b/">', "y") == \
        '<a>x</a><a href="https://a.b/">y</a>'


def test_blocks_in_a_line_are_line_breaks_and_unknown_tags_go():
    assert inline("x", "<p/>", "y", "<div>", "z", "</div>") == "x<br />y<br />z"
    assert inline("<name>", "x", "</name>", "<svg><rect/></svg>") == "x"


def test_in_a_link_raw_links_go_and_a_raw_link_closes_before_one_of_pandoc():
    items = [pf.RawInline('<a href="https://a.b/">', "html"), pf.Str("x"),
             pf.Link(pf.Str("y"), url="#y")]
    balanced = xhtml.balance(items, xhtml.INLINE)
    assert [type(i).__name__ for i in balanced] == ["RawInline", "Str", "RawInline", "Link"]
    assert balanced[2].text == "</a>"
    assert written(xhtml.balance([pf.RawInline("<a href='https://a.b/'>", "html"), pf.Str("x")],
                                 xhtml.INLINE, in_link=True)) == "x"


def test_raw_blocks_close_before_a_heading_and_a_paragraph_leaves_a_raw_p():
    blocks = [pf.RawBlock("<div class=a>", "html"), pf.Para(pf.Str("x")),
              pf.RawBlock("<p>", "html"), pf.Plain(pf.Str("y")), pf.Para(pf.Str("z")),
              pf.Header(pf.Str("h"), level=2), pf.RawBlock("<ul><li>", "html")]
    balanced = xhtml.balance(blocks, xhtml.FLOW)
    raw = [b.text for b in balanced if isinstance(b, pf.RawBlock)]
    assert raw == ['<div class="a">', "<p>", "</p>", "</div>", "<ul><li>", "</li></ul>"]
    assert isinstance(balanced[balanced.index(blocks[5]) - 1], pf.RawBlock)


def test_tables_and_lists_keep_their_structure():
    html = xhtml.balance([pf.RawBlock("<table><tr><td>a<td colspan=2>b<tr><td>c</table>"
                                      "<ul><li>x<li>y</ul>", "html")], xhtml.FLOW)[0].text
    assert html == ('<table><tr><td>a</td><td colspan="2">b</td></tr><tr><td>c</td></tr>'
                    "</table><ul><li>x</li><li>y</li></ul>")


@pytest.fixture(scope="module")
def raw_epub(tmp_path_factory):
    out = tmp_path_factory.mktemp("raw") / "raw.epub"
    return export(RAW_HTML, "epub", output=out, jobs=1).output


def test_raw_html_of_notes_makes_an_epub_epubcheck_accepts(raw_epub):
    check = epubcheck(raw_epub)
    assert check.returncode == 0 and "0 errors / 0 warnings" in check.stdout, check.stdout
    with zipfile.ZipFile(raw_epub) as book:
        texts = {n: book.read(n).decode() for n in book.namelist() if n.endswith(".xhtml")}
    for text in texts.values():
        ET.fromstring(text.encode())  # well-formed
    body = " ".join(texts.values())
    for shown in ["line one<br />", "<u>underline <em>this</em> text</u>", "<kbd>C</kbd>",
                  '<span class="flair">never closed', "<b>bold <i>both</i></b> italic",
                  '<td colspan="2">', "<summary>", '<span class="flair">Not <i>that</i> one'
                  "</span>", "<li>Unclosed <u>underline in a list item</u></li>"]:
        assert shown in body, shown
    assert "Install the Maps plugin or open &lt;obsidian://open?vault=help&gt;." in body
    assert 'href="obsidian:' not in body  # no e-reader opens it (epubcheck warns)
    nav = texts["EPUB/nav.xhtml"]
    assert re.search(r"Heading with <u>underline</u> and a link</a>", nav)
