"""Warnings collected during one export, and the notes it left out; printed by the CLI,
fatal under --strict."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ExportError, where


class Message(str):
    """A warning as printed, 'file:line: message', that knows its kind (a small stable key
    that groups it with its like, or None: printed alone), its place and its message.

    A str, so that the warnings of a Result read as text; `fields()` is its JSON form.
    """

    kind: str | None
    message: str
    place: str  # 'file:line', 'file' or ''

    def __new__(cls, kind: str | None, message: str, place: str = "") -> Message:
        text = super().__new__(cls, f"{place}: {message}" if place else message)
        text.kind, text.message, text.place = kind, message, place
        return text

    def __reduce__(self):
        return Message, (self.kind, self.message, self.place)

    def fields(self) -> list:
        return [self.kind, self.message, self.place]


@dataclass
class Warnings:
    """The run's warnings, in the order they were raised, without repeats, and the notes
    left out of it, each with its error."""

    strict: bool = False
    messages: list[Message] = field(default_factory=list)
    left_out: list[ExportError] = field(default_factory=list)
    _seen: set[str] = field(default_factory=set, repr=False)

    def warn(self, message: str, path: Path | str | None = None, line: int | None = None,
             kind: str | None = None) -> None:
        """Warn of `message` at file `path`, `line`; `kind` groups it with its like (see
        KINDS): give every warning one."""
        self.add(Message(kind, message, where(path, line).removesuffix(": ")))

    def add(self, message: Message) -> None:
        if message not in self._seen:
            self._seen.add(message)
            self.messages.append(message)

    def extend(self, messages) -> None:
        """Add warnings made elsewhere (in a worker process): Messages or their fields()."""
        for message in messages:
            self.add(Message(*message) if isinstance(message, (list, tuple)) else message)

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


# What a kind of warning is, said of many, and what to do about it (None: nothing to say).
KINDS = {
    "remote-image": ("remote images not fetched", "pass --allow-remote to fetch them"),
    "remote-image-failed": ("remote images that could not be fetched", None),
    "missing-image": ("images not found", "the vault has no file of that name"),
    "refused-image": ("images refused", None),
    "missing-embed": ("embeds of notes that do not exist", None),
    "missing-part": ("embeds of a heading or block the note does not have", None),
    "embed-cycle": ("embed cycles", None),
    "embed-limit": ("embeds omitted at a limit", None),
    "left-out-note": ("links and embeds of notes left out", None),
    "ambiguous-link": ("ambiguous links", "name the folder too, [[Folder/Note]], to choose"),
    "outside-vault": ("paths out of the vault refused", None),
    "symlink": ("symlinks out of the vault skipped", None),
    "raw-html": ("raw HTML tags and attributes dropped", "they load something from outside "
                 "the notes"),
    "raw-latex": ("raw LaTeX commands dropped", "pass --allow-raw-latex to keep them, for a "
                  "vault you trust"),
    "formula": ("formulas not drawn, printed as TeX", None),
    "diagram": ("Mermaid diagrams not drawn, printed as code", None),
    "diagram-renderer": ("no Mermaid renderer", None),
    "front-matter": ("notes whose front matter is unreadable, exported as text", None),
    "uncited-pages": ("notes with page numbers but no book to cite",
                      "give each an `author` in its front matter"),
    "comment": ("%% comments never closed", None),
    "language": ("notes whose lang is not a language tag", None),
    "font": ("notes with characters no installed font has", "install fonts with them (on "
             "Debian: fonts-noto-core, fonts-noto-cjk, fonts-noto-color-emoji)"),
    "pdf-layout": ("PDF layout warnings", None),
    "config": ("exporter.toml settings ignored", None),
}
SHOWN = 3  # a kind warned of more often prints as one line, with this many examples
EXAMPLE_CHARS = 80  # of each example's message


def grouped(messages: list[Message], shown: int = SHOWN) -> list[str]:
    """The warnings to print: a kind raised more than `shown` times as one line, where its
    first one was (a count, the advice of KINDS, its first places); the others as they are."""
    by_kind: dict[str, list[Message]] = {}
    for message in messages:
        if message.kind is not None:
            by_kind.setdefault(message.kind, []).append(message)
    lines = []
    for message in messages:
        same = by_kind.get(message.kind, [message])
        if len(same) <= shown:
            lines.append(message)
        elif message is same[0]:
            lines.append(group_line(same, shown))
    return lines


def group_line(same: list[Message], shown: int) -> str:
    """'13547 remote images not fetched (pass --allow-remote to fetch them), e.g. a.md:3
    http://..., b.md:9 ..., c.md:1 ... (--verbose lists all)'."""
    kind = same[0].kind
    what, advice = KINDS.get(kind, (f"warnings of the kind {kind}", None))
    texts = [message.message for message in same]
    head = os.path.commonprefix(texts)  # said of all: left out of the examples
    head = head[:head.rfind(": ") + 2] if ": " in head else ""
    tail = os.path.commonprefix([text[::-1] for text in texts])[::-1]
    tail = tail[tail.find(" ("):] if " (" in tail else ""
    alike = len(set(texts)) == 1  # the places tell them apart
    examples = []
    for message in same[:shown]:
        text = "" if alike else message.message[len(head):len(message.message) - len(tail)]
        if len(text) > EXAMPLE_CHARS:
            text = text[:EXAMPLE_CHARS - 1] + "…"
        examples.append(" ".join(filter(None, [message.place, text])))
    said = f" ({advice})" if advice else ""
    return f"{len(same)} {what}{said}, e.g. {', '.join(examples)} (--verbose lists all)"


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
