"""The EPUB written in pieces by parallel pandoc runs and joined is the one pandoc writes whole."""
from __future__ import annotations

import re
import zipfile
from pathlib import PurePosixPath

import pytest

from exporter import export
from exporter.render.pieces import consecutive_runs

from .conftest import FIXTURES, SEEDS, epubcheck


def files(path) -> dict[str, str]:
    with zipfile.ZipFile(path) as book:
        return {name: book.read(name).decode("utf-8", "replace") for name in book.namelist()
                if name.endswith((".xhtml", ".opf", ".ncx"))}


def comparable(text: str) -> str:
    """What may differ between a whole and a joined EPUB: the images' file names (numbered
    in another order) and the role pandoc gives a citation's link it could not resolve."""
    text = re.sub(r"file\d+([._]\w+)", r"file\1", text)
    return text.replace(' role="doc-biblioref"', "")


@pytest.mark.parametrize("vault", [FIXTURES / "obsidian", FIXTURES / "prince", SEEDS])
def test_joined_pieces_equal_the_whole(tmp_path, vault):
    whole = export(vault, "epub", output=tmp_path / "whole.epub", jobs=1).output
    joined = export(vault, "epub", output=tmp_path / "joined.epub", jobs=3).output
    check = epubcheck(joined)
    assert check.returncode == 0 and "0 errors / 0 warnings" in check.stdout, check.stdout
    one, other = files(whole), files(joined)
    assert sorted(one) == sorted(other)
    for name in one:
        if "content.opf" in name:  # the images' manifest entries come in another order
            assert sorted(comparable(one[name]).splitlines()) == \
                sorted(comparable(other[name]).splitlines())
        else:
            assert comparable(one[name]) == comparable(other[name]), name


def test_every_link_between_chapters_finds_its_id(tmp_path):
    out = export(FIXTURES / "obsidian", "epub", output=tmp_path / "o.epub", jobs=3).output
    texts = files(out)
    links = 0
    for name, text in texts.items():
        for chapter, target in re.findall(r'href="(ch\d+\.xhtml)#([^"]+)"', text):
            assert f'id="{target}"' in texts[f"EPUB/text/{chapter}"], (name, chapter, target)
            links += 1
    assert links > 10


def test_runs_are_consecutive_and_even():
    units = [f"u{n}" * size for n, size in enumerate([5, 1, 1, 1, 2, 2, 4, 4])]
    runs = consecutive_runs(units, 2)
    assert [unit for run in runs for unit in run] == units
    assert len(runs) == 2
    sizes = [sum(map(len, run)) for run in runs]
    assert sizes == [20, 20]
    assert consecutive_runs(units[:1], 4) == [units[:1]]


@pytest.mark.parametrize("jobs", [1, 3])
def test_every_page_links_a_stylesheet_with_the_guides_styles(tmp_path, jobs):
    out = export(FIXTURES / "obsidian", "epub", output=tmp_path / "o.epub", jobs=jobs).output
    with zipfile.ZipFile(out) as book:
        pages = [n for n in book.namelist() if n.endswith(".xhtml")]
        assert len(pages) > 3
        for name in pages:
            page = book.read(name).decode()
            links = re.findall(r'<link rel="stylesheet" type="text/css" href="([^"]+)"', page)
            css = " ".join(book.read(str(PurePosixPath(name).parent / link).replace(
                "EPUB/text/../", "EPUB/")).decode() for link in links)
            for rule in [".callout {", ".callout-title {", ".concept { font-style: italic",
                         ".tag {", "mark {"]:
                assert rule in css, (name, rule)
            assert ".callout" not in page.split("</head>")[0], name  # not in a <style> too
