"""The chain's shortcut: a filter's ACTS_ON (the element types its action acts on) must
change nothing but which calls are made."""
from __future__ import annotations

import importlib

import pytest

from exporter.config import Options
from exporter.pipeline import build

from ..conftest import FIXTURES


def filtered(vault: str, fmt: str) -> tuple:
    """What the filters made of the vault: each note's blocks, the index, the warnings."""
    guide = build(Options(fmt=fmt, source=FIXTURES / vault, cache=False, jobs=1))
    return guide.parts, guide.index, guide.contents, guide.warnings.messages


# pdf: the paged flags (footnotes floated to the page foot); latex: raw LaTeX of its own
@pytest.mark.parametrize("fmt", ["pdf", "html", "latex"])
@pytest.mark.parametrize("vault", ["obsidian", "edges"])
def test_acts_on_gives_what_calling_every_action_gives(monkeypatch, vault, fmt):
    shortcut = filtered(vault, fmt)
    filters = importlib.import_module("exporter.filters")
    assert [m.__name__ for m in filters.CHAIN if not hasattr(m, "ACTS_ON")] == [
        "exporter.filters.raw_content"]  # it vets the attributes of any element
    for module in filters.CHAIN:
        monkeypatch.delattr(module, "ACTS_ON", raising=False)
    assert filtered(vault, fmt) == shortcut
