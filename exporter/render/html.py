"""The HTML5 guide: title page (Jinja2), contents and body (pandoc template guide.html)."""
from __future__ import annotations

import jinja2
import panflute as pf

from .. import pandoc
from ..model import Book
from . import TEMPLATES, template_text

PAGE_SIZES = {"a4": "A4", "letter": "letter", "a5": "A5"}


def render(doc: pf.Doc, book: Book, self_contained: bool = False) -> str:
    """The whole guide as one standalone HTML document, styles included.

    Images stay vault-relative links (WeasyPrint reads them from the vault), unless
    `self_contained`, for an HTML file to be read on its own: then they are data URIs.
    """
    doc.metadata["title-page"] = pf.MetaBlocks(pf.RawBlock(title_page(book), "html"))
    doc.metadata["styles"] = pf.MetaBlocks(pf.RawBlock(styles(book), "html"))
    embedding = ["--embed-resources", f"--resource-path={book.root}"] if self_contained else []
    return pandoc.write(doc, "html5", [
        "--standalone", f"--template={TEMPLATES / 'guide.html'}",
        "--toc", "--toc-depth=2", "--wrap=none", *embedding,
    ], "HTML writer")


def title_page(book: Book) -> str:
    environment = jinja2.Environment(autoescape=True, loader=jinja2.FileSystemLoader(TEMPLATES))
    return environment.get_template("title-page.html").render(
        title=book.title, author=book.author, source=book.source, tags=book.tags)


def styles(book: Book) -> str:
    """print.css and callouts.css, with the paper size."""
    page = f"@page {{ size: {PAGE_SIZES[book.paper]}; }}\n"
    return page + template_text("print.css") + template_text("callouts.css")
