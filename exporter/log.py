"""Warnings collected during one export, and the notes it left out; printed by the CLI,
fatal under --strict."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ExportError, where


@dataclass
class Warnings:
    """The run's warnings, in the order they were raised, without repeats, and the notes
    left out of it, each with its error."""

    strict: bool = False
    messages: list[str] = field(default_factory=list)
    left_out: list[ExportError] = field(default_factory=list)

    def warn(self, message: str, path: Path | str | None = None, line: int | None = None) -> None:
        text = f"{where(path, line)}{message}"
        if text not in self.messages:
            self.messages.append(text)

    def extend(self, messages: list[str]) -> None:
        """Add warnings made elsewhere (in a worker process), without repeats."""
        self.messages.extend(m for m in messages if m not in self.messages)

    def leave_out(self, error: ExportError) -> None:
        """A note the export goes on without: it cannot be read or parsed (error.path)."""
        self.left_out.append(error)

    def check_strict(self) -> None:
        """Under --strict a note left out, or any warning, fails the export before anything
        is written."""
        if not self.strict or not (self.messages or self.left_out):
            return
        counts = [f"{plural(len(self.left_out), 'note')} left out" if self.left_out else "",
                  f"{len(self.messages)} warning(s)" if self.messages else ""]
        raise ExportError(f"{' and '.join(filter(None, counts))} under --strict:\n"
                          + "\n".join([*map(str, self.left_out), *self.messages]))


def reason(error: ExportError) -> str:
    """The gist of a note's error, for a list of notes: 'not UTF-8', 'nesting too deep to
    export' (what comes before its details in brackets, after ';' or ':')."""
    return re.split(r" \(|;|:", error.message, maxsplit=1)[0]


def left_out_summary(left_out: list[ExportError]) -> str:
    """'2 notes left out: a.md (not UTF-8), b.md (nesting too deep to export)'."""
    notes = ", ".join(f"{error.path} ({reason(error)})" for error in left_out)
    return f"{plural(len(left_out), 'note')} left out: {notes}"


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"
