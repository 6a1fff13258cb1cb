"""Replacing an element's list of children only when it changed.

panflute type-checks and re-parents every item of a list assigned to an element; the
filters rebuild the lists of every paragraph they look at, and most come back unchanged.
"""
from __future__ import annotations


def replace_list(elem, name: str, items: list) -> None:
    """Give `elem.<name>` the `items`, unless they are the ones it holds already."""
    current = getattr(elem, name).list
    if len(items) != len(current) or any(a is not b for a, b in zip(items, current, strict=True)):
        setattr(elem, name, items)
