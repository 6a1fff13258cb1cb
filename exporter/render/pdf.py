"""Lay the HTML guide out as a PDF with WeasyPrint, fetching only vetted local files."""
from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import unquote, urlparse
from urllib.request import url2pathname

import font_caladea
import weasyprint
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from ..log import Warnings
from . import TEMPLATES, html

FONT_DIR = Path(font_caladea.__file__).resolve().parent / "files"


class LocalFetcher(URLFetcher):
    """Fetch data: URLs and regular files inside the allowed folders; refuse all else."""

    def __init__(self, roots: list[Path]):
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)
        self.roots = [root.resolve() for root in roots]

    def fetch(self, url, headers=None):
        if url.startswith("file:"):
            path = Path(url2pathname(unquote(urlparse(url).path))).resolve()
            if not path.is_file() or not any(path.is_relative_to(r) for r in self.roots):
                raise ValueError(f"refused to read {url}: outside the vault")
        return super().fetch(url, headers)


def font_css() -> str:
    """@font-face rules for Caladea, the body font that ships with the dependencies."""
    faces = [("Regular", "normal", "normal"), ("Bold", "normal", "bold"),
             ("Italic", "italic", "normal"), ("BoldItalic", "italic", "bold")]
    return "\n".join(
        f'@font-face {{ font-family: "Caladea"; font-style: {style}; font-weight: {weight}; '
        f'src: url("{(FONT_DIR / f"Caladea-{name}.ttf").as_uri()}"); }}'
        for name, style, weight in faces)


def write_pdf(html: str, base: Path, target: Path, warnings: Warnings) -> weasyprint.Document:
    """Lay out `html` and write the PDF to `target`; returns the laid-out document."""
    document = layout(html, base, warnings)
    document.write_pdf(target)
    return document


def layout(html: str, base: Path, warnings: Warnings) -> weasyprint.Document:
    """Lay out one HTML document, reading only vetted local files."""
    fetcher = LocalFetcher([base, TEMPLATES, FONT_DIR])
    fonts = FontConfiguration()  # @font-face rules only apply through a shared configuration
    with CollectedWarnings(warnings):
        fonts_sheet = weasyprint.CSS(string=font_css(), url_fetcher=fetcher, font_config=fonts)
        return weasyprint.HTML(string=html, base_url=base.resolve().as_uri() + "/",
                               url_fetcher=fetcher).render(
            stylesheets=[fonts_sheet], font_config=fonts, presentational_hints=True)


def write_guide(guide, target: Path) -> None:
    """The study guide: body laid out first, numbered from 1; then the index, whose page
    numbers are where the occurrences landed; then title page and contents (roman), whose
    numbers are where the headings landed. The three are joined into one PDF.

    With --duplex, blank pages make the body and the index open on a right-hand page.
    """
    book, warnings, entries = guide.book, guide.warnings, guide.index
    blank = layout(BLANK_PAGE, book.root, warnings).pages if book.duplex else []
    body = layout(html.render_body(guide.meta, book, parts=guide.parts), book.root, warnings)
    body_pages = body.pages + blank * (len(body.pages) % 2)
    pages = anchor_pages(body)
    parts = [body_pages]
    if entries:
        index_doc = layout(html.render_index(entries, pages, book, len(body_pages) + 1),
                           book.root, warnings)
        pages.update(anchor_pages(index_doc, offset=len(body_pages)))
        parts.append(index_doc.pages)
    front = layout(html.render_front(book, contents(guide.contents, pages)), book.root, warnings)
    front_pages = front.pages + blank * (len(front.pages) % 2)
    body.copy([page for part in [front_pages, *parts] for page in part]).write_pdf(target)


BLANK_PAGE = "<style>@page { @top-center { content: none } @bottom-center { content: none } }" \
             "</style><p></p>"


def anchor_pages(document: weasyprint.Document, offset: int = 0) -> dict[str, int]:
    """{anchor id: page number} of a laid-out document."""
    return {name: offset + number for number, page in enumerate(document.pages, start=1)
            for name in page.anchors}


def contents(headings: list[dict], pages: dict[str, int]) -> list[dict]:
    """The contents: the chapters and sections, References, Index, with their pages."""
    entries = [*headings, dict(level=1, id="bibliography", text="References"),
               dict(level=1, id="index", text="Index")]
    return [dict(entry, page=pages[entry["id"]]) for entry in entries if entry["id"] in pages]


# WeasyPrint notices about this machine's libraries, not about the notes.
ENVIRONMENT_NOTICES = ("Using fontTools instead of HarfBuzz",)


class CollectedWarnings(logging.Handler):
    """Turn WeasyPrint's logged warnings (refused URLs, bad CSS) into export warnings."""

    def __init__(self, warnings: Warnings):
        super().__init__(logging.WARNING)
        self.warnings = warnings

    def emit(self, record):
        if record.getMessage().startswith(ENVIRONMENT_NOTICES):
            return
        self.warnings.warn(f"PDF layout: {record.getMessage()}")

    def __enter__(self):
        logging.getLogger("weasyprint").addHandler(self)
        return self

    def __exit__(self, *exc):
        logging.getLogger("weasyprint").removeHandler(self)
