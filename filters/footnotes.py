"""Footnotes at the foot of the page in the PDF: each Note becomes a Span `footnote`
that print.css floats to the page foot (`float: footnote`). Only when doc.paged is set;
HTML, EPUB and LaTeX keep pandoc's own footnotes."""
from __future__ import annotations

import panflute as pf

ACTS_ON = frozenset([pf.Note])  # all action() acts on


def action(elem, doc):
    if not isinstance(elem, pf.Note) or not getattr(doc, "paged", False):
        return None
    inlines = []
    for block in elem.content:
        if inlines:
            inlines.append(pf.Space())
        inlines.extend(in_a_line(block))
    return pf.Span(*inlines, classes=["footnote"])


def in_a_line(block) -> list:
    """A block's paragraphs' inlines one after another (a list's items, a quote's lines),
    so that what they hold (a formula's picture) stays what it is; else its text."""
    found = []

    def visit(elem, _):
        if isinstance(elem, (pf.Para, pf.Plain)):
            if found:
                found.append(pf.Space())
            found.extend(elem.content)
    block.walk(visit)
    return found or [pf.Str(pf.stringify(block).strip())]


def main(doc=None):
    return pf.run_filter(action, doc=doc)


if __name__ == "__main__":
    main()
