"""The PDF laid out in chunks at once: the same pages as in one piece, numbers right across
chunks, and a re-export after an edit that lays out only what the edit touched."""
from __future__ import annotations

import re
import shutil

import pikepdf
import pytest

from exporter import export
from exporter.render import chunks, guide_pdf

from .conftest import FIXTURES, SEEDS, page_texts, printed_pages

PRINCE = FIXTURES / "prince"


@pytest.fixture
def one_chunk_per_chapter(monkeypatch):
    """Chunks of one chapter each: every cross-reference leaves its chunk."""
    monkeypatch.setattr(chunks, "CHUNK_PAGES", (0, 0))


def test_chunks_give_the_pages_one_piece_gives(tmp_path, monkeypatch):
    monkeypatch.setattr(chunks, "CHUNK_PAGES", (10_000, 10_000))  # all in one chunk
    whole = page_texts(export(PRINCE, "pdf", output=tmp_path / "whole.pdf").output)
    monkeypatch.setattr(chunks, "CHUNK_PAGES", (0, 0))
    pieces = page_texts(export(PRINCE, "pdf", output=tmp_path / "pieces.pdf").output)
    assert len(pieces) == len(whole) > 5 and pieces == whole


@pytest.mark.usefixtures("one_chunk_per_chapter")
def test_cross_references_and_contents_point_across_chunks(tmp_path):
    out = export(PRINCE, "pdf", output=tmp_path / "p.pdf", jobs=2).output
    pages = printed_pages(out)
    text = " ".join(pages.values())

    def page_of(heading):
        return next(n for n, page in pages.items() if n.isdigit() and page.startswith(heading))

    assert f"Duke Valentino (p. {page_of('Cesare Borgia')})" in text
    assert f"Read Chapter 10 (p. {page_of('How the strength')})" in text
    contents = pages["ii"]
    for heading in ("Introduction", "Of hereditary principalities", "Cesare Borgia"):
        assert re.search(rf"{heading} (\d+)", contents).group(1) == page_of(heading)


@pytest.mark.usefixtures("one_chunk_per_chapter")
def test_every_link_lands_on_a_named_place_of_the_joined_pdf(tmp_path):
    out = export(PRINCE, "pdf", output=tmp_path / "p.pdf").output
    with pikepdf.open(out) as pdf:
        names = set(pikepdf.NameTree(pdf.Root.Names.Dests).keys())
        targets = [str(annotation.Dest) for page in pdf.pages
                   for annotation in page.get("/Annots", []) if "/Dest" in annotation]
        labels = [pdf.Root.PageLabels.Nums[i] for i in (0, 2)]
    assert len(targets) > 20 and set(targets) <= names
    assert labels == [0, 2]  # roman for the title page and contents, then 1, 2, 3...
    raw = out.read_bytes()  # the annotations and destinations in compressed object streams
    assert b"/ObjStm" in raw and b"/Annot" not in raw and b"/Dests" not in raw


@pytest.mark.usefixtures("one_chunk_per_chapter")
def test_duplex_chunks_open_on_right_hand_pages(tmp_path):
    out = export(PRINCE, "pdf", output=tmp_path / "d.pdf", duplex=True).output
    openings = [int(n) for n, text in printed_pages(out).items() if n.isdigit()
                and text.startswith(("Introduction", "Of hereditary", "How the strength",
                                     "Cesare Borgia", "Index"))]
    assert len(openings) == 5 and all(n % 2 == 1 for n in openings)


def test_an_edit_lays_out_only_the_chunk_it_is_in(tmp_path, monkeypatch):
    monkeypatch.setattr(chunks, "CHUNK_PAGES", (0, 0))
    vault = tmp_path / "vault"
    shutil.copytree(PRINCE, vault)
    out = tmp_path / "out" / "p.pdf"
    export(vault, "pdf", output=out, jobs=1)
    laid_out = []
    real = chunks.lay_out_part
    monkeypatch.setattr(chunks, "lay_out_part",
                        lambda body, *rest: laid_out.append(body) or real(body, *rest))
    note = vault / "Chapters" / "Chapter 10.md"
    note.write_text(note.read_text() + "\nOne more sentence, about fortresses.\n")
    export(vault, "pdf", output=out, jobs=1)
    # no heading and no indexed term moved: the contents and the index are kept too
    assert len(laid_out) == 1 and "about fortresses" in laid_out[0]
    assert "about fortresses" in " ".join(page_texts(out))


def test_without_the_cache_nothing_is_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    export(SEEDS, "pdf", output=tmp_path / "s.pdf", cache=False)
    assert not (tmp_path / "cache").exists()
    export(SEEDS, "pdf", output=tmp_path / "s.pdf")
    assert any((tmp_path / "cache" / "obsidian-study-guide" / "pdf").glob("chunk-*.pdf"))


def test_each_contents_entry_links_its_title_and_its_number_alone(tmp_path):
    """Two link annotations an entry: a link around the whole line would also be one on
    each box inside it (a contents of 1,000 notes had 21,000, and the join held them all)."""
    out = export(PRINCE, "pdf", output=tmp_path / "p.pdf").output
    with pikepdf.open(out) as pdf:
        names = set(pikepdf.NameTree(pdf.Root.Names.Dests).keys())
        links = [(str(a.Dest), [float(v) for v in a.Rect]) for a in pdf.pages[1].Annots]
    targets = {target for target, _ in links}
    assert len(targets) >= 8 and targets <= names  # Introduction ... Cesare Borgia: Fall
    for target in targets:
        title, number = sorted((rect for t, rect in links if t == target), key=lambda r: r[0])
        assert number[0] > 400 > title[2], (target, title, number)  # the number at the right


def test_contents_listing_what_the_body_lacks_are_laid_out_again(tmp_path, monkeypatch):
    """The contents go to layout before the body's pages are known; if they list an entry
    the body does not hold after all, they are laid out again without it."""
    real = guide_pdf.contents
    monkeypatch.setattr(guide_pdf, "contents", lambda guide: [
        *real(guide), dict(level=1, id="nowhere", text="Not in the body")])
    out = export(PRINCE, "pdf", output=tmp_path / "p.pdf").output
    pages = printed_pages(out)
    assert "Not in the body" not in " ".join(page_texts(out))
    assert re.search(r"Cesare Borgia (\d+)", pages["ii"]).group(1) == next(
        n for n, text in pages.items() if n.isdigit() and text.startswith("Cesare Borgia"))


def test_contents_missing_an_entry_the_body_holds_are_laid_out_again(tmp_path, monkeypatch):
    """If the contents laid out before the body leave out an entry the body holds (here
    the Index), they are laid out again with it."""
    real = guide_pdf.contents
    monkeypatch.setattr(guide_pdf, "contents", lambda guide: [
        entry for entry in real(guide) if entry["id"] != "index"])
    out = export(PRINCE, "pdf", output=tmp_path / "p.pdf").output
    pages = printed_pages(out)
    index_page = next(n for n, text in pages.items() if n.isdigit() and text.startswith("Index"))
    assert re.search(r"Index (\d+)", pages["ii"]).group(1) == index_page
