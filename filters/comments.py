"""Remove Obsidian %%comments%%, inline or across lines and blocks, from every format.

The AST is read in document order with an open/closed state: a Str holding '%%' toggles
it, and whatever lies between two markers is dropped. Code spans and code blocks are
leaves, so a '%%' inside code stays literal. A comment left open closes at the next note.
"""
from __future__ import annotations

import panflute as pf
from exporter.filters.lists import replace_list

from exporter import filters

MARK = "%%"


def prepare(doc):
    doc.comment_open = False
    doc.holding_marks = set()  # ids of the elements with a '%%' somewhere inside


def finalize(doc):
    doc.content = scrub_list(doc.content, doc, top_level=True)
    if doc.comment_open:
        warn(doc, "a %% comment is never closed; it hides the rest of the note", kind="comment")


ACTS_ON = frozenset([pf.Str])  # all action() acts on


def action(elem, doc):
    """Note the Str with a marker and the elements around it; the removing is finalize's,
    which needs document order (walk() is depth-first) and passes over the rest whole."""
    if isinstance(elem, pf.Str) and MARK in elem.text:
        filters.mark_with_ancestors(elem, doc.holding_marks)


def without_comments(doc) -> list:
    """The blocks of a Doc the chain does not run on (a note embedded), comments gone."""
    prepare(doc)
    filters.walk(doc, action, doc)
    return scrub_list(list(doc.content), doc)


def scrub_list(children, doc, top_level=False):
    """Children with comment parts removed (a list of kept elements)."""
    kept = []
    for child in children:
        if top_level and starts_note(child) and doc.comment_open:
            warn(doc, "a %% comment is never closed; closed at the next note", kind="comment")
            doc.comment_open = False
        kept.extend(scrub(child, doc))
    return kept


def scrub(elem, doc) -> list:
    """The element, split or emptied of comments: zero, one or several elements."""
    if id(elem) not in doc.holding_marks:  # nothing inside opens or closes a comment
        return [] if doc.comment_open else [elem]
    if isinstance(elem, pf.Str):
        return split_str(elem, doc)
    if not elem._children:
        return [] if doc.comment_open else [elem]
    was_open = doc.comment_open
    for name in elem._children:
        child = getattr(elem, name)
        if isinstance(child, pf.ListContainer):
            replace_list(elem, name, scrub_list(list(child), doc))
        elif isinstance(child, pf.Element):
            scrub(child, doc)
    if isinstance(elem, (pf.Para, pf.Plain, pf.Header)):
        replace_list(elem, "content", trim(list(elem.content)))
    emptied = not any(len(getattr(elem, n)) for n in elem._children
                      if isinstance(getattr(elem, n), pf.ListContainer))
    if emptied and (was_open or doc.comment_open or isinstance(elem, (pf.Para, pf.Plain))):
        return []
    return [elem]


def split_str(elem, doc) -> list:
    """A Str with '%%' markers: the parts outside comments, toggling the state at each."""
    if MARK not in elem.text:
        return [] if doc.comment_open else [elem]
    pieces = elem.text.split(MARK)
    kept = []
    for index, piece in enumerate(pieces):
        if index:
            doc.comment_open = not doc.comment_open
        if piece and not doc.comment_open:
            kept.append(pf.Str(piece))
    return kept


def trim(inlines):
    """Drop the spaces a removed comment leaves: doubled, or at either end of a paragraph."""
    blank = (pf.Space, pf.SoftBreak, pf.LineBreak)
    inlines = [x for i, x in enumerate(inlines)
               if not (isinstance(x, pf.Space) and i and isinstance(inlines[i - 1], blank))]
    while inlines and isinstance(inlines[0], blank):
        inlines.pop(0)
    while inlines and isinstance(inlines[-1], blank):
        inlines.pop()
    return inlines


def starts_note(elem) -> bool:
    return isinstance(elem, (pf.Header, pf.Div)) and bool(
        {"chapter", "note-start"} & set(elem.classes))


def warn(doc, message, kind=None):
    warnings = getattr(doc, "warnings", None)
    if warnings is not None:
        warnings.warn(message, getattr(doc, "first_note", None), kind=kind)
    else:
        pf.debug(f"warning: {message}")


def main(doc=None):
    return pf.run_filter(action, prepare=prepare, finalize=finalize, doc=doc)


if __name__ == "__main__":
    main()
