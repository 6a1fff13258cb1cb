"""Read a note: split its front matter, parse its body, take the seed's header lines."""
from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

import panflute as pf
import yaml
from frontmatter.default_handlers import YAMLHandler

from . import pandoc
from .cache import Cache, code_version, digest
from .errors import ExportError
from .log import Warnings
from .model import Note
from .vault import is_inside

# python-frontmatter's YAML handler splits; the YAML itself is loaded below, bounded.
# A block opens with a line of '---' and closes with '---' or '...' (as in pandoc).
FRONT_MATTER = YAMLHandler(fm_boundary=re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE))
MAX_FRONT_MATTER = 64 * 1024  # bytes
MAX_YAML_VALUES = 10_000  # after aliases are expanded: `*a` ten times, nine deep is 10^9
MAX_YAML_DEPTH = 50


def read_note(path: Path, root: Path, warnings: Warnings) -> Note:
    """A Note from a file; unreadable front matter warns, and the body is still exported."""
    rel = path.relative_to(root) if path.is_relative_to(root) else Path(path.name)
    if not is_inside(path, root):
        raise ExportError("a symlink to outside the vault; refused", rel)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ExportError(f"cannot read: {error.strerror}", rel) from error
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[:error.start].count(b"\n") + 1
        raise ExportError(f"not UTF-8 (byte {error.start})", rel, line) from error
    text = text.replace("\r\n", "\n")
    meta, body, body_line = {}, text, 1
    split = split_front_matter(text)
    if split is not None:
        yaml_text, body = split
        meta = front_matter(yaml_text, rel, warnings)
        body_line = text[:len(text) - len(body)].count("\n") + 1
    return Note(path=path, rel=PurePosixPath(rel.as_posix()), meta=stringify_meta(meta),
                body=body, body_line=body_line)


def split_front_matter(text: str) -> tuple[str, str] | None:
    """(the YAML, the body) when the text opens with a front-matter block; else None."""
    if not text.startswith("---") or not FRONT_MATTER.detect(text):
        return None
    try:
        yaml_text, body = FRONT_MATTER.split(text)
    except ValueError:  # never closed: no front matter, all body
        return None
    if not yaml_text.startswith("\n") or (body and not body.startswith("\n")):
        return None
    return yaml_text[1:], body[1:]


def front_matter(text: str, rel: Path, warnings: Warnings) -> dict:
    """The YAML mapping (safe loader) of front matter starting on line 2 of the file.

    Unreadable YAML warns and gives {}. Too large, too deep, or expanding too far (an
    alias bomb) is an error on the note.
    """
    if len(text.encode("utf-8")) > MAX_FRONT_MATTER:
        raise ExportError(f"front matter larger than {MAX_FRONT_MATTER // 1024} KB; refused",
                          rel)
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        why = too_big(node) if node is not None else None
        if why:
            raise ExportError(f"front matter {why}; refused", rel)
        meta = loader.construct_document(node) if node is not None else {}
    except RecursionError as error:
        raise ExportError(f"front matter nested deeper than {MAX_YAML_DEPTH} levels; refused",
                          rel) from error
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        warnings.warn(f"front matter unreadable, exported as text: {error}".splitlines()[0],
                      rel, mark.line + 2 if mark else 1, kind="front-matter")
        return {}
    except (ValueError, TypeError, OverflowError) as error:  # date: 2020-02-30, !!int abc
        warnings.warn(f"front matter unreadable, exported as text: {error}", rel, 2,
                      kind="front-matter")
        return {}
    finally:
        loader.dispose()
    if not isinstance(meta, dict):
        warnings.warn("front matter unreadable, exported as text: not a mapping", rel, 2,
                      kind="front-matter")
        return {}
    return meta


def too_big(node: yaml.Node) -> str | None:
    """Why the YAML is refused, if it nests too deeply or, its aliases expanded, holds too
    many values."""
    count, stack = 0, [(node, 1)]
    while stack:
        item, depth = stack.pop()
        count += 1
        if count > MAX_YAML_VALUES:
            return f"expanding to more than {MAX_YAML_VALUES} values (YAML aliases)"
        if depth > MAX_YAML_DEPTH:
            return f"nested deeper than {MAX_YAML_DEPTH} levels"
        if isinstance(item, yaml.MappingNode):
            stack.extend((child, depth + 1) for pair in item.value for child in pair)
        elif isinstance(item, yaml.SequenceNode):
            stack.extend((child, depth + 1) for child in item.value)
    return None


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
    return pandoc.parse_markdown(for_pandoc(note.body), str(note.rel))


TABLE_ROW = re.compile(r"\s*\|")
FENCE = re.compile(r"\s*(`{3,}|~{3,})")
CODE_OR_PARAGRAPH = re.compile(r"(`+).*?(?<!`)\1(?!`)|<(/?)p(?:\s[^<>]*)?/?>", re.I)


def for_pandoc(body: str) -> str:
    """The body as pandoc is to read it: a raw <p>, <p/> or </p> in a table row (Obsidian's
    help vault starts a cell's second paragraph so) as a line break, since pandoc keeps
    a cell's first block alone and drops the rest of it. Code is left as written."""
    if "<p" not in body and "<P" not in body:
        return body
    lines, fence = body.split("\n"), None
    for number, line in enumerate(lines):
        if found := FENCE.match(line):
            if fence is None:
                fence = found[1]
            elif found[1].startswith(fence):
                fence = None
        elif fence is None and TABLE_ROW.match(line):
            lines[number] = CODE_OR_PARAGRAPH.sub(
                lambda m: m[0] if m[1] else "" if m[2] else "<br><br>", line)
    return "\n".join(lines)


class ParsedNotes:
    """Each note parsed by pandoc at most once; a fresh Doc of it whenever one is asked for.

    `parse(notes)` parses many notes in a few pandoc runs at once; a note asked for later
    is parsed on its own. Parses are kept in `cache`, keyed by the body and the tool's
    version. The export's own notes and the notes they embed both come from here.
    """

    def __init__(self, cache: Cache | None = None, processes: int = 1) -> None:
        self.cache = cache or Cache(None)
        self.processes = processes
        self._ast: dict[str, str | ExportError] = {}  # by key: the body and the tool

    def parse(self, notes: list[Note]) -> None:
        """Parse the notes not parsed yet: from the cache, else with pandoc."""
        missing = {}
        for note in notes:
            key = self.key(note)
            if key not in self._ast and key not in missing:
                cached = self.cache.get("parse", key)
                if cached is None:
                    missing[key] = note
                else:
                    self._ast[key] = cached
        if not missing:
            return
        parsed = pandoc.parse_notes([(str(n.rel), for_pandoc(n.body)) for n in missing.values()],
                                    self.processes)
        for key, ast in zip(missing, parsed, strict=True):
            self._ast[key] = ast
            if isinstance(ast, str):
                self.cache.put("parse", key, ast)

    def json(self, note: Note) -> str:
        """The note's pandoc JSON; ExportError if pandoc could not parse it."""
        self.parse([note])
        ast = self._ast[self.key(note)]
        if isinstance(ast, ExportError):
            raise ast
        return ast

    def errors(self, notes: list[Note]) -> dict[str, ExportError]:
        """Why pandoc could not parse each note of `notes` it could not, by the note's rel."""
        found = {str(n.rel): self._ast.get(self.key(n)) for n in notes}
        return {rel: ast for rel, ast in found.items() if isinstance(ast, ExportError)}

    def doc(self, note: Note) -> pf.Doc:
        return pandoc.load(self.json(note), str(note.rel))

    @staticmethod
    def key(note: Note) -> str:
        return digest(code_version(), pandoc.READER, str(note.rel), note.body)


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
