"""Turn [[wikilinks]] and Markdown links to notes into cross-references or concepts.

A link to a note in the export becomes a Link `xref` to its chapter (or heading); the
PDF's CSS adds "(p. N)" and LaTeX gets \\pageref. A link to anything else is a concept:
a Span `concept` with the display text, recorded in `doc.concepts` for the index.
Both carry `data-target` (the note or concept) and, for `[[Note#part]]`, `data-part`.
Run alone as a pandoc filter (no vault), every wikilink is a concept.
"""
from __future__ import annotations

import re
from pathlib import PurePosixPath
from urllib.parse import unquote

import panflute as pf

from exporter.vault import heading_key

SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def prepare(doc):
    doc.concepts = []


ACTS_ON = frozenset([pf.Link])  # all action() acts on


def action(elem, doc):
    if not isinstance(elem, pf.Link):
        return None
    if "wikilink" in elem.classes:
        target, display = elem.url, wikilink_display(elem)
    elif is_note_link(elem.url):
        target, display = unquote(elem.url), list(elem.content)
    else:
        elem.attributes.pop("note", None)  # set by assemble for links to notes; not output
        return None
    note_part, _, fragment = target.partition("#")
    note = find_note(doc, note_part, elem.attributes.get("note"))
    # with a fragment the link's text names a part of the note, no synonym for the index
    part = {"part": fragment} if fragment else {}
    if note is None and "wikilink" in elem.classes and is_attachment(doc, note_part, elem):
        return pf.Span(*display, classes=["attachment"])  # no page to refer to, no concept
    if note is None:
        warn_left_out(doc, note_part, elem.attributes.get("note"))
        name = note_part[:-3] if note_part.lower().endswith(".md") else note_part
        doc.concepts.append(name or fragment)
        return concept(display, {"data-target": name or fragment, **part}, doc)
    return cross_reference(display, anchor_in(doc, note, fragment),
                           {"data-target": str(note.rel.with_suffix("")), **part}, doc)


def wikilink_display(link):
    """The alias, else the last path part, with ' › Heading' when a heading is named."""
    text = pf.stringify(link)
    if text != link.url:
        return list(link.content)
    note_part, _, fragment = link.url.partition("#")
    name = note_part.rsplit("/", 1)[-1]
    if name.lower().endswith(".md"):
        name = name[:-3]
    parts = fragment.lstrip("^").split("#")  # [[Note#H2#H3]] names H3 under H2
    shown = " › ".join(part for part in (name, *parts) if part)
    return words(shown or link.url)


def words(text):
    parts = [pf.Str(w) for w in text.split()]
    return [x for w in parts for x in (w, pf.Space())][:-1]


def is_note_link(url):
    """A relative link to a Markdown file: `Folder/Note.md`, maybe URL-encoded, maybe `#x`."""
    path = unquote(url).partition("#")[0]
    return bool(path) and not SCHEME.match(url) and path.lower().endswith(".md")


def find_note(doc, note_part, source):
    """The note a link points to, if that note is in the export; else None."""
    vault = getattr(doc, "vault", None)
    if vault is None:
        return None
    from_note = vault.note_at(source) if source else None
    note = vault.resolve(note_part, from_note) if note_part else from_note
    return note if note is not None and str(note.rel) in doc.anchors else None


def warn_left_out(doc, note_part, source):
    """A link to a note left out of the export (it cannot be read) prints as a concept;
    say why."""
    vault, warnings = getattr(doc, "vault", None), getattr(doc, "warnings", None)
    left_out = vault.left_out_note(note_part) if vault is not None and note_part else None
    if left_out and warnings is not None:
        from_note = vault.note_at(source) if source else None
        warnings.warn(f"[[{note_part}]]: {left_out} is left out ({vault.left_out[left_out]}); "
                      "printed as a concept", source,
                      from_note.line_of(f"[[{note_part}") if from_note else None,
                      kind="left-out-note")


def is_attachment(doc, target, link):
    """Whether `[[target]]` names a file of the vault that is not a note (a PDF, a canvas)."""
    vault = getattr(doc, "vault", None)
    if vault is None or PurePosixPath(target).suffix.lower() in ("", ".md"):
        return False
    source = link.attributes.get("note")
    from_note = vault.note_at(source) if source else None
    return not vault.refuses(target, from_note) and vault.resolve_attachment(
        target, from_note) is not None


def anchor_in(doc, note, fragment):
    """The id of the note's heading or block the fragment names, else of the note."""
    rel = str(note.rel)
    if fragment.startswith("^"):
        found = doc.blocks.get((rel, fragment[1:]))
    else:  # [[Note#H2#H3]]: the last heading named
        found = doc.headings.get((rel, heading_key(fragment.split("#")[-1])))
    return found or doc.anchors[rel]


def concept(display, attributes, doc):
    """A term that is not a chapter of the guide; LaTeX styles it with \\concept."""
    span = pf.Span(*display, classes=["concept"], attributes=attributes)
    if doc.format == "latex":
        return [pf.RawInline("\\concept{", "latex"), span, pf.RawInline("}", "latex")]
    return span


def cross_reference(display, anchor, attributes, doc):
    """A link to `anchor`; in LaTeX followed by the page it lands on."""
    link = pf.Link(*display, url="#" + anchor, classes=["xref"], attributes=attributes)
    if doc.format == "latex":
        return [link, pf.RawInline(f"~(p.~\\pageref{{{anchor}}})", "latex")]
    return link


def main(doc=None):
    return pf.run_filter(action, prepare=prepare, doc=doc)


if __name__ == "__main__":
    main()
