"""Join the notes' Docs into one: a chapter per note, ids prefixed so they never clash."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import panflute as pf

from filters.blocks import take_block_ids

from .model import Note
from .vault import normalise


@dataclass
class Chapter:
    """A parsed note on its way into the book."""

    note: Note
    doc: pf.Doc
    title: list[pf.Element]
    anchor: str  # id of the chapter's start


def slugify(text: str) -> str:
    """An ASCII id fragment: 'Grant’s Book (1997)' -> 'grants-book-1997'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "note"


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


def chapters_of(notes: list[Note], docs: list[pf.Doc]) -> list[Chapter]:
    """Title and a unique anchor id for every note."""
    used: set[str] = set()
    chapters = []
    for note, doc in zip(notes, docs, strict=True):
        anchor = base = slugify(note.name)
        counter = 1
        while anchor in used:
            counter += 1
            anchor = f"{base}-{counter}"
        used.add(anchor)
        chapters.append(Chapter(note, doc, take_title(note, doc), anchor))
    return chapters


def assemble(chapters: list[Chapter], one_chapter_per_note: bool) -> pf.Doc:
    """One Doc: each note's blocks with prefixed ids, under its own H1 when there are several.

    Sets `doc.headings` {(note rel, normalised heading text): id} and `doc.anchors`
    {note rel: id} for the cross-reference filters.
    """
    book = pf.Doc(api_version=(1, 23, 1))
    book.headings, book.anchors, book.blocks = {}, {}, {}
    for chapter in chapters:
        prefix_ids(chapter, book.headings, book.blocks)
        book.anchors[str(chapter.note.rel)] = chapter.anchor
        if one_chapter_per_note:
            shift_headings(chapter.doc, to_level=2)
            book.content.append(pf.Header(*chapter.title, level=1, identifier=chapter.anchor,
                                          classes=["chapter"]))
        else:
            mark_start(chapter, book)
        book.content.extend(chapter.doc.content)
    return book


def mark_start(chapter: Chapter, book: pf.Doc) -> None:
    """A note without its own chapter heading: its first heading stands for it, else a Div.

    (An empty Div before the first heading would sit alone on a page of its own.)
    """
    first = chapter.doc.content[0] if chapter.doc.content else None
    if isinstance(first, pf.Header) and first.identifier:
        book.anchors[str(chapter.note.rel)] = first.identifier
    else:
        book.content.append(pf.Div(identifier=chapter.anchor, classes=["note-start"]))


def prefix_ids(chapter: Chapter, headings: dict, blocks: dict) -> None:
    """Prefix the note's ids with its anchor, anchor its ^block-ids, and mark its links and
    images with the note they are in."""
    rel = str(chapter.note.rel)
    prefix = chapter.anchor + "--"

    def visit(elem, doc):
        if isinstance(elem, (pf.Header, pf.Div, pf.Span, pf.Code, pf.CodeBlock, pf.Image, pf.Link,
                             pf.Table)) and getattr(elem, "identifier", ""):
            elem.identifier = prefix + elem.identifier
        if isinstance(elem, pf.Header):
            headings.setdefault((rel, normalise(pf.stringify(elem))), elem.identifier)
        if isinstance(elem, (pf.Link, pf.Image)):
            elem.attributes["note"] = rel  # the filters resolve targets from this note
            if (isinstance(elem, pf.Link) and "wikilink" not in elem.classes
                    and elem.url.startswith("#") and len(elem.url) > 1):
                elem.url = "#" + prefix + elem.url[1:]

    chapter.doc.walk(visit)

    def block_anchor(block_id: str) -> str:
        blocks[(rel, block_id)] = prefix + block_id
        return prefix + block_id

    chapter.doc.content = take_block_ids(list(chapter.doc.content), block_anchor)


def shift_headings(doc: pf.Doc, to_level: int) -> None:
    """Move the note's headings down so its top level is `to_level` (at most 6)."""
    levels = [b.level for b in doc.content if isinstance(b, pf.Header)]
    if not levels or min(levels) >= to_level:
        return
    shift = to_level - min(levels)

    def visit(elem, doc):
        if isinstance(elem, pf.Header):
            elem.level = min(6, elem.level + shift)

    doc.walk(visit)
