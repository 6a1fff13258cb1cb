"""`exporter watch`: a rebuild after each save, nothing after a change it does not read."""
from __future__ import annotations

import re
import shutil
import threading
import time

from exporter.config import Options
from exporter.watch import watch

from .conftest import FIXTURES


def wait_for(condition, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_a_saved_note_is_exported_again(tmp_path):
    vault = tmp_path / "vault"
    shutil.copytree(FIXTURES / "prince", vault)
    out = vault / "build" / "guide.html"  # an output inside the vault is not watched
    lines: list[str] = []
    stop = threading.Event()
    watcher = threading.Thread(target=watch, args=(
        Options(fmt="html", source=vault, output=out), lines.append, stop))
    watcher.start()
    try:
        wait_for(lambda: any(line.startswith("wrote") for line in lines))
        (vault / ".obsidian" / "workspace.json").write_text("{}")  # not a note: no rebuild
        note = vault / "Introduction.md"
        note.write_text(note.read_text() + "\nA sentence saved later.\n")
        wait_for(lambda: sum(line.startswith("wrote") for line in lines) == 2)
        assert "A sentence saved later." in out.read_text()
        (vault / "Broken.md").write_bytes(b"caf\xe9")  # left out, the rest exported
        wait_for(lambda: any(line.startswith("1 note left out") for line in lines))
        assert "error: Broken.md:1: not UTF-8 (byte 3)" in lines
        assert lines[-1] == "1 note left out: Broken.md (not UTF-8)"
        time.sleep(1)
        assert sum(line.startswith("wrote") for line in lines) == 3
    finally:
        stop.set()
        watcher.join(30)
    assert not watcher.is_alive()
    assert all(re.match(r"^(wrote .* in \d+\.\d s|error: .*|1 note left out: .*)$", line)
               for line in lines), lines


def test_one_note_is_exported_again_when_it_or_what_it_embeds_is_saved(tmp_path):
    vault = tmp_path / "vault"
    shutil.copytree(FIXTURES / "reading", vault)
    out = tmp_path / "note.html"
    lines: list[str] = []
    stop = threading.Event()
    watcher = threading.Thread(target=watch, args=(
        Options(fmt="html", source=vault / "Reading Notes" / "The Prince.md", output=out),
        lines.append, stop))
    watcher.start()
    try:
        wait_for(lambda: any(line.startswith("wrote") for line in lines))
        unrelated = vault / "Concepts" / "Unrelated.md"
        unrelated.write_text(unrelated.read_text() + "\nNot read by the note.\n")
        time.sleep(1)
        assert sum(line.startswith("wrote") for line in lines) == 1, lines
        embedded = vault / "Concepts" / "Fortuna.md"
        embedded.write_text(embedded.read_text() + "\nA line the embed now shows.\n")
        wait_for(lambda: sum(line.startswith("wrote") for line in lines) == 2)
        assert "A line the embed now shows." in out.read_text()
    finally:
        stop.set()
        watcher.join(30)
    assert not watcher.is_alive()
