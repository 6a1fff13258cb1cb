"""Each distinct citation formatted once by citeproc, when the style lets its place not matter.

A guide cites its book thousands of times at a few hundred distinct pages, and pandoc's
--citeproc formats every occurrence (at 100 notes, 3,600 citations: about as long as
writing the HTML). For an in-text style with no `position` test, a citation's text depends
only on itself and on the set of works cited, so each worker leaves a placeholder where a
Cite's text was (`to_placeholders`), one citeproc run formats the distinct citations in
the order of their first use (so citation numbers and disambiguation come out as
--citeproc's), and the placeholders in the notes' JSON are replaced by the result (`fill`).
A note style, or one that asks where a citation stands (ibid., subsequent), keeps
--citeproc in the writer.
"""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import panflute as pf

from . import pandoc

# A placeholder is a Str of a digest between two private-use characters, which no note
# holds unescaped in its JSON (they would have to be typed into the note as such).
OPEN, CLOSE = "\ue000", "\ue001"
PLACEHOLDER = re.compile(r'\{"t": "Str", "c": "' + OPEN + "([0-9a-f]{20})" + CLOSE + r'"\}')
NEEDS_PLACE = re.compile(r'class="note"|\bposition="')


def formats_once(csl: Path | str | None) -> bool:
    """Whether the style's citations can be formatted once each: pandoc's default style
    (Chicago author-date) can; a note style or one testing `position` cannot."""
    if csl is None:
        return True
    return NEEDS_PLACE.search(Path(csl).read_text(encoding="utf-8", errors="replace")) is None


def to_placeholders(doc: pf.Doc) -> dict[str, str]:
    """Make each Cite's text a placeholder; return placeholder digest -> the Cite as JSON,
    in the order of first use. The Cite stays, so the writers mark it up as a citation."""
    found: dict[str, str] = {}

    def replace(elem, _doc):
        if not isinstance(elem, pf.Cite):
            return
        cite = elem.to_json()
        cite["c"][1] = []  # the text shown before citeproc: not part of what it formats
        text = json.dumps(cite, ensure_ascii=False, sort_keys=True)
        key = hashlib.sha1(text.encode("utf-8")).hexdigest()[:20]
        found.setdefault(key, text)
        elem.content = [pf.Str(OPEN + key + CLOSE)]

    doc.walk(replace)
    return found


def format_all(meta: pf.Doc, cites: dict[str, str]) -> tuple[dict[str, str], list[pf.Block]]:
    """One citeproc run over the distinct citations: digest -> its formatted inlines as JSON
    (a list without its brackets), and the blocks of the References section."""
    doc = meta.to_json()
    doc["blocks"] = [{"t": "Para", "c": [json.loads(cite)]} for cite in cites.values()]
    done = json.loads(pandoc.run(["--from", "json", "--to", "json", *pandoc.citeproc(meta)],
                                 json.dumps(doc, ensure_ascii=False), "citeproc"))
    formatted = {}
    for key, para in zip(cites, done["blocks"], strict=False):
        inlines = para["c"][0]["c"][1]
        formatted[key] = json.dumps(inlines, ensure_ascii=False)[1:-1]
    rest = {**done, "blocks": done["blocks"][len(cites):]}
    references = pandoc.load(json.dumps(rest, ensure_ascii=False), "the References")
    return formatted, list(references.content)


def fill(part: str, formatted: dict[str, str]) -> str:
    """The note's JSON with each placeholder replaced by its citation's formatted text."""
    return PLACEHOLDER.sub(lambda match: formatted[match[1]], part)
