"""Warnings collected during one export; printed by the CLI, fatal under --strict."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .errors import ExportError, where


@dataclass
class Warnings:
    """The run's warnings, in the order they were raised, without repeats."""

    strict: bool = False
    messages: list[str] = field(default_factory=list)

    def warn(self, message: str, path: Path | str | None = None, line: int | None = None) -> None:
        text = f"{where(path, line)}{message}"
        if text not in self.messages:
            self.messages.append(text)

    def extend(self, messages: list[str]) -> None:
        """Add warnings made elsewhere (in a worker process), without repeats."""
        self.messages.extend(m for m in messages if m not in self.messages)

    def check_strict(self) -> None:
        """Under --strict any warning fails the export before anything is written."""
        if self.strict and self.messages:
            raise ExportError(f"{len(self.messages)} warning(s) under --strict:\n"
                              + "\n".join(self.messages))
