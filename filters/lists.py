"""Replacing an element's list of children only when it changed.

panflute type-checks every item of a list assigned to an element; the filters rebuild the
lists of every paragraph they look at, and most come back unchanged, or with a few new
items among the old.
"""
from __future__ import annotations

from panflute.utils import check_type


def replace_list(elem, name: str, items: list) -> None:
    """Give `elem.<name>` the `items`, unless they are the ones it holds already; only the
    items it did not hold are type-checked."""
    container = getattr(elem, name)
    current = container.list
    if len(items) == len(current) and all(a is b for a, b in zip(items, current, strict=True)):
        return
    held = {id(item) for item in current}
    container.list = [item if id(item) in held else check_type(item, container.oktypes)
                      for item in items]
