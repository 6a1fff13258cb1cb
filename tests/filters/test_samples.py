"""Each filter on its sample (samples/<filter>.md), run alone, against the expected HTML.

As in pandoc/lua-filters: the sample doubles as documentation of what the filter does.
To review a changed expectation: EXPORTER_REGEN=1 pytest tests/filters, then read the diff.
"""
from __future__ import annotations

import importlib
import os
from pathlib import Path

import pytest

from exporter import pandoc

SAMPLES = Path(__file__).parent / "samples"
FILTERS = sorted(p.stem for p in SAMPLES.glob("*.md"))


def run_alone(name: str, fmt: str = "html") -> str:
    doc = pandoc.parse_markdown((SAMPLES / f"{name}.md").read_text(), name)
    doc.format = fmt
    doc = importlib.import_module(f"exporter.filters.{name}").main(doc)
    return pandoc.write(doc, fmt, ["--wrap=preserve"], name)


@pytest.mark.parametrize("name", FILTERS)
def test_sample_gives_expected_html(name):
    expected = SAMPLES / f"{name}.html"
    html = run_alone(name)
    if os.environ.get("EXPORTER_REGEN"):
        expected.write_text(html)
    assert html == expected.read_text()


@pytest.mark.parametrize("name", FILTERS)
def test_filter_leaves_no_raw_obsidian_syntax(name):
    html = run_alone(name).replace("<code>", "\0").split("\0")
    outside_code = " ".join(part.split("</code>", 1)[-1] for part in html)
    outside_code = outside_code.split("<pre>")[0] + " ".join(
        chunk.split("</pre>", 1)[-1] for chunk in outside_code.split("<pre>")[1:])
    marks = {"callouts": "[!note]", "comments": "%%", "wikilinks": "[[", "tags": None}
    if marks[name]:
        assert marks[name] not in outside_code.replace("quote [!note]", "")


def test_callouts_in_latex_are_tcolorboxes():
    tex = run_alone("callouts", "latex")
    assert tex.count("\\begin{callout}") == tex.count("\\end{callout}") == 11
    assert "\\begin{callout}{callouttip}{Folded \\emph{tip} title}" in tex
    assert "\\begin{callout}{calloutnote}{My custom type}" not in tex
    assert "\\begin{callout}{calloutnote}{Custom}" in tex


def test_tags_are_collected_on_the_doc():
    doc = pandoc.parse_markdown((SAMPLES / "tags.md").read_text(), "tags")
    doc.format = "html"
    doc = importlib.import_module("exporter.filters.tags").main(doc)
    assert doc.tags == ["book", "nested/tag", "trailing"]


def test_concepts_are_collected_on_the_doc():
    doc = pandoc.parse_markdown((SAMPLES / "wikilinks.md").read_text(), "w")
    doc.format = "html"
    doc = importlib.import_module("exporter.filters.wikilinks").main(doc)
    assert doc.concepts[:3] == ["Marxism", "bourgeoisie", "People & Organizations/Trotsky"]
