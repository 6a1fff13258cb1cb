"""The filter chain, in the order it runs on the assembled document.

comments first: nothing inside %%...%% may be embedded, linked or tagged.
embeds next: what they bring in then passes through every later filter.
page_breaks before raw_content, which would vet the break's style away.
raw_content after embeds, so embedded copies are vetted too, and before the filters that
  write raw LaTeX of their own (callouts, wikilinks, tags), which it must not touch.
formulas and mermaid after raw_content: the pictures they draw are raw HTML of their own.
blocks after embeds: it drops the ^ids that embedded copies carry.
callouts before wikilinks: a callout's first line is matched as written.
page_citations after callouts: it skips callout titles, and reads the embeds' sources.
index_terms after wikilinks: it marks the cross-references and concepts they made.
code_breaks after raw_content, which must not touch the raw LaTeX it writes.
footnotes last: the notes' contents have been through every other filter.
"""
from __future__ import annotations

import panflute as pf
from panflute.utils import check_type

from . import (
    blocks,
    callouts,
    code_breaks,
    comments,
    embeds,
    footnotes,
    formulas,
    index_terms,
    mermaid,
    page_breaks,
    page_citations,
    raw_content,
    tags,
    wikilinks,
)

CHAIN = [comments, embeds, page_breaks, raw_content, formulas, mermaid, blocks, callouts,
         page_citations, wikilinks, index_terms, tags, code_breaks, footnotes]


def run_chain(doc):
    """Run every filter of CHAIN, in order, on `doc` in this process.

    As panflute's run_filters does (prepare, walk with action, finalize), but with `walk`
    below, which leaves unchanged lists alone instead of rebuilding each one.
    """
    for module in CHAIN:
        if hasattr(module, "prepare"):
            module.prepare(doc)
        doc = walk(doc, module.action, doc, getattr(module, "ACTS_ON", None))
        if hasattr(module, "finalize"):
            module.finalize(doc)
    return doc


def walk(elem, action, doc, acts_on=None):
    """panflute's Element.walk, bottom-up: `action` may return None (keep), an element
    (replace) or a list (splice into the parent's list; [] deletes). With `acts_on`, a
    set of element types, `action` is called on elements of those types only."""
    for name in elem._children:
        child = getattr(elem, name)
        if isinstance(child, pf.ListContainer):
            walk_list(child, action, doc, acts_on)
        elif isinstance(child, pf.DictContainer):
            for key, value in list(child.items()):
                result = walk(value, action, doc, acts_on)
                if result is not value:
                    child[key] = result
        elif isinstance(child, pf.Element):
            child.parent, child.location = elem, name
            result = walk(child, action, doc, acts_on)
            if result is not child:
                setattr(elem, name, result)
    if acts_on is not None and type(elem) not in acts_on:
        return elem
    altered = action(elem, doc)
    return elem if altered is None else altered


def walk_list(items, action, doc, acts_on=None):
    """Walk each item, then splice in what `action` returned, in place.

    The plain list is read directly, with each item's parent set as ListContainer's own
    (slower) access would set it, but for leaves `action` is not called on (filtering a
    note 11% faster); only the new items are type-checked.
    """
    parent, location, new = items.parent, items.location, None
    for index, item in enumerate(items.list):
        if item._children:
            item.parent, item.location, item.index = parent, location, index
            result = walk(item, action, doc, acts_on)
        elif acts_on is not None and type(item) not in acts_on:
            result = item  # nothing reads this leaf's place in this walk: left unset
        else:  # a leaf (most items are): no call of walk() for it
            item.parent, item.location, item.index = parent, location, index
            altered = action(item, doc)
            result = item if altered is None else altered
        if result is item and new is None:
            continue
        if new is None:
            new = items.list[:index]
        if result is item:
            new.append(item)
        else:
            new.extend(check_type(r, items.oktypes)
                       for r in (result if isinstance(result, list) else [result]))
    if new is not None:
        items.list = new


def mark_with_ancestors(elem, marks: set) -> None:
    """Add the ids of `elem` and of every element it is inside (walk() set their parents)
    to `marks`: a finalize that needs document order can then pass over the rest whole."""
    while elem is not None and id(elem) not in marks:
        marks.add(id(elem))
        elem = elem.parent
