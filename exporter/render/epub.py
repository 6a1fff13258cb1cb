"""The EPUB3 guide, written by pandoc: a chapter file per top-level heading."""
from __future__ import annotations

from pathlib import Path

import panflute as pf

from .. import pandoc
from . import TEMPLATES


def write_epub(doc: pf.Doc, target: Path, root: Path) -> None:
    """pandoc packages the images, which it finds below the vault root."""
    pandoc.write(doc, "epub3", [
        "--output", str(target), "--toc", "--toc-depth=2", "--split-level=1", "--mathml",
        f"--resource-path={root}",
        f"--css={TEMPLATES / 'epub.css'}", f"--css={TEMPLATES / 'callouts.css'}",
    ], "EPUB writer")
