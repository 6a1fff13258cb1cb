"""Block ids: the block each `^id` names, as embeds, links and `exporter check` find it."""
from __future__ import annotations

import lxml.html
import pytest

from exporter import export
from exporter.check import check

from .conftest import FIXTURES

READING = FIXTURES / "reading"  # People/Borgia.md holds the blocks, Blocks of Borgia embeds them


@pytest.fixture(scope="module")
def embeds(tmp_path_factory):
    """The text and HTML of each embed of `Reading Notes/Blocks of Borgia.md`, in order."""
    result = export(READING / "Reading Notes" / "Blocks of Borgia.md", "html",
                    output=tmp_path_factory.mktemp("b") / "b.html")
    assert result.warnings == []
    page = lxml.html.parse(str(result.output)).getroot()
    return [(" ".join(div.text_content().split()), lxml.html.tostring(div, encoding="unicode"))
            for div in page.xpath('//div[@class="embed"]')]


def test_an_id_after_a_callout_names_the_whole_callout(embeds):
    text, html = embeds[0]
    assert 'class="callout callout-warning"' in html and "His mistake" in text
    assert "[!" not in text and "^" not in text


def test_an_id_right_after_an_image_names_it(embeds):
    text, html = embeds[1]
    assert "<img" in html and "^the-map" not in text


def test_an_id_on_the_line_after_a_list_names_the_whole_list(embeds):
    text, html = embeds[2]
    assert html.count("<li>") == 3 and "lost it all" in text and "^deeds" not in text


def test_an_indented_id_names_its_list_item_alone(embeds):
    text, html = embeds[3]
    assert text == "an item with an id of its own" and "<p>" in html


def test_an_id_on_the_line_after_a_table_names_the_table(embeds):
    text, html = embeds[4]
    assert "<table" in html and "Senigallia" in text and "^years" not in text


def test_the_ids_anchor_the_whole_blocks_in_their_own_note(tmp_path):
    out = export(READING, "html", output=tmp_path / "r.html").output
    page = lxml.html.parse(str(out)).getroot()
    named = {div.get("id"): div for div in page.xpath('//div[@class="block"]')}
    assert named["borgia--mistake"].xpath('./div[contains(@class, "callout")]')
    assert named["borgia--deeds"].xpath("./ul") and named["borgia--years"].xpath("./table")
    assert page.xpath('//a[@href="#borgia--deeds" and @class="xref"]')
    text = page.xpath("//main")[0].text_content()
    assert "[!" not in text and "^" not in text


def test_check_finds_the_blocks_the_export_embeds(tmp_path):
    assert [str(p) for p in check(READING)] == [
        "Concepts/Unrelated.md:3: warning: [[Nowhere at all]] links to no note (printed as a "
        "concept)"]
    (tmp_path / "a.md").write_text("![[b#^gone]] ![[b#^pic]]\n")
    (tmp_path / "b.md").write_text("![[p.png]]^pic\n")
    (tmp_path / "p.png").write_bytes(b"")
    assert [str(p) for p in check(tmp_path)] == [
        "a.md:1: warning: ![[b#^gone]]: b.md has no block '^gone'"]
