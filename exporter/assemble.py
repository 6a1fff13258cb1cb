"""Make each note a part of the book: its title, its chapter anchor, ids prefixed so that
they never clash; and join the filtered parts into one document."""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field

import panflute as pf

from exporter.filters import walk
from exporter.filters.blocks import ids_alone, take_block_ids

from .model import Note
from .reader import take_header_lines
from .vault import heading_key, wikilink_target


@dataclass
class Outline:
    """What the rest of the guide needs to know of a note before any filter runs."""

    rel: str
    start: str  # id of the element where the note starts (its chapter heading)
    title: list = field(default_factory=list)  # the title's inlines, as pandoc JSON
    header: dict = field(default_factory=dict)  # {"source": inlines JSON, "tags": ...}
    headings: dict[str, str] = field(default_factory=dict)  # normalised text -> id
    blocks: dict[str, str] = field(default_factory=dict)  # ^block-id -> anchor id

    @property
    def title_text(self) -> str:
        return pf.stringify(pf.Plain(*inlines(self.title)))

    def header_inlines(self, key: str) -> list[pf.Element]:
        return inlines(self.header.get(key, []))


def inlines(data: list) -> list[pf.Element]:
    """Inlines from their pandoc JSON."""
    return json.loads(json.dumps(data), object_hook=pf.elements.from_json)


def slugify(text: str) -> str:
    """An ASCII id fragment: 'Grant’s Book (1997)' -> 'grants-book-1997'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "note"


# Ids the guide gives its own parts; a note named "Index" must not take the index's.
RESERVED_IDS = {"index", "bibliography", "refs", "toc", "title-page", "contents"}


def anchors_for(notes: list[Note]) -> list[str]:
    """A unique id for each note's chapter, from its file name; never one of the guide's
    own, never starting with a digit (an EPUB id may not)."""
    used: set[str] = set(RESERVED_IDS)
    anchors = []
    for note in notes:
        base = slugify(note.name)
        anchor = base = f"n-{base}" if base[0].isdigit() else base
        counter = 1
        while anchor in used:
            counter += 1
            anchor = f"{base}-{counter}"
        used.add(anchor)
        anchors.append(anchor)
    return anchors


def prepare(note: Note, doc: pf.Doc, anchor: str, own_chapter: bool) -> Outline:
    """Make the note's Doc a part of the book, and outline it.

    Takes its title and its header lines out, prefixes its ids with `anchor`, anchors its
    ^block-ids; with `own_chapter` its headings move down a level under a chapter heading
    with its title, else its first heading (or an empty Div) marks where it starts.
    """
    title = take_title(note, doc)
    header = take_header_lines(doc)
    outline = Outline(str(note.rel), anchor, title=[e.to_json() for e in title],
                      header={k: [e.to_json() for e in v] for k, v in header.items()})
    prefix_ids(note, doc, anchor, outline)
    if own_chapter:
        shift_headings(doc, to_level=2)
        doc.content.insert(0, pf.Header(*title, level=1, identifier=anchor, classes=["chapter"]))
    elif doc.content and isinstance(doc.content[0], pf.Header) and doc.content[0].identifier:
        outline.start = doc.content[0].identifier
    else:  # an empty Div before a first heading would sit alone on a page of its own
        # (not the anchor itself: pandoc's EPUB writer gives that id to the section it
        # opens for text before any heading, when the title slugs to it)
        outline.start = f"{anchor}--start"
        doc.content.insert(0, pf.Div(identifier=outline.start, classes=["note-start"]))
    return outline


def take_title(note: Note, doc: pf.Doc) -> list[pf.Element]:
    """Front-matter `title`, else the first H1 (removed from the body), else the file name."""
    first = doc.content[0] if doc.content else None
    is_h1 = isinstance(first, pf.Header) and first.level == 1
    title = note.meta.get("title")
    if title:
        if is_h1 and pf.stringify(first).strip() == str(title).strip():
            del doc.content[0]
        return words(str(title))
    if is_h1:
        del doc.content[0]
        return list(first.content)
    return words(note.name)


def words(text: str) -> list[pf.Element]:
    """Plain text as inlines."""
    parts = [pf.Str(w) for w in text.split()]
    return [x for w in parts for x in (w, pf.Space())][:-1]


WITH_IDS = frozenset([pf.Header, pf.Div, pf.Span, pf.Code, pf.CodeBlock, pf.Image, pf.Link,
                      pf.Table])


def prefix_ids(note: Note, doc: pf.Doc, anchor: str, outline: Outline) -> None:
    """Prefix the note's ids with its anchor, anchor its ^block-ids, and mark its links and
    images with the note they are in; the outline gets its headings and block ids."""
    rel = str(note.rel)
    prefix = anchor + "--"
    used: set[str] = set()  # ids in the note: a block's anchor must be none of them

    def visit(elem, doc):
        if elem.identifier:
            elem.identifier = prefix + elem.identifier
            used.add(elem.identifier)
        if isinstance(elem, pf.Header):
            outline.headings.setdefault(heading_key(pf.stringify(elem)), elem.identifier)
        if isinstance(elem, (pf.Link, pf.Image)):
            elem.attributes["note"] = rel  # the filters resolve targets from this note
            if "wikilink" in elem.classes:
                elem.url = wikilink_target(elem.url)
            if (isinstance(elem, pf.Link) and "wikilink" not in elem.classes
                    and elem.url.startswith("#") and len(elem.url) > 1):
                elem.url = "#" + prefix + elem.url[1:]

    walk(doc, visit, doc, WITH_IDS)

    def block_anchor(block_id: str) -> str:
        """prefix + id, else (a heading "Lucide" and a block ^lucide) with a number."""
        found = base = prefix + block_id
        counter = 1
        while found in used:
            counter += 1
            found = f"{base}-{counter}"
        used.add(found)
        outline.blocks.setdefault(block_id, found)
        return found

    doc.content = take_block_ids(list(doc.content), block_anchor, ids_alone(note.body))


def shift_headings(doc: pf.Doc, to_level: int) -> None:
    """Move the note's headings down so its top level is `to_level` (at most 6)."""
    levels = [b.level for b in doc.content if isinstance(b, pf.Header)]
    if not levels or min(levels) >= to_level:
        return
    shift = to_level - min(levels)

    def visit(elem, doc):
        elem.level = min(6, elem.level + shift)

    walk(doc, visit, doc, {pf.Header})


