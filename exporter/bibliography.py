"""The books the notes summarise, as CSL-JSON references for pandoc's citeproc."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import panflute as pf

from .assemble import slugify
from .model import Note

YEAR_IN_TITLE = re.compile(r"\s*\((\d{4})\)\s*$")


def reference_for(note: Note, title: str, source: str | None = None) -> dict | None:
    """The CSL-JSON book a note cites, from its front matter; None without an author.

    `source` is the URL of the note's `SOURCE:` header line, when it has one.
    """
    meta = {**({"source": source} if source else {}), **note.meta}
    author = meta.get("author")
    if not author and not meta.get("cite"):
        return None
    title = str(meta.get("title") or title)
    year = meta.get("year")
    found = YEAR_IN_TITLE.search(title)
    if found:
        year = year or found.group(1)
        title = title[:found.start()]
    reference = {"id": citekey(meta, author, year, title), "type": "book", "title": title}
    if author:
        reference["author"] = [person(name) for name in as_list(author)]
    if year:
        reference["issued"] = {"date-parts": [[str(year)]]}
    for key, csl in (("source", "URL"), ("publisher", "publisher"), ("pages", "number-of-pages")):
        if meta.get(key):
            reference[csl] = str(meta[key])
    return reference


def citekey(meta: dict, author, year, title: str) -> str:
    """Front-matter `cite` or `citekey`, else e.g. 'grant1997'."""
    if meta.get("cite") or meta.get("citekey"):
        return str(meta.get("cite") or meta.get("citekey"))
    family = person(as_list(author)[0])["family"] if author else title
    return slugify(family).replace("-", "") + (str(year) if year else "")


def person(name: str) -> dict:
    """'Ted Grant' -> {'family': 'Grant', 'given': 'Ted'}; 'Grant, Ted' likewise."""
    name = plain_name(name)
    if "," in name:
        family, given = (part.strip() for part in name.split(",", 1))
    else:
        given, _, family = name.rpartition(" ")
    return {"family": family, "given": given} if given else {"family": family}


WIKILINK = re.compile(r"\[\[([^\]|#]*)(?:#[^\]|]*)?(?:\|[^\]]*)?\]\]")


def plain_name(value) -> str:
    """A name as front matter gives it, a link to the person's note ('[[People/Adam
    Smith|Smith]]', as Obsidian's properties write it) read as that note's name."""
    return WIKILINK.sub(lambda m: m[1].rsplit("/", 1)[-1], str(value)).strip()


def as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def book_pages(meta: dict) -> int:
    """The book's length (front-matter `pages`), which decides when '(1997)' is a page."""
    try:
        return int(str(meta.get("pages", 0)))
    except ValueError:
        return 0


@dataclass
class Books:
    """The books the notes cite: CSL-JSON references, and which note cites which."""

    references: dict[str, dict] = field(default_factory=dict)  # by citekey
    citekeys: dict[str, str] = field(default_factory=dict)  # note rel -> citekey
    lengths: dict[str, int] = field(default_factory=dict)  # citekey -> pages of the book


def books(notes: list[Note], titles: list[str], sources: list[str | None]) -> Books:
    """The book of each note that has one (its front matter names an author)."""
    found = Books()
    for note, title, source in zip(notes, titles, sources, strict=True):
        reference = reference_for(note, title, source)
        if reference is None:
            continue
        if not (note.meta.get("cite") or note.meta.get("citekey")):
            reference["id"] = distinct_key(found.references, reference)
        found.references.setdefault(reference["id"], reference)
        found.citekeys[str(note.rel)] = reference["id"]
        found.lengths[reference["id"]] = book_pages(note.meta)
    return found


def attach(doc: pf.Doc, found: Books) -> None:
    """Give the Doc's metadata the references, for citeproc, and a References section."""
    if not found.references:
        return
    doc.metadata["references"] = list(found.references.values())
    doc.metadata["link-citations"] = True
    doc.metadata["reference-section-title"] = "References"
    if getattr(doc, "short_citations", False):  # no Cite left: list the books anyway
        doc.metadata["nocite"] = pf.MetaInlines(*[
            pf.Cite(pf.Str(f"@{key}"), citations=[pf.Citation(key)]) for key in found.references])


def distinct_key(references: dict[str, dict], reference: dict) -> str:
    """A made-up key ('grant1997') that another book already has gets '-2', '-3'...: two
    books by one author in one year. Notes on the same book (same title) share its key."""
    base = key = reference["id"]
    number = 1
    while key in references and references[key]["title"] != reference["title"]:
        number += 1
        key = f"{base}-{number}"
    return key
