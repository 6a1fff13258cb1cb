"""Page numbers drawn into laid-out PDFs: WeasyPrint lays out each glyph they need once,
pikepdf places those glyphs on the pages.

A part laid out before its page numbers are known leaves each number's place laid out
but unseen (a "slot": a hidden folio, a hidden "(p. 888)"); drawing glyphs there costs
no layout, where laying out thousands of near-empty overlay pages took WeasyPrint some
7 ms a page.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape
from pathlib import Path

import pikepdf
import weasyprint
from weasyprint.formatting_structure import boxes

from ..errors import ExportError
from ..log import Warnings
from .join import PX_TO_PT
from .pdf import layout

# The pages' boxes and links are read as WeasyPrint lays them out: tested with these majors.
TESTED_WEASYPRINT = ("70",)
DIGITS = "0123456789"
NUMBER = re.compile(r"\d+")
MARGIN_BOXES = ["top-left-corner", "top-left", "top-center", "top-right", "top-right-corner",
                "right-top", "right-middle", "right-bottom", "bottom-right-corner",
                "bottom-right", "bottom-center", "bottom-left", "bottom-left-corner",
                "left-bottom", "left-middle", "left-top"]
# One glyph a page, on a bare page: only the glyph is drawn, so a form made of the page
# holds its text alone (a reader extracting text finds the number once, where it stands).
NO_MARGIN_BOXES = " ".join(f"@{name} {{ content: none; }}" for name in MARGIN_BOXES)
SHEET_CSS = f"""
@page {{ size: 600px 200px; margin: 0; background: none; {NO_MARGIN_BOXES} }}
html, body {{ margin: 0; padding: 0; background: none; }}
.glyph {{ margin: 0; padding: 50px; white-space: pre; break-after: page; }}
"""


def require_tested_weasyprint(installed: str = weasyprint.__version__) -> None:
    """Refuse a WeasyPrint whose laid-out pages this module has not been tested on."""
    if installed.split(".")[0] not in TESTED_WEASYPRINT:
        tested = ", ".join(f"{major}.x" for major in TESTED_WEASYPRINT)
        raise ExportError(f"WeasyPrint {installed} is installed, but the PDF's page numbers "
                          f"are drawn from WeasyPrint's laid-out pages as {tested} lays them "
                          f"out; install that: pip install 'weasyprint>={TESTED_WEASYPRINT[0]},"
                          f"<{int(TESTED_WEASYPRINT[-1]) + 1}'")


@dataclass
class Slot:
    """Where a number goes on a laid-out page, and how it looks."""

    page: int  # of the part, from 0
    target: str | None  # the anchor whose page it shows; None: the page's own number
    text: str  # what is drawn, "{}" standing for the number: "(p.\u00a0{})", "{}"
    x: float  # CSS px from the page's left edge: the text's right end, or its middle
    baseline: float  # CSS px from the page's top edge
    align: str  # "right" or "center"
    style: str  # the CSS font and colour of the text


def slots_on(page, number: int) -> list[Slot]:
    """The slots of a laid-out page: hidden text inside an internal link (it shows the
    page of the link's target), and a hidden folio at the foot's centre (the page's own)."""
    found = []
    for kind, target, _, box in page.links:
        if kind == "internal" and box.style["visibility"] == "hidden" and box.children:
            text = box.children[0]
            if isinstance(text, boxes.TextBox):
                found.append(Slot(number, target, NUMBER.sub("{}", text.text, count=1),
                                  text.position_x + text.width, text.position_y + text.baseline,
                                  "right", css_font(text.style)))
    for box in page._page_box.children:
        if (isinstance(box, boxes.MarginBox) and box.at_keyword == "@bottom-center"
                and box.style["visibility"] == "hidden" and box.children
                and box.children[0].children):
            text = box.children[0].children[0]
            found.append(Slot(number, None, "{}", box.content_box_x() + box.width / 2,
                              text.position_y + text.baseline, "center", css_font(text.style)))
    return found


def css_font(style) -> str:
    """A computed style's font and colour, as CSS."""
    line = style["line_height"]
    line_height = f"{line.value}{line.unit}" if hasattr(line, "unit") else str(line).lower()
    family = ", ".join(f'"{name}"' for name in style["font_family"])
    return (f"font: {style['font_style']} {style['font_weight']} {style['font_size']}px/"
            f"{line_height} {family}; color: {style['color']}")


def tokens(text: str) -> list[str]:
    """What a text is drawn with: the runs between its digits, and each digit."""
    return [token for token in re.split(r"(\d)", text) if token]


@dataclass
class Glyph:
    """A token on its own page of the sheet: where its origin is, how far it advances."""

    page: int
    x: float  # the origin, CSS px from the sheet page's top left corner
    baseline: float
    width: float
    height: float  # of its line


@dataclass
class Sheet:
    """The glyphs of every text and style the slots need, laid out, one a page."""

    pdf: str
    glyphs: dict[str, dict[str, Glyph]]  # style -> token -> glyph
    page_height: float  # CSS px


def make_sheet(slots: list[Slot], styles: str, root: Path, target: Path) -> Sheet:
    """Lay out each token of the slots' texts (and every digit) in each slot style."""
    wanted: dict[str, set[str]] = {}
    for slot in slots:
        literal = [token for part in slot.text.split("{}") for token in tokens(part)]
        wanted.setdefault(slot.style, set(DIGITS)).update(literal)
    order = [(style, token) for style, tokens_ in sorted(wanted.items())
             for token in sorted(tokens_)]
    body = "".join(f'<p class="glyph" style="{escape(style)}">{escape(token)}</p>'
                   for style, token in order)
    document = layout(f"<!DOCTYPE html><html><head><meta charset='utf-8'><style>{styles}\n"
                      f"{SHEET_CSS}</style></head><body>{body}</body></html>", root, Warnings())
    glyphs: dict[str, dict[str, Glyph]] = {}
    for number, ((style, token), page) in enumerate(zip(order, document.pages, strict=True)):
        text = first_text(page._page_box)
        glyphs.setdefault(style, {})[token] = Glyph(
            number, text.position_x, text.position_y + text.baseline, text.width, text.height)
    document.write_pdf(target)
    return Sheet(str(target), glyphs, document.pages[0].height)


def first_text(box):
    """The first text box inside `box`."""
    if isinstance(box, boxes.TextBox):
        return box
    for child in box.all_children():
        found = first_text(child)
        if found is not None:
            return found
    return None


def draw(source: str, slots: list[Slot], numbers: list[int | None], sheet: Sheet,
         target: Path) -> None:
    """Write `source` to `target` with each slot's text drawn, its number filled in (a slot
    whose number is None stays empty)."""
    with pikepdf.open(source) as pdf, pikepdf.open(sheet.pdf) as glyph_pdf:
        forms: dict[int, pikepdf.Object] = {}

        def form(glyph: Glyph) -> pikepdf.Object:
            """The glyph's sheet page as a form of this PDF, clipped to the glyph."""
            if glyph.page not in forms:
                made = glyph_pdf.pages[glyph.page].as_form_xobject()
                top = sheet.page_height - glyph.baseline + glyph.height  # generous, in px
                made.BBox = [PX_TO_PT * value for value in (
                    glyph.x - glyph.height, sheet.page_height - glyph.baseline - glyph.height,
                    glyph.x + glyph.width + glyph.height, top)]
                forms[glyph.page] = pdf.copy_foreign(made)
            return forms[glyph.page]

        drawn: dict[int, list[str]] = {}  # page -> its drawing operators
        names: dict[tuple[int, int], pikepdf.Name] = {}  # (page, glyph) -> resource name
        for slot, number in zip(slots, numbers, strict=True):
            if number is None:
                continue
            glyphs = sheet.glyphs[slot.style]
            parts = [glyphs[token] for token in tokens(slot.text.format(number))]
            width = sum(glyph.width for glyph in parts)
            x = slot.x - (width if slot.align == "right" else width / 2)
            page = pdf.pages[slot.page]
            baseline = float(page.mediabox[3]) - PX_TO_PT * slot.baseline  # in points
            for glyph in parts:
                if (slot.page, glyph.page) not in names:
                    names[slot.page, glyph.page] = page.add_resource(
                        form(glyph), pikepdf.Name.XObject, prefix="Number")
                # the glyph's origin on its sheet page, moved to its place on this page
                dx = PX_TO_PT * (x - glyph.x)
                dy = baseline - PX_TO_PT * (sheet.page_height - glyph.baseline)
                drawn.setdefault(slot.page, []).append(
                    f"q 1 0 0 1 {dx:.3f} {dy:.3f} cm {names[slot.page, glyph.page]} Do Q")
                x += glyph.width
        for number, operators in drawn.items():
            page = pdf.pages[number]  # its own drawing in q/Q: it may leave a transform set
            page.contents_add(pikepdf.Stream(pdf, b"q\n"), prepend=True)
            page.contents_add(pikepdf.Stream(pdf, ("Q\n" + "\n".join(operators)).encode()))
        pdf.save(target)
