"""WeasyPrint, reading only vetted local files: lay out an HTML document, write its PDF."""
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
from . import TEMPLATES

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
        self.warnings.warn(f"PDF layout: {record.getMessage()}", kind="pdf-layout")

    def __enter__(self):
        logging.getLogger("weasyprint").addHandler(self)
        return self

    def __exit__(self, *exc):
        logging.getLogger("weasyprint").removeHandler(self)
