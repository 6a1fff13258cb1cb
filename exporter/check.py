"""`exporter check`: report a vault's broken links, embeds and front matter, exporting nothing."""
from __future__ import annotations

import json
import re
import sys
from dataclasses import asdict, dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

import panflute as pf

from exporter.filters import comments, page_citations
from exporter.filters.blocks import find_block, ids_alone
from exporter.filters.wikilinks import SCHEME, is_note_link

from . import pandoc, reader
from .errors import ExportError, UsageError, where
from .log import Warnings, reason
from .model import Note
from .vault import (
    ABSOLUTE,
    Vault,
    heading_key,
    natural_key,
    note_in_vault,
    scan,
    vault_path,
    vault_root,
    wikilink_target,
)

FORMATS = ("text", "json")
FILE_SUFFIX = re.compile(r"\.\w*[A-Za-z]\w*")  # .png, .mp3; not the ".0" of "Report 2.0"


@dataclass(frozen=True)
class Problem:
    """One finding: the file (relative to the vault root) and line, its severity, what it is."""

    file: str
    line: int
    severity: str  # "error" or "warning"
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.severity}: {self.message}"


def main(source: Path, fmt: str = "text") -> int:
    """Check `source` and print the report; exit status 1 if any error, 2 on a usage error."""
    try:
        if fmt not in FORMATS:
            raise UsageError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
        problems = check(source)
    except UsageError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(report(problems, fmt))
    return 1 if any(p.severity == "error" for p in problems) else 0


def check(source: Path) -> list[Problem]:
    """The problems of the vault folder `source`, or of the one note it is, sorted by place.

    A single note is checked, alone, against the notes and files of its vault (vault_root).
    """
    source = usable(Path(source))
    root = vault_root(source)
    single = note_in_vault(source, root) if source.is_file() else None
    vault, problems = read_vault(root, single)
    checked = vault.notes
    if single is not None:
        problems = [p for p in problems if p.file == str(single)]
        checked = [note for note in vault.notes if note.rel == single]
    docs: dict = {}
    for note in checked:
        problems += check_note(note, vault, docs)
    problems += embed_cycles(checked, vault, docs)
    return sorted(set(problems), key=lambda p: (natural_key(PurePosixPath(p.file)), p.line,
                                                p.severity, p.message))


def usable(source: Path) -> Path:
    """`source` if it is a folder or a .md note (the checks of Options); else a UsageError."""
    if not source.exists():
        raise UsageError(f"{source}: no such file or folder")
    if not (source.is_dir() or (source.is_file() and source.suffix == ".md")):
        raise UsageError(f"{source}: neither a vault folder nor a .md note")
    return source


def read_vault(root: Path, single: PurePosixPath | None = None
               ) -> tuple[Vault, list[Problem]]:
    """The index of every readable note below root, and the note `single` even where a scan
    skips (as in .trash); unreadable files and front matter are errors."""
    paths, attachments = scan(root)
    if single is not None and root / single not in paths:
        paths.append(root / single)
    notes: list[Note] = []
    problems: list[Problem] = []
    left_out: dict[str, str] = {}
    for path in paths:
        rel = path.relative_to(root).as_posix()
        warnings = Warnings()
        try:
            notes.append(reader.read_note(path, root, warnings))
        except ExportError as error:
            problems.append(Problem(rel, undecodable_line(path), "error", error.message))
            left_out[rel] = reason(error)
        except OSError as error:
            problems.append(Problem(rel, 1, "error", f"cannot read: {error.strerror}"))
        problems += [from_warning(message, rel, 1, "error") for message in warnings.messages]
    return Vault(root, notes, attachments, Warnings(), left_out), problems


def undecodable_line(path: Path) -> int:
    """The line of the file's first byte that is not UTF-8 (1 when there is none)."""
    raw = path.read_bytes()
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as error:
        return raw[:error.start].count(b"\n") + 1
    return 1


def from_warning(message: str, rel: str, line: int, severity: str) -> Problem:
    """A Problem from a Warnings message 'rel:line: text' or 'rel: text' (then at `line`)."""
    rest = message.removeprefix(f"{rel}:")
    number, _, text = rest.partition(": ")
    if number.isdigit():
        return Problem(rel, int(number), severity, text)
    return Problem(rel, line, severity, rest.strip())


def check_note(note: Note, vault: Vault, docs: dict) -> list[Problem]:
    """The problems of one note's wikilinks and embeds, or why pandoc cannot parse it."""
    doc = parsed(note, docs)
    if isinstance(doc, ExportError):
        return [Problem(str(note.rel), doc.line or note.body_line, "error", doc.message)]
    problems = [problem for link in [*wikilinks(doc), *markdown_links(doc)]
                for problem in check_link(link, note, vault, docs)]
    return problems + uncited_pages(note, doc)


def uncited_pages(note: Note, doc: pf.Doc) -> list[Problem]:
    """Page numbers such as "(40)" in a note with no book to cite: they print as written."""
    if note.meta.get("author") or note.meta.get("cite"):
        return []
    found = page_citations.main(pandoc.load(pandoc.dump(doc), str(note.rel))).uncited
    if not found:
        return []
    first = found[0][1]
    return [Problem(str(note.rel), note.line_of(first), "warning",
                    f"{len(found)} page number(s) like {first} but no book to cite "
                    "(front matter needs `author`); they print as written")]


def parsed(note: Note, docs: dict) -> pf.Doc | ExportError:
    """The note's Doc without its %%comments%% (parsed once, kept in `docs`), or pandoc's error."""
    if note.rel not in docs:
        try:
            doc = reader.parse(note)
            doc.warnings = Warnings()  # an unclosed comment is the export's to report
            docs[note.rel] = comments.main(doc) or doc
        except ExportError as error:
            docs[note.rel] = error
    return docs[note.rel]


def wikilinks(doc: pf.Doc) -> list[pf.Link | pf.Image]:
    """Every [[link]] (a Link) and ![[embed]] (an Image) pandoc found; none inside code."""
    found = []

    def visit(elem, _doc):
        if isinstance(elem, (pf.Link, pf.Image)) and "wikilink" in elem.classes:
            elem.url = wikilink_target(elem.url)
            found.append(elem)

    doc.walk(visit)
    return found


def markdown_links(doc: pf.Doc) -> list[pf.Link | pf.Image]:
    """Every [text](Note.md) and local ![image](pic.png), as the export reads them."""
    found = []

    def visit(elem, _doc):
        if not isinstance(elem, (pf.Link, pf.Image)) or "wikilink" in elem.classes:
            return
        if (isinstance(elem, pf.Link) and is_note_link(elem.url)) or (
                isinstance(elem, pf.Image) and elem.url and not elem.url.startswith("//")
                and not SCHEME.match(elem.url)):
            found.append(elem)

    doc.walk(visit)
    return found


def check_link(link: pf.Link | pf.Image, note: Note, vault: Vault, docs: dict) -> list[Problem]:
    """What is wrong with one [[link]] or ![[embed]] (or Markdown link to a note, or local
    image): its path, its note or file, its heading."""
    embed = isinstance(link, pf.Image)
    if "wikilink" in link.classes:
        target, line = link.url, link_line(note, link.url)
        shown = f"{'!' if embed else ''}[[{link.url}]]"
    else:
        target, line = unquote(link.url), note.line_of(f"]({link.url}")
        shown = f"{'!' if embed else ''}[{pf.stringify(link)}]({link.url})"

    def at(severity: str, message: str) -> Problem:
        return Problem(str(note.rel), line, severity, message)

    name, _, heading = target.partition("#")
    outside = outside_vault(name, note)
    if outside:
        return [at("warning", f"{shown} is {outside}; links name notes inside the vault, "
                              "so it resolves to nothing")]
    found, ambiguous = resolve(vault, name, note) if name.strip() else (note, [])
    problems = [at("warning", message) for message in ambiguous]
    left_out = vault.left_out_note(name) if found is None and name.strip() else None
    if left_out:  # its own error is reported
        problems.append(at("warning", f"{shown}: {left_out} is left out of exports "
                                      f"({vault.left_out[left_out]})"))
    elif found is None and embed and is_file_name(name):
        if vault.resolve_attachment(name, note) is None:
            file_name = PurePosixPath(name.strip()).name
            problems.append(at("error", f"{shown}: no file named '{file_name}' in the vault"))
    elif found is None and embed:
        problems.append(at("error", f"{shown} embeds a note that does not exist"))
    elif found is None and not (is_file_name(name) and vault.resolve_attachment(name, note)):
        problems.append(at("warning", f"{shown} links to no note (printed as a concept)"))
    elif heading.startswith("^") and not has_block(found, heading[1:], docs):
        problems.append(at("warning", f"{shown}: {found.rel} has no block '{heading}'"))
    elif heading and not heading.startswith("^") and not has_heading(found, heading, docs):
        problems.append(at("warning", f"{shown}: {found.rel} has no heading '{heading}'"))
    return problems


def link_line(note: Note, target: str) -> int:
    """The file line on which [[target]] (or ![[target]]) is written in the note."""
    return note.line_of(f"[[{target}]]", f"[[{target}|", f"[[{target}")


def outside_vault(name: str, note: Note) -> str | None:
    """'an absolute path' or 'a path that leaves the vault' when a link target from `note`
    is one; else None."""
    if vault_path(name, note.rel.parent) is not None:
        return None
    if ABSOLUTE.match(name.strip().replace("\\", "/")):
        return "an absolute path"
    return "a path that leaves the vault"


def resolve(vault: Vault, target: str, note: Note) -> tuple[Note | None, list[str]]:
    """The note `target` names from `note`, and what Vault.resolve warned (an ambiguous name)."""
    vault.warnings = Warnings()
    found = vault.resolve(target, note)
    return found, [message.removeprefix(where(note.rel)) for message in vault.warnings.messages]


def is_file_name(name: str) -> bool:
    """Whether an embed names a file other than a note: it has an extension, not .md."""
    suffix = PurePosixPath(name.strip()).suffix
    return suffix.lower() != ".md" and bool(FILE_SUFFIX.fullmatch(suffix))


def has_heading(note: Note, heading: str, docs: dict) -> bool:
    """Whether the note has a heading of that text (compared as the wikilinks filter does)."""
    doc = parsed(note, docs)
    if isinstance(doc, ExportError):
        return True  # the note's own error is the problem to report
    texts = set()

    def visit(elem, _doc):
        if isinstance(elem, pf.Header):
            texts.add(heading_key(pf.stringify(elem)))

    doc.walk(visit)
    return heading_key(heading.split("#")[-1]) in texts


def has_block(note: Note, block_id: str, docs: dict) -> bool:
    """Whether the note has the block `^block_id` (found as the embeds filter finds it)."""
    doc = parsed(note, docs)
    if isinstance(doc, ExportError):
        return True  # the note's own error is the problem to report
    return find_block(list(doc.content), block_id, ids_alone(note.body)) is not None


def embed_cycles(notes: list[Note], vault: Vault, docs: dict) -> list[Problem]:
    """An error for each chain of note embeds that comes back to its start: A -> B -> A.

    A depth-first walk from each note; an embed of a note still on the walk's path closes
    a cycle, reported in the cycle's first note at the embed that starts it.
    """
    problems, done = [], set()
    for start in notes:
        if start.rel in done:
            continue
        path = [(start, "")]  # each note with the target that embedded it
        pending = [iter(embedded_notes(start, vault, docs))]
        while pending:
            step = next(pending[-1], None)
            if step is None:
                done.add(path.pop()[0].rel)
                pending.pop()
                continue
            target, note = step
            on_path = [n.rel for n, _ in path]
            if note.rel in on_path:
                cycle = path[on_path.index(note.rel):]
                first = cycle[1][1] if len(cycle) > 1 else target
                problems.append(cycle_problem([n for n, _ in cycle], first))
            elif note.rel not in done:
                path.append((note, target))
                pending.append(iter(embedded_notes(note, vault, docs)))
    return problems


def embedded_notes(note: Note, vault: Vault, docs: dict) -> list[tuple[str, Note]]:
    """The notes `note` embeds, each with its target as written; none if it cannot be parsed."""
    doc = parsed(note, docs)
    if isinstance(doc, ExportError):
        return []
    found = []
    for link in wikilinks(doc):
        name = link.url.partition("#")[0]
        if isinstance(link, pf.Image) and name.strip():
            embedded = resolve(vault, name, note)[0]
            # a section of the note itself (![[Self#Part]]) prints unless it holds the embed
            if embedded is not None and not (embedded.rel == note.rel and "#" in link.url):
                found.append((link.url, embedded))
    return found


def cycle_problem(cycle: list[Note], first_target: str) -> Problem:
    """The error for an embed cycle, at the line of its first embed."""
    names = [str(n.rel.with_suffix("")) for n in [*cycle, cycle[0]]]
    return Problem(str(cycle[0].rel), link_line(cycle[0], first_target), "error",
                   f"embed cycle: {' -> '.join(names)}")


def report(problems: list[Problem], fmt: str) -> str:
    """The report: one line per problem and a count, or a JSON list."""
    if fmt == "json":
        return json.dumps([asdict(p) for p in problems], indent=2, ensure_ascii=False)
    errors = sum(p.severity == "error" for p in problems)
    summary = f"{errors} error(s), {len(problems) - errors} warning(s)"
    return "\n".join([*map(str, problems), summary])
