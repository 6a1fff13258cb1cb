"""Read a note: split its front matter, parse its body, take the seed's header lines."""
from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

import frontmatter
import panflute as pf
import yaml

from . import pandoc
from .errors import ExportError
from .log import Warnings
from .model import Note

FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n.*?\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S)


def read_note(path: Path, root: Path, warnings: Warnings) -> Note:
    """A Note from a file; bad front matter warns and the whole file is kept as the body."""
    rel = path.relative_to(root) if path.is_relative_to(root) else Path(path.name)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ExportError(f"not UTF-8 (byte {error.start})", rel) from error
    text = text.replace("\r\n", "\n")
    meta: dict = {}
    body = text
    match = FRONT_MATTER.match(text)
    if match:
        try:
            meta = frontmatter.parse(text)[0]
            body = text[match.end():]  # not frontmatter's body, which drops leading lines
            if not isinstance(meta, dict):
                raise yaml.YAMLError("front matter is not a mapping")
        except yaml.YAMLError as error:
            line = getattr(getattr(error, "problem_mark", None), "line", 0) + 1
            warnings.warn(f"front matter unreadable, exported as text: {error}".splitlines()[0],
                          rel, line)
            meta, body = {}, text[match.end():]
        body_line = text[:match.end()].count("\n") + 1
    else:
        body_line = 1
    return Note(path=path, rel=PurePosixPath(rel.as_posix()), meta=stringify_meta(meta),
                body=body, body_line=body_line)


def stringify_meta(meta: dict) -> dict:
    """YAML dates, numbers and the like become strings; lists and mappings stay."""
    def plain(value):
        if isinstance(value, (list, tuple)):
            return [plain(v) for v in value]
        if isinstance(value, dict):
            return {str(k): plain(v) for k, v in value.items()}
        return value if isinstance(value, (str, int, float, bool)) or value is None else str(value)
    return {str(k): plain(v) for k, v in meta.items()}


def parse(note: Note) -> pf.Doc:
    """The note's body as a panflute Doc."""
    return pandoc.parse_markdown(note.body, str(note.rel))


class ParsedNotes:
    """Each note parsed by pandoc at most once; a fresh Doc of it whenever one is asked for.

    The export's own notes and the notes they embed both come from here.
    """

    def __init__(self) -> None:
        self._ast: dict[PurePosixPath, str] = {}

    def doc(self, note: Note) -> pf.Doc:
        if note.rel not in self._ast:
            self._ast[note.rel] = pandoc.markdown_to_json(note.body, str(note.rel))
        return pandoc.load(self._ast[note.rel], str(note.rel))


HEADER_LINE = re.compile(r"^([A-Z][A-Z _-]*):$")


def take_header_lines(doc: pf.Doc) -> dict[str, list[pf.Element]]:
    """Remove leading `` `SOURCE:` ...`` / `` `TAGS:` ...`` lines; return them by lower-case key.

    Such a paragraph (inline code ending in ':' then a value, one per line) is metadata
    written in the note, not prose. The rule that usually follows it goes too.
    """
    found: dict[str, list[pf.Element]] = {}
    while doc.content and isinstance(doc.content[0], (pf.Para, pf.Plain)):
        lines = split_lines(list(doc.content[0].content))
        keyed = [(HEADER_LINE.match(line[0].text), line) for line in lines
                 if line and isinstance(line[0], pf.Code)]
        if not keyed or len(keyed) != len(lines) or not all(m for m, _ in keyed):
            break
        for match, line in keyed:
            found[match.group(1).strip().lower()] = strip_spaces(line[1:])
        del doc.content[0]
    if found and doc.content and isinstance(doc.content[0], pf.HorizontalRule):
        del doc.content[0]
    return found


def split_lines(inlines: list[pf.Element]) -> list[list[pf.Element]]:
    """Split a paragraph's inlines at its line breaks."""
    lines: list[list[pf.Element]] = [[]]
    for inline in inlines:
        if isinstance(inline, (pf.SoftBreak, pf.LineBreak)):
            lines.append([])
        else:
            lines[-1].append(inline)
    return [line for line in lines if line]


def strip_spaces(inlines: list[pf.Element]) -> list[pf.Element]:
    """Inlines without leading and trailing spaces."""
    while inlines and isinstance(inlines[0], pf.Space):
        inlines = inlines[1:]
    while inlines and isinstance(inlines[-1], pf.Space):
        inlines = inlines[:-1]
    return inlines
