"""ExportError, an error the user can act on, naming its file and line; time_limit;
interrupts_held."""
from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class ExportError(Exception):
    """An export failed; the message names the file (and line) at fault."""

    def __init__(self, message: str, path: Path | str | None = None, line: int | None = None):
        self.message = message
        self.path = path
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"{where(self.path, self.line)}{self.message}"


class UsageError(ExportError):
    """The command line asks for something impossible (exit status 2)."""


def where(path: Path | str | None, line: int | None = None) -> str:
    """'file:line: ' prefix for messages, or '' when there is no file."""
    if path is None:
        return ""
    return f"{path}:{line}: " if line else f"{path}: "


class _OutOfTime(BaseException):
    """Raised by the alarm; a BaseException, so no `except Exception` in a library eats it."""


@contextmanager
def time_limit(seconds: float, what: str) -> Iterator[None]:
    """Run the block for at most `seconds`, else raise ExportError (SIGALRM, so only in the
    main thread of a POSIX process; elsewhere the block runs unbounded)."""
    in_main_thread = threading.current_thread() is threading.main_thread()
    if not hasattr(signal, "setitimer") or not in_main_thread:
        yield
        return

    def alarm(_signum, _frame):
        raise _OutOfTime

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except _OutOfTime:
        raise ExportError(f"{what} took longer than {seconds:g} s; stopped") from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def interrupts_held() -> Iterator[None]:
    """Run the block with Ctrl-C held back; one pressed meanwhile interrupts after it."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
