"""Warnings: each of a kind, grouped when many; kept through worker processes and the cache;
printed grouped by the command unless --verbose; every one listed by --strict and check."""
from __future__ import annotations

import ast
import pickle
import re
import subprocess
import sys
from pathlib import Path

import pytest

from exporter import export
from exporter.log import Message, Warnings, grouped

from .conftest import ROOT

REMOTE = re.compile(r"^warning: (.+?\.md:\d+): remote image not fetched: (\S+)", re.M)


def remote_vault(root: Path, notes: int = 4, images: int = 3) -> Path:
    """`notes` notes of `images` remote images each, and one raw <iframe>."""
    vault = root / "vault"
    vault.mkdir()
    for n in range(notes):
        (vault / f"Note {n}.md").write_text("".join(
            f"Text.\n\n![a picture](http://127.0.0.1:9/n{n}-{i}.png)\n\n" for i in range(images)))
    (vault / "Frame.md").write_text('Before.\n\n<iframe src="http://127.0.0.1:9/x"></iframe>\n')
    return vault


def cli(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "exporter", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def test_a_kind_warned_of_often_is_one_line_with_count_advice_and_first_places():
    warnings = Warnings()
    warnings.warn("raw HTML <iframe> dropped", "x.md", 1, kind="raw-html")
    for n in range(5):
        warnings.warn(f"remote image not fetched: http://h/{n}.png (--allow-remote fetches it)",
                      f"n{n}.md", n + 1, kind="remote-image")
    warnings.warn("a message of no kind", "y.md", kind=None)
    warnings.warn("another of no kind", "y.md", kind=None)
    warnings.warn("another of no kind", "z.md", kind=None)
    warnings.warn("another of no kind", "w.md", kind=None)
    assert grouped(warnings.messages) == [
        "x.md:1: raw HTML <iframe> dropped",
        "5 remote images not fetched (pass --allow-remote to fetch them), e.g. n0.md:1 "
        "http://h/0.png, n1.md:2 http://h/1.png, n2.md:3 http://h/2.png (--verbose lists all)",
        "y.md: a message of no kind", "y.md: another of no kind", "z.md: another of no kind",
        "w.md: another of no kind"]


def test_a_kind_of_as_many_as_are_shown_prints_as_it_is():
    messages = [Message("raw-html", "raw HTML <iframe> dropped", f"n{n}.md") for n in range(3)]
    assert grouped(messages) == messages


def test_warnings_of_one_message_in_many_places_show_the_places():
    messages = [Message("uncited-pages", "page numbers but no book to cite", f"n{n}.md")
                for n in range(4)]
    assert grouped(messages) == [
        "4 notes with page numbers but no book to cite (give each an `author` in its front "
        "matter), e.g. n0.md, n1.md, n2.md (--verbose lists all)"]


def test_a_warning_keeps_its_kind_through_a_worker_and_the_cache(tmp_path):
    message = Message("remote-image", "remote image not fetched: http://h/x.png", "a.md:3")
    for copy in [pickle.loads(pickle.dumps(message)), Message(*message.fields())]:
        assert copy == "a.md:3: remote image not fetched: http://h/x.png"
        assert (copy.kind, copy.place, copy.message) == (message.kind, "a.md:3",
                                                         message.message)
    vault = remote_vault(tmp_path)
    for run in range(2):  # filtered in two worker processes, then taken from the cache
        result = export(vault, "html", output=tmp_path / "out" / "x.html", jobs=2)
        assert sorted({m.kind for m in result.warnings}) == ["raw-html", "remote-image"], run
        assert len(result.warnings) == 13


@pytest.fixture(scope="module")
def vault(tmp_path_factory):
    return remote_vault(tmp_path_factory.mktemp("warnings"))


def test_the_command_groups_a_kind_warned_of_often(vault, tmp_path):
    done = cli("html", vault, "-o", tmp_path / "x.html")
    assert done.returncode == 0
    lines = [line for line in done.stderr.splitlines() if line.startswith("warning:")]
    assert len(lines) == 2
    assert "warning: Frame.md:3: raw HTML <iframe> dropped" in lines
    assert re.fullmatch(
        r"warning: 12 remote images not fetched \(pass --allow-remote to fetch them\), e\.g\. "
        r"Note 0\.md:3 http://127\.0\.0\.1:9/n0-0\.png, Note 0\.md:7 http://127\.0\.0\.1:9/n0-1"
        r"\.png, Note 0\.md:11 http://127\.0\.0\.1:9/n0-2\.png \(--verbose lists all\)",
        lines[1] if lines[0].endswith("dropped") else lines[0])


@pytest.mark.parametrize("flag", ["-v", "--verbose"])
def test_verbose_lists_every_warning(vault, tmp_path, flag):
    done = cli("epub", vault, "-o", tmp_path / "x.epub", flag)
    assert done.returncode == 0
    found = REMOTE.findall(done.stderr)
    assert len(found) == 12 and len(set(found)) == 12
    assert "Frame.md:3: raw HTML <iframe> dropped" in done.stderr


def test_strict_lists_every_warning_and_quiet_none(vault, tmp_path):
    strict = cli("html", vault, "-o", tmp_path / "x.html", "--strict")
    assert strict.returncode == 1 and "13 warning(s) under --strict" in strict.stderr
    assert len(re.findall(r"remote image not fetched: http", strict.stderr)) == 12
    assert not (tmp_path / "x.html").exists()
    quiet = cli("html", vault, "-o", tmp_path / "x.html", "-q")
    assert quiet.returncode == 0 and quiet.stderr == ""


def test_check_lists_every_problem(tmp_path):
    (tmp_path / "Links.md").write_text("".join(f"See [[Nowhere {n}]].\n" for n in range(8)))
    done = cli("check", tmp_path)
    assert done.returncode == 0
    assert len(re.findall(r"^Links\.md:\d+: warning: \[\[Nowhere \d\]\] links to no note",
                          done.stdout, re.M)) == 8


def test_every_warning_the_code_raises_has_a_kind():
    """A warning without a kind is never grouped: each call of a warn() names its kind."""
    kindless = []
    for path in sorted([*(ROOT / "exporter").rglob("*.py"), *(ROOT / "filters").rglob("*.py")]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            called = getattr(node, "func", None)
            name = getattr(called, "attr", getattr(called, "id", None))
            if (isinstance(node, ast.Call) and name == "warn"
                    and not any(keyword.arg == "kind" for keyword in node.keywords)):
                kindless.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert kindless == []
