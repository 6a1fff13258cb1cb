"""The EPUB3 guide, written by pandoc (a chapter file per top-level heading): runs of
chapters written at once in separate pandoc processes, then joined (epub_join)."""
from __future__ import annotations

import tempfile
from functools import cache
from pathlib import Path

import panflute as pf

from .. import pandoc
from ..errors import ExportError
from ..model import Book
from . import template_text
from .epub_join import join
from .html import font_css
from .pieces import runs_of, write_runs

ARGS = ["--toc", "--toc-depth=2", "--split-level=1", "--mathml"]


def write_epub(doc: pf.Doc, book: Book, target: Path, parts: list[str] = (),
               processes: int = 1, own_chapter: bool = True) -> None:
    """pandoc runs sandboxed (the images are data: URIs already: the embeds filter made
    them), so it cannot read a --css file: the guide's styles join pandoc's stylesheet,
    which every chapter links, when its pieces are joined (a single piece too). The
    styles: epub.css, callouts.css, the theme, then the user's CSS. The blocks of `parts`
    come first, then the Doc's own (index, references)."""
    css = "\n".join([template_text("epub.css"), template_text("callouts.css"),
                     template_text("code.css"),
                     template_text(f"themes/{book.theme}.css"),
                     font_css(book.fonts, with_files=False),
                     book.css.read_text(encoding="utf-8") if book.css else ""])
    runs = runs_of(doc, parts, processes, own_chapter)
    with tempfile.TemporaryDirectory(prefix="exporter-epub-") as folder:
        pieces = [Path(folder) / f"piece-{n}.epub" for n in range(len(runs))]
        template = Path(folder) / "chapter.xhtml"
        template.write_text(chapter_template(), encoding="utf-8")
        # the chapters' template sees variables, not the metadata
        args = [*ARGS, f"--template={template}", f"--variable=dir:{book.dir}"]
        if len(runs) == 1:
            pandoc.write(doc, "epub3", ["--output", str(pieces[0]), *args], "EPUB writer",
                         runs[0])
        else:
            write_runs(doc, runs, ["--to", "epub3", *args], "EPUB writer", processes, pieces)
        join(pieces, target, css, book.cover)


@cache
def chapter_template() -> str:
    """pandoc's own EPUB3 template, with the guide's direction on each file's <html> (the
    template sets lang alone; a reader lays out a right-to-left book by dir)."""
    default = pandoc.run(["--print-default-template=epub3"], "", "EPUB template")
    marked = default.replace('$if(lang)$ lang="$lang$" xml:lang="$lang$"$endif$',
                             '$if(lang)$ lang="$lang$" xml:lang="$lang$"$endif$'
                             '$if(dir)$ dir="$dir$"$endif$', 1)
    if marked == default:
        raise ExportError("pandoc's EPUB template has changed: its <html> tag is not found",
                          "EPUB writer")
    return marked
