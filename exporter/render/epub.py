"""The EPUB3 guide, written by pandoc: a chapter file per top-level heading."""
from __future__ import annotations

from pathlib import Path

import panflute as pf

from .. import pandoc
from ..model import Book
from . import template_text


def write_epub(doc: pf.Doc, book: Book, target: Path, parts: list[str] = ()) -> None:
    """pandoc runs sandboxed: the images are data: URIs already (the embeds filter made
    them), and the styles go in as header-includes, since --css files are out of its reach.
    The styles: epub.css, callouts.css, the theme, then the user's CSS."""
    css = "\n".join([template_text("epub.css"), template_text("callouts.css"),
                     template_text(f"themes/{book.theme}.css"),
                     book.css.read_text(encoding="utf-8") if book.css else ""])
    doc.metadata["header-includes"] = pf.MetaBlocks(pf.RawBlock(f"<style>\n{css}</style>",
                                                                "html"))
    pandoc.write(doc, "epub3", [
        "--output", str(target), "--toc", "--toc-depth=2", "--split-level=1", "--mathml",
    ], "EPUB writer", parts)
