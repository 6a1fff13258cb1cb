"""Turn an Obsidian vault of book notes into a typeset study guide: PDF, EPUB3, LaTeX, HTML."""
from __future__ import annotations

from pathlib import Path

from .config import Options
from .errors import ExportError, UsageError
from .pipeline import Result

__all__ = ["export", "ExportError", "UsageError", "Options", "Result"]


def export(source: str | Path, fmt: str = "pdf", progress=None, **options) -> Result:
    """Export the vault folder or note at `source` in `fmt` (pdf, epub, latex, html);
    `progress`, an exporter.progress.Progress, hears of each stage."""
    from .pipeline import export as run_export
    return run_export(Options(fmt=fmt, source=Path(source), **options), progress)
