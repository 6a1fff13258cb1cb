"""ExportError: an error the user can act on, naming the file and line it is about."""
from __future__ import annotations

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
