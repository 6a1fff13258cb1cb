"""The exporter command as a user runs it: exit statuses, messages, atomic output."""
from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from .conftest import FIXTURES, ROOT, SEEDS


def exporter(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "exporter", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("command", ["pdf", "epub", "latex", "html"])
def test_help_on_every_command(command):
    done = exporter(command, "--help")
    assert done.returncode == 0 and "--output" in done.stdout


def test_missing_path_is_a_usage_error_in_one_line(tmp_path):
    done = exporter("pdf", tmp_path / "nowhere")
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "no such file or folder" in done.stderr


def test_a_path_that_is_no_folder_and_no_note_is_a_usage_error(tmp_path):
    (tmp_path / "notes.txt").write_text("x")
    done = exporter("epub", tmp_path / "notes.txt")
    assert done.returncode == 2 and "neither a vault folder nor a .md note" in done.stderr


def test_unknown_paper_is_a_usage_error(tmp_path):
    done = exporter("pdf", SEEDS, "--paper", "a3", "-o", tmp_path / "x.pdf")
    assert done.returncode == 2 and "a3" in done.stderr


def test_default_output_is_build_slug(tmp_path):
    shutil.copytree(FIXTURES / "prince", tmp_path / "The Prince")
    done = exporter("html", "The Prince", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "build" / "the-prince.html").exists()


def test_failed_export_keeps_the_previous_output_and_leaves_no_partial_file(tmp_path):
    vault = tmp_path / "vault"
    shutil.copytree(FIXTURES / "prince", vault)
    out = tmp_path / "out" / "guide.epub"
    assert exporter("epub", vault, "-o", out).returncode == 0
    before = out.read_bytes()
    (vault / "Broken.md").write_bytes(b"caf\xe9 au lait")
    done = exporter("epub", vault / "Broken.md", "-o", out)  # one note: its error fails
    assert done.returncode == 1
    assert "Broken.md:1: not UTF-8 (byte 3)" in done.stderr
    assert out.read_bytes() == before
    assert list(out.parent.iterdir()) == [out]


def test_paper_size_letter(tmp_path):
    from pypdf import PdfReader
    done = exporter("pdf", FIXTURES / "prince", "--paper", "letter", "-o", tmp_path / "l.pdf")
    assert done.returncode == 0, done.stderr
    box = PdfReader(tmp_path / "l.pdf").pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)


def test_strict_turns_a_warning_into_a_failure_and_writes_nothing(tmp_path):
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "a.md").write_text("---\ntitle: [unclosed\n---\ntext\n")
    out = tmp_path / "a.html"
    done = exporter("html", vault, "-o", out, "--strict")
    assert done.returncode == 1 and "a.md:" in done.stderr
    assert not out.exists()
    relaxed = exporter("html", vault, "-o", out)
    assert relaxed.returncode == 0 and "warning: a.md:" in relaxed.stderr


def test_theme_css_template_and_duplex_on_the_command_line(tmp_path):
    css = tmp_path / "mine.css"
    css.write_text("h1 { color: rgb(200, 0, 0); }")
    done = exporter("html", FIXTURES / "prince", "--theme", "plain", "--css", css, "-o",
                    tmp_path / "p.html")
    assert done.returncode == 0, done.stderr
    page = (tmp_path / "p.html").read_text()
    assert "border: 1px solid #888" in page and "rgb(200, 0, 0)" in page
    done = exporter("pdf", FIXTURES / "prince", "--duplex", "--theme", "nope", "-o",
                    tmp_path / "p.pdf")
    assert done.returncode == 2 and "unknown theme 'nope'" in done.stderr


def test_progress_lines_off_a_terminal_and_nothing_when_quiet(tmp_path):
    from io import StringIO

    from rich.console import Console

    from exporter import export, progress
    written = StringIO()
    shown = progress.for_console(Console(file=written, force_terminal=False))
    progress.SHOW_AFTER, before = 0, progress.SHOW_AFTER
    try:
        export(FIXTURES / "prince", "pdf", output=tmp_path / "p.pdf", progress=shown)
    finally:
        progress.SHOW_AFTER = before
    stages = [line.split("] ", 1)[1] for line in written.getvalue().splitlines()]
    assert stages[:2] == ["Reading the vault", "Parsing notes"]
    assert any(stage.startswith("Laying out pages") for stage in stages)
    assert stages[-1] == "Joining the PDF"
    done = exporter("epub", FIXTURES / "prince", "-q", "-o", tmp_path / "p.epub")
    assert done.returncode == 0 and done.stderr == ""


def test_version_names_the_installed_package(tmp_path):
    from importlib.metadata import version
    done = exporter("--version", cwd=tmp_path)
    expected = f"exporter {version('obsidian-study-guide')}"
    assert done.returncode == 0 and done.stdout.strip() == expected


def test_the_packages_own_folders_are_found_from_any_folder(tmp_path):
    """Run from outside the checkout: the themes (templates) and filters are the package's."""
    done = exporter("html", SEEDS, "-o", tmp_path / "s.html", "--theme", "plain", "-q",
                    cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert 'class="callout' in (tmp_path / "s.html").read_text()
