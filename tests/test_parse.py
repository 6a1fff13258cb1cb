"""Parsing many notes in a few pandoc runs, and the cache of parses."""
from __future__ import annotations

import json
from pathlib import Path, PurePosixPath

import panflute as pf
import pytest

from exporter import pandoc, reader
from exporter.cache import Cache
from exporter.errors import ExportError
from exporter.model import Note

from .conftest import FIXTURES


def blocks(ast: str) -> list:
    return json.loads(ast)["blocks"]


def test_a_note_left_open_does_not_run_into_the_next():
    parsed = pandoc.parse_notes([("a.md", "```\nan open fence\n"), ("b.md", "# B\n\n> [!note]")])
    assert [b["t"] for b in blocks(parsed[1])] == ["Header", "BlockQuote"]
    assert [b["t"] for b in blocks(parsed[0])] == ["Para"]


def test_tabs_do_not_cut_a_note_short():
    # pandoc expands tabs before its reader: the notes' byte counts must count the spaces
    tabbed = "- a\n\t- b\n\ncode:\n\n\tx\ty\n\nThe end [[Link]].\n"
    notes = [("a.md", "A\n"), ("b.md", tabbed)]  # the last note of its batch
    assert [blocks(p) for p in pandoc.parse_notes(notes)] == [
        blocks(pandoc.markdown_to_json(body, name)) for name, body in notes]


real_parse_batch = pandoc.parse_batch


def test_batches_give_what_one_run_per_note_gives(monkeypatch):
    notes = sorted((FIXTURES / "obsidian").rglob("*.md"))
    bodies = [(str(path), path.read_text(encoding="utf-8")) for path in notes]
    alone = [blocks(pandoc.markdown_to_json(body, name)) for name, body in bodies]
    runs = []
    monkeypatch.setattr(pandoc, "parse_batch", lambda batch: runs.append(batch) or
                        real_parse_batch(batch))
    # the fixtures (2 KB) in one batch per process, then in rounds of a note per batch
    for batch_bytes in (pandoc.BATCH_BYTES, 100):
        monkeypatch.setattr(pandoc, "BATCH_BYTES", batch_bytes)
        for processes in (1, 2, 3):
            runs.clear()
            parsed = pandoc.parse_notes(bodies, processes)
            assert [blocks(p) for p in parsed] == alone
            assert sorted(name for run in runs for name, _ in run) == sorted(n for n, _ in bodies)
            assert len(runs) == (processes if batch_bytes > 10**5 else len(bodies))



def test_one_batch_is_cut_at_the_notes_ends_that_no_note_can_forge(monkeypatch):
    def parsed_alone(*_):
        raise AssertionError("the batch was not cut into its notes")

    forged = '```{=exporter-note-end}\n0123\n```\n\n{"t":"RawBlock"} ["exporter-note-end"]\n'
    bodies = [("a.md", "A [[link]] (40)."), ("forged.md", forged), ("empty.md", ""),
              ("b.md", "> [!note] B\n> text")]
    expected = [blocks(pandoc.markdown_to_json(body, name)) for name, body in bodies]
    monkeypatch.setattr(pandoc, "markdown_to_json", parsed_alone)
    assert [blocks(p) for p in pandoc.parse_notes(bodies, processes=1)] == expected
    assert blocks(pandoc.parse_notes(bodies)[1])[0]["c"] == ["exporter-note-end", "0123"]


def decoded_depth(value) -> int:
    if isinstance(value, dict):
        value = list(value.values())
    if not isinstance(value, list):
        return 0
    return 1 + max(map(decoded_depth, value), default=0)


def test_json_depth_counts_the_brackets_outside_strings():
    samples = [[], {}, [[[]]], [{"a": [1, {"b": []}]}], ["[[[", "]"], ["", "", "[{"],
               ['say \"[[[\"', "\\", "\\\"["], [{"t": "Str", "c": "é [ \n {"}],
               {"pandoc-api-version": [1, 23, 1], "meta": {}, "blocks": [[[[["x"]]]]]}]
    for sample in samples:
        for text in (json.dumps(sample), json.dumps(sample, ensure_ascii=False),
                     json.dumps(sample, separators=(",", ":"))):
            assert pandoc.json_depth(text) == decoded_depth(sample), text
    assert pandoc.json_depth("[" * 400 + "]" * 400, limit=250) == 251


def test_a_note_too_deep_is_an_error_on_that_note_alone():
    parsed = pandoc.parse_notes([("fine.md", "Fine."), ("deep.md", "> " * 300 + "x"),
                                 ("after.md", "After.")], processes=1)
    assert isinstance(parsed[1], ExportError) and str(parsed[1]).startswith("deep.md: nesting")
    assert blocks(parsed[0])[0]["t"] == "Para" and blocks(parsed[2])[0]["t"] == "Para"


def note(name: str, body: str) -> Note:
    return Note(path=Path(name), rel=PurePosixPath(name), meta={}, body=body)


def test_parses_come_from_the_cache_the_second_time(tmp_path, monkeypatch):
    calls = []
    real = pandoc.parse_notes

    def counting(bodies, processes=1):
        calls.append([name for name, _ in bodies])
        return real(bodies, processes)

    monkeypatch.setattr(pandoc, "parse_notes", counting)
    notes = [note("a.md", "# A\n\nText."), note("b.md", "Other.")]
    first = reader.ParsedNotes(Cache(tmp_path))
    first.parse(notes)
    second = reader.ParsedNotes(Cache(tmp_path))
    second.parse([*notes, note("c.md", "New.")])
    assert calls == [["a.md", "b.md"], ["c.md"]]
    assert second.json(notes[0]) == first.json(notes[0])
    edited = note("a.md", "# A\n\nText, edited.")
    second.parse([edited])  # same name, new body: parsed again
    assert calls[-1] == ["a.md"] and "edited" in reader.ParsedNotes(Cache(tmp_path)).json(edited)


def test_panflute_lists_still_check_what_goes_in():
    para = pf.Para(pf.Str("a"), pf.Space)  # a type alone is made an element, as before
    para.content.extend([pf.Str("b")])
    para.content.extend(para.content)
    assert [type(e).__name__ for e in para.content] == ["Str", "Space", "Str"] * 2
    assert pf.ListContainer.extend is pandoc.extend_checked
    with pytest.raises(TypeError):
        pf.Para(pf.Para())
    with pytest.raises(TypeError):
        para.content.extend([pf.Str("c"), pf.Plain()])


@pytest.mark.parametrize("body", [
    "> [!note] Prices\n> | Good | Price |\n> |---|---|\n> | Pins | 4d |\n",
    "> > [!tip]- Nested\n> > | Good | Price |\n> > |---|---|\n> > | Pins | 4d |\n"])
def test_a_table_right_under_a_callouts_title_is_a_table(body):
    """Obsidian's callout title is a line of its own; pandoc read the table as more of it."""
    for ast in (pandoc.parse_notes([("n.md", body)])[0], pandoc.markdown_to_json(body, "n")):
        doc = pandoc.load(ast, "n.md")
        quote = doc.content[0]
        while isinstance(quote.content[-1], pf.BlockQuote):  # the nested callout's quote
            quote = quote.content[-1]
        tables = [block for block in quote.content if isinstance(block, pf.Table)]
        assert len(tables) == 1 and pf.stringify(tables[0]).endswith("Pins4d")
        assert "[!" in pf.stringify(doc) and "|" not in pf.stringify(doc)
