"""Select and order the notes of a guide, and decide what its title page says."""
from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

from .bibliography import as_list, plain_name
from .config import CONFIG_NAME, Options, VaultConfig
from .errors import ExportError
from .log import Warnings
from .model import Note
from .vault import Vault, natural_key


def select_notes(vault: Vault, config: VaultConfig, single: PurePosixPath | None
                 ) -> list[Note]:
    """The single note asked for (its vault path); else exporter.toml's list; else all, by
    `order` then path."""
    if single is not None:
        return [n for n in vault.notes if n.rel == single]
    if config.notes:
        chosen = []
        for entry in config.notes:
            note = vault.resolve(entry)
            if note is None and vault.left_out_note(entry):
                continue  # its error is reported already
            if note is None:
                raise ExportError(f"'notes' lists {entry!r}, which is no note of the vault",
                                  vault.root / CONFIG_NAME)
            chosen.append(note)
        return chosen
    return sorted(vault.notes, key=order_key)


def order_key(note: Note) -> tuple:
    """Front-matter `order` first (numbers ascending), then natural path order."""
    order = note.meta.get("order")
    try:
        rank = (0, float(order)) if order is not None else (1, 0.0)
    except (TypeError, ValueError):
        rank = (1, 0.0)
    return (*rank, natural_key(note.rel))


def book_title(options: Options, config: VaultConfig, notes: list[Note],
               note_titles: list[str], root: Path) -> str:
    """--title, else exporter.toml, else the only note's title, else the vault's folder name."""
    if options.title or config.title:
        return options.title or config.title
    if len(note_titles) == 1:
        return note_titles[0]
    return root.resolve().name


def book_author(options: Options, config: VaultConfig, notes: list[Note]) -> str | None:
    """--author, else exporter.toml, else the author the notes agree on."""
    if options.author or config.author:
        return options.author or config.author
    authors = {", ".join(plain_name(a) for a in as_list(n.meta["author"]))
               for n in notes if n.meta.get("author")}
    return authors.pop() if len(authors) == 1 else None


LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")  # en, de-CH, zh-Hant-TW


def book_language(notes: list[Note], warnings: Warnings, default: str | None = None) -> str:
    """The first note's front-matter `lang`, if it is a language tag; else `default`
    (exporter.toml's), else English."""
    lang = notes[0].meta.get("lang")
    if lang is None:
        return default if default and LANGUAGE_TAG.match(default) else "en"
    if not LANGUAGE_TAG.match(str(lang)):
        warnings.warn(f"front-matter lang {str(lang)[:40]!r} is not a language tag (such as "
                      "en or de-CH); using en", notes[0].rel, 2, kind="language")
        return "en"
    return str(lang)
