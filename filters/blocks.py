"""Obsidian block ids (`text ^my-id`): removed from the text, kept as anchors.

`take_block_ids` gives each id an anchor (assemble uses it per note, where the note is
known); `find_block` finds the block an id names (for `![[Note#^id]]`). Run as a filter,
it only removes the ids, e.g. from embedded copies whose anchors live elsewhere.
"""
from __future__ import annotations

import re

import panflute as pf
from exporter.filters.lists import replace_list

BLOCK_ID = re.compile(r"^\^([A-Za-z0-9-]+)$")
BREAKS = (pf.Space, pf.SoftBreak, pf.LineBreak)
ALONE = re.compile(r"^\^([A-Za-z0-9-]+)[ \t]*$", re.MULTILINE)


def ids_alone(markdown: str) -> frozenset[str]:
    """The ids written on a line of their own, unindented: such an id after a list (no
    blank line between) names the whole list, as in Obsidian; indented, its last item."""
    return frozenset(ALONE.findall(markdown))


def trailing_id(block) -> str | None:
    """The id at the end of a paragraph (`... ^id`, or `![[pic.png]]^id`), if it has one."""
    if not isinstance(block, (pf.Para, pf.Plain)) or not block.content:
        return None
    last = block.content[-1]
    if not isinstance(last, pf.Str) or not BLOCK_ID.match(last.text):
        return None
    if len(block.content) > 1 and not isinstance(block.content[-2], (*BREAKS, pf.Image)):
        return None
    return BLOCK_ID.match(last.text).group(1)


def remove_trailing_id(block) -> None:
    del block.content[-1]
    while block.content and isinstance(block.content[-1], BREAKS):
        del block.content[-1]


def last_paragraph(block, alone: frozenset[str]):
    """The paragraph whose id names the whole quote (callout) or list `block`: a quote's
    last block ending in an id (Obsidian names no part of a quote), or a list's last item
    ending in an id of `alone`. None if there is none."""
    if isinstance(block, pf.BlockQuote) and block.content:
        inner = block.content[-1]
    elif isinstance(block, (pf.BulletList, pf.OrderedList)) and block.content[-1].content:
        inner = block.content[-1].content[-1]
    else:
        return None
    found = inner if trailing_id(inner) else last_paragraph(inner, alone)
    if found is None or (isinstance(block, (pf.BulletList, pf.OrderedList))
                         and trailing_id(found) not in alone):
        return None
    return found


def take_block_ids(blocks: list, anchor_for, alone: frozenset[str] = frozenset()) -> list:
    """Blocks with their ids removed; `anchor_for(id)` names the anchor each gets.

    `text ^id` anchors its paragraph; a paragraph of only `^id` anchors the block
    before it (a list, a quote, a table), which is wrapped in a Div with that id, and so
    does an id ending a quote, or a list's last item (see last_paragraph).
    """
    kept: list = []
    for block in blocks:
        whole = last_paragraph(block, alone)
        if whole is not None:
            block_id = trailing_id(whole)
            remove_trailing_id(whole)
            if not whole.content:
                whole.parent.content.pop(whole.index)
            kept.append(pf.Div(block, identifier=anchor_for(block_id), classes=["block"]))
            continue
        block_id = trailing_id(block)
        if block_id is None:
            kept.append(block)
            continue
        remove_trailing_id(block)
        if block.content:
            block.content.insert(0, pf.Span(identifier=anchor_for(block_id),
                                            classes=["block-anchor"]))
            kept.append(block)
        elif kept:
            kept[-1] = pf.Div(kept[-1], identifier=anchor_for(block_id), classes=["block"])
    for block in kept:
        if isinstance(block, (pf.BlockQuote, pf.Div)):
            replace_list(block, "content",
                         take_block_ids(list(block.content), anchor_for, alone))
        elif isinstance(block, (pf.BulletList, pf.OrderedList)):
            for item in block.content:
                replace_list(item, "content",
                             take_block_ids(list(item.content), anchor_for, alone))
    return kept


def find_block(blocks: list, block_id: str, alone: frozenset[str] = frozenset()
               ) -> list | None:
    """The block that `^block_id` names, searched through nested blocks; None if absent."""
    previous = None
    for block in blocks:
        whole = last_paragraph(block, alone)
        if whole is not None and trailing_id(whole) == block_id:
            return [block]
        if trailing_id(block) == block_id:
            block = block if len(block.content) > 1 else previous
            return [block] if block is not None else None
        for child in children_blocks(block):
            found = find_block(child, block_id, alone)
            if found:
                return found
        previous = block
    return None


def children_blocks(block) -> list[list]:
    """The block lists inside a block: a quote's, a Div's, each list item's."""
    if isinstance(block, (pf.BlockQuote, pf.Div)):
        return [list(block.content)]
    if isinstance(block, (pf.BulletList, pf.OrderedList)):
        return [list(item.content) for item in block.content]
    return []


ACTS_ON = frozenset([pf.Para, pf.Plain])  # all action() acts on


def action(elem, doc):
    if trailing_id(elem):
        remove_trailing_id(elem)
        return elem if elem.content else []
    return None


def main(doc=None):
    return pf.run_filter(action, doc=doc)


if __name__ == "__main__":
    main()
