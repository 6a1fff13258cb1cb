"""Raw HTML in notes reaches the EPUB as well-formed XHTML (and the HTML balanced): pandoc
gives a piece per tag, and the pieces of one list of blocks or inlines are written together."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zipfile

import panflute as pf
import pytest
from exporter.filters import xhtml
from hypothesis import given, settings
from hypothesis import strategies as st

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
                  '<td colspan="2">', '<span class="flair">Not <i>that</i> one'
                  "</span>", "<li>Unclosed <u>underline in a list item</u></li>"]:
        assert shown in body, shown
    assert re.search(r'<div class="details">\s*<div class="summary">\s*Click to open', body)
    assert "Install the Maps plugin or open &lt;obsidian://open?vault=help&gt;." in body
    assert 'href="obsidian:' not in body  # no e-reader opens it (epubcheck warns)
    nav = texts["EPUB/nav.xhtml"]
    assert re.search(r"Heading with <u>underline</u> and a link</a>", nav)


# Random raw HTML: tags of every kind, in any case, with attributes quoted or not, void
# elements, tags never closed, closed twice or crosswise, entities XML does not know.
NAMES = ["b", "I", "u", "span", "SPAN", "a", "kbd", "br", "img", "hr", "wbr", "p", "div",
         "details", "summary", "table", "tr", "td", "th", "ul", "li", "h2", "code", "s",
         "font", "center", "svg", "rect", "name", "local-path", "x:y", "ruby"]
ATTRIBUTES = ["class=flair", "class='a b'", 'title="a&nbsp;b &amp; c"', "width=30",
              "width=50%", "align=center", "colspan=2", "href=https://obsidian.md/",
              "href='Note.md'", "id=x", "id=1bad", "style='color: red'", "data-x=1",
              "onclick=alert(1)", "src=pic.png", "lang=fr", "dir=sideways", "open", "a:b=1",
              "title=<", "title='x\"y'", "x"]
TEXTS = ["text", "a & b", "x < y", "&nbsp;", "&copy;", "&#x1F600;", "&bogus;", "&#0;", " ",
         "\n", "ü", "]]>", "<!-- note -->", "<![CDATA[x]]>", "<?php x ?>", "<div class=\"x"]

attributes = st.lists(st.sampled_from(ATTRIBUTES), max_size=3).map(
    lambda found: "".join(" " + a for a in found))
tag = st.one_of(
    st.tuples(st.sampled_from(NAMES), attributes, st.sampled_from([">", "/>", " />"]))
    .map(lambda t: f"<{t[0]}{t[1]}{t[2]}"),
    st.sampled_from(NAMES).map("</{}>".format))
raw_piece = st.one_of(tag, st.lists(st.one_of(tag, st.sampled_from(TEXTS)), min_size=2,
                                    max_size=6).map("".join))


def xml_of(items: list) -> str:
    """The balanced blocks as pandoc would write them (a paragraph as <p>, a heading as
    <h2>), their inlines as `written` writes them."""
    out = []
    for item in items:
        if isinstance(item, pf.RawBlock):
            out.append(item.text)
        elif isinstance(item, pf.Header):
            out.append(f"<h2>{written(list(item.content))}</h2>")
        else:
            text = written(xhtml.balance(list(item.content), xhtml.INLINE))
            out.append(f"<p>{text}</p>" if isinstance(item, pf.Para) else text)
    return "".join(out)


inlines = st.lists(st.one_of(raw_piece.map(lambda t: pf.RawInline(t, "html")),
                             st.sampled_from(["word", "a & b", "x < y", " "]).map(pf.Str)),
                   max_size=12)
blocks = st.lists(st.one_of(
    raw_piece.map(lambda t: pf.RawBlock(t, "html")),
    inlines.map(lambda items: pf.Para(*items)), inlines.map(lambda items: pf.Plain(*items)),
    st.just(pf.Header(pf.Str("Heading"), level=2))), max_size=10)


@settings(max_examples=200, deadline=None, database=None)
@given(items=inlines)
def test_random_raw_inlines_give_well_formed_xhtml(items):
    text = written(xhtml.balance(items, xhtml.INLINE))
    ET.fromstring(f"<p>{text}</p>")


@settings(max_examples=200, deadline=None, database=None)
@given(items=blocks)
def test_random_raw_blocks_give_well_formed_xhtml(items):
    text = xml_of(xhtml.balance(items, xhtml.FLOW))
    ET.fromstring(f"<div>{text}</div>")


markdown_line = st.lists(st.one_of(raw_piece, st.sampled_from(["word", "*emphasis*", "`code`",
                                                               "[[Credits]]", "a & b"])),
                         min_size=1, max_size=8).map(" ".join)
note_block = st.one_of(
    markdown_line, markdown_line.map("## {}".format), markdown_line.map("> {}".format),
    markdown_line.map("- {}".format), raw_piece,
    st.tuples(markdown_line, markdown_line).map(
        lambda cells: f"| a | b |\n|---|---|\n| {cells[0].replace('|', '')} | "
                      f"{cells[1].replace('|', '')} |"))
random_note = st.lists(note_block, min_size=3, max_size=10).map("\n\n".join)


@settings(max_examples=3, deadline=None, database=None)
@given(note=random_note)
def test_random_raw_html_in_notes_makes_an_epub_epubcheck_accepts(tmp_path_factory, note):
    vault = tmp_path_factory.mktemp("vault")
    (vault / "Random.md").write_text(f"# Random\n\n{note}\n", encoding="utf-8")
    (vault / "Credits.md").write_text((RAW_HTML / "Credits.md").read_text(), encoding="utf-8")
    out = export(vault, "epub", output=vault / "out" / "r.epub", jobs=1, cache=False).output
    check = epubcheck(out)
    assert check.returncode == 0 and "0 errors /" in check.stdout, (note, check.stdout)
