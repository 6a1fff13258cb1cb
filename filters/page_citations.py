"""Turn page locators in prose, "(40)", "(41-42)", "(192-6)", "(108, 110)", "(p. 7)", into
citations of the book the note summarises, for pandoc's citeproc to format.

Only prose: paragraphs, list items, callout bodies, footnotes. Never headings, callout
titles, code, link text or URLs. A four-digit number from 1000 to 2100 is a year, not a
page, unless the book has that many pages. Each top-level chapter gets the range of book
pages it cites, shown under its heading (Div `book-pages`) and kept in doc.chapter_pages.
Needs doc.citekeys {note: key}, doc.note_starts {anchor: note} and doc.first_note
(exporter/bibliography.py sets them); run alone, locators stay as written.
"""
from __future__ import annotations

import re

import panflute as pf
from exporter.filters.lists import replace_list

from exporter import filters

LOCATOR = re.compile(
    r"^\((?:(?P<label>pp?)\.\s*)?"
    r"(?P<pages>\d{1,4}(?:\s*[-–]\s*\d{1,4})?(?:\s*,\s*\d{1,4}(?:\s*[-–]\s*\d{1,4})?)*)"
    r"\)(?P<after>[.,;:!?]*)$")
RANGE = re.compile(r"^(\d+)(?:\s*[-–]\s*(\d+))?$")
MAX_TOKENS = 9
INLINE_CONTAINERS = (pf.Para, pf.Plain, pf.Emph, pf.Strong, pf.Span, pf.Quoted, pf.Underline,
                     pf.Strikeout, pf.SmallCaps)
SKIPPED = (pf.Header, pf.Code, pf.CodeBlock, pf.RawBlock, pf.RawInline, pf.Link, pf.Math,
           pf.Cite, pf.Image)


def prepare(doc):
    doc.chapter_pages = {}
    doc.citekeys = getattr(doc, "citekeys", {})
    doc.note_starts = getattr(doc, "note_starts", {})
    doc.book_lengths = getattr(doc, "book_lengths", {})
    doc.uncited = []  # (note, locator) of page numbers with no book to cite
    doc.cited = []  # the citekeys cited, each once
    doc.holding_parens = set()  # ids of the elements with a Str opening "(" inside


def finalize(doc):
    note = getattr(doc, "first_note", None)
    chapter = None
    for block in list(doc.content):
        note = doc.note_starts.get(getattr(block, "identifier", ""), note)
        if isinstance(block, pf.Header) and block.level == 1:
            chapter = block
            doc.chapter_pages[chapter.identifier] = []
        if id(block) in doc.holding_parens:
            cite_in(block, note, doc, chapter)
    for chapter_id, pages in doc.chapter_pages.items():
        if pages:
            show_book_pages(doc, chapter_id, min(pages), max(pages))


ACTS_ON = frozenset([pf.Str])  # all action() acts on


def action(elem, doc):
    """Note where a locator may start; the citing is finalize's, which needs each block's
    note and chapter, and passes over every element with no "(" inside."""
    if isinstance(elem, pf.Str) and elem.text.startswith("("):
        filters.mark_with_ancestors(elem, doc.holding_parens)


def cite_in(elem, note, doc, chapter):
    """Replace locators inside `elem` (recursively) by citations of the note's book."""
    if isinstance(elem, SKIPPED):
        return
    if isinstance(elem, pf.Div):
        if "callout-title" in elem.classes:
            return
        if "embed" in elem.classes:
            note = elem.attributes.get("data-source", note)
    if isinstance(elem, INLINE_CONTAINERS):
        replace_list(elem, "content", cite_inlines(elem.content.list[:], note, doc, chapter))
    for name in elem._children:
        child = getattr(elem, name)  # its .list: iterating a ListContainer is slow
        for item in child.list if isinstance(child, pf.ListContainer) else [child]:
            if id(item) in doc.holding_parens:
                cite_in(item, note, doc, chapter)


def cite_inlines(inlines, note, doc, chapter):
    """The inlines with every "(…)" page locator made a Cite."""
    key = doc.citekeys.get(note)
    out, i = [], 0
    while i < len(inlines):
        found = match_locator(inlines, i, doc.book_lengths.get(key, 0))
        if found is None:
            out.append(inlines[i])
            i += 1
            continue
        end, pages, after, numbers = found
        original = inlines[i:end]
        if key is None:
            doc.uncited.append((note, pf.stringify(pf.Plain(*original))))
            out.extend(original)
        else:
            if after:  # "(40)." -> the Cite holds "(40)", the "." follows it
                original[-1] = pf.Str(original[-1].text[:-len(after)])
            cited = citation(key, pages, original, doc)
            out.extend(cited if isinstance(cited, list) else [cited])
            if key not in doc.cited:
                doc.cited.append(key)
            if after:
                out.append(pf.Str(after))
            if chapter is not None:
                doc.chapter_pages[chapter.identifier].extend(numbers)
        i = end
    return out


def match_locator(inlines, start, book_length):
    """(end index, locator text, trailing punctuation, page numbers) of a locator at start."""
    first = inlines[start]
    if not isinstance(first, pf.Str) or not first.text.startswith("("):
        return None
    text = ""
    for end in range(start, min(start + MAX_TOKENS, len(inlines))):
        token = inlines[end]
        if not isinstance(token, (pf.Str, pf.Space)):
            return None
        text += token.text if isinstance(token, pf.Str) else " "
        if ")" in text:
            match = LOCATOR.match(text)
            parsed = parse_pages(match.group("pages"), book_length) if match else None
            if parsed is None:
                return None
            locator, numbers = parsed
            return end + 1, locator, match.group("after"), numbers
    return None


def parse_pages(text, book_length):
    """'192-6, 200' -> ('192–196, 200', [192, 196, 200]); None if any part is a year."""
    parts, numbers = [], []
    for part in re.split(r"\s*,\s*", text):
        low, high = RANGE.match(part).groups()
        first = int(low)
        last = expand_range(low, high) if high else first
        if last is None or any(1000 <= n <= 2100 and n > book_length for n in (first, last)):
            return None
        parts.append(f"{first}–{last}" if high else str(first))
        numbers.extend([first, last])
    return ", ".join(parts), numbers


def expand_range(low, high):
    """'192', '6' -> 196; '41', '42' -> 42; None when the end comes before the start."""
    last = int(low[:len(low) - len(high)] + high) if len(high) < len(low) else int(high)
    return last if last >= int(low) else None


def citation(key, locator, original, doc):
    """A Cite of the book at `locator`; citeproc formats it, the original is the fallback."""
    if getattr(doc, "short_citations", False):
        return [pf.Str("("), pf.Link(pf.Str(locator), url=f"#ref-{key}", classes=["page-ref"]),
                pf.Str(")")]
    label = "pp." if ("–" in locator or "," in locator) else "p."
    suffix = [pf.Str(","), pf.Space(), pf.Str(f"{label}\u00a0{locator}")]
    return pf.Cite(*original, citations=[pf.Citation(key, mode="NormalCitation", suffix=suffix)])


def show_book_pages(doc, chapter_id, first, last):
    """Under the chapter's heading: 'Book pages 25–51'."""
    text = f"Book page {first}" if first == last else f"Book pages {first}–{last}"
    for index, block in enumerate(doc.content):
        if isinstance(block, pf.Header) and block.identifier == chapter_id:
            doc.content.insert(index + 1, pf.Div(pf.Para(pf.Str(text)), classes=["book-pages"]))
            return


def main(doc=None):
    return pf.run_filter(action, prepare=prepare, finalize=finalize, doc=doc)


if __name__ == "__main__":
    main()
