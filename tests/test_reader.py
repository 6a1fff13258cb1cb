"""Reading notes: front matter, encodings, header lines, and notes pandoc cannot take."""
from __future__ import annotations

import panflute as pf
import pytest

from exporter import pandoc, reader
from exporter.errors import ExportError
from exporter.log import Warnings

from .conftest import SEED_NOTE


def read(tmp_path, text: str | bytes, warnings=None):
    path = tmp_path / "note.md"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return reader.read_note(path, tmp_path, warnings or Warnings())


def test_front_matter_is_split_off_and_a_later_rule_stays_a_rule(tmp_path):
    note = read(tmp_path, "---\nauthor: A\ndate: 2020-01-02\n---\n# T\n\ntext\n\n---\n\nmore\n")
    assert note.meta == {"author": "A", "date": "2020-01-02"}  # a YAML date becomes a string
    assert note.body_line == 5
    doc = reader.parse(note)
    assert any(isinstance(b, pf.HorizontalRule) for b in doc.content)


def test_the_seed_parses_although_plain_pandoc_takes_its_rule_for_yaml():
    note = reader.read_note(SEED_NOTE, SEED_NOTE.parent, Warnings())
    doc = reader.parse(note)
    assert note.meta["author"] == "Ted Grant"
    assert sum(isinstance(b, pf.Header) and b.level == 1 for b in doc.content) >= 8


def test_bad_front_matter_warns_with_file_and_line_and_keeps_the_body(tmp_path):
    warnings = Warnings()
    note = read(tmp_path, "---\ntitle: [unclosed\n---\nThe body survives.\n", warnings)
    assert note.meta == {}
    assert "The body survives." in note.body
    assert warnings.messages and warnings.messages[0].startswith("note.md:")


def test_bom_and_crlf_are_accepted(tmp_path):
    note = read(tmp_path, b"\xef\xbb\xbf---\r\nauthor: A\r\n---\r\nline one\r\n")
    assert note.meta == {"author": "A"} and note.body.strip() == "line one"
    assert "\r" not in note.body


def test_a_file_that_is_not_utf8_names_the_file_and_byte(tmp_path):
    with pytest.raises(ExportError, match=r"note.md:1: not UTF-8 \(byte 6\)"):
        read(tmp_path, b"hello \xff world")


def test_nesting_too_deep_is_an_error_on_that_note(tmp_path):
    note = read(tmp_path, ">" * 600 + " deep\n")
    with pytest.raises(ExportError, match="note.md: nesting too deep"):
        reader.parse(note)


def test_header_lines_feed_the_title_page_not_the_body():
    note = reader.read_note(SEED_NOTE, SEED_NOTE.parent, Warnings())
    doc = reader.parse(note)
    del doc.content[0]  # the title H1
    header = reader.take_header_lines(doc)
    assert [e.url for e in header["source"] if isinstance(e, pf.Link)] == [
        "https://www.marxist.com/russia-from-revolution-to-counter-revolution/all-pages.htm"]
    assert pf.stringify(pf.Plain(*header["tags"])) == "#wip #book"
    assert isinstance(doc.content[0], pf.Header)  # the rule after the header lines went too


def test_a_paragraph_tag_in_a_table_cell_is_a_break_so_pandoc_keeps_the_rest_of_the_cell():
    body = ("| Term | Meaning |\n|---|---|\n| `file:` | Find text.<p/>Example: `file:.jpg` |\n"
            "| `x<p/>` | a<P>b</p> |\n\nA paragraph<p>not in a table</p>\n\n"
            "```\n| in code <p/> |\n```\n")
    assert reader.for_pandoc(body) == body.replace(
        "Find text.<p/>", "Find text.<br><br>").replace("a<P>b</p>", "a<br><br>b")
    assert "Example" not in pf.stringify(pandoc.parse_markdown(body, "as written"))
    assert "Example: file:.jpg" in pf.stringify(pandoc.parse_markdown(reader.for_pandoc(body),
                                                                      "for pandoc"))
