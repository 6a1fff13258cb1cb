"""Worker processes: results in order, errors raised here, the collector's threshold, and
the cache entries the outline and filter workers write."""
from __future__ import annotations

import gc
import os
import shutil

import pytest

from exporter import export, per_note, workers

from .conftest import FIXTURES


def test_results_come_back_in_the_items_order_from_other_processes():
    results = workers.run(lambda n: (n * n, os.getpid()), range(40), processes=2)
    assert [square for square, _ in results] == [n * n for n in range(40)]
    assert os.getpid() not in {pid for _, pid in results}


def test_an_error_in_a_worker_is_raised_here():
    def fail_on_seven(n):
        if n == 7:
            raise ValueError("seven")
        return n

    with pytest.raises(ValueError, match="seven"):
        workers.run(fail_on_seven, range(20), processes=2)


def test_collect_every_sets_the_workers_threshold_and_leaves_this_process_alone():
    before = gc.get_threshold()
    seen = workers.run(lambda _: gc.get_threshold(), range(4), processes=2,
                       collect_every=12_345)
    assert seen == [(12_345, *before[1:])] * 4
    assert workers.run(lambda _: gc.get_threshold(), range(4), processes=2) == [before] * 4
    assert gc.get_threshold() == before


def test_workers_keep_outlines_and_filtered_notes_and_an_edit_refilters_one(tmp_path,
                                                                         monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    vault = tmp_path / "vault"
    shutil.copytree(FIXTURES / "prince", vault)
    notes = len([p for p in vault.rglob("*.md") if ".trash" not in p.parts])
    export(vault, "html", output=tmp_path / "p.html", jobs=2)
    kept = tmp_path / "cache" / "obsidian-study-guide"
    assert {kind: len(list((kept / kind).rglob("*.json"))) for kind in ("outline", "filtered")} \
        == {"outline": notes, "filtered": notes}  # written by the workers, each note once

    edited = vault / "Chapters" / "Chapter 10.md"
    edited.write_text(edited.read_text() + "\nOne more sentence, about fortresses.\n")
    real = per_note.filter_note

    def only_the_edited(note, context):
        if note.path.name != edited.name:
            raise AssertionError(f"{note.rel} filtered again")
        return real(note, context)

    monkeypatch.setattr(per_note, "filter_note", only_the_edited)  # the forked workers see it
    export(vault, "html", output=tmp_path / "p.html", jobs=2)
    assert "about fortresses" in (tmp_path / "p.html").read_text(encoding="utf-8")
