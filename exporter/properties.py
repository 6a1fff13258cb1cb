"""Front-matter properties printed under a chapter's heading (exporter.toml's `properties`):
a small table, its values read as Markdown so that links become cross-references."""
from __future__ import annotations

import datetime
import json

import panflute as pf

from . import pandoc
from .cache import Cache, code_version, digest
from .errors import ExportError
from .model import Note


def table_markdown(meta: dict, keys: list[str]) -> str | None:
    """A pipe table of the note's properties among `keys`, in their order; None if it has
    none. Lists are joined, dates as written (ISO), true and false as yes and no."""
    rows = [(key, shown(meta[key])) for key in keys if meta.get(key) not in (None, "", [])]
    if not rows:
        return None
    cells = [f"| {cell(key)} | {cell(value)} |" for key, value in rows]
    return "\n".join(["| Property | Value |", "|---|---|", *cells]) + "\n"


def shown(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(shown(item) for item in value if item is not None)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return ", ".join(f"{k}: {shown(v)}" for k, v in value.items())
    return str(value)


def cell(text: str) -> str:
    """Text that stays in one pipe-table cell."""
    return " ".join(text.split()).replace("|", "\\|")


def tables(notes: list[Note], keys: list[str], cache: Cache, processes: int) -> dict[str, str]:
    """Each note's properties table, as the JSON of a document of one Table block without
    its head row, by the note's rel; parsed in one batch, kept in the cache."""
    wanted = {str(n.rel): md for n in notes if (md := table_markdown(n.meta, keys))}
    found, missing = {}, {}
    for rel, markdown in wanted.items():
        key = digest(code_version(), "properties", markdown)
        found[rel] = cache.get("properties", key)
        if found[rel] is None:
            missing[rel] = key
    parsed = pandoc.parse_notes([(rel, wanted[rel]) for rel in missing], processes) \
        if missing else []
    for (rel, key), ast in zip(missing.items(), parsed, strict=True):
        if isinstance(ast, ExportError):
            found[rel] = None
            continue
        found[rel] = headless(ast)
        cache.put("properties", key, found[rel])
    return {rel: table for rel, table in found.items() if table}


def headless(ast: str) -> str:
    """The parsed table's document, its head row emptied and classed `properties`."""
    doc = pandoc.load(ast, "properties")
    table = doc.content[0]
    table.head = pf.TableHead()
    table.classes = ["properties"]
    return json.dumps(doc.to_json(), ensure_ascii=False)


def insert(doc: pf.Doc, table: str, own_chapter: bool) -> None:
    """Put the table under the chapter's heading: the one made for the note (own chapter),
    else the note's first H1, else at the top."""
    block = pandoc.load(table, "properties").content.pop(0)
    first = doc.content[0] if doc.content else None
    at = 1 if own_chapter or (isinstance(first, pf.Header) and first.level == 1) else 0
    doc.content.insert(at, block)
