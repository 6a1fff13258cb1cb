"""A note that cannot be read or parsed is left out of a vault's export, which goes on
with the others and names it; --strict and a single note fail instead."""
from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from exporter import ExportError, export

from .conftest import ROOT, page_texts
from .test_hostile import ALIAS_BOMB, checksums

FORMATS = {"pdf": "pdf", "epub": "epub", "latex": "tex", "html": "html", "handout": "pdf"}
BAD = {  # file name: (its bytes, the error naming it)
    "Latin-1.md": (b"---\ntitle: x\n---\nBAD-LATIN Caf\xe9 cr\xe8me\n",
                   "Latin-1.md:4: not UTF-8 (byte 30)"),
    "Bomb.md": (ALIAS_BOMB.replace("Body.", "BAD-BOMB").encode(),
                "Bomb.md: front matter expanding to more than 10000 values"),
    "Notes/Deep quotes.md": (("BAD-QUOTES\n\n" + ">" * 600 + " deep\n").encode(),
                             "Notes/Deep quotes.md: nesting too deep to export"),
    "Notes/Deep lists.md": (("BAD-LISTS\n\n" + "".join("  " * i + "- item\n"
                                                        for i in range(300))).encode(),
                            "Notes/Deep lists.md: nesting too deep to export"),
}
ERRORS_IN_ORDER = [BAD["Bomb.md"][1] + " (YAML aliases); refused", BAD["Latin-1.md"][1],
                   *(BAD[f"Notes/Deep {kind}.md"][1] + " (quotes nested more than about 120 "
                     "levels, lists about 80)" for kind in ["lists", "quotes"])]
SUMMARY = ("4 notes left out: Bomb.md (front matter expanding to more than 10000 values), "
           "Latin-1.md (not UTF-8), Notes/Deep lists.md (nesting too deep to export), "
           "Notes/Deep quotes.md (nesting too deep to export)")


def make_vault(root: Path) -> Path:
    """Two good notes, one linking to and embedding bad ones, and a bad note of each kind."""
    vault = root / "vault"
    (vault / "Notes").mkdir(parents=True)
    (vault / "Alpha.md").write_text("# Alpha\n\nGOOD-ALPHA text, see [[Latin-1]].\n\n"
                                    "![[Deep quotes]]\n")
    (vault / "Notes" / "Beta.md").write_text("# Beta\n\nGOOD-BETA text.\n")
    for name, (data, _) in BAD.items():
        (vault / name).write_bytes(data)
    return vault


def cli(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "exporter", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def text_of(path: Path) -> str:
    if path.suffix == ".pdf":
        return " ".join(" ".join(page_texts(path)).split())
    if path.suffix == ".epub":
        with zipfile.ZipFile(path) as book:
            return " ".join(book.read(n).decode() for n in book.namelist()
                            if n.endswith(".xhtml"))
    return path.read_text()


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """The vault exported in every format by the command, in one pandoc batch (-j 1)."""
    root = tmp_path_factory.mktemp("bad")
    vault = make_vault(root)
    before = checksums(vault)
    done = {}
    for command, ext in FORMATS.items():
        out = root / "out" / f"{command}.{ext}"
        done[command] = (cli(command, vault, "-o", out, "-j", "1", "--no-cache"), out)
    return dict(vault=vault, before=before, done=done)


@pytest.mark.parametrize("command", FORMATS)
def test_the_good_notes_are_exported_and_the_bad_ones_named(exported, command):
    run, out = exported["done"][command]
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    for _, error in BAD.values():
        assert f"error: {error}" in run.stderr
    assert run.stderr.strip().splitlines()[-1] == SUMMARY
    text = text_of(out)
    assert "GOOD-ALPHA" in text and "GOOD-BETA" in text
    for token in ["BAD-LATIN", "BAD-BOMB", "BAD-QUOTES", "BAD-LISTS"]:
        assert token not in text, token


def test_quiet_still_names_the_notes_left_out(exported, tmp_path):
    run = cli("html", exported["vault"], "-o", tmp_path / "x.html", "-q")
    assert run.returncode == 0
    assert run.stderr.splitlines() == [*(f"error: {error}" for error in ERRORS_IN_ORDER),
                                       SUMMARY]


def test_links_and_embeds_of_a_left_out_note_say_so(exported):
    stderr = exported["done"]["html"][0].stderr
    assert "warning: Alpha.md:3: [[Latin-1]]: Latin-1.md is left out (not UTF-8); printed as " \
        "a concept" in stderr
    assert "warning: Alpha.md: ![[Deep quotes]]: Notes/Deep quotes.md is left out (nesting " \
        "too deep to export)" in stderr
    html = exported["done"]["html"][1].read_text()
    assert "(embed of Deep quotes omitted: left out)" in html


def test_the_vault_is_not_written_to(exported):
    assert checksums(exported["vault"]) == exported["before"]


@pytest.mark.parametrize("command", FORMATS)
def test_strict_fails_on_a_left_out_note_and_writes_nothing(exported, tmp_path, command):
    out = tmp_path / "out" / f"x.{FORMATS[command]}"
    run = cli(command, exported["vault"], "-o", out, "--strict")
    assert run.returncode == 1
    assert "4 notes left out and" in run.stderr and "under --strict" in run.stderr
    for _, error in BAD.values():
        assert error in run.stderr
    assert not out.parent.exists() or list(out.parent.iterdir()) == []


@pytest.mark.parametrize("name", BAD)
def test_a_single_bad_note_fails_naming_it(exported, tmp_path, name):
    out = tmp_path / "out" / "x.html"
    run = cli("html", exported["vault"] / name, "-o", out)
    assert run.returncode == 1
    error = BAD[name][1].removeprefix("Notes/")  # a single note's folder is its vault
    assert f"error: {error}" in run.stderr and "Traceback" not in run.stderr
    assert not out.parent.exists()


def test_a_vault_of_bad_notes_alone_fails_naming_each(tmp_path):
    vault = tmp_path / "vault"
    vault.mkdir()
    for name in ["Latin-1.md", "Bomb.md"]:
        (vault / name).write_bytes(BAD[name][0])
    with pytest.raises(ExportError, match="no notes to export; every note was left out") as raised:
        export(vault, "html", output=tmp_path / "out" / "x.html")
    assert BAD["Latin-1.md"][1] in str(raised.value) and BAD["Bomb.md"][1] in str(raised.value)


def test_a_note_embedded_but_not_exported_that_cannot_be_parsed_is_omitted(tmp_path):
    vault = make_vault(tmp_path)
    (vault / "exporter.toml").write_text('notes = ["Alpha", "Latin-1"]\n')
    result = export(vault, "html", output=tmp_path / "out" / "x.html")
    assert "Alpha.md: ![[Deep quotes]]: Notes/Deep quotes.md cannot be embedded (nesting too " \
        "deep to export)" in result.warnings
    html = result.output.read_text()
    assert "GOOD-ALPHA" in html and "GOOD-BETA" not in html and "BAD-QUOTES" not in html
    assert [str(error) for error in result.left_out] == [BAD["Bomb.md"][1] + " (YAML aliases); "
                                                         "refused", BAD["Latin-1.md"][1]]


def test_check_reports_each_bad_note_and_goes_on(tmp_path):
    vault = make_vault(tmp_path)
    (vault / "Gamma.md").write_text("See [[nowhere]].\n")
    run = cli("check", vault)
    assert run.returncode == 1
    lines = run.stdout.splitlines()
    assert "Latin-1.md:4: error: not UTF-8 (byte 30)" in lines
    assert any(line.startswith("Bomb.md:1: error: front matter expanding") for line in lines)
    for name in ["Notes/Deep quotes.md", "Notes/Deep lists.md"]:
        assert any(line.startswith(f"{name}:1: error: nesting too deep") for line in lines)
    assert "Gamma.md:1: warning: [[nowhere]] links to no note (printed as a concept)" in lines
    assert "Alpha.md:3: warning: [[Latin-1]]: Latin-1.md is left out of exports (not UTF-8)" \
        in lines
