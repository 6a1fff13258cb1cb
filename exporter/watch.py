"""`exporter watch`: export, then export again each time a note or file of the vault is
saved; the cache makes a rebuild redo only what the change touched."""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import watchfiles

from .config import Options
from .errors import ExportError
from .pipeline import export, output_dirs_inside
from .vault import SKIPPED_DIRS

DEBOUNCE_MS = 300  # an editor's save is often several writes


def watch(options: Options, report: Callable[[str], None],
          stop: threading.Event | None = None) -> None:
    """Export now and after every change below the vault's root, until `stop` is set
    (or Ctrl-C). Each export's result, time or error goes to `report`."""
    root = options.source if options.source.is_dir() else options.source.parent
    rebuild(options, report)
    changes = watchfiles.watch(root, watch_filter=Relevant(root, options), stop_event=stop,
                               debounce=DEBOUNCE_MS, raise_interrupt=False)
    for _ in changes:
        rebuild(options, report)


def rebuild(options: Options, report: Callable[[str], None]) -> None:
    started = time.monotonic()
    try:
        result = export(options)
    except ExportError as error:
        report(f"error: {error}")
        return
    for message in result.warnings:
        report(f"warning: {message}")
    report(f"wrote {result.output} in {time.monotonic() - started:.1f} s")


class Relevant(watchfiles.DefaultFilter):
    """Changes to the vault's notes and files; not to dot-folders or the output."""

    def __init__(self, root: Path, options: Options):
        super().__init__()
        self.root = root.resolve()
        self.outputs = [folder.resolve() for folder in output_dirs_inside(root, options)]
        if options.output is not None:
            self.outputs.append(options.output.resolve())
        self.only = options.source.resolve() if options.source.is_file() else None

    def __call__(self, change: watchfiles.Change, path: str) -> bool:
        where = Path(path).resolve()
        if not super().__call__(change, path) or not where.is_relative_to(self.root):
            return False
        if any(part.startswith(".") or part in SKIPPED_DIRS
               for part in where.relative_to(self.root).parts):
            return False
        if any(where.is_relative_to(folder) for folder in self.outputs):
            return False
        return self.only is None or where == self.only  # one note: nothing else is read
