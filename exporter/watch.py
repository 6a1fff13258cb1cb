"""`exporter watch`: export, then export again each time a note or file of the vault is
saved; the cache makes a rebuild redo only what the change touched."""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import watchfiles

from .config import CONFIG_NAME, Options
from .errors import ExportError
from .log import grouped, left_out_summary
from .pipeline import Result, export, output_dirs_inside
from .vault import IMAGE_SUFFIXES, SKIPPED_DIRS, vault_root

DEBOUNCE_MS = 300  # an editor's save is often several writes


def watch(options: Options, report: Callable[[str], None],
          stop: threading.Event | None = None, verbose: bool = False) -> None:
    """Export now and after every change below the vault's root, until `stop` is set
    (or Ctrl-C). Each export's result, time or error goes to `report`; its warnings
    grouped by kind unless `verbose`."""
    root = vault_root(options.source)
    relevant = Relevant(root, options)
    relevant.exported(rebuild(options, report, verbose))
    changes = watchfiles.watch(root, watch_filter=relevant, stop_event=stop,
                               debounce=DEBOUNCE_MS, raise_interrupt=False)
    for _ in changes:
        relevant.exported(rebuild(options, report, verbose))


def rebuild(options: Options, report: Callable[[str], None], verbose: bool = False
            ) -> Result | None:
    started = time.monotonic()
    try:
        result = export(options)
    except ExportError as error:
        report(f"error: {error}")
        return None
    for error in result.left_out:
        report(f"error: {error}")
    for message in result.warnings if verbose else grouped(result.warnings):
        report(f"warning: {message}")
    report(f"wrote {result.output} in {time.monotonic() - started:.1f} s")
    if result.left_out:
        report(left_out_summary(result.left_out))
    return result


class Relevant(watchfiles.DefaultFilter):
    """Changes to the vault's notes and files; not to dot-folders or the output.

    Exporting one note, only changes to what it reads count: the note, the notes and
    images it took in at the last export, exporter.toml, and a note or image added or
    deleted (an embed may name it).
    """

    def __init__(self, root: Path, options: Options):
        super().__init__()
        self.root = root.resolve()
        self.outputs = [folder.resolve() for folder in output_dirs_inside(root, options)]
        if options.output is not None:
            self.outputs.append(options.output.resolve())
        self.only = options.source.resolve() if options.source.is_file() else None
        self.read = {self.only, self.root / CONFIG_NAME}

    def exported(self, result: Result | None) -> None:
        """What the last export read (kept as it was when the export failed)."""
        if self.only is not None and result is not None:
            self.read = {self.only, self.root / CONFIG_NAME, *(p.resolve() for p in result.inputs)}

    def __call__(self, change: watchfiles.Change, path: str) -> bool:
        where = Path(path).resolve()
        if not super().__call__(change, path) or not where.is_relative_to(self.root):
            return False
        if any(part.startswith(".") or part in SKIPPED_DIRS
               for part in where.relative_to(self.root).parts):
            return False
        if any(where.is_relative_to(folder) for folder in self.outputs):
            return False
        if self.only is None or where in self.read:
            return True
        return change != watchfiles.Change.modified and (
            where.suffix.lower() == ".md" or where.suffix.lower() in IMAGE_SUFFIXES)
