"""The study-guide PDF: the body laid out in chunks at once, then the index (from the
pages its entries landed on), the title page and contents (from the pages the headings
landed on, in roman), all joined into one PDF.

No number relies on WeasyPrint's counters across documents: each comes from where an
anchor landed (WeasyPrint issue 2114 makes contents numbers 0 after a counter reset).
"""
from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from .. import workers
from ..cache import Cache
from . import chunks, html, pieces, stamps
from .join import Part, join

BLANK_PAGE = ("<style>@page { @top-center { content: none } @bottom-center { content: none } }"
              "</style><p></p>")
KEEP_DAYS = 14  # laid-out chunks not used for this long leave the cache


@dataclass
class Body:
    """The body laid out: its chunks, the parts to join (blank pages between, in duplex),
    the page each chunk starts on, each anchor's page, the first page after it; and the
    title page and contents, laid out beside it with their numbers left to draw, and the
    entries they list."""

    chunks: list[chunks.Chunk]
    parts: list[Part]
    starts: list[int]
    pages: dict[str, int]
    end: int
    front: chunks.Chunk | None = None
    listed: list[dict] | None = None


def write_guide(guide, target: Path, pool: workers.Workers, cache: Cache) -> None:
    """Lay out the guide and write it to `target`.

    With --duplex, blank pages make every chapter, the body and the index open on a
    right-hand page.
    """
    stamps.require_tested_weasyprint()
    book = guide.book
    with tempfile.TemporaryDirectory(prefix="exporter-pdf-") as temporary:
        run_folder = Path(temporary)
        folder = kept_folder(cache) or run_folder
        blank = lay_out(BLANK_PAGE, book.root, run_folder / "blank.pdf") if book.duplex else None
        body = lay_out_body(guide, folder, cache, pool, blank, with_front=True)
        front, index, numbered = finish(guide, body, folder, cache, pool)
        for chunk, path in zip(body.chunks, numbered, strict=True):
            chunk.pdf = path
        cover = [lay_out(cover_page(book), book.root, run_folder / "cover.pdf")] if book.cover \
            else []
        cover += [blank] if cover and blank is not None else []  # the title on a right page
        front_parts = [*cover, front]
        front_parts += [blank] if blank is not None and front.pages % 2 else []
        back = [index] if index else []
        for part in (*body.chunks, front, *back):
            guide.warnings.extend(part.warnings)
        pool.progress.stage("Joining the PDF")
        join(front_parts + body.parts + back, target, info(book), book.lang,
             labels=[*([(0, "Cover")] if cover else []), (len(cover), "r"),
                     (sum(p.pages for p in front_parts), "D")])
    if folder is not run_folder:
        prune(folder)


def body_pages(guide, pool: workers.Workers, cache: Cache) -> dict[str, int]:
    """{id: the page number the guide PDF prints where it lands}, from the body laid out
    as write_guide lays it out (or from the cache, when it has)."""
    with tempfile.TemporaryDirectory(prefix="exporter-pdf-") as temporary:
        folder = kept_folder(cache) or Path(temporary)
        blank = Part("", 1) if guide.book.duplex else None  # only counted
        return lay_out_body(guide, folder, cache, pool, blank).pages


def lay_out_body(guide, folder: Path, cache: Cache, pool: workers.Workers,
                 blank: Part | None, with_front: bool = False) -> Body:
    """The body in chunks, laid out (or from the cache), placed one after the other; with
    `with_front`, the title page and contents beside them, their page numbers unseen (the
    contents need not wait for the body: only their numbers do)."""
    units = pieces.chapter_units(guide.parts, guide.context.own_chapter)
    digits = chunks.placeholder(units)
    listed = contents(guide) if with_front else None
    whole = {"front": html.render_front(guide.book, [dict(e, page=digits) for e in listed],
                                        numbers_later=True)} if with_front else {}
    laid_out, made = chunks.lay_out(guide, chunks.group(units, pool.processes), digits,
                                    folder, cache, pool, whole)
    parts, starts = pad_and_place(laid_out, blank)
    pages = {name: starts[k] + page for k, chunk in enumerate(laid_out)
             for name, (page, *_) in chunk.anchors.items()}
    end = starts[-1] + laid_out[-1].pages
    if blank is not None and end % 2 == 0:  # the index opens on a right-hand page
        parts.append(blank)
        end += 1
    if guide.index:
        pages["index"] = end
    return Body(laid_out, parts, starts, pages, end, made.get("front"), listed)


def pad_and_place(body: list[chunks.Chunk], blank: Part | None) -> tuple[list[Part], list[int]]:
    """The body's parts in order, with a blank page where a chunk would open on a left-hand
    page (duplex), and the page number each chunk starts on."""
    parts: list[Part] = []
    starts = []
    page = 1
    for chunk in body:
        if blank is not None and page % 2 == 0:
            parts.append(blank)
            page += 1
        starts.append(page)
        parts.append(chunk)
        page += chunk.pages
    return parts, starts


def finish(guide, body: Body, folder: Path, cache: Cache, pool: workers.Workers
           ) -> tuple[chunks.Chunk, chunks.Chunk | None, list[str]]:
    """The index laid out, and the numbers of the chunks and the contents drawn in: all in
    one go of the worker processes. Returns the front, the index and the chunks' PDFs.

    The index is kept by its markup: an edit that moves no indexed term to another page
    lays it out no more. If the contents laid out beside the body list an entry that is
    not there after all, they are laid out again here, with their numbers.
    """
    book = guide.book
    present = entries(guide, body.pages)
    predicted = [entry["id"] for entry in body.listed]
    front = body.front if [entry["id"] for entry in present] == predicted else None
    markups = {} if front else {"front": html.render_front(book, present)}
    if guide.index:
        markups["index"] = html.render_index(guide.index, body.pages, book, body.end)
    made, jobs = chunks.lay_out_whole(markups, book.root, folder, cache)
    numbered, starts = body.chunks, body.starts
    if front:  # its folios in roman numerals from i
        numbered, starts = [*numbered, front], [*starts, 1]
    numbering = chunks.numbering(guide, numbered, starts, body.pages, folder, cache)
    jobs += [job for _, job in numbering if job is not None]
    done = pool.map("Contents, index, page numbers", lambda job: job(), jobs)
    chunks.take_whole(made, done)
    paths = [path for path, _ in numbering]
    if front:
        front.pdf = paths.pop()
    return front or made["front"], made.get("index"), paths


def lay_out(markup: str, root: Path, target: Path) -> chunks.Chunk:
    return chunks.lay_out_part(markup, root, target)


def cover_page(book) -> str:
    """A page the cover image fills, as large as it goes whole, on the guide's paper."""
    return (f"<style>@page {{ size: {html.PAGE_SIZES[book.paper]}; margin: 0; "
            "@top-center { content: none } @bottom-center { content: none } }"
            "html, body { margin: 0; height: 100%; } img { display: block; width: 100%; "
            "height: 100%; object-fit: contain; }</style>"
            f'<img src="{book.cover.as_uri()}" alt="Cover">')


CLOSING_ENTRIES = [dict(level=1, id="bibliography", text="References"),
                   dict(level=1, id="index", text="Index")]


def contents(guide) -> list[dict]:
    """The contents' entries as they are expected before the body is laid out: the
    chapters and sections, References if works are cited, Index if there is one."""
    expected = {"bibliography": bool(guide.references or "references" in guide.meta.metadata),
                "index": bool(guide.index)}
    return [*guide.contents, *(entry for entry in CLOSING_ENTRIES if expected[entry["id"]])]


def entries(guide, pages: dict[str, int]) -> list[dict]:
    """The contents' entries the laid-out guide holds, with their pages."""
    return [dict(entry, page=pages[entry["id"]]) for entry in [*guide.contents, *CLOSING_ENTRIES]
            if entry["id"] in pages]


def info(book) -> dict[str, str]:
    """The PDF's document information."""
    fields = {"Title": book.title, "Creator": "obsidian-study-guide exporter",
              "Producer": "WeasyPrint and pikepdf"}
    if book.author:
        fields["Author"] = book.author
    if book.tags:
        fields["Keywords"] = ", ".join(book.tags)
    return fields


def kept_folder(cache: Cache) -> Path | None:
    """Where laid-out chunks are kept for the next export: in the cache, if there is one."""
    if cache.folder is None:
        return None
    folder = cache.folder / "pdf"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return folder


def prune(folder: Path) -> None:
    """Remove laid-out PDFs that no export has used for KEEP_DAYS (a use touches them)."""
    old = time.time() - KEEP_DAYS * 86400
    for path in folder.glob("*.pdf"):
        try:
            if path.stat().st_mtime < old:
                path.unlink()
        except OSError:
            pass
