"""`exporter check`: each kind of problem at its file and line, the report, the exit status."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from exporter.check import check, main

from .conftest import ROOT


def make_vault(root: Path, files: dict[str, str | bytes]) -> Path:
    """A vault folder with these files (relative path -> text or bytes)."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def lines(root: Path) -> list[str]:
    return [str(problem) for problem in check(root)]


def exporter(*args):
    return subprocess.run([sys.executable, "-m", "exporter", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def test_unresolved_links_are_warnings_at_their_line_counting_the_front_matter(tmp_path):
    make_vault(tmp_path, {
        "Note.md": "---\ntitle: N\n---\n# N\nSee [[Nowhere]].\n\nAnd [[Gone|an alias]],\n"
                   "[[Lost#Part]] and [[Other]].\n",
        "Other.md": "text\n",
    })
    assert lines(tmp_path) == [
        "Note.md:5: warning: [[Nowhere]] links to no note (printed as a concept)",
        "Note.md:7: warning: [[Gone]] links to no note (printed as a concept)",
        "Note.md:8: warning: [[Lost#Part]] links to no note (printed as a concept)",
    ]


def test_a_name_that_is_a_prefix_of_another_is_found_on_its_own_line(tmp_path):
    make_vault(tmp_path, {"a.md": "[[Lenin was right]]\n[[Lenin]]\n", "Lenin was right.md": ""})
    assert lines(tmp_path) == ["a.md:2: warning: [[Lenin]] links to no note (printed as a concept)"]


def test_links_in_code_and_in_comments_are_not_checked(tmp_path):
    make_vault(tmp_path, {
        "a.md": "`[[Span]]`\n\n```\n[[Block]] ![[x.png]]\n```\n\n%%[[Hidden]]%%\n\n[[Real]]\n",
    })
    assert lines(tmp_path) == ["a.md:9: warning: [[Real]] links to no note (printed as a concept)"]


def test_an_ambiguous_name_is_a_warning_at_the_link(tmp_path):
    make_vault(tmp_path, {"Index.md": "Intro.\n\n[[Same]]\n", "a/Same.md": "", "b/Same.md": ""})
    assert lines(tmp_path) == [
        "Index.md:3: warning: [[Same]] is ambiguous (a/Same.md, b/Same.md); using a/Same.md"]


def test_headings_and_files_are_found_as_obsidian_finds_them(tmp_path):
    make_vault(tmp_path, {"a.md": "[[b#hasTag]] [[b#Is it so]] [[c.pdf|the paper]] [[d.pdf]]\n",
                          "b.md": "## `hasTag()`\n\n## Is it so?\n", "files/c.pdf": b""})
    assert lines(tmp_path) == ["a.md:1: warning: [[d.pdf]] links to no note (printed as a "
                               "concept)"]


def test_a_heading_the_note_lacks_is_a_warning(tmp_path):
    make_vault(tmp_path, {
        "a.md": "# Top\n\n## Found it\n\n[[b#Missing]] [[b#In Quote]] [[b#Section two]]\n"
                "[[#Top]] [[#Nope]] [[b#^block-id]]\n",
        "b.md": "# B\n\n## Section Two\n\n> ### In quote\n",
    })
    assert lines(tmp_path) == [
        "a.md:5: warning: [[b#Missing]]: b.md has no heading 'Missing'",
        "a.md:6: warning: [[#Nope]]: a.md has no heading 'Nope'",
        "a.md:6: warning: [[b#^block-id]]: b.md has no block '^block-id'",
    ]


def test_missing_embedded_notes_and_files_are_errors(tmp_path):
    make_vault(tmp_path, {
        "a.md": "![[Pic.PNG]] ![[img/pic.png|200]]\n\n![[missing.png]]\n\n![[No such note]]\n"
                "![[b]] ![[song.mp3]] ![[Report 2.0]]\n",
        "b.md": "",
        "assets/pic.png": b"\x89PNG",
    })
    # sorted by file, then line, then message; a path names its folder, as in the export
    assert lines(tmp_path) == [
        "a.md:1: error: ![[img/pic.png]]: no file named 'pic.png' in the vault",
        "a.md:3: error: ![[missing.png]]: no file named 'missing.png' in the vault",
        "a.md:5: error: ![[No such note]] embeds a note that does not exist",
        "a.md:6: error: ![[Report 2.0]] embeds a note that does not exist",
        "a.md:6: error: ![[song.mp3]]: no file named 'song.mp3' in the vault",
    ]


def test_embed_cycles_are_errors_naming_the_chain(tmp_path):
    make_vault(tmp_path, {
        "A.md": "# A\n![[B]]\n",
        "B.md": "x\n\n![[A]]\n",
        "Self.md": "one\ntwo ![[Self]]\n",
        "Ring/One.md": "![[Two]]\n",
        "Ring/Two.md": "![[Three#Part]]\n",
        "Ring/Three.md": "# Part\n![[One]]\n",
        "Tree.md": "![[Leaf]] ![[Leaf]]\n",
        "Leaf.md": "",
    })
    assert lines(tmp_path) == [
        "A.md:2: error: embed cycle: A -> B -> A",
        "Ring/One.md:1: error: embed cycle: Ring/One -> Ring/Two -> Ring/Three -> Ring/One",
        "Self.md:2: error: embed cycle: Self -> Self",
    ]


def test_unreadable_front_matter_and_non_utf8_files_are_errors(tmp_path):
    make_vault(tmp_path, {
        "bad.md": "---\ntitle: ok\nbad: : x\n---\nbody [[Bad link]]\n",
        "latin1.md": b"fine\nstill fine\ncaf\xe9\n",
    })
    found = lines(tmp_path)
    assert found[0].startswith("bad.md:3: error: front matter unreadable, exported as text: ")
    assert found[1:] == [
        "bad.md:5: warning: [[Bad link]] links to no note (printed as a concept)",
        "latin1.md:3: error: not UTF-8 (byte 19)",
    ]


def test_relative_paths_resolve_from_the_note_and_paths_out_of_the_vault_are_warnings(tmp_path):
    make_vault(tmp_path, {
        "sub/a.md": "[[../Up]] ![[./b]] ![[../pic.png]] ![[../sub/../Up#Top]]\n"
                    "[[../../Up]]\n[[/Root/Note]]\n![[../nowhere.png]]\n",
        "sub/b.md": "", "Up.md": "# Top\n", "pic.png": b""})
    assert lines(tmp_path) == [
        "sub/a.md:2: warning: [[../../Up]] is a path that leaves the vault; links name notes "
        "inside the vault, so it resolves to nothing",
        "sub/a.md:3: warning: [[/Root/Note]] is an absolute path; links name notes inside the "
        "vault, so it resolves to nothing",
        "sub/a.md:4: error: ![[../nowhere.png]]: no file named 'nowhere.png' in the vault",
    ]


def test_markdown_links_and_images_are_checked_as_the_export_reads_them(tmp_path):
    make_vault(tmp_path, {
        "sub/a.md": "[x](../b.md) ![p](../pics/p%20q.png) ![r](<../pics/p q.png>)\n"
                    "[y](../nowhere.md)\n![m](gone.png)\n[z](../../out.md)\n"
                    "[h](../b.md#Missing%20part) [t](../b.md#top) [w](https://x.org/a.md)\n",
        "b.md": "# Top\n", "pics/p q.png": b""})
    assert lines(tmp_path) == [
        "sub/a.md:2: warning: [y](../nowhere.md) links to no note (printed as a concept)",
        "sub/a.md:3: error: ![m](gone.png): no file named 'gone.png' in the vault",
        "sub/a.md:4: warning: [z](../../out.md) is a path that leaves the vault; links name "
        "notes inside the vault, so it resolves to nothing",
        "sub/a.md:5: warning: [h](../b.md#Missing%20part): b.md has no heading 'Missing part'",
    ]


def test_one_note_is_checked_alone_against_its_whole_vault(tmp_path):
    make_vault(tmp_path, {".obsidian/app.json": "{}", "Notes/a.md": "![[b]] ![[p.png]] [[zz]]\n",
                          "Other/b.md": "[[nowhere]]\n", "Files/p.png": b""})
    assert lines(tmp_path / "Notes" / "a.md") == [
        "Notes/a.md:1: warning: [[zz]] links to no note (printed as a concept)"]


def test_one_note_is_checked_against_its_folder_and_alone(tmp_path):
    make_vault(tmp_path, {"a.md": "[[b]] [[zz]]\n![[c]]\n", "b.md": "[[nowhere]]\n",
                          "c.md": "![[a]]\n", "broken.md": b"\xff"})
    assert lines(tmp_path / "a.md") == [
        "a.md:1: warning: [[zz]] links to no note (printed as a concept)",
        "a.md:2: error: embed cycle: a -> c -> a",
    ]


def test_a_clean_vault_has_no_problems_and_exits_0(tmp_path, capsys):
    make_vault(tmp_path, {"a.md": "# A\n\n## Part\n[[b]] [[b#Top|x]] ![[b]] ![[p.png]]\n",
                          "b.md": "# Top\n", "p.png": b""})
    assert main(tmp_path) == 0
    assert capsys.readouterr().out == "0 error(s), 0 warning(s)\n"


def test_lines_count_blank_lines_after_the_front_matter(tmp_path):
    make_vault(tmp_path, {"a.md": "---\ntitle: A\n---\n\n\nSee [[Nowhere]].\n"})
    assert lines(tmp_path) == ["a.md:6: warning: [[Nowhere]] links to no note "
                               "(printed as a concept)"]


def test_cli_prints_sorted_lines_and_a_count_and_exits_1_on_errors(tmp_path):
    make_vault(tmp_path, {"z.md": "![[gone.png]]\n", "a.md": "x\n[[Nowhere]]\n"})
    done = exporter("check", tmp_path)
    assert done.returncode == 1, done.stderr
    assert done.stdout.splitlines() == [
        "a.md:2: warning: [[Nowhere]] links to no note (printed as a concept)",
        "z.md:1: error: ![[gone.png]]: no file named 'gone.png' in the vault",
        "1 error(s), 1 warning(s)",
    ]


def test_cli_exits_0_with_warnings_only(tmp_path):
    make_vault(tmp_path, {"a.md": "[[Concept]]\n"})
    done = exporter("check", tmp_path / "a.md")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "0 error(s), 1 warning(s)"


def test_cli_json_format(tmp_path):
    make_vault(tmp_path, {"a.md": "[[Concept]]\n![[a]]\n"})
    done = exporter("check", tmp_path, "--format", "json")
    assert done.returncode == 1, done.stderr
    assert json.loads(done.stdout) == [
        {"file": "a.md", "line": 1, "severity": "warning",
         "message": "[[Concept]] links to no note (printed as a concept)"},
        {"file": "a.md", "line": 2, "severity": "error", "message": "embed cycle: a -> a"},
    ]


@pytest.mark.parametrize(("args", "message"), [
    (["nowhere"], "no such file or folder"),
    (["notes.txt"], "neither a vault folder nor a .md note"),
    ([".", "--format", "xml"], "'xml' is not one of 'text', 'json'"),
])
def test_cli_usage_errors_exit_2(tmp_path, args, message):
    (tmp_path / "notes.txt").write_text("x")
    done = exporter("check", *[tmp_path / a if a[0] != "-" and a != "xml" else a for a in args])
    assert done.returncode == 2
    assert message in done.stderr and done.stdout == ""


def test_page_numbers_without_a_book_to_cite_are_a_warning(tmp_path):
    make_vault(tmp_path, {
        "Loose.md": "# Loose\n\nNo author, yet a page (40) and (41-42).\n",
        "Cited.md": "---\nauthor: Ted Grant\n---\nA page (40).\n",
        "Years.md": "Only a year (1997) and a (2nd edition).\n",
    })
    assert lines(tmp_path) == [
        "Loose.md:3: warning: 2 page number(s) like (40) but no book to cite "
        "(front matter needs `author`); they print as written",
    ]
