"""The guide's body laid out in chunks of chapters, in worker processes at once.

WeasyPrint lays out one document on one core. The body is cut at chapter headings into
chunks, each laid out on its own and cached by its HTML. A chunk cannot know the page it
starts on, nor the page a cross-reference points to in another chunk, so it is laid out
with the page numbers laid out unseen: each folio, and each cross-reference's "(p. N)"
with room for the longest number the guide may need. Once every chunk's length is known,
the numbers are drawn in at the places the layout reported (stamps.py).
"""
from __future__ import annotations

import json
import math
import os
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import panflute as pf

from .. import pandoc, workers
from ..cache import Cache, code_version, digest
from ..log import Warnings
from . import html, stamps
from .join import Part
from .pdf import layout

BYTES_PER_PAGE = 22_000  # of the body's pandoc JSON, about, in the study-guide theme
CHUNK_PAGES = (10, 90)  # the fewest and the most pages a chunk is aimed at
CHUNKS_PER_PROCESS = 4  # enough for the processes to share the work evenly

# The folio and a cross-reference's "(p. N)" take their place, unseen; the numbers are
# drawn there. A margin, not a space, before "(p.": justification would stretch a space.
CHUNK_CSS = """
@page { @bottom-center { visibility: hidden; } }
a.xref::after { content: "(p.\\00A0" "%s" ")"; margin-left: 0.25em; visibility: hidden; }
"""


@dataclass
class Chunk(Part):
    """A part laid out (its numbers left out), the places of its numbers, its warnings."""

    slots: list[stamps.Slot] = field(default_factory=list)
    warnings: list[list] = field(default_factory=list)  # Message.fields() of each


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
            pool: workers.Workers, whole: dict[str, str] | None = None
            ) -> tuple[list[Chunk], dict[str, Chunk]]:
    """Each chunk laid out to a PDF in `folder`, and each document of `whole` (name ->
    HTML) as it is, all in one go of the workers; what the cache has is taken from it."""
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
        return lay_out_kept(body, book.root, folder / f"chunk-{keys[index]}.pdf", cache,
                            keys[index])

    made, jobs = lay_out_whole(whole or {}, book.root, folder, cache)
    jobs += [partial(make, index) for index in missing]
    done = pool.map("Laying out pages", lambda job: job(), jobs)
    for index, chunk in zip(missing, take_whole(made, done), strict=True):
        found[index] = chunk
    return found, made


def lay_out_whole(markups: dict[str, str], root: Path, folder: Path, cache: Cache
                  ) -> tuple[dict[str, Chunk | None], list[Callable[[], Chunk]]]:
    """Documents laid out as they are, kept in the cache by their markup: those the cache
    has (the others None), and the jobs that lay out the others (each keeps its result)."""
    made, jobs = {}, []
    for name, markup in markups.items():
        key = digest(code_version(), markup)
        made[name] = cached_chunk(cache, key)
        if made[name] is None:
            jobs.append(partial(lay_out_kept, markup, root, folder / f"{name}-{key}.pdf",
                                cache, key))
    return made, jobs


def take_whole(made: dict[str, Chunk | None], done: list) -> list:
    """Give the documents `made` lacks the first results of a run of jobs that began with
    lay_out_whole's; return the other results."""
    missing = [name for name, part in made.items() if part is None]
    made.update(zip(missing, done, strict=False))
    return done[len(missing):]


def lay_out_kept(markup: str, root: Path, target: Path, cache: Cache, key: str) -> Chunk:
    """lay_out_part(), and the part kept in the cache under `key` (by the worker: at once)."""
    chunk = lay_out_part(markup, root, target)
    keep_chunk(cache, key, chunk)
    return chunk


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
    slots = [slot for number, page in enumerate(document.pages)
             for slot in stamps.slots_on(page, number)]
    # A link to another chunk: WeasyPrint writes it only if the target is here; an anchor
    # placed for it lets it be written, and the join points it at the real one.
    outside = {target for page in document.pages for kind, target, *_ in page.links
               if kind == "internal" and target not in anchors}
    for name in outside:
        document.pages[0].anchors[name] = (0, 0, 0, 0)
    document.write_pdf(target)
    return Chunk(str(target), len(document.pages), anchors=anchors,
                 bookmarks=document.make_bookmark_tree(), slots=slots,
                 warnings=[m.fields() for m in warnings.messages])


def numbering(guide, chunks: list[Chunk], starts: list[int], pages: dict[str, int],
              folder: Path, cache: Cache) -> list[tuple[str, Callable[[], None] | None]]:
    """For each chunk, the path of its PDF with its folios (from its first page number) and
    cross-reference numbers drawn in, and the job that makes it (None if made before)."""
    made = []
    sheet = None
    for chunk, start in zip(chunks, starts, strict=True):
        numbers = [start + slot.page if slot.target is None else pages.get(slot.target)
                   for slot in chunk.slots]
        target = folder / f"numbered-{digest(code_version(), chunk.pdf, json.dumps(numbers))}.pdf"
        if touch(target):
            made.append((str(target), None))
            continue
        sheet = sheet or glyph_sheet(guide, [s for c in chunks for s in c.slots], folder, cache)
        made.append((str(target), partial(stamps.draw, chunk.pdf, chunk.slots, numbers, sheet,
                                          target)))
    return made


def glyph_sheet(guide, slots: list[stamps.Slot], folder: Path, cache: Cache) -> stamps.Sheet:
    """The glyphs the slots' numbers are drawn with, laid out (or from the cache)."""
    styles = html.styles(guide.book)
    key = digest(code_version(), styles, json.dumps(sorted({(s.style, s.text) for s in slots})))
    text = cache.get("glyphs", key)
    if text is not None:
        data = json.loads(text)
        sheet = stamps.Sheet(data["pdf"], {style: {token: stamps.Glyph(**glyph)
                                                   for token, glyph in glyphs.items()}
                                           for style, glyphs in data["glyphs"].items()},
                             data["page_height"])
        if touch(sheet.pdf):
            return sheet
    sheet = stamps.make_sheet(slots, styles, guide.book.root, folder / f"glyphs-{key}.pdf")
    cache.put("glyphs", key, json.dumps(sheet, default=vars))
    return sheet


def cached_chunk(cache: Cache, key: str) -> Chunk | None:
    """A chunk laid out before, if its entry and its PDF are still there."""
    text = cache.get("chunk", key)
    if text is None:
        return None
    data = json.loads(text)
    chunk = Chunk(**{**data, "slots": [stamps.Slot(**slot) for slot in data["slots"]]})
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
