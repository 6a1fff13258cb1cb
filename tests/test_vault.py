"""Scanning a vault, ordering its notes, and resolving link targets like Obsidian."""
from __future__ import annotations

import shutil
import unicodedata
from pathlib import Path, PurePosixPath

import pytest

from exporter.book import select_notes
from exporter.config import VaultConfig, load_vault_config
from exporter.errors import ExportError
from exporter.log import Warnings
from exporter.model import Note
from exporter.reader import read_note
from exporter.vault import Vault, heading_key, scan, vault_root

from .conftest import FIXTURES

PRINCE = FIXTURES / "prince"


def load(root: Path, warnings: Warnings | None = None) -> Vault:
    warnings = warnings or Warnings()
    paths, attachments = scan(root)
    return Vault(root, [read_note(p, root, warnings) for p in paths], attachments, warnings)


def note(rel: str, **meta) -> Note:
    return Note(path=Path("/v") / rel, rel=PurePosixPath(rel), meta=meta, body="")


def test_scan_skips_dot_folders_and_the_output_folder(tmp_path):
    vault = tmp_path / "v"
    shutil.copytree(PRINCE, vault)
    (vault / "build").mkdir()
    (vault / "build" / "Old export.md").write_text("# old")
    paths, _ = scan(vault, exclude=[vault / "build"])
    names = [p.relative_to(vault).as_posix() for p in paths]
    assert names == ["Chapters/Chapter 2.md", "Chapters/Chapter 10.md", "Introduction.md",
                     "People/Cesare Borgia.md"]


def test_order_by_front_matter_then_natural_path():
    vault = load(PRINCE)
    order = [str(n.rel) for n in select_notes(vault, VaultConfig(), None)]
    assert order == ["Introduction.md", "Chapters/Chapter 2.md", "Chapters/Chapter 10.md",
                     "People/Cesare Borgia.md"]


def test_exporter_toml_lists_the_notes_and_their_order(tmp_path):
    vault_dir = tmp_path / "v"
    shutil.copytree(PRINCE, vault_dir)
    (vault_dir / "exporter.toml").write_text(
        'title = "The Prince"\npaper = "letter"\n'
        'notes = ["Cesare Borgia", "Chapters/Chapter 2.md"]\n')
    config = load_vault_config(vault_dir)
    assert (config.title, config.paper) == ("The Prince", "letter")
    order = [str(n.rel) for n in select_notes(load(vault_dir), config, None)]
    assert order == ["People/Cesare Borgia.md", "Chapters/Chapter 2.md"]


def test_exporter_toml_naming_a_missing_note_is_an_error(tmp_path):
    (tmp_path / "a.md").write_text("a")
    (tmp_path / "exporter.toml").write_text('notes = ["nowhere"]\n')
    with pytest.raises(ExportError, match="exporter.toml.*'nowhere'"):
        select_notes(load(tmp_path), load_vault_config(tmp_path), None)


@pytest.mark.parametrize("target, expected", [
    ("Cesare Borgia", "People/Cesare Borgia.md"),
    ("cesare borgia", "People/Cesare Borgia.md"),
    ("People/Cesare Borgia", "People/Cesare Borgia.md"),
    ("Cesare Borgia.md", "People/Cesare Borgia.md"),
    ("Duke Valentino", "People/Cesare Borgia.md"),  # front-matter alias
    ("Intro", "Introduction.md"),
    ("Chapter 10", "Chapters/Chapter 10.md"),
    ("Chapters/Chapter 10", "Chapters/Chapter 10.md"),
    ("Fortuna", None),
    ("../Introduction", None),
    ("Deleted", None),  # only in .trash
])
def test_resolve_like_obsidian(target, expected):
    found = load(PRINCE).resolve(target)
    assert (str(found.rel) if found else None) == expected


def test_resolve_compares_unicode_in_nfc():
    vault = Vault(Path("/v"), [note(unicodedata.normalize("NFD", "Virtù.md"))])
    assert vault.resolve(unicodedata.normalize("NFC", "virtù")) is not None


def test_two_notes_with_one_name_same_folder_first_then_shortest_and_a_warning():
    warnings = Warnings()
    notes = [note("b/deep/Fortuna.md"), note("a/Fortuna.md"), note("c/Fortuna.md"),
             note("c/Caller.md")]
    vault = Vault(Path("/v"), notes, warnings=warnings)
    assert str(vault.resolve("Fortuna", notes[3]).rel) == "c/Fortuna.md"
    assert str(vault.resolve("Fortuna").rel) == "a/Fortuna.md"
    assert any("ambiguous" in w and "b/deep/Fortuna.md" in w for w in warnings.messages)


def test_a_notes_vault_is_the_nearest_folder_holding_dot_obsidian(tmp_path):
    (tmp_path / "v" / ".obsidian").mkdir(parents=True)
    (tmp_path / "v" / "a" / "b").mkdir(parents=True)
    (tmp_path / "v" / "a" / "b" / "n.md").write_text("n")
    (tmp_path / "v" / "top.md").write_text("t")
    (tmp_path / "loose").mkdir()
    (tmp_path / "loose" / "n.md").write_text("n")
    assert vault_root(tmp_path / "v" / "a" / "b" / "n.md") == tmp_path / "v"
    assert vault_root(tmp_path / "v" / "top.md") == tmp_path / "v"
    assert vault_root(tmp_path / "loose" / "n.md") == tmp_path / "loose"  # none: its folder
    assert vault_root(tmp_path / "v" / "a") == tmp_path / "v" / "a"  # a folder is the vault


READING = FIXTURES / "reading"


@pytest.mark.parametrize("target, expected", [
    ("../Concepts/Fortuna.md", "Concepts/Fortuna.md"),
    ("../concepts/fortuna", "Concepts/Fortuna.md"),
    ("./Discussion questions.md", "Reading Notes/Discussion questions.md"),
    ("Discussion questions.md", "Reading Notes/Discussion questions.md"),
    ("../Reading Notes/../Concepts/Virtù.md", "Concepts/Virtù.md"),
    ("Concepts/Fortuna", "Concepts/Fortuna.md"),  # from the vault root
    ("../Fortuna.md", None),  # written as relative: that path or nothing
    ("../../Fortuna.md", None),  # out of the vault
])
def test_a_relative_target_is_read_from_the_linking_notes_folder(target, expected):
    vault = load(READING)
    found = vault.resolve(target, vault.note_at("Reading Notes/The Prince.md"))
    assert (str(found.rel) if found else None) == expected


@pytest.mark.parametrize("target, expected", [
    ("../attachments/map.png", "attachments/map.png"),
    ("./../attachments/MAP.png", "attachments/map.png"),
    ("attachments/map.png", "attachments/map.png"),
    ("map.png", "attachments/map.png"),
    ("./map.png", None),
])
def test_a_relative_attachment_is_read_from_the_linking_notes_folder(target, expected):
    vault = load(READING)
    found = vault.resolve_attachment(target, vault.note_at("Reading Notes/The Prince.md"))
    assert (str(found) if found else None) == expected


def test_only_a_path_out_of_the_vault_is_refused_with_a_warning():
    warnings = Warnings()
    vault = load(READING, warnings)
    prince = vault.note_at("Reading Notes/The Prince.md")
    assert vault.resolve("../Concepts/Fortuna", prince) is not None
    assert vault.resolve("../../Fortuna", prince) is None
    assert vault.resolve_attachment("/etc/map.png", prince) is None
    assert [m.split(": ", 1)[1] for m in warnings.messages] == [
        "../../Fortuna: outside the vault; refused", "/etc/map.png: outside the vault; refused"]


@pytest.mark.parametrize("link, heading", [
    ("hasTag", "`hasTag()`"),
    ("How large can it be", "How large can it be?"),
    ("Don't panic", "Don’t panic"),  # pandoc's smart quote
    ("Pages 1--2", "Pages 1–2"),  # and dash
    ("a b", "a: [b]"),
])
def test_a_heading_is_matched_ignoring_punctuation_as_obsidian_does(link, heading):
    assert heading_key(link) == heading_key(heading)
