"""Join PDFs laid out apart into one guide (pikepdf): their pages in order, every anchor as
a named destination (so links between the parts work), bookmarks, page labels, metadata."""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name, OutlineItem, PageLocation, String

PX_TO_PT = 0.75  # CSS pixels (WeasyPrint's unit) to PDF points
NAMES_PER_LEAF = 512  # named destinations in one leaf of the name tree


@dataclass
class Part:
    """A laid-out PDF to join, and where its anchors and bookmarks are in it."""

    pdf: str
    pages: int
    anchors: dict[str, list] = field(default_factory=dict)  # id -> [page, x, y] in CSS px
    bookmarks: list = field(default_factory=list)  # WeasyPrint's bookmark tree


def join(parts: list[Part], target: Path, info: dict[str, str], lang: str,
         labels: list[tuple[int, str]]) -> None:
    """Write the parts' pages, in order, as one PDF at `target`.

    `labels`: (first page index, "r" or "D") where a numbering starts at 1, or (index,
    a name) where pages are labelled by that name (a cover).
    """
    sources = [pikepdf.open(part.pdf) for part in parts]
    try:
        with pikepdf.new() as out:
            offsets = []
            with warnings.catch_warnings():  # that named destinations are not copied:
                warnings.simplefilter("ignore", pikepdf.PageCopyWarning)  # they are made anew
                for source in sources:
                    offsets.append(len(out.pages))
                    out.pages.extend(source.pages)
            out.Root.Names = Dictionary(Dests=out.make_indirect(destinations(out, parts, offsets)))
            heights = [float(page.mediabox[3]) for page in out.pages]
            with out.open_outline() as outline:
                for part, offset in zip(parts, offsets, strict=True):
                    outline.root.extend(outline_items(part.bookmarks, offset, heights))
            out.Root.PageLabels = Dictionary(Nums=Array(
                [x for index, style in labels for x in (index, page_label(style))]))
            out.Root.Lang = String(lang)
            for key, value in info.items():
                out.docinfo[Name("/" + key)] = String(value)
            # objects in compressed object streams: the 1,000-note guide 39 -> 23 MB,
            # its thousands of link annotations and destinations mostly
            out.save(target, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    finally:
        for source in sources:
            source.close()


def page_label(style: str) -> Dictionary:
    """A numbering style (roman, decimal), or a name the pages are labelled with."""
    return Dictionary(S=Name("/" + style)) if style in ("r", "D") else Dictionary(
        P=String(style))


def destinations(out: pikepdf.Pdf, parts: list[Part], offsets: list[int]) -> Dictionary:
    """Every anchor of every part (the first of a name wins), at its place on its page.

    The name tree is built whole, its leaves sorted by key: pikepdf's NameTree inserts one
    name at a time, which took seconds for the tens of thousands of a long guide.
    """
    pages = list(out.pages)
    heights = [float(page.mediabox[3]) for page in pages]
    named: dict[bytes, Array] = {}
    for part, offset in zip(parts, offsets, strict=True):
        for name, (page, x, y) in part.anchors.items():
            key = bytes(String(name))
            if key not in named:
                index = offset + page
                named[key] = Array([pages[index].obj, Name.XYZ,
                                    *point(heights[index], x, y), 0])
    keys = sorted(named)
    leaves = [keys[start:start + NAMES_PER_LEAF] for start in range(0, len(keys), NAMES_PER_LEAF)]
    if len(leaves) <= 1:
        return Dictionary(Names=Array([x for key in keys for x in (String(key), named[key])]))
    return Dictionary(Kids=Array([out.make_indirect(Dictionary(
        Limits=Array([String(leaf[0]), String(leaf[-1])]),
        Names=Array([x for key in leaf for x in (String(key), named[key])])))
        for leaf in leaves]))


def point(height: float, x: float, y: float) -> tuple[float, float]:
    """A point in CSS px from a page's top-left corner, in PDF points from its bottom-left."""
    return round(x * PX_TO_PT, 3), round(height - y * PX_TO_PT, 3)


def outline_items(bookmarks: list, offset: int, heights: list[float]) -> list[OutlineItem]:
    """WeasyPrint's bookmark tree (label, (page, x, y), children, state) as outline items."""
    items = []
    for label, (page, x, y), children, state in bookmarks:
        left, top = point(heights[offset + page], x, y)
        item = OutlineItem(label, offset + page, PageLocation.XYZ, left=left, top=top)
        item.children.extend(outline_items(children, offset, heights))
        item.is_closed = state == "closed"
        items.append(item)
    return items
