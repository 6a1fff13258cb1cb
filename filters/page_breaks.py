"""Page breaks where the writer asks for one: an empty `<div style="page-break-after:
always">` (as Obsidian's own PDF export reads it), or `\\newpage`, `\\pagebreak` or
`\\clearpage` on a line of its own; and, with `break_before = N` in exporter.toml, before
each heading of levels 2 to N (but one right after another heading: a chapter's first
section stays on the chapter's page). A page break in the PDF (Div `page-break`, when
doc.paged is set) and in LaTeX; nothing in the HTML page, the EPUB or the handout."""
from __future__ import annotations

import re

import panflute as pf

BREAK_STYLE = re.compile(r"^\s*(page-)?break-(after|before)\s*:\s*(always|page)\s*;?\s*$",
                         re.IGNORECASE)
TEX_BREAK = re.compile(r"^\\(newpage|pagebreak|clearpage)(\[\d\])?$")

ACTS_ON = frozenset([pf.Div, pf.RawBlock, pf.Header])  # all action() acts on


def action(elem, doc):
    if isinstance(elem, pf.Header):
        if not breaks_before(elem, getattr(doc, "break_before", 1)):
            return None
        return [page_break(doc), elem] if page_break(doc) else None
    if not is_page_break(elem):
        return None
    return page_break(doc) or []


def page_break(doc) -> pf.Block | None:
    """A page break as the output writes it; None where the output has no pages."""
    if doc.format == "latex":
        return pf.RawBlock("\\newpage", "latex")
    return pf.Div(classes=["page-break"]) if getattr(doc, "paged", False) else None


def breaks_before(header: pf.Header, deepest: int) -> bool:
    """Whether `header` starts a page: a level from 2 to `deepest`, not right after a
    heading (a heading alone on a page), and not the first block of its list."""
    if not 2 <= header.level <= deepest or header.index in (None, 0):
        return False
    siblings = header.parent.content if header.location in ("content", None) else None
    before = siblings[header.index - 1] if siblings is not None else None
    return not isinstance(before, pf.Header)


def is_page_break(elem) -> bool:
    if isinstance(elem, pf.Div):
        return not elem.content and bool(BREAK_STYLE.match(elem.attributes.get("style", "")))
    return (isinstance(elem, pf.RawBlock) and elem.format in ("tex", "latex")
            and bool(TEX_BREAK.match(elem.text.strip())))


def main(doc=None):
    return pf.run_filter(action, doc=doc)


if __name__ == "__main__":
    main()
