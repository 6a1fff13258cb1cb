"""The EPUB3 guide, written by pandoc (a chapter file per top-level heading): runs of
chapters written at once in separate pandoc processes, then joined (epub_join)."""
from __future__ import annotations

import math
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import panflute as pf

from .. import pandoc
from ..model import Book
from . import template_text
from .chunks import chapter_units
from .epub_join import join

ARGS = ["--toc", "--toc-depth=2", "--split-level=1", "--mathml"]
# pandoc's EPUB writer holds about twenty times its JSON input; pieces of at most this
# much keep each process small, and with more pieces than processes none waits idle.
PIECE_BYTES = 6 * 2**20


def write_epub(doc: pf.Doc, book: Book, target: Path, parts: list[str] = (),
               processes: int = 1, own_chapter: bool = True) -> None:
    """pandoc runs sandboxed: the images are data: URIs already (the embeds filter made
    them), and the styles go in as header-includes, since --css files are out of its reach.
    The styles: epub.css, callouts.css, the theme, then the user's CSS.

    The blocks of `parts` come first, then the Doc's own (index, references). When pandoc
    has citations left to format (a note style numbers and shortens them along the whole
    book), one pandoc writes it all."""
    css = "\n".join([template_text("epub.css"), template_text("callouts.css"),
                     template_text(f"themes/{book.theme}.css"),
                     book.css.read_text(encoding="utf-8") if book.css else ""])
    doc.metadata["header-includes"] = pf.MetaBlocks(pf.RawBlock(f"<style>\n{css}</style>",
                                                                "html"))
    runs = [list(parts)]
    if processes > 1 and not pandoc.citeproc(doc):
        runs = consecutive_runs(chapter_units(list(parts), own_chapter), processes)
    if len(runs) == 1:
        pandoc.write(doc, "epub3", ["--output", str(target), *ARGS], "EPUB writer", runs[0])
        return
    own = list(doc.content)
    doc.content = []
    inputs = [pandoc.dump(doc, run) for run in runs[:-1]]
    doc.content = own
    inputs.append(pandoc.dump(doc, runs[-1]))
    with tempfile.TemporaryDirectory(prefix="exporter-epub-") as folder:
        paths = [Path(folder) / f"piece-{n}.epub" for n in range(len(inputs))]

        def write_piece(n: int) -> None:
            pandoc.run(["--from", "json", "--to", "epub3", "--output", str(paths[n]), *ARGS],
                       inputs[n], "EPUB writer")

        with ThreadPoolExecutor(processes) as threads:
            list(threads.map(write_piece, range(len(inputs))))
        join(paths, target)


def consecutive_runs(units: list[str], processes: int) -> list[list[str]]:
    """The units (chapters, as JSON text) in consecutive runs of about equal size: as many
    as the processes, or more where that keeps each under PIECE_BYTES."""
    total = sum(map(len, units))
    count = min(len(units), max(processes, math.ceil(total / PIECE_BYTES)))
    runs: list[list[str]] = [[]]
    size = 0
    for unit in units:
        if runs[-1] and size + len(unit) / 2 > total * len(runs) / count:
            runs.append([])
        runs[-1].append(unit)
        size += len(unit)
    return runs
