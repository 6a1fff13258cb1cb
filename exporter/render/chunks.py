"""The guide's body laid out in chunks of chapters, in worker processes at once.

WeasyPrint lays out one document on one core. The body is cut at chapter headings into
chunks, each laid out on its own and cached by its HTML. A chunk cannot know the page it
starts on, nor the page a cross-reference points to in another chunk, so it is laid out
with the page numbers left out: folios left blank, and each cross-reference's "(p. N)"
laid out invisibly, with room for the longest number the guide may need. Once every
chunk's length is known, the numbers are drawn in: a thin PDF of folios and cross-
reference numbers, at the places the layout reported, laid over the chunk's pages.
"""
from __future__ import annotations

import io
import json
import math
import os
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

import panflute as pf
import pikepdf

from .. import pandoc, workers
from ..cache import Cache, code_version, digest
from ..log import Warnings
from . import html
from .join import Part
from .pdf import layout

BYTES_PER_PAGE = 22_000  # of the body's pandoc JSON, about, in the study-guide theme
CHUNK_PAGES = (10, 90)  # the fewest and the most pages a chunk is aimed at
CHUNKS_PER_PROCESS = 4  # enough for the processes to share the work evenly

# A cross-reference's "(p. N)" takes its place in the line, unseen; N is drawn over it.
# A margin, not a space, before it: justification would stretch a space in the slot.
CHUNK_CSS = """
@page { @bottom-center { content: none; } }
a.xref::after { content: "(p.\\00A0" "%s" ")"; margin-left: 0.25em; visibility: hidden; }
"""
# The overlay: the same pages, with only the folios and the cross-reference numbers.
OVERLAY_CSS = """
@page { @top-center { content: none; } }
@page :first { counter-reset: page %d; }
html, body { margin: 0; padding: 0; }
.sheet { position: relative; height: 0; break-after: page; }
.sheet:last-child { break-after: auto; }
.number { position: absolute; margin: 0; text-align: right; white-space: nowrap; }
"""


@dataclass
class Slot:
    """Where a cross-reference's page number goes: page of the chunk, box, font."""

    page: int
    target: str
    left: float  # CSS px, from the page area's top-left corner
    top: float
    width: float
    style: str  # the CSS font and colour of the text it stands for


@dataclass
class Chunk(Part):
    """A part laid out (its numbers left out), the places of its numbers, its warnings."""

    slots: list[Slot] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def group(units: list[str], processes: int) -> list[list[str]]:
    """Consecutive units in chunks of about the wanted size, cut where a unit's own text says.

    A cut goes before a unit whose checksum is a multiple of `every`, once the chunk holds
    half the wanted size, or anyway at one and a half times that: so the cuts mostly stay
    where they are when a note is edited, and the chunks' layouts stay cached.
    """
    total = sum(map(len, units))
    low, high = (pages * BYTES_PER_PAGE for pages in CHUNK_PAGES)
    wanted = min(high, max(low, total / (processes * CHUNKS_PER_PROCESS)))
    per_chunk = max(1.0, len(units) * wanted / max(total, 1))
    every = 2 ** max(0, round(math.log2(per_chunk)) - 1)
    chunks: list[list[str]] = []
    size = 0
    for unit in units:
        marked = zlib.crc32(unit[:200].encode("utf-8")) % every == 0
        if not chunks or (marked and size >= wanted / 2) or size + len(unit) > 1.5 * wanted:
            chunks.append([])
            size = 0
        chunks[-1].append(unit)
        size += len(unit)
    return chunks


def placeholder(units: list[str]) -> str:
    """Digits enough for the highest page the guide may reach, to hold a number's room."""
    pages = sum(map(len, units)) / BYTES_PER_PAGE
    return "8" * len(str(int(pages * 1.5) + 20))


def lay_out(guide, chunks: list[list[str]], digits: str, folder: Path, cache: Cache,
            pool: workers.Workers) -> list[Chunk]:
    """Each chunk laid out to a PDF in `folder`, or taken from the cache."""
    book = guide.book
    css = CHUNK_CSS % digits
    metas = [chunk_meta(guide, last=index == len(chunks) - 1) for index in range(len(chunks))]
    keys = [digest(code_version(), html.styles(book) + css, pandoc.dump(meta), str(book.template),
                   *chunk) for meta, chunk in zip(metas, chunks, strict=True)]
    found = [cached_chunk(cache, key) for key in keys]
    missing = sorted((i for i, chunk in enumerate(found) if chunk is None),
                     key=lambda i: -sum(map(len, chunks[i])))  # the longest first

    def make(index: int) -> Chunk:
        body = html.render_body(metas[index], book, parts=chunks[index], css=css)
        return lay_out_part(body, book.root, folder / f"chunk-{keys[index]}.pdf")

    for index, chunk in zip(missing, pool.map("Laying out pages", make, missing), strict=True):
        found[index] = chunk
        keep_chunk(cache, keys[index], chunk)
    return found


def chunk_meta(guide, last: bool) -> pf.Doc:
    """The guide's metadata for one chunk: the References come at the end of the last, and
    list every book the guide cites."""
    meta = pandoc.load(pandoc.dump(guide.meta), "the guide's metadata")
    meta.format, meta.csl = guide.meta.format, guide.meta.csl
    if last:
        meta.content.extend(guide.references)
    if "references" in meta.metadata:  # citations left for citeproc (a note style)
        if not last:
            meta.metadata["suppress-bibliography"] = True
        elif "nocite" not in meta.metadata:
            meta.metadata["nocite"] = pf.MetaInlines(*[
                pf.Cite(pf.Str(f"@{key}"), citations=[pf.Citation(key)]) for key in guide.cited])
    return meta


def lay_out_part(body: str, root: Path, target: Path) -> Chunk:
    """Lay out one HTML document (a chunk, the index, the front matter); write its PDF to
    `target`. Its links to anchors in other parts are kept, for the join to resolve."""
    warnings = Warnings()
    document = layout(body, root, warnings)
    anchors = {name: [number, x, y] for number, page in enumerate(document.pages)
               for name, (x, y, *_) in page.anchors.items()}
    slots = [slot for number, page in enumerate(document.pages) for slot in slots_on(page, number)]
    # A link to another chunk: WeasyPrint writes it only if the target is here; an anchor
    # placed for it lets it be written, and the join points it at the real one.
    outside = {target for page in document.pages for kind, target, *_ in page.links
               if kind == "internal" and target not in anchors}
    for name in outside:
        document.pages[0].anchors[name] = (0, 0, 0, 0)
    document.write_pdf(target)
    return Chunk(str(target), len(document.pages), anchors=anchors,
                 bookmarks=document.make_bookmark_tree(), slots=slots, warnings=warnings.messages)


def slots_on(page, number: int) -> list[Slot]:
    """The cross-references' hidden "(p. N)" on a laid-out page, and their font."""
    origin_x, origin_y = page._page_box.content_box_x(), page._page_box.content_box_y()
    found = []
    for kind, target, _, box in page.links:
        if kind != "internal" or not box.element_tag.endswith("::after") or not box.children:
            continue
        text = box.children[0]
        style = box.style
        line = style["line_height"]
        line_height = f"{line.value}{line.unit}" if hasattr(line, "unit") else str(line).lower()
        family = ", ".join(f'"{name}"' for name in style["font_family"])
        css = (f"font: {style['font_style']} {style['font_weight']} {style['font_size']}px/"
               f"{line_height} {family}; color: {style['color']}")
        found.append(Slot(number, target, text.position_x - origin_x,
                          text.position_y - origin_y, text.width, css))
    return found


def numbering(guide, chunks: list[Chunk], starts: list[int], pages: dict[str, int],
              folder: Path) -> list[tuple[str, Callable[[], None] | None]]:
    """For each chunk, the path of its PDF with its folios (from its first page number) and
    cross-reference numbers drawn in, and the job that makes it (None if made before)."""
    styles = html.styles(guide.book)
    made = []
    for chunk, start in zip(chunks, starts, strict=True):
        numbers = [pages.get(slot.target) for slot in chunk.slots]
        key = digest(code_version(), styles, chunk.pdf, str(start), json.dumps(numbers))
        target = folder / f"numbered-{key}.pdf"

        def make(chunk=chunk, start=start, numbers=numbers, target=target) -> None:
            overlay = layout(overlay_html(styles, chunk, start, numbers), guide.book.root,
                             Warnings()).write_pdf()
            with pikepdf.open(chunk.pdf) as pdf, pikepdf.open(io.BytesIO(overlay)) as over:
                for page, numbers_page in zip(pdf.pages, over.pages, strict=True):
                    page.add_overlay(numbers_page)
                pdf.save(target)

        made.append((str(target), None if touch(target) else make))
    return made


def overlay_html(styles: str, chunk: Chunk, start: int, numbers: list[int | None]) -> str:
    """One sheet per page of the chunk: its folio (from @page), its cross-reference numbers."""
    sheets = [[] for _ in range(chunk.pages)]
    for slot, page in zip(chunk.slots, numbers, strict=True):
        if page is not None:
            sheets[slot.page].append(
                f'<p class="number" style="left: {slot.left:.3f}px; top: {slot.top:.3f}px; '
                f'width: {slot.width:.3f}px; {escape(slot.style)}">'
                f"(p.\u00a0{page})</p>")
    body = "\n".join(f'<div class="sheet">{"".join(sheet)}</div>' for sheet in sheets)
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><style>{styles}\n"
            f"{OVERLAY_CSS % start}</style></head><body>{body}</body></html>")


def cached_chunk(cache: Cache, key: str) -> Chunk | None:
    """A chunk laid out before, if its entry and its PDF are still there."""
    text = cache.get("chunk", key)
    if text is None:
        return None
    data = json.loads(text)
    chunk = Chunk(**{**data, "slots": [Slot(**slot) for slot in data["slots"]]})
    return chunk if touch(chunk.pdf) else None


def touch(path: str | Path) -> bool:
    """Mark a kept file as used now (see guide_pdf.prune); False if it is gone."""
    try:
        os.utime(path)
        return True
    except OSError:
        return False


def keep_chunk(cache: Cache, key: str, chunk: Chunk) -> None:
    cache.put("chunk", key, json.dumps(chunk, default=lambda o: o.__dict__))
