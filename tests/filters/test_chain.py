"""The chain's shortcut: a filter's ACTS_ON (the element types its action acts on) must
change nothing but which calls are made."""
from __future__ import annotations

import importlib

import pytest

from exporter import export

from ..conftest import FIXTURES


@pytest.mark.parametrize("fmt", ["html", "latex"])
@pytest.mark.parametrize("vault", ["obsidian", "edges"])
def test_acts_on_gives_the_output_calling_every_action_gives(tmp_path, monkeypatch, vault, fmt):
    shortcut = export(FIXTURES / vault, fmt, output=tmp_path / "a" / f"guide.{fmt}",
                      cache=False, jobs=1).output.read_text()
    filters = importlib.import_module("filters")  # after exporter, which it imports
    assert [m.__name__ for m in filters.CHAIN if not hasattr(m, "ACTS_ON")] == [
        "filters.raw_content"]  # it vets the attributes of any element
    for module in filters.CHAIN:
        monkeypatch.delattr(module, "ACTS_ON", raising=False)
    every_call = export(FIXTURES / vault, fmt, output=tmp_path / "b" / f"guide.{fmt}",
                        cache=False, jobs=1).output.read_text()
    assert shortcut == every_call
