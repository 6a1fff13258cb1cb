"""The per-note stages of an export, in worker processes and cached: outline each note
(title, header lines, ids), then run the filter chain on it, knowing from the outlines
where every other note, heading and block of the guide is.

A filtered note is cached under a key of its own text and the run's context (the link
map, the books, the options, the tool's version); the entry also lists the notes and
images the note took in, and is used only while those are unchanged. Editing one note
so re-filters that note alone, unless the edit changes what others link to.
"""
from __future__ import annotations

import html
import json
from dataclasses import asdict, dataclass, field

import panflute as pf

from exporter import filters
from exporter.filters import formulas

from . import citations, properties, workers
from .assemble import Outline, prepare
from .bibliography import Books
from .cache import Cache, code_version, digest
from .log import Warnings
from .model import Note
from .reader import ParsedNotes
from .vault import Vault, note_aliases

# A note's panflute Doc is some ten thousand objects in cycles (each knows its parent):
# the workers that load them collect every so many new objects, not every 700 (the
# 1,000-note LaTeX's filtering 10.0 -> 9.0 s). Not in the layout workers: tried in
# every worker, it raised a 1,000-note PDF's peak memory from 1,311 to 1,612 MB.
NOTE_OBJECTS = 20_000


@dataclass
class Context:
    """What filtering one note needs to know of the run and of the other notes."""

    format: str  # "html" or "latex": what the filters write raw markup for
    flags: dict  # allow_remote, allow_raw_latex, inline_images, paged, short_citations,
    # citations_once, break_before, mermaid, diagram_images
    own_chapter: bool  # one chapter per note (several notes), else the note's own H1s
    vault: Vault
    parsed: ParsedNotes
    prefixes: dict[str, str]  # note rel -> its anchor, the prefix of its ids
    outlines: dict[str, Outline]  # note rel -> its outline
    books: Books
    index_terms: list[list[str]]
    cache: Cache = field(default_factory=lambda: Cache(None))  # for the filters' own entries
    properties: dict[str, str] = field(default_factory=dict)  # note rel -> its table's JSON
    anchors: dict[str, str] = field(init=False)  # note rel -> id where it starts
    headings: dict[tuple[str, str], str] = field(init=False)  # (rel, heading text) -> id
    blocks: dict[tuple[str, str], str] = field(init=False)  # (rel, ^block-id) -> id
    digest: str = field(init=False)

    def __post_init__(self) -> None:
        self.anchors = {rel: o.start for rel, o in self.outlines.items()}
        self.headings = {(rel, text): id_ for rel, o in self.outlines.items()
                         for text, id_ in o.headings.items()}
        self.blocks = {(rel, block): id_ for rel, o in self.outlines.items()
                       for block, id_ in o.blocks.items()}
        self.digest = digest(code_version(), json.dumps([
            self.format, self.flags, self.own_chapter, self.prefixes,
            {rel: asdict(o) for rel, o in self.outlines.items()}, asdict(self.books),
            self.index_terms, self.properties, self.vault.attachment_folder,
            [str(a) for a in self.vault.attachments],
            [(str(n.rel), note_aliases(n)) for n in self.vault.notes]], sort_keys=True))


@dataclass
class Filtered:
    """One note after the filter chain: its blocks, and what the guide collects from it."""

    blocks: str  # its blocks as pandoc JSON, without the list's brackets
    occurrences: list = field(default_factory=list)  # (target, id, text shown), for the index
    tags: list[str] = field(default_factory=list)
    chapter_pages: dict[str, list[int]] = field(default_factory=dict)  # chapter id -> pages
    uncited: list = field(default_factory=list)  # (note, locator) with no book to cite
    cited: list[str] = field(default_factory=list)  # the citekeys it cites
    images: list[str] = field(default_factory=list)  # vault paths of the images it shows
    contents: list[dict] = field(default_factory=list)  # its headings, for the contents
    warnings: list[list] = field(default_factory=list)  # Message.fields() of each
    embedded: list[str] = field(default_factory=list)  # the notes it took text from
    citations: dict[str, str] = field(default_factory=dict)  # placeholder -> Cite, as JSON
    diagrams: dict[str, str] = field(default_factory=dict)  # LaTeX: diagram file -> its SVG


def outline_all(notes: list[Note], prefixes: list[str], parsed: ParsedNotes,
                own_chapter: bool, cache: Cache, pool: workers.Workers) -> list[Outline]:
    """The outline of every note, from the cache or made in worker processes."""
    keys = [digest(parsed.key(note), prefix, str(own_chapter), json.dumps(note.meta,
                                                                          sort_keys=True))
            for note, prefix in zip(notes, prefixes, strict=True)]
    outlines = [cached_outline(cache.get("outline", key)) for key in keys]
    missing = [i for i, outline in enumerate(outlines) if outline is None]

    def outline(index: int) -> Outline:  # the worker writes the cache entry itself
        made = prepare(notes[index], parsed.doc(notes[index]), prefixes[index], own_chapter)
        cache.put("outline", keys[index], json.dumps(asdict(made)))
        return made

    made_now = pool.map("Outlining notes", outline, missing, collect_every=NOTE_OBJECTS)
    for index, made in zip(missing, made_now, strict=True):
        outlines[index] = made
    return outlines


def cached_outline(text: str | None) -> Outline | None:
    return Outline(**json.loads(text)) if text is not None else None


def filter_all(notes: list[Note], context: Context, cache: Cache,
               pool: workers.Workers) -> list[Filtered]:
    """Every note through the filter chain: from the cache, or in worker processes."""
    use_cache = not context.flags.get("allow_remote")  # a remote image may change any time
    keys = [digest(context.digest, context.parsed.key(note)) for note in notes]
    results = [cached_filtered(cache.get("filtered", key), context) if use_cache else None
               for key in keys]
    missing = [i for i, result in enumerate(results) if result is None]

    def filter_and_keep(index: int) -> Filtered:  # as in outline_all: written by the worker
        filtered = filter_note(notes[index], context)
        if use_cache:
            cache.put("filtered", keys[index], cache_entry(filtered, context.vault))
        return filtered

    made = pool.map("Filtering notes", filter_and_keep, missing, collect_every=NOTE_OBJECTS)
    for index, filtered in zip(missing, made, strict=True):
        results[index] = filtered
    return results


def cache_entry(filtered: Filtered, vault: Vault) -> str:
    """A line of JSON (what the note holds, and all but its blocks), then the blocks as
    they are: inside the JSON they would be escaped and unescaped, a quote at a time."""
    rest = {name: value for name, value in vars(filtered).items() if name != "blocks"}
    head = json.dumps({"deps": dependencies(filtered, vault), "filtered": rest})
    return f"{head}\n{filtered.blocks}"


def filter_note(note: Note, context: Context) -> Filtered:
    """The note, made part of the book and filtered."""
    warnings, vault_warnings = Warnings(), context.vault.warnings
    context.vault.warnings = warnings  # what the vault warns of, resolving this note's links
    try:
        return filtered_doc(note, context, warnings)
    finally:
        context.vault.warnings = vault_warnings


def filtered_doc(note: Note, context: Context, warnings: Warnings) -> Filtered:
    rel = str(note.rel)
    doc = context.parsed.doc(note)
    prepare(note, doc, context.prefixes[rel], context.own_chapter)
    if rel in context.properties:
        properties.insert(doc, context.properties[rel], context.own_chapter)
    doc.format, doc.warnings = context.format, warnings
    doc.vault, doc.notes = context.vault, context.parsed
    for name, value in context.flags.items():
        setattr(doc, name, value)
    doc.anchors, doc.headings, doc.blocks = context.anchors, context.headings, context.blocks
    doc.citekeys, doc.book_lengths = context.books.citekeys, context.books.lengths
    doc.note_starts = {anchor: rel for rel, anchor in context.anchors.items()}
    doc.first_note, doc.id_prefix = rel, context.prefixes[rel] + "--"
    doc.index_terms, doc.cache = context.index_terms, context.cache
    doc = filters.run_chain(doc)
    # In the PDF a citation is text: a span of its own is one more box a line for WeasyPrint
    # to lay out (the body 0.9 of the time without them), and nothing there reads it.
    cites = (citations.to_placeholders(doc, bare=context.flags.get("paged", False))
             if context.flags.get("citations_once") else {})
    return Filtered(
        # a tree just made from panflute's elements has no cycles to look for (dumped 0.77
        # of the time without the check)
        blocks=json.dumps(doc.to_json()["blocks"], ensure_ascii=False,
                          check_circular=False)[1:-1],
        occurrences=doc.index_occurrences, tags=doc.tags, chapter_pages=doc.chapter_pages,
        uncited=doc.uncited, cited=doc.cited, images=[str(image) for image in doc.images],
        contents=contents(doc), warnings=[m.fields() for m in warnings.messages],
        embedded=doc.embedded, citations=cites, diagrams=doc.diagrams)


def contents(doc: pf.Doc) -> list[dict]:
    """The note's chapters and sections (not embedded copies), for the contents."""
    entries = []

    def visit(elem, _):
        if elem.level <= 2 and "unlisted" not in elem.classes:
            entry = dict(level=elem.level, id=elem.identifier, text=plain_text(elem))
            markup = plain_text(elem, markup=True)
            if formulas.PICTURE in markup:  # the contents show the formula, as the heading does
                entry["html"] = markup
            entries.append(entry)
    filters.walk(doc, visit, doc, {pf.Header})
    return entries


def plain_text(elem, markup: bool = False) -> str:
    """A heading as the contents show it: curly quotes kept, footnotes left out; formulas'
    pictures left out, or with `markup`, HTML with them in."""
    if isinstance(elem, pf.Quoted):
        left, right = ("‘", "’") if elem.quote_type == "SingleQuote" else ("“", "”")
        return left + "".join(plain_text(e, markup) for e in elem.content) + right
    if isinstance(elem, (pf.Str, pf.Code, pf.Math)):
        return html.escape(elem.text, quote=False) if markup else elem.text
    if isinstance(elem, (pf.Space, pf.SoftBreak, pf.LineBreak)):
        return " "
    if isinstance(elem, pf.Note):
        return ""
    if formulas.is_picture(elem):
        return elem.text if markup else ""
    return "".join(plain_text(e, markup) for e in getattr(elem, "content", []))


def dependencies(filtered: Filtered, vault: Vault) -> dict:
    """What else the filtered note holds: other notes' text, image files."""
    notes = {rel: digest(vault.note_at(rel).body) for rel in filtered.embedded}
    images = {rel: file_stamp(vault, rel) for rel in filtered.images}
    return {"notes": notes, "images": images}


def file_stamp(vault: Vault, rel: str) -> list[int]:
    try:
        stat = (vault.root / rel).stat()
        return [stat.st_size, stat.st_mtime_ns]
    except OSError:
        return []


def cached_filtered(text: str | None, context: Context) -> Filtered | None:
    """The cached filtered note, if the notes and images it holds are unchanged."""
    if text is None:
        return None
    head, _, blocks = text.partition("\n")
    entry = json.loads(head)
    vault = context.vault
    for rel, body_digest in entry["deps"]["notes"].items():
        note = vault.note_at(rel)
        if note is None or digest(note.body) != body_digest:
            return None
    for rel, stamp in entry["deps"]["images"].items():
        if file_stamp(vault, rel) != stamp:
            return None
    return Filtered(blocks=blocks, **entry["filtered"])
