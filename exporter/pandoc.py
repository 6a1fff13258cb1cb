"""The only module that runs pandoc: Markdown to AST, and AST to HTML, EPUB or LaTeX."""
from __future__ import annotations

import io
import json
import math
import re
import secrets
import subprocess
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path

import panflute as pf
import pypandoc
from panflute.utils import check_type

from .errors import ExportError

# Obsidian's Markdown as pandoc extensions. No yaml_metadata_block: front matter is split
# off before, and a later `---` is a rule. No citations: "@name" in a note is not a cite.
# hard_line_breaks: Obsidian shows a single newline as a line break by default.
# No fancy_lists: "(12) The book says" and "I. Kant wrote" are paragraphs in Obsidian.
READER = "+".join([
    "markdown-yaml_metadata_block-citations-implicit_figures-blank_before_header"
    "-blank_before_blockquote-fancy_lists",
    "wikilinks_title_after_pipe", "mark", "hard_line_breaks", "lists_without_preceding_blankline",
])
TIMEOUT_SECONDS = 120
TAB_STOP = 4  # pandoc's default --tab-stop
# A note of 700 KB parses in 1 s; pandoc's Markdown reader takes exponential time on some
# nesting (a staircase of 20 quote levels, 30 nested [[ ), which this bound cuts short.
PARSE_SECONDS = 30
# pandoc reads no file and no URL but those named on its command line: a note's raw HTML
# or LaTeX cannot make it package or include anything. Images reach it as data: URIs.
SANDBOX = "--sandbox"
# Deepest JSON nesting accepted (122 levels of quotes, 81 of lists): panflute, the filters
# and WeasyPrint's layout recurse, and Python's stack ends near 1,000 frames (WeasyPrint
# fails at about 140 quotes).
MAX_JSON_DEPTH = 250
# Many notes parse in one pandoc process (a process costs about 70 ms to start): a custom
# reader parses each note of the bundle on its own and gives back one Div per note.
NOTES_READER = Path(__file__).with_name("notes_reader.lua")
API_VERSION = (1, 23, 1)  # of the JSON AST that pandoc 3 reads and writes
VERSION = re.compile(r'^\{"pandoc-api-version":(\[[\d,]+\])')
BATCH_SECONDS_PER_MB = 20  # on top of PARSE_SECONDS; pandoc reads about 0.5 MB a second
# A run's garbage collector copies every note parsed so far, again and again: 500 notes
# (4 MB) in one run took 20.1 s, in runs of 125 notes 17.4 s. Batches hold at most this
# much Markdown, `processes` of them at once.
BATCH_BYTES = 2**20
TOO_DEEP = "nesting too deep to export (quotes nested more than about 120 levels, lists about 80)"


@cache
def pandoc_path() -> str:
    """pypandoc-binary's pandoc, which is not on PATH."""
    return pypandoc.get_pandoc_path()


class TooLong(ExportError):
    """pandoc ran out of time; `stderr` holds what it had printed by then."""

    def __init__(self, seconds: float, what: str, stderr: bytes):
        super().__init__(f"pandoc took longer than {seconds:g} s", what)
        self.seconds, self.stderr = seconds, stderr


def run(args: list[str], stdin: str, what: str, seconds: float = TIMEOUT_SECONDS) -> str:
    """Run pandoc with a time limit; a failure becomes an ExportError about `what`."""
    try:
        done = subprocess.run([pandoc_path(), SANDBOX, *args], input=stdin.encode("utf-8"),
                              capture_output=True, timeout=seconds, check=False)
    except subprocess.TimeoutExpired as error:
        raise TooLong(seconds, what, error.stderr or b"") from error
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ExportError(f"pandoc failed: {' '.join(message[-3:])}", what)
    return done.stdout.decode("utf-8")


def parse_markdown(text: str, what: str) -> pf.Doc:
    """Parse one note body into a panflute Doc."""
    return load(markdown_to_json(text, what), what)


# A callout's title line, then a table on the next line of the quote.
CALLOUT_THEN_TABLE = re.compile(r"^([ \t]*(?:>[ \t]*)+)(\[![^\]\n]*\][^\n]*\n)"
                                r"(?=[ \t]*(?:>[ \t]*)+\|)", re.MULTILINE)


def as_obsidian_reads(body: str) -> str:
    """The body with what Obsidian reads otherwise than pandoc made plain: a table right
    under a callout's title line is a table (Obsidian's title is a line of its own; to
    pandoc the table's lines were more of the title's paragraph)."""
    return CALLOUT_THEN_TABLE.sub(lambda m: f"{m[1]}{m[2]}{m[1].rstrip()}\n", body)


def markdown_to_json(text: str, what: str) -> str:
    """pandoc's JSON AST of a note body, checked for nesting the filters cannot recurse into."""
    ast = run(["--from", READER, "--to", "json"], as_obsidian_reads(text), what, PARSE_SECONDS)
    if json_depth(ast) > MAX_JSON_DEPTH:
        raise ExportError(TOO_DEEP, what)
    return ast


def parse_notes(bodies: list[tuple[str, str]], processes: int = 1) -> list[str | ExportError]:
    """The JSON AST of each (name, body), in order, from batches of at most about
    BATCH_BYTES parsed in `processes` pandoc runs at once.

    A note a batch was stuck on for too long is an error at once; a note whose batch
    fails otherwise (too deep to load) is parsed again on its own, so that the error names
    it. Its place in the result holds that error.
    """
    sizes = [len(body) for _, body in bodies]
    rounds = math.ceil(sum(sizes) / (BATCH_BYTES * processes))  # every round keeps all busy
    batches = split_evenly(sizes, processes * max(1, rounds))
    with ThreadPoolExecutor(max(1, min(processes, len(batches)))) as pool:
        parsed = list(pool.map(lambda batch: parse_batch([bodies[i] for i in batch]), batches))
    results: list[str | ExportError | None] = [None] * len(bodies)
    for batch, asts in zip(batches, parsed, strict=True):
        for index, ast in zip(batch, asts, strict=True):
            results[index] = ast
    for index, ast in enumerate(results):
        if ast is None:
            name, body = bodies[index]
            try:
                results[index] = markdown_to_json(body, name)
            except ExportError as error:
                results[index] = error
    return results


def parse_batch(bodies: list[tuple[str, str]]) -> list[str | ExportError | None]:
    """Parse the notes in one pandoc run: each note's JSON, its error, or None where the
    run failed as a whole (that note is then parsed alone, so that an error names it)."""
    if not bodies:
        return []
    token = secrets.token_hex(16)
    # tabs expanded here as pandoc expands them before its reader sees the bundle, so that
    # each note's byte count still fits it (a note's end was cut off, and the next lost)
    expanded = [as_obsidian_reads(body.expandtabs(TAB_STOP)) for _, body in bodies]
    bundle = "".join([f"FORMAT {READER}\n", f"END {token}\n",
                      *(f"NOTE {len(body.encode('utf-8'))}\n{body}" for body in expanded)])
    seconds = PARSE_SECONDS + BATCH_SECONDS_PER_MB * len(bundle) / 2**20
    try:
        text = run(["--from", str(NOTES_READER), "--to", "json"], bundle, "a batch of notes",
                   seconds)
        version = VERSION.search(text)[1]
        blocks = text[text.index("[", text.rindex('"blocks":')) + 1:text.rindex("]")]
        notes = blocks.split(f'{{"t":"RawBlock","c":["exporter-note-end","{token}"]}}')
        if len(notes) != len(bodies) + 1 or notes[-1].strip(","):
            raise ValueError("not one end mark per note")
        return [note_json(note.strip(","), version, name)
                for note, (name, _) in zip(notes, bodies, strict=False)]
    except TooLong as error:
        return after_too_long(bodies, error)
    except (ExportError, RecursionError, ValueError, TypeError):  # cut short, or not pandoc's
        return [None] * len(bodies)


def after_too_long(bodies: list[tuple[str, str]], error: TooLong) -> list:
    """The note the run was stuck on is too slow to parse (it is not tried again: its
    time is spent); the notes before and after it are parsed in runs of their own."""
    stuck = error.stderr.count(b"NOTE DONE\n")
    if stuck >= len(bodies):
        return [None] * len(bodies)
    slow = ExportError(f"pandoc took longer than {error.seconds:.0f} s to parse it",
                       bodies[stuck][0])
    return [*parse_batch(bodies[:stuck]), slow, *parse_batch(bodies[stuck + 1:])]


def note_json(blocks: str, version: str, name: str) -> str | ExportError:
    """One note's blocks (JSON text, without the list's brackets) as a pandoc JSON
    document, unless they nest too deeply."""
    if json_depth(f"[{blocks}]") > MAX_JSON_DEPTH:
        return ExportError(TOO_DEEP, name)
    return f'{{"pandoc-api-version":{version},"meta":{{}},"blocks":[{blocks}]}}'


def split_evenly(sizes: list[int], parts: int) -> list[list[int]]:
    """Indexes of `sizes` in at most `parts` groups of about equal total size."""
    groups: list[list[int]] = [[] for _ in range(max(1, min(parts, len(sizes))))]
    totals = [0] * len(groups)
    for index in sorted(range(len(sizes)), key=lambda i: -sizes[i]):
        lightest = totals.index(min(totals))
        groups[lightest].append(index)
        totals[lightest] += sizes[index]
    return [sorted(group) for group in groups if group]


def extend_checked(self: pf.ListContainer, values) -> None:
    """ListContainer.extend as MutableSequence's, which panflute inherits (append, then
    insert, then the type check: three calls an item), in one loop."""
    if values is self:
        values = list(values)
    oktypes, items = self.oktypes, self.list
    for value in values:
        items.append(check_type(value, oktypes))


# Every element panflute makes fills its content through extend: loading a note's JSON
# takes a tenth less time (0.899 of before, alternated note by note over 100 notes).
pf.ListContainer.extend = extend_checked


def load(ast: str, what: str) -> pf.Doc:
    """A fresh panflute Doc from JSON made by markdown_to_json."""
    try:
        return pf.load(io.StringIO(ast))
    except RecursionError as error:
        raise ExportError("nesting too deep to export", what) from error


# json_depth reads the brackets alone: escapes go, then every byte but quotes and brackets
# (the rest of each string with them), then the strings that are left, which hold nothing
# but brackets now; then each round takes out the innermost pairs.
ESCAPE = re.compile(rb"\\.")
NOT_STRUCTURE = bytes(b for b in range(256) if b not in b'"[]{}')
STRING = re.compile(rb'"[^"]*"')
INNERMOST = re.compile(rb"\[\]|\{\}")


def json_depth(text: str, limit: int = MAX_JSON_DEPTH) -> int:
    """How deeply lists and objects nest in a JSON text, counted up to limit + 1, without
    decoding it (a fifth of the time of walking the decoded value)."""
    structure = ESCAPE.sub(b"", text.encode("utf-8")).translate(None, NOT_STRUCTURE)
    # two quotes side by side are an empty string, or two strings made one: drop them
    # before the slower regular expression
    rest = STRING.sub(b"", structure.replace(b'""', b""))
    depth = 0
    while rest and depth <= limit:
        rest, pairs = INNERMOST.subn(b"", rest)
        if not pairs:
            raise ValueError("brackets that do not pair")
        depth += 1
    return depth


def write(doc: pf.Doc, to: str, args: list[str], what: str, parts: list[str] = ()) -> str:
    """Write the filtered Doc, its blocks after `parts` (see dump), with pandoc; returns
    stdout (empty when `-o` is among args)."""
    return run(["--from", "json", "--to", to, *citeproc(doc), *args], dump(doc, parts), what)


def citeproc(doc: pf.Doc) -> list[str]:
    """citeproc, with the chosen CSL style, when the Doc carries references."""
    if "references" not in doc.metadata:
        return []
    csl = getattr(doc, "csl", None)
    return ["--citeproc", *([f"--csl={csl}"] if csl else [])]


def dump(doc: pf.Doc, parts: list[str] = ()) -> str:
    """The Doc as pandoc JSON; `parts` are blocks in JSON (lists without their brackets)
    that go before the Doc's own, joined as text rather than loaded."""
    if not parts:
        return json.dumps(doc.to_json(), ensure_ascii=False)
    data = doc.to_json()
    own = json.dumps(data.pop("blocks"), ensure_ascii=False)[1:-1]
    head = json.dumps(data, ensure_ascii=False)[:-1]  # without its closing brace
    blocks = ",".join(part for part in [*parts, own] if part)
    return f'{head},"blocks":[{blocks}]}}'
