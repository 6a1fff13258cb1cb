"""The index of concepts: entries from the marked occurrences, sorted, grouped, paged."""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from itertools import groupby

import panflute as pf

from .assemble import words
from .vault import Vault, normalise, note_aliases


@dataclass
class Entry:
    """One concept: where it occurs, and its own chapter when its note is in the guide."""

    name: str
    target: str = ""  # the link target: a note's vault path without .md, or a concept
    group: str = ""  # the target's folder, when the index is grouped by folder
    occurrences: list[str] = field(default_factory=list)  # ids of the marked occurrences
    chapter: str | None = None  # id of the concept's own chapter
    see: str | None = None  # "USSR, see Russia"

    @property
    def sort_key(self) -> str:
        return sort_key(self.name)

    @property
    def letter(self) -> str:
        first = self.sort_key[:1].upper()
        return first if first.isalpha() else "#"


def sort_key(text: str) -> str:
    """Alphabetical order ignoring case and accents: 'Élan' sorts with 'elan'."""
    plain = unicodedata.normalize("NFKD", text)
    return "".join(c for c in plain if not unicodedata.combining(c)).casefold().lstrip("\"'‘“(")


def build(occurrences: list[tuple[str, str, str]], anchors: dict[str, str],
          vault: Vault | None, grouped: bool = True) -> list[Entry]:
    """Entries for every concept and cross-reference target, plus 'see' entries for aliases.

    `occurrences`: (target, id, text shown) in document order, from the index_terms filter;
    `anchors`: {note rel: id of its chapter}.
    """
    entries: dict[str, Entry] = {}
    shown_as: dict[str, set[str]] = {}
    for target, anchor, shown in occurrences:
        folder, _, name = target.rpartition("/")
        entry = entries.setdefault(normalise(target), Entry(
            name=name, target=target, group=folder if grouped else "",
            chapter=anchors.get(target + ".md")))
        entry.occurrences.append(anchor)
        if shown:
            shown_as.setdefault(normalise(target), set()).add(" ".join(shown.split()))
    see = see_entries(vault, entries, shown_as)
    return sorted([*entries.values(), *see], key=lambda e: (e.group.casefold(), e.sort_key))


def see_entries(vault: Vault | None, entries: dict[str, Entry],
                shown_as: dict[str, set[str]]) -> list[Entry]:
    """'Alias, see Name' for front-matter aliases and for link texts that are other words."""
    names = {sort_key(e.name) for e in entries.values()}
    found: dict[str, Entry] = {}
    for key, entry in entries.items():
        note = vault.note_at(entry.target + ".md") if vault and entry.chapter else None
        aliases = set(note_aliases(note)) if note else set()
        aliases |= {s for s in shown_as.get(key, ()) if another_word(s, entry.name)}
        for alias in aliases:
            if sort_key(alias) not in names:
                found.setdefault(sort_key(alias), Entry(name=alias, group=entry.group,
                                                        see=entry.name))
    return list(found.values())


def another_word(shown: str, name: str) -> bool:
    """'USSR' for 'Russia' is another word; 'Stalinist' for 'Stalinism' is not."""
    a, b = sort_key(shown), sort_key(name)
    return not (a.startswith(b) or b.startswith(a) or a[:5] == b[:5])


def groups(entries: list[Entry]):
    """[(group, [(letter, [entries])])], the ungrouped entries first."""
    by_group = groupby(entries, key=lambda e: e.group)
    return [(group, [(letter, list(items)) for letter, items in
                     groupby(members, key=lambda e: e.letter)])
            for group, members in by_group]


def page_list(entry: Entry, pages: dict[str, int]) -> list[tuple[str, str, bool]]:
    """(label, anchor, bold) in page order: the entry's own chapter bold, then its
    occurrences with duplicates merged and runs joined: '3, **4**, 12, 14–16'."""
    chapter_page = pages.get(entry.chapter) if entry.chapter else None
    found = [(pages[a], a) for a in entry.occurrences if a in pages and pages[a] != chapter_page]
    items = [(label, anchor, False) for label, anchor in page_runs(found)]
    if chapter_page is not None:
        items.append((str(chapter_page), entry.chapter, True))
    return sorted(items, key=lambda item: int(item[0].split("–")[0]))


def page_runs(pages: list[tuple[int, str]]) -> list[tuple[str, str]]:
    """[(page, anchor)] -> [('12', anchor), ('14–16', anchor)]: duplicates merged, runs joined."""
    first_anchor: dict[int, str] = {}
    for page, anchor in pages:
        first_anchor.setdefault(page, anchor)
    numbers = sorted(first_anchor)
    runs, start = [], None
    for index, page in enumerate(numbers):
        start = page if start is None else start
        if index + 1 == len(numbers) or numbers[index + 1] != page + 1:
            label = str(start) if start == page else f"{start}–{page}"
            runs.append((label, first_anchor[start]))
            start = None
    return runs


def to_blocks(entries: list[Entry]) -> list[pf.Block]:
    """The index as blocks for EPUB and HTML, each occurrence a numbered link."""
    blocks: list[pf.Block] = [pf.Header(pf.Str("Index"), level=1, identifier="index",
                                        classes=["unnumbered", "index"],
                                        attributes={"epub:type": "index"})]
    for group, letters in groups(entries):
        if group:
            blocks.append(pf.Header(*words(group), level=2, classes=["unnumbered", "unlisted"]))
        for letter, members in letters:
            blocks.append(pf.Div(pf.Para(pf.Strong(pf.Str(letter))), classes=["index-letter"]))
            blocks.extend(entry_block(e) for e in members)
    return blocks


def entry_block(entry: Entry) -> pf.Block:
    if entry.see:
        return pf.Div(pf.Para(pf.Str(entry.name + ","), pf.Space(), pf.Emph(pf.Str("see")),
                              pf.Space(), *words(entry.see)), classes=["index-entry"])
    refs: list[pf.Inline] = []
    if entry.chapter:
        refs.append(pf.Strong(pf.Link(pf.Str("chapter"), url="#" + entry.chapter)))
    refs.extend(pf.Link(pf.Str(str(n)), url="#" + anchor)
                for n, anchor in enumerate(entry.occurrences, start=1))
    inlines = [*words(entry.name), pf.Str(",")]
    for ref in refs:
        inlines.extend([pf.Space(), ref, pf.Str(",")])
    return pf.Div(pf.Para(*inlines[:-1]), classes=["index-entry"])
