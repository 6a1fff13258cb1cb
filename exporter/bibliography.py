"""The books the notes summarise, as CSL-JSON references for pandoc's citeproc."""
from __future__ import annotations

import re

import panflute as pf

from .assemble import Chapter, slugify

YEAR_IN_TITLE = re.compile(r"\s*\((\d{4})\)\s*$")


def reference_for(chapter: Chapter, title: str, source: str | None = None) -> dict | None:
    """The CSL-JSON book a note cites, from its front matter; None without an author.

    `source` is the URL of the note's `SOURCE:` header line, when it has one.
    """
    meta = {**({"source": source} if source else {}), **chapter.note.meta}
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
    for field, csl in (("source", "URL"), ("publisher", "publisher"), ("pages", "number-of-pages")):
        if meta.get(field):
            reference[csl] = str(meta[field])
    return reference


def citekey(meta: dict, author, year, title: str) -> str:
    """Front-matter `cite` or `citekey`, else e.g. 'grant1997'."""
    if meta.get("cite") or meta.get("citekey"):
        return str(meta.get("cite") or meta.get("citekey"))
    family = person(as_list(author)[0])["family"] if author else title
    return slugify(family).replace("-", "") + (str(year) if year else "")


def person(name: str) -> dict:
    """'Ted Grant' -> {'family': 'Grant', 'given': 'Ted'}; 'Grant, Ted' likewise."""
    name = str(name).strip()
    if "," in name:
        family, given = (part.strip() for part in name.split(",", 1))
    else:
        given, _, family = name.rpartition(" ")
    return {"family": family, "given": given} if given else {"family": family}


def as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def book_pages(meta: dict) -> int:
    """The book's length (front-matter `pages`), which decides when '(1997)' is a page."""
    try:
        return int(str(meta.get("pages", 0)))
    except ValueError:
        return 0


def attach(doc, chapters: list[Chapter], titles: list[str], sources: list[str | None]) -> None:
    """Give the Doc its references and tell the page-citations filter which note cites what."""
    references: dict[str, dict] = {}
    doc.citekeys, doc.book_lengths = {}, {}
    for chapter, title, source in zip(chapters, titles, sources, strict=True):
        reference = reference_for(chapter, title, source)
        if reference is None:
            continue
        references.setdefault(reference["id"], reference)
        doc.citekeys[str(chapter.note.rel)] = reference["id"]
        doc.book_lengths[reference["id"]] = book_pages(chapter.note.meta)
    doc.note_starts = {anchor: rel for rel, anchor in doc.anchors.items()}
    doc.first_note = str(chapters[0].note.rel)
    if references:
        doc.metadata["references"] = list(references.values())
        doc.metadata["link-citations"] = True
        doc.metadata["reference-section-title"] = "References"
        if getattr(doc, "short_citations", False):  # no Cite left: list the books anyway
            doc.metadata["nocite"] = pf.MetaInlines(*[
                pf.Cite(pf.Str(f"@{key}"), citations=[pf.Citation(key)]) for key in references])
