"""Scan a vault folder and resolve link targets to notes the way Obsidian does."""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .log import Warnings
from .model import Note

SKIPPED_DIRS = {".obsidian", ".trash", ".git"}
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".bmp", ".avif"}


def natural_key(path: PurePosixPath) -> list:
    """Sort 'Chapter 2' before 'Chapter 10', ignoring case."""
    return [int(part) if part.isdigit() else part.casefold()
            for part in re.split(r"(\d+)", str(path))]


def scan(root: Path, exclude: list[Path] = ()) -> tuple[list[Path], list[PurePosixPath]]:
    """Every .md note and every other file below root, skipping dot-folders and `exclude`."""
    excluded = [p.resolve() for p in exclude]
    notes: list[Path] = []
    attachments: list[PurePosixPath] = []
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if any(part.startswith(".") for part in rel.parts[:-1]) or rel.parts[0] in SKIPPED_DIRS:
            continue
        if any(path.resolve().is_relative_to(e) for e in excluded) or not path.is_file():
            continue
        if path.suffix.lower() == ".md":
            notes.append(path)
        elif not path.name.startswith("."):
            attachments.append(PurePosixPath(rel.as_posix()))
    notes.sort(key=lambda p: natural_key(PurePosixPath(p.relative_to(root).as_posix())))
    return notes, attachments


def normalise(text: str) -> str:
    """The form in which names are compared: Unicode NFC, case-folded."""
    return unicodedata.normalize("NFC", text).casefold()


@dataclass
class Vault:
    """The index of every note and attachment, built before any filter runs."""

    root: Path
    notes: list[Note]
    attachments: list[PurePosixPath] = field(default_factory=list)
    warnings: Warnings = field(default_factory=Warnings)

    def __post_init__(self) -> None:
        self._by_rel = {str(note.rel): note for note in self.notes}
        self.attachment_folder = attachment_folder(self.root)
        self._by_name: dict[str, list[Note]] = {}
        for note in self.notes:
            self._by_name.setdefault(normalise(note.name), []).append(note)
        for note in self.notes:
            for alias in note_aliases(note):
                if normalise(alias) not in self._by_name:
                    self._by_name.setdefault(normalise(alias), []).append(note)

    def note_at(self, rel: str) -> Note | None:
        """The note at this vault-relative path."""
        return self._by_rel.get(rel)

    def resolve(self, target: str, from_note: Note | None = None) -> Note | None:
        """The note a link target names: file name, path suffix or alias; None if none does."""
        wanted = normalise(target.strip())
        if wanted.endswith(".md"):
            wanted = wanted[:-3]
        if not wanted or wanted.startswith(("/", "../")) or "/../" in wanted:
            return None
        if "/" in wanted:
            candidates = [n for n in self.notes
                          if ("/" + normalise(str(n.rel.with_suffix("")))).endswith("/" + wanted)]
        else:
            candidates = self._by_name.get(wanted, [])
        if not candidates:
            return None
        return self._choose(target, candidates, from_note)

    def resolve_attachment(self, target: str, from_note: Note | None = None
                           ) -> PurePosixPath | None:
        """The attachment a link names: the attachment folder first, then anywhere."""
        wanted = normalise(target.strip())
        if not wanted or wanted.startswith(("/", "../")) or "/../" in wanted:
            return None
        if "/" in wanted:
            found = [a for a in self.attachments
                     if ("/" + normalise(str(a))).endswith("/" + wanted)]
        else:
            found = [a for a in self.attachments if normalise(a.name) == wanted]
        folder = from_note.rel.parent if from_note else None
        preferred = folder / self.attachment_folder[2:] if (
            folder is not None and self.attachment_folder.startswith("./")) else \
            PurePosixPath(self.attachment_folder or ".")
        ranked = sorted(found, key=lambda a: (a.parent != preferred, a.parent != folder,
                                              len(a.parts), natural_key(a)))
        return ranked[0] if ranked else None

    def _choose(self, target: str, candidates: list[Note], from_note: Note | None) -> Note:
        """Same folder first, then the shortest path, then alphabetical; warn when ambiguous."""
        folder = from_note.rel.parent if from_note else None
        ranked = sorted(candidates, key=lambda n: (n.rel.parent != folder, len(n.rel.parts),
                                                   natural_key(n.rel)))
        if len(ranked) > 1:
            names = ", ".join(str(n.rel) for n in ranked)
            self.warnings.warn(f"[[{target}]] is ambiguous ({names}); using {ranked[0].rel}",
                               from_note.rel if from_note else None)
        return ranked[0]


def note_aliases(note: Note) -> list[str]:
    """Front-matter `aliases` (a list or one string) as a list of strings."""
    aliases = note.meta.get("aliases") or note.meta.get("alias") or []
    if isinstance(aliases, str):
        aliases = [aliases]
    return [str(a) for a in aliases if a]


def attachment_folder(root: Path) -> str:
    """Obsidian's `attachmentFolderPath` from .obsidian/app.json ('' when unset or unreadable)."""
    try:
        settings = json.loads((root / ".obsidian" / "app.json").read_text(encoding="utf-8"))
        return str(settings.get("attachmentFolderPath", "")).strip("/")
    except (OSError, ValueError, AttributeError):
        return ""
