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
        if isinstance(block, (pf.Para, pf.Plain)):
            inlines.extend(block.content)
        else:
            inlines.append(pf.Str(pf.stringify(block).strip()))
    return pf.Span(*inlines, classes=["footnote"])


def main(doc=None):
    return pf.run_filter(action, doc=doc)


if __name__ == "__main__":
    main()
