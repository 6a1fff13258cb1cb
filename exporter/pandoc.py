"""The only module that runs pandoc: Markdown to AST, and AST to HTML, EPUB or LaTeX."""
from __future__ import annotations

import io
import json
import subprocess
from functools import cache

import panflute as pf
import pypandoc

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


@cache
def pandoc_path() -> str:
    """pypandoc-binary's pandoc, which is not on PATH."""
    return pypandoc.get_pandoc_path()


def run(args: list[str], stdin: str, what: str, seconds: float = TIMEOUT_SECONDS) -> str:
    """Run pandoc with a time limit; a failure becomes an ExportError about `what`."""
    try:
        done = subprocess.run([pandoc_path(), SANDBOX, *args], input=stdin.encode("utf-8"),
                              capture_output=True, timeout=seconds, check=False)
    except subprocess.TimeoutExpired as error:
        raise ExportError(f"pandoc took longer than {seconds:g} s", what) from error
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ExportError(f"pandoc failed: {' '.join(message[-3:])}", what)
    return done.stdout.decode("utf-8")


def parse_markdown(text: str, what: str) -> pf.Doc:
    """Parse one note body into a panflute Doc."""
    return load(markdown_to_json(text, what), what)


def markdown_to_json(text: str, what: str) -> str:
    """pandoc's JSON AST of a note body, checked for nesting the filters cannot recurse into."""
    ast = run(["--from", READER, "--to", "json"], text, what, PARSE_SECONDS)
    try:
        too_deep = json_depth(json.loads(ast)) > MAX_JSON_DEPTH
    except RecursionError:
        too_deep = True
    if too_deep:
        raise ExportError("nesting too deep to export (quotes nested more than about 120 "
                          "levels, lists about 80)", what)
    return ast


def load(ast: str, what: str) -> pf.Doc:
    """A fresh panflute Doc from JSON made by markdown_to_json."""
    try:
        return pf.load(io.StringIO(ast))
    except RecursionError as error:
        raise ExportError("nesting too deep to export", what) from error


def json_depth(value) -> int:
    """How deeply lists and objects nest in parsed JSON (iteratively: no recursion)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item
        if isinstance(item, (dict, list)):
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in children
                         if isinstance(child, (dict, list)))
    return deepest


def write(doc: pf.Doc, to: str, args: list[str], what: str) -> str:
    """Write the filtered Doc with pandoc; returns stdout (empty when `-o` is among args)."""
    return run(["--from", "json", "--to", to, *citeproc(doc), *args], dump(doc), what)


def citeproc(doc: pf.Doc) -> list[str]:
    """citeproc, with the chosen CSL style, when the Doc carries references."""
    if "references" not in doc.metadata:
        return []
    csl = getattr(doc, "csl", None)
    return ["--citeproc", *([f"--csl={csl}"] if csl else [])]


def dump(doc: pf.Doc) -> str:
    """The Doc as pandoc JSON."""
    return json.dumps(doc.to_json(), ensure_ascii=False)
