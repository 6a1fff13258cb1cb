"""The reading-group handout: the chapters a meeting covers, compact, ready to print.

For each chosen chapter: its title and the book pages it cites, its text in two columns,
its callouts collected in a box as discussion points (questions first; a marker stays
where each one was), and the concepts it links, with the page of the guide that explains
them when they are notes of the guide. Everything comes from the guide's filtered Doc
(pipeline.build); templates/handout.html (Jinja2) frames it, pandoc writes the chapter
bodies, WeasyPrint lays it out through render/pdf.py, and pypdf imposes a booklet.
"""
from __future__ import annotations

import dataclasses
import io
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

import jinja2
import panflute as pf
from pypdf import PdfReader, PdfWriter, Transformation

from .. import pandoc
from ..assemble import slugify
from ..cache import Cache
from ..config import Options
from ..errors import ExportError, UsageError
from ..log import Warnings
from ..model import Book
from ..pipeline import Result, build, default_output_dir
from ..vault import Vault, normalise
from ..workers import Workers
from . import TEMPLATES, atomic_output, guide_pdf, pdf, template_text

# The page size the handout is laid out on, by --paper; a booklet lays out half-sheets.
PAGE_SIZES = {"a4": "A4", "letter": "letter", "a5": "A5"}
# --booklet: the landscape sheet (width, height in points) and the page that is half of it.
SHEETS = {"a4": ((841.89, 595.28), "A5"), "letter": ((792.0, 612.0), "5.5in 8.5in"),
          "a5": ((841.89, 595.28), "A5")}
# A chapter's number: the number its heading starts with, "1. The balance sheet" (not a year).
NUMBER = re.compile(r"^\s*(\d{1,3})(?:[.):]\s*|\s+)(?=\S)")
RANGE = re.compile(r"^(\d{1,3})\s*[-–]\s*(\d{1,3})$")
QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"'})


@dataclass
class Part:
    """One chapter of the guide: a top-level heading and the blocks up to the next one."""

    title: str
    anchor: str
    position: int  # 1-based, among the chapters
    note: str | None  # vault path of the note it comes from
    heading: list = field(default_factory=list)  # the title as inlines
    blocks: list = field(default_factory=list)

    @property
    def number(self) -> int | None:
        match = NUMBER.match(self.title)
        return int(match.group(1)) if match else None


@dataclass
class Point:
    """A callout of the chapter, as a discussion point."""

    kind: str  # the callout's family: question, note, tip...
    label: str  # its type as written, capitalised
    blocks: list
    section: str | None  # the heading it was under
    marker: pf.Div  # left in the text where the callout was
    number: int = 0
    html: str = ""


@dataclass
class Chapter:
    """A chapter as the handout prints it."""

    anchor: str
    heading: list  # inlines
    body: pf.Div
    points: list[Point]
    concepts: list[Concept]
    book_pages: list[int]  # the pages it cites
    title: str = ""  # HTML of the heading
    text: str = ""  # HTML of the body

    @property
    def pages(self) -> str | None:
        return page_range(self.book_pages)

    @property
    def elements(self) -> list:
        """What gets written: the body and the points' blocks."""
        return [self.body, *[b for point in self.points for b in point.blocks]]


@dataclass
class Concept:
    """A term the chapter links; `anchor` when it is a note (or heading) of the guide."""

    name: str
    anchor: str | None = None
    page: int | None = None


def export_handout(options: Options, chapters: list[str] | None = None,
                   booklet: bool = False) -> Result:
    """Write the handout PDF of the chosen chapters (all when none are given)."""
    guide = handout_guide(options)
    book, warnings = guide.book, guide.warnings
    paper = book.paper if book.paper in PAGE_SIZES else "a4"
    page = SHEETS[paper][1] if booklet else PAGE_SIZES[paper]
    document = render(guide.doc, book, chapters or [], page, warnings,
                      pages_of=lambda: guide_pages(options))
    output = options.output or default_output_dir() / f"{slugify(book.title)}-handout.pdf"
    warnings.check_strict()
    with atomic_output(output) as partial:
        if booklet:
            pages = io.BytesIO()
            pdf.write_pdf(document, book.root, pages, warnings)
            impose(pages.getvalue(), SHEETS[paper][0]).write(partial)
        else:
            pdf.write_pdf(document, book.root, partial, warnings)
        warnings.check_strict()
    return Result(output=output, warnings=warnings.messages, left_out=warnings.left_out)


def render(doc: pf.Doc, book: Book, wanted: list[str], page: str, warnings: Warnings,
           pages_of: Callable[[], dict[str, int]] | None = None) -> str:
    """The handout as one HTML document for WeasyPrint; `pages_of` gives the page the
    guide PDF prints for each id (the key concepts show it; without it, they do not)."""
    copy = pandoc.load(pandoc.dump(doc), "handout")  # the guide's own Doc stays untouched
    chapter_pages = getattr(doc, "chapter_pages", {})
    labels = anchor_labels(doc)
    chapters = [chapter_of(part, labels, chapter_pages.get(part.anchor, []))
                for part in choose(chapters_in(copy, doc, book), wanted, doc.vault)]
    linked = [c for chapter in chapters for c in chapter.concepts if c.anchor]
    pages = pages_of() if linked and pages_of else {}
    for concept in linked:
        concept.page = pages.get(concept.anchor)
    present = {c.anchor for c in chapters} | ids_in([e for c in chapters for e in c.elements])
    for element in [e for c in chapters for e in c.elements]:
        tidy(element, present)
    to_html(chapters)
    environment = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined,
                                     loader=jinja2.FileSystemLoader(TEMPLATES))
    return environment.get_template("handout.html").render(
        title=book.title, author=book.author, lang=book.lang, dir=book.dir, chapters=chapters,
        pages=page_range([n for chapter in chapters for n in chapter.book_pages]),
        small=page not in (PAGE_SIZES["a4"], PAGE_SIZES["letter"]),
        styles=f"@page {{ size: {page}; }}\n" + template_text("handout.css")
        + template_text("code.css"))


# --- Which chapters ---------------------------------------------------------------------

def chapters_in(copy: pf.Doc, doc: pf.Doc, book: Book) -> list[Part]:
    """The top-level headings of the guide and what follows each; the whole text as one
    chapter, titled like the guide, when it has no top-level heading."""
    starts = getattr(doc, "note_starts", {})
    note = getattr(doc, "first_note", None)
    parts: list[Part] = []
    for block in copy.content:
        note = starts.get(getattr(block, "identifier", ""), note)
        if isinstance(block, pf.Header) and block.level == 1:
            parts.append(Part(heading_text(block), block.identifier, len(parts) + 1,
                              note, list(block.content)))
        elif parts:
            parts[-1].blocks.append(block)
    if not parts:
        parts.append(Part(book.title, "", 1, note, [pf.Str(book.title)], list(copy.content)))
    return parts


def choose(parts: list[Part], wanted: list[str], vault: Vault | None) -> list[Part]:
    """The chapters the --chapters values name, in the guide's order; all when none.

    A value is a heading number, a range "1-3", a heading's text or a note's name; several
    may be joined with commas. A value that is a heading's text or a note's name as a whole
    is taken whole, commas and all.
    """
    if not wanted:
        return parts
    chosen: list[Part] = []
    for value in wanted:
        whole = by_name(value.strip(), parts, vault)
        items = [value] if whole else [item for item in value.split(",") if item.strip()]
        for item in items:
            chosen += whole or by_selector(item.strip(), parts, vault)
    if not chosen:
        raise UsageError("--chapters chose no chapter")
    keep = {id(part) for part in chosen}
    return [part for part in parts if id(part) in keep]


def by_selector(item: str, parts: list[Part], vault: Vault | None) -> list[Part]:
    """The chapters one selector names: a number, a range, a heading's text or a note."""
    span = RANGE.match(item)
    if span:
        first, last = int(span.group(1)), int(span.group(2))
        if last < first:
            raise UsageError(f"--chapters {item}: the range ends before it starts")
        return [p for n in range(first, last + 1) for p in numbered(n, parts, item)]
    if item.isdigit():
        return numbered(int(item), parts, item)
    found = by_name(item, parts, vault)
    if found:
        return found
    wanted = plain(item)
    found = [p for p in parts if wanted in plain(p.title)]
    if len(found) == 1:
        return found
    names = "; ".join(p.title for p in (found or parts))
    if found:
        raise UsageError(f"--chapters {item!r} matches several chapters: {names}")
    raise UsageError(f"--chapters {item!r} names no chapter; the chapters are: {names}")


def numbered(number: int, parts: list[Part], item: str) -> list[Part]:
    """The chapters whose heading starts with `number`; when no heading starts with a
    number, the chapter at that position."""
    by_number = any(p.number is not None for p in parts)
    found = [p for p in parts if (p.number if by_number else p.position) == number]
    if not found:
        known = sorted({p.number for p in parts if p.number is not None}) if by_number \
            else range(1, len(parts) + 1)
        raise UsageError(f"--chapters {item}: no chapter {number}; the chapters are numbered "
                         f"{', '.join(map(str, known))}")
    return found


def by_name(item: str, parts: list[Part], vault: Vault | None) -> list[Part]:
    """The chapter whose heading reads `item` (with or without its number), else the
    chapters of the note `item` names; [] when neither."""
    wanted = plain(item)
    if not wanted:
        return []
    found = [p for p in parts if wanted in (plain(p.title), plain(NUMBER.sub("", p.title)))]
    if found or vault is None:
        return found
    note = vault.resolve(item)
    return [p for p in parts if note is not None and p.note == str(note.rel)]


def plain(text: str) -> str:
    """Text as headings are compared: quotes straightened, spaces collapsed, case-folded."""
    return " ".join(normalise(text.translate(QUOTES)).split())


# --- What each chapter holds ------------------------------------------------------------

def chapter_of(part: Part, labels: dict[str, str], book_pages: list[int]) -> Chapter:
    """The chapter's body (without the guide's 'Book pages' line), its concepts and its
    discussion points."""
    body = pf.Div(*[b for b in part.blocks
                    if not (isinstance(b, pf.Div) and "book-pages" in b.classes)])
    concepts = concepts_in(body, labels)
    return Chapter(part.anchor, part.heading, body, take_points(body), concepts, book_pages)


def concepts_in(body: pf.Div, labels: dict[str, str]) -> list[Concept]:
    """The concepts and cross-references of the chapter, once each, in reading order."""
    found: dict[str, Concept] = {}

    def visit(elem, _):
        if isinstance(elem, pf.Span) and "concept" in elem.classes:
            target = elem.attributes.get("data-target") or pf.stringify(elem)
            name = target.rsplit("/", 1)[-1]
            name = name[:-3] if name.lower().endswith(".md") else name
            found.setdefault(normalise(name), Concept(name))
        elif isinstance(elem, pf.Link) and "xref" in elem.classes and elem.url.startswith("#"):
            anchor = elem.url[1:]
            name = labels.get(anchor) or pf.stringify(elem)
            found.setdefault(normalise(name), Concept(name, anchor))
    body.walk(visit)
    return list(found.values())


def anchor_labels(doc: pf.Doc) -> dict[str, str]:
    """{id: what it is called}: a chapter's title, 'Chapter › Heading' for the headings
    below it, the chapter's title for any other id inside it."""
    labels: dict[str, str] = {}
    chapter = None
    for block in doc.content:
        if isinstance(block, pf.Header) and block.level == 1:
            chapter = heading_text(block)
            labels[block.identifier] = chapter

        def visit(elem, _, chapter=chapter):
            name = getattr(elem, "identifier", "")
            if not name or name in labels:
                return
            heading = heading_text(elem) if isinstance(elem, pf.Header) else None
            labels[name] = " › ".join(x for x in (chapter, heading) if x) or name
        block.walk(visit)
    return labels


def heading_text(header: pf.Header) -> str:
    """A heading's text; with a formula, the text the formulas filter gave it (stringify
    would give the picture's SVG)."""
    return header.attributes.get("data-label") or pf.stringify(header).strip()


def is_callout(elem) -> bool:
    return isinstance(elem, pf.Div) and "callout" in elem.classes


def take_points(body: pf.Div) -> list[Point]:
    """Take the callouts out of the text (a marker stays), questions first, numbered."""
    points: list[Point] = []
    section = [None]

    def visit(elem, _):
        if isinstance(elem, pf.Header):
            section[0] = heading_text(elem)
        if is_callout(elem):
            points.append(point_of(elem, section[0]))
            return points[-1].marker
        return None
    body.walk(visit, stop_if=is_callout)
    points.sort(key=lambda p: p.kind != "question")
    for number, point in enumerate(points, start=1):
        point.number = number
        point.marker.content = [pf.Para(pf.Str("Discussion"), pf.Space(),
                                        pf.Str(f"point {number}"))]
    return points


def point_of(callout: pf.Div, section: str | None) -> Point:
    """A callout as a point: its title in bold when it has its own, then its text."""
    kind = next((c[len("callout-"):] for c in callout.classes if c.startswith("callout-")),
                "note")
    given = callout.attributes.get("data-callout", kind)
    title, blocks = [], []
    for part in callout.content:
        if isinstance(part, pf.Div) and "callout-title" in part.classes:
            title = [x for block in part.content for x in getattr(block, "content", [])]
        elif isinstance(part, pf.Div) and "callout-content" in part.classes:
            blocks = list(part.content)
    own_title = title and normalise(pf.stringify(pf.Plain(*title)).strip()) != normalise(given)
    if own_title:
        blocks = [pf.Para(pf.Strong(*title)), *blocks]
    if not blocks:
        blocks = [pf.Para(*title)] if title else [pf.Para(pf.Str(given.capitalize()))]
    return Point(kind, given[:1].upper() + given[1:], blocks, section,
                 pf.Div(classes=["point-marker"]))


def ids_in(elements: list) -> set[str]:
    found: set[str] = set()

    def visit(elem, _):
        if getattr(elem, "identifier", ""):
            found.add(elem.identifier)
    for elem in elements:
        elem.walk(visit)
    return found


def tidy(elem, present: set[str]) -> None:
    """Make the text fit a handout: page citations as written ("(40)": the header names the
    book), links to what the handout leaves out as plain text, headings one level down."""
    def visit(item, _):
        if isinstance(item, pf.Cite):
            return as_written(item)
        if isinstance(item, pf.Link) and item.url.startswith("#") \
                and item.url[1:] not in present:
            return pf.Span(*item.content, classes=list(item.classes))
        if isinstance(item, pf.Header):
            item.level = min(6, item.level + 1)
        return None
    elem.walk(visit)


def as_written(cite: pf.Cite) -> pf.Span:
    """A page citation as the note wrote it, "(40)". The page-citations filter keeps the
    punctuation after the locator both inside the Cite and after it: drop the copy inside."""
    inlines = list(cite.content)
    after = cite.next.text if isinstance(cite.next, pf.Str) else ""
    last = inlines[-1] if inlines else None
    if isinstance(last, pf.Str) and after:
        trimmed = last.text.rstrip(".,;:!?")
        if trimmed.endswith(")") and after.startswith(last.text[len(trimmed):]):
            inlines[-1] = pf.Str(trimmed)
    return pf.Span(*inlines, classes=["page-cite"])


def page_range(pages: list[int]) -> str | None:
    """'Book pages 25–51', as the guide shows it under a chapter's heading."""
    if not pages:
        return None
    first, last = min(pages), max(pages)
    return f"Book page {first}" if first == last else f"Book pages {first}–{last}"


# --- Writing ----------------------------------------------------------------------------

def to_html(chapters: list[Chapter]) -> None:
    """HTML for every title, body and point, written by one pandoc run and split apart."""
    pieces: list[list] = []
    for chapter in chapters:
        pieces += [[pf.Plain(*chapter.heading)], list(chapter.body.content)]
        pieces += [point.blocks for point in chapter.points]
    mark = f"<!--handout-piece-{secrets.token_hex(8)}-->"
    doc = pf.Doc(api_version=(1, 23, 1))
    for n, blocks in enumerate(pieces):
        doc.content.extend(([pf.RawBlock(mark, "html")] if n else []) + blocks)
    written = pandoc.write(doc, "html5", ["--wrap=none", "--reference-location=block"],
                           "handout").split(mark)
    if len(written) != len(pieces):
        raise ExportError("the handout's pieces came back from pandoc out of step")
    texts = iter(text.strip() for text in written)
    for chapter in chapters:
        chapter.title, chapter.text = next(texts), next(texts)
        for point in chapter.points:
            point.html = next(texts)


def handout_guide(options: Options):
    """The guide as the HTML writers get it, its page citations left as written."""
    return build(dataclasses.replace(options, fmt="html", format_citations=False))


def guide_pages(options: Options) -> dict[str, int]:
    """{id: the page number the guide PDF prints where it lands}: the PDF guide's body, as
    `exporter pdf` lays it out (from the cache when it has)."""
    guide = build(dataclasses.replace(options, fmt="pdf"))
    return guide_pdf.body_pages(guide, Workers(options.processes), Cache(options.cache_folder))


def booklet_sides(count: int) -> list[tuple[int, int]]:
    """(left, right) page indices of each side of each sheet, front then back, 0-based;
    the page count padded to a multiple of 4, indices past `count` blank.

    Sheet k: front [n-1-2k, 2k], back [2k+1, n-2-2k]. Printed on both sides (flip on the
    short edge), stacked and folded, the sheets read 0, 1, ..., n-1.
    """
    n = max(4, -(-count // 4) * 4)
    sides = []
    for k in range(n // 4):
        sides += [(n - 1 - 2 * k, 2 * k), (2 * k + 1, n - 2 - 2 * k)]
    return sides


def impose(pages_pdf: bytes, sheet: tuple[float, float]) -> PdfWriter:
    """A booklet: the pages two to a landscape sheet side, in saddle-stitch order."""
    reader = PdfReader(io.BytesIO(pages_pdf))
    writer = PdfWriter()
    width, height = sheet
    for pair in booklet_sides(len(reader.pages)):
        side = writer.add_blank_page(width=width, height=height)
        for slot, index in enumerate(pair):
            if index >= len(reader.pages):
                continue  # a blank page of the padding
            page = reader.pages[index]
            box = page.mediabox
            x = slot * width / 2 + (width / 2 - float(box.width)) / 2 - float(box.left)
            y = (height - float(box.height)) / 2 - float(box.bottom)
            side.merge_transformed_page(page, Transformation().translate(x, y))
    if reader.metadata:
        writer.add_metadata({key: str(value) for key, value in reader.metadata.items()})
    return writer
