"""Scan a vault folder and resolve link targets to notes the way Obsidian does."""
from __future__ import annotations

import json
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .log import Warnings
from .model import Note

SKIPPED_DIRS = {".obsidian", ".trash", ".git"}
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".bmp", ".avif"}
ABSOLUTE = re.compile(r"^(?:/|[A-Za-z]:/)")  # /x and C:/x, once backslashes are slashes


def vault_root(source: Path) -> Path:
    """The vault a folder or note belongs to. A folder is its own vault; a note's vault is,
    as in Obsidian, the nearest folder holding `.obsidian/`, from the note's own folder up;
    without one, the note's folder."""
    if source.is_dir():
        return source
    folder = source.parent
    for above in [folder.absolute(), *folder.absolute().parents]:
        if (above / ".obsidian").is_dir():
            return above
    return folder


def note_in_vault(note: Path, root: Path) -> PurePosixPath:
    """The vault-relative path of a note below `root` (as vault_root found it)."""
    return PurePosixPath(note.absolute().relative_to(root.absolute()).as_posix())


def natural_key(path: PurePosixPath) -> list:
    """Sort 'Chapter 2' before 'Chapter 10', ignoring case."""
    return [int(part) if part.isdigit() else part.casefold()
            for part in re.split(r"(\d+)", str(path))]


def scan(root: Path, exclude: list[Path] = (), warnings: Warnings | None = None
         ) -> tuple[list[Path], list[PurePosixPath]]:
    """Every .md note and every other file below root, skipping dot-folders and `exclude`.

    A symlink whose real path is outside the vault is skipped with a warning.
    """
    inside = real(root)
    excluded = [real(p) for p in exclude]
    notes: list[Path] = []
    attachments: list[PurePosixPath] = []
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if any(part.startswith(".") for part in rel.parts[:-1]) or rel.parts[0] in SKIPPED_DIRS:
            continue
        where = real(path)
        if any(where.is_relative_to(e) for e in excluded):
            continue
        if not where.is_relative_to(inside):
            if warnings is not None:
                warnings.warn("a symlink to outside the vault; skipped", rel.as_posix(),
                              kind="symlink")
            continue
        if not path.is_file():
            continue
        if path.suffix.lower() == ".md":
            notes.append(path)
        elif not path.name.startswith("."):
            attachments.append(PurePosixPath(rel.as_posix()))
    notes.sort(key=lambda p: natural_key(PurePosixPath(p.relative_to(root).as_posix())))
    return notes, attachments


def real(path: Path) -> Path:
    """The path with every symlink followed (never raises, even on a symlink loop)."""
    return Path(os.path.realpath(path))


def is_inside(path: Path, root: Path) -> bool:
    """Whether the real path of `path` is below the real path of `root`."""
    return real(path).is_relative_to(real(root))


def vault_file(root: Path, name: str) -> Path | None:
    """The file `name` (a path from the vault root, as exporter.toml writes it) if it is a
    file inside the vault, links followed; else None."""
    rel = vault_path(name, PurePosixPath())
    path = (root / rel).resolve() if rel is not None else None
    return path if path and path.is_file() and path.is_relative_to(root.resolve()) else None


def vault_path(target: str, folder: PurePosixPath) -> PurePosixPath | None:
    """Where a link's target is from the vault root, read as Obsidian reads a relative
    path: joined with `folder` (the linking note's), `.` and `..` parts resolved. None for
    an absolute path (/x, C:/x) or one that leaves the vault."""
    target = target.strip().replace("\\", "/")
    if ABSOLUTE.match(target):
        return None
    parts: list[str] = []
    for part in (folder / target).parts:
        if part != "..":
            parts.append(part)
        elif parts:
            parts.pop()
        else:
            return None
    return PurePosixPath(*parts)


def is_relative(target: str) -> bool:
    """Whether a target is written relative to its note: `./x`, `../x`, `a/../b`."""
    target = target.strip().replace("\\", "/")
    return target.startswith("./") or ".." in PurePosixPath(target).parts


def normalise(text: str) -> str:
    """The form in which names are compared: Unicode NFC, case-folded."""
    return unicodedata.normalize("NFC", text).casefold()


# Obsidian compares a link's heading with the note's headings with these as spaces; pandoc
# made "smart" quotes, dashes and ellipses of the heading's text, so they count as typed
HEADING_PUNCTUATION = re.compile(r"[!\"#$%&()*+,.:;<=>?@^`{|}~/\\\[\]]")
TYPED = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "--", "—": "---",
                       "…": "..."})


def heading_key(text: str) -> str:
    """A heading as Obsidian matches `[[Note#Heading]]` to it: punctuation as spaces,
    spaces collapsed, case and Unicode form ignored ("`hasTag()`" is "hastag")."""
    return " ".join(normalise(HEADING_PUNCTUATION.sub(" ", text.translate(TYPED))).split())


@dataclass
class Vault:
    """The index of every note and attachment, built before any filter runs."""

    root: Path
    notes: list[Note]
    attachments: list[PurePosixPath] = field(default_factory=list)
    warnings: Warnings = field(default_factory=Warnings)
    left_out: dict[str, str] = field(default_factory=dict)  # rel -> why: unreadable notes

    def __post_init__(self) -> None:
        self._by_rel = {str(note.rel): note for note in self.notes}
        # exact paths, compared as names are; on a case-sensitive disk the first of a clash
        self._by_path: dict[str, Note] = {}
        for note in self.notes:
            self._by_path.setdefault(normalise(str(note.rel.with_suffix(""))), note)
        self._attachment_at: dict[str, PurePosixPath] = {}
        for attachment in self.attachments:
            self._attachment_at.setdefault(normalise(str(attachment)), attachment)
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
        """The note a link target names: its path from the linking note's folder or from
        the vault root, else (unless written as `./` or `../`) file name, path suffix or
        alias; None if none does."""
        wanted = normalise(target.strip().replace("\\", "/")).removesuffix(".md")
        path = self._path(target, wanted, from_note)
        if not wanted or path is None:
            return None
        exact = self._by_path.get(normalise(str(path))) or (None if is_relative(wanted)
                                                  else self._by_path.get(wanted))
        if exact is not None or is_relative(wanted):
            return exact
        if "/" in wanted:
            candidates = [n for n in self.notes
                          if ("/" + normalise(str(n.rel.with_suffix("")))).endswith("/" + wanted)]
        else:
            candidates = self._by_name.get(wanted, [])
        if not candidates:
            return None
        return self._choose(target, candidates, from_note)

    def left_out_note(self, target: str) -> str | None:
        """The left-out note a link target names (by file name or path suffix), if any."""
        wanted = normalise(target.strip()).removesuffix(".md")
        if not wanted:
            return None
        return next((rel for rel in self.left_out
                     if ("/" + normalise(rel).removesuffix(".md")).endswith("/" + wanted)), None)

    def without(self, left_out: dict[str, str]) -> Vault:
        """This vault with the notes at these rels left out, for the reasons given."""
        notes = [note for note in self.notes if str(note.rel) not in left_out]
        return Vault(self.root, notes, self.attachments, self.warnings,
                     {**self.left_out, **left_out})

    def resolve_attachment(self, target: str, from_note: Note | None = None
                           ) -> PurePosixPath | None:
        """The attachment a link names: at its path from the linking note's folder or from
        the vault root; else (unless written as `./` or `../`) by path suffix or name, the
        attachment folder first."""
        wanted = normalise(target.strip().replace("\\", "/"))
        path = self._path(target, wanted, from_note)
        if not wanted or path is None:
            return None
        exact = self._attachment_at.get(normalise(str(path))) or (None if is_relative(wanted)
                                                        else self._attachment_at.get(wanted))
        if exact is not None or is_relative(wanted):
            return exact
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

    def read_attachment(self, rel: PurePosixPath) -> bytes:
        """An attachment's bytes, from a regular file whose real path is inside the vault."""
        path = self.root / rel
        if rel not in self.attachments or not is_inside(path, self.root) or not path.is_file():
            raise ValueError(f"{rel}: not a file of the vault")
        return path.read_bytes()

    def refuses(self, target: str, from_note: Note | None = None) -> bool:
        """Whether the target points out of the vault from that note (resolving it warned)."""
        return vault_path(target, from_note.rel.parent if from_note else PurePosixPath()) is None

    def _path(self, target: str, wanted: str, from_note: Note | None) -> PurePosixPath | None:
        """`wanted` (the target normalised) as a vault path from the linking note's folder;
        None, with a warning naming file and line, when it points out of the vault."""
        path = vault_path(wanted, from_note.rel.parent if from_note else PurePosixPath())
        if path is None:
            self.warnings.warn(f"{target}: outside the vault; refused",
                               from_note.rel if from_note else None,
                               from_note.line_of(target) if from_note else None,
                               kind="outside-vault")
        return path

    def _choose(self, target: str, candidates: list[Note], from_note: Note | None) -> Note:
        """Same folder first, then the shortest path, then alphabetical; warn when ambiguous."""
        folder = from_note.rel.parent if from_note else None
        ranked = sorted(candidates, key=lambda n: (n.rel.parent != folder, len(n.rel.parts),
                                                   natural_key(n.rel)))
        if len(ranked) > 1:
            names = ", ".join(str(n.rel) for n in ranked)
            self.warnings.warn(f"[[{target}]] is ambiguous ({names}); using {ranked[0].rel}",
                               from_note.rel if from_note else None, kind="ambiguous-link")
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


def wikilink_target(url: str) -> str:
    """A wikilink's target as meant: in a table `[[Note\\|alias]]` escapes its pipe, and
    pandoc leaves that backslash on the target."""
    return url[:-1] if url.endswith("\\") else url
