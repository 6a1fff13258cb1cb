"""Citations formatted by citeproc before writing, once each, when their place does not matter.

pandoc's --citeproc formats every citation in the writer, so the whole book must go
through one pandoc run (at 100 notes, 3,600 citations take about as long as writing the
HTML). For an in-text style with no `position` test, a citation's text depends only on
itself and on the set of works cited, so each worker leaves a placeholder where a Cite's
text was (`to_placeholders`), citeproc formats the distinct citations (a repeated page is
formatted once) in slices at once, in the order of their first use and knowing every work
cited (so citation numbers and disambiguation come out as --citeproc's), and the
placeholders in the notes' JSON are replaced by the result (`fill`); the writers can then
run on pieces of the book. What citeproc gave is kept in the cache, a citation at a time, so
that after an edit only the citations new to the guide go to citeproc (`format_kept`). A
note style, or one that asks where a citation stands (ibid., subsequent), keeps
--citeproc in the writer.
"""
from __future__ import annotations

import hashlib
import json
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import panflute as pf

from exporter.filters import walk

from . import pandoc
from .cache import Cache, code_version, digest

# A placeholder is a Str of a digest between two private-use characters, which no note
# holds unescaped in its JSON (they would have to be typed into the note as such).
OPEN, CLOSE = "\ue000", "\ue001"
PLACEHOLDER = re.compile(r'\{"t": "Str", "c": "' + OPEN + "([0-9a-f]{20})" + CLOSE + r'"\}')
STAND_IN = "9876543"  # a page citeproc takes as one (digits), where the book's pages go
CITES_PER_RUN = 300  # the fewest distinct citations worth a citeproc run of their own
NEEDS_PLACE = re.compile(r'class="note"|\bposition="')


def formats_once(csl: Path | str | None) -> bool:
    """Whether the style's citations can be formatted once each: pandoc's default style
    (Chicago author-date) can; a note style or one testing `position` cannot."""
    if csl is None:
        return True
    return NEEDS_PLACE.search(Path(csl).read_text(encoding="utf-8", errors="replace")) is None


def to_placeholders(doc: pf.Doc, bare: bool = False) -> dict[str, str]:
    """Make each Cite's text a placeholder; return placeholder digest -> the Cite as JSON,
    in the order of first use. The Cite stays, so the writers mark it up as a citation;
    if `bare`, the placeholder takes its place, and the citation is plain text."""
    found: dict[str, str] = {}

    def replace(elem, _doc):
        cite = elem.to_json()
        cite["c"][1] = []  # the text shown before citeproc: not part of what it formats
        text = json.dumps(cite, ensure_ascii=False, sort_keys=True)
        key = hashlib.sha1(text.encode("utf-8")).hexdigest()[:20]
        found.setdefault(key, text)
        placeholder = pf.Str(OPEN + key + CLOSE)
        if bare:
            return placeholder
        elem.content = [placeholder]

    walk(doc, replace, doc, {pf.Cite})  # panflute's doc.walk rebuilds every list it passes
    return found


def format_kept(cache: Cache, meta: pf.Doc, cites: dict[str, str], works: list[str],
                processes: int = 1) -> tuple[dict[str, str], list[pf.Block]]:
    """format_all(), taking what earlier exports formatted with the same works (in the same
    order), metadata and style: only the citations not met before go to citeproc, and an
    edit that changes no citation runs none. A numeric style, or a `nocite` of the user's,
    formats them all again when one is new (its numbers follow the whole guide's order)."""
    csl = getattr(meta, "csl", None)
    style = Path(csl).read_bytes() if csl else b""
    key = digest(code_version(), pandoc.dump(meta), style, "\n".join(works))
    kept = json.loads(cache.get("citations", key) or '{"formatted": {}, "references": null}')
    formatted, references = kept["formatted"], kept["references"]
    new = {digest_: cite for digest_, cite in cites.items() if digest_ not in formatted}
    if references is not None and not new:
        return formatted, as_blocks(references)
    if references is not None and in_slices(meta):
        made, _ = format_all(meta, new, works, processes, every_work=True)
        formatted = {**formatted, **made}
    else:
        formatted, blocks = format_all(meta, cites, works, processes)
        references = [block.to_json() for block in blocks]
    cache.put("citations", key, json.dumps({"formatted": formatted, "references": references},
                                           ensure_ascii=False))
    return formatted, as_blocks(references)


def format_all(meta: pf.Doc, cites: dict[str, str], works: list[str], processes: int = 1,
               every_work: bool = False) -> tuple[dict[str, str], list[pf.Block]]:
    """citeproc over the distinct citations of `works`: digest -> its formatted inlines as
    JSON (a list without its brackets), and the blocks of the References section. A
    book's page citations differ only in their page, so they are formatted a book at a
    time (format_by_page) where the style allows slices; else each one (format_each)."""
    if in_slices(meta):
        by_page = format_by_page(meta, cites, works, processes)
        if by_page is not None:
            return by_page
    return format_each(meta, cites, works, processes, every_work)


def format_by_page(meta: pf.Doc, cites: dict[str, str], works: list[str],
                   processes: int = 1) -> tuple[dict[str, str], list[pf.Block]] | None:
    """The citations of one page formatted a book at a time: citeproc formats the book's
    citation once with a stand-in page, and each citation's page takes the stand-in's
    place. A range or a list of pages (a style may shorten "108–110" to "108–10") is
    formatted whole, and so is the first citation of each book, to check the stand-in:
    if the two disagree (a style that does more with the page than print it), None."""
    to_format: dict[str, str] = {}  # the stand-ins, by their text, and the citations whole
    pages: dict[str, tuple[str, str]] = {}  # digest -> (its stand-in, its page)
    for key, cite in cites.items():
        found = with_stand_in(cite)
        if found is None:
            to_format[key] = cite
            continue
        stand_in, _ = pages[key] = found
        if stand_in not in to_format:  # the first citation of its book
            to_format[stand_in], to_format[key] = stand_in, cite
    formatted, references = format_each(meta, to_format, works, processes, every_work=True)
    for key, (stand_in, page) in pages.items():
        text = formatted[stand_in]
        made = text.replace(STAND_IN, page)
        if text.count(STAND_IN) != 1 or formatted.setdefault(key, made) != made:
            return None
    return {key: formatted[key] for key in cites}, references


def with_stand_in(cite: str) -> tuple[str, str] | None:
    """(the Cite as JSON with a stand-in for its page, the page) for a Cite of one page
    as page_citations makes it (one book, suffix ", p.\u00a0N"); None for any other."""
    data = json.loads(cite)
    citations = data["c"][0]
    if len(citations) != 1 or citations[0]["citationPrefix"]:
        return None
    suffix = citations[0]["citationSuffix"]
    if (citations[0]["citationMode"] != {"t": "NormalCitation"} or len(suffix) != 3
            or suffix[:2] != [{"c": ",", "t": "Str"}, {"t": "Space"}]
            or suffix[2].get("t") != "Str"):
        return None
    label, space, page = suffix[2]["c"].partition("\u00a0")
    if label != "p." or not space or not page.isdigit():
        return None
    suffix[2]["c"] = f"p.\u00a0{STAND_IN}"
    return json.dumps(data, ensure_ascii=False, sort_keys=True), page


def format_each(meta: pf.Doc, cites: dict[str, str], works: list[str], processes: int = 1,
                every_work: bool = False) -> tuple[dict[str, str], list[pf.Block]]:
    """citeproc over each of the distinct citations, as format_all.

    citeproc takes about half a millisecond a citation, so many run in slices at once,
    each knowing every work the guide cites (`nocite`: disambiguation sees them all). A
    numeric style numbers works in the order of first citation across the whole guide,
    so it formats them in a single run. The citations go to pandoc and come back as JSON
    text, read one at a time: tens of thousands at once as Python objects would swell
    this process, and every worker forked from it after. With `every_work` the citations
    are only some of the guide's, and each run lists every work too."""
    keys = list(cites)
    slices = max(1, min(processes, len(keys) // CITES_PER_RUN)) if in_slices(meta) else 1
    runs = [keys[len(keys) * n // slices:len(keys) * (n + 1) // slices] for n in range(slices)]

    head = slice_meta(meta, works) if slices > 1 or every_work else meta.to_json()
    head.pop("blocks", None)
    opening = json.dumps(head, ensure_ascii=False)[:-1]  # every slice's, without its "}"

    def run(n: int) -> str:
        blocks = ",".join(f'{{"t": "Para", "c": [{cites[key]}]}}' for key in runs[n])
        text = f'{opening}, "blocks": [{blocks}]}}'
        return pandoc.run(["--from", "json", "--to", "json", *pandoc.citeproc(meta)], text,
                          "citeproc")

    with ThreadPoolExecutor(slices) as threads:
        done = list(threads.map(run, range(slices)))
    formatted: dict[str, str] = {}
    references: list[pf.Block] = []
    for n, text in enumerate(done):
        rest = read_citations(text, runs[n], formatted)
        if n == 0:
            references = as_blocks(rest)
    return formatted, references


def as_blocks(blocks: list) -> list[pf.Block]:
    """panflute blocks from blocks of pandoc JSON, decoded (lists and dicts)."""
    return list(pandoc.load(json.dumps(
        {"pandoc-api-version": list(pandoc.API_VERSION), "meta": {}, "blocks": blocks},
        ensure_ascii=False), "the References").content)


def read_citations(text: str, keys: list[str], formatted: dict[str, str]) -> list:
    """Read citeproc's JSON output: a paragraph per citation of `keys`, whose Cite's
    inlines go to `formatted`, then the References' blocks, which are returned."""
    decoder = json.JSONDecoder()
    at = text.rindex('"blocks":') + len('"blocks":')
    at = text.index("[", at) + 1
    for key in keys:
        while text[at] in ", \n":
            at += 1
        para, at = decoder.raw_decode(text, at)
        formatted[key] = json.dumps(para["c"][0]["c"][1], ensure_ascii=False)[1:-1]
    return json.loads("[" + text[at:].strip().removesuffix("}").strip().lstrip(","))


def slice_meta(meta: pf.Doc, works: list[str]) -> dict:
    """The guide's metadata for one slice of the citations, as JSON. Every slice lists
    the works (only the first one's list is kept): without one, citeproc would not link
    a citation to its work."""
    copy = pandoc.load(pandoc.dump(meta), "the guide's metadata")
    copy.metadata["nocite"] = pf.MetaInlines(*[
        pf.Cite(pf.Str(f"@{work}"), citations=[pf.Citation(work)]) for work in works])
    return copy.to_json()


def in_slices(meta: pf.Doc) -> bool:
    """Whether the citations may be formatted in slices, each knowing every work: not in a
    numeric style, nor with a `nocite` of the user's."""
    return "nocite" not in meta.metadata and not numbers_works(getattr(meta, "csl", None))


def numbers_works(csl: Path | str | None) -> bool:
    """Whether the style numbers the works it cites (citation-number)."""
    return csl is not None and "citation-number" in Path(csl).read_text(encoding="utf-8",
                                                                          errors="replace")


def fill(part: str, formatted: dict[str, str]) -> str:
    """The note's JSON with each placeholder replaced by its citation's formatted text."""
    return PLACEHOLDER.sub(lambda match: formatted[match[1]], part)
