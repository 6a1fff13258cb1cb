"""Mark every occurrence of a concept for the index of concepts.

Each cross-reference and concept (they carry `data-target`, from the wikilinks filter)
gets an id `idx-N` (after doc.id_prefix, when set); so does each Span `index-term` this
filter wraps around a term that a note lists in its front-matter `index:`.
doc.index_occurrences keeps (target, id, text) in document order; exporter/index.py turns
them into entries once pages are known.
LaTeX gets an \\index{} beside each occurrence instead.
"""
from __future__ import annotations

import re

import panflute as pf
from exporter.filters.lists import replace_list

from exporter.vault import normalise


def prepare(doc):
    doc.index_occurrences = []
    if getattr(doc, "index_terms", None) is None:  # the pipeline computes them once a run
        doc.index_terms = front_matter_terms(getattr(doc, "vault", None),
                                             getattr(doc, "anchors", {}))


ACTS_ON = frozenset([pf.Link, pf.Span, pf.Para, pf.Plain])  # all action() acts on


def action(elem, doc):
    if isinstance(elem, (pf.Link, pf.Span)) and "data-target" in elem.attributes:
        return mark(elem, elem.attributes["data-target"], doc)
    if isinstance(elem, (pf.Para, pf.Plain)) and doc.index_terms:
        replace_list(elem, "content", wrap_terms(list(elem.content), doc))
    return None


def mark(elem, target, doc):
    """Give the occurrence an id and record it; in LaTeX add the \\index entry.

    The text it shows is kept as a possible alias, unless it names a part of the note.
    """
    prefix = getattr(doc, "id_prefix", "")  # the note's, in a guide of several notes
    elem.identifier = elem.identifier or f"{prefix}idx-{len(doc.index_occurrences) + 1}"
    shown = "" if "part" in elem.attributes else pf.stringify(elem)
    doc.index_occurrences.append((target, elem.identifier, shown))
    if doc.format == "latex":
        name = target.rsplit("/", 1)[-1]
        return [elem, pf.RawInline(f"\\index{{{index_escape(name)}}}", "latex")]
    return elem


def front_matter_terms(vault, rels) -> list[list[str]]:
    """The `index:` terms of these notes of the vault, each as its words, longest first."""
    terms = set()
    for rel in rels:
        note = vault.note_at(rel) if vault else None
        listed = note.meta.get("index", []) if note else []
        for term in [listed] if isinstance(listed, str) else listed:
            terms.add(tuple(normalise(str(term)).split()))
    return sorted((list(t) for t in terms if t), key=len, reverse=True)


def wrap_terms(inlines, doc):
    """Wrap each run of words that spells an `index:` term in a Span `index-term`."""
    out, i = [], 0
    while i < len(inlines):
        found = next((t for t in doc.index_terms if spells(inlines, i, t)), None)
        if found is None:
            out.append(inlines[i])
            i += 1
            continue
        end = i + 2 * len(found) - 1
        span = pf.Span(*inlines[i:end], classes=["index-term"],
                       attributes={"data-target": " ".join(found)})
        out.extend(listify(mark(span, " ".join(found), doc)))
        i = end
    return out


def spells(inlines, start, words) -> bool:
    """Do the inlines from `start` read `words`, separated by spaces (trailing punctuation ok)?"""
    for n, word in enumerate(words):
        index = start + 2 * n
        if index >= len(inlines) or not isinstance(inlines[index], pf.Str):
            return False
        text = normalise(inlines[index].text)
        last = n == len(words) - 1
        if text != word and not (last and text.rstrip(".,;:!?’'\")") == word):
            return False
        if not last and not isinstance(inlines[index + 1] if index + 1 < len(inlines) else None,
                                       pf.Space):
            return False
    return True


def listify(value):
    return value if isinstance(value, list) else [value]


LATEX_SPECIALS = {"\\": "\\textbackslash{}", "&": "\\&", "%": "\\%", "$": "\\$",
                  "#": "\\#", "_": "\\_", "{": "\\{", "}": "\\}", "~": "\\textasciitilde{}",
                  "^": "\\textasciicircum{}"}


def index_escape(text: str) -> str:
    """Text for \\index{}: LaTeX specials escaped, makeindex's own quoted with '"'."""
    text = re.sub(r'["!@|]', lambda m: '"' + m.group(), text)
    return re.sub(r"[\\&%$#_{}~^]", lambda m: LATEX_SPECIALS[m.group()], text)


def main(doc=None):
    return pf.run_filter(action, prepare=prepare, doc=doc)


if __name__ == "__main__":
    main()
