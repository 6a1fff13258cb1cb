"""What an export is doing, for whoever waits: a progress bar on a terminal (rich), plain
lines elsewhere, nothing for a script that asks for quiet; shown only once an export
has taken over a second."""
from __future__ import annotations

import threading
import time

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.progress import Progress as Bar

SHOW_AFTER = 1.0  # seconds


class Progress:
    """Silent: the stages an export goes through, and how far each has got."""

    def stage(self, name: str, total: int | None = None) -> None:
        """A stage starts; `total` things to do in it, when that is known."""

    def advance(self, done: int = 1) -> None:
        """`done` more things of the stage are done."""

    def close(self) -> None:
        """The export has ended."""


def for_console(console: Console) -> Progress:
    """A bar on a terminal, plain lines when the output goes elsewhere."""
    return TerminalProgress(console) if console.is_terminal else LineProgress(console)


class TerminalProgress(Progress):
    """A rich progress bar with the stage's name, appearing after SHOW_AFTER seconds."""

    def __init__(self, console: Console):
        self.bar = Bar(SpinnerColumn(), TextColumn("{task.description:<28}"), BarColumn(),
                       MofNCompleteColumn(), TimeElapsedColumn(), console=console,
                       transient=True)
        self.task = None
        self.timer = threading.Timer(SHOW_AFTER, self.bar.start)
        self.timer.daemon = True
        self.timer.start()

    def stage(self, name: str, total: int | None = None) -> None:
        if self.task is not None:
            self.bar.remove_task(self.task)
        self.task = self.bar.add_task(name, total=total)

    def advance(self, done: int = 1) -> None:
        if self.task is not None:
            self.bar.advance(self.task, done)

    def close(self) -> None:
        self.timer.cancel()
        self.bar.stop()


class LineProgress(Progress):
    """A line per stage, once the export has taken SHOW_AFTER seconds (the stages before
    then come all at once)."""

    def __init__(self, console: Console):
        self.console = console
        self.started = time.monotonic()
        self.waiting: list[str] = []

    def stage(self, name: str, total: int | None = None) -> None:
        elapsed = time.monotonic() - self.started
        self.waiting.append(f"[{elapsed:5.1f} s] {name}" + (f" ({total})" if total else ""))
        if elapsed >= SHOW_AFTER:
            for line in self.waiting:
                self.console.print(line, markup=False, highlight=False)
            self.waiting = []
