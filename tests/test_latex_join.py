"""LaTeX written in runs of chapters by parallel pandoc runs is the .tex pandoc writes whole."""
from __future__ import annotations

import pytest
from PIL import Image

from exporter import export
from exporter.render.latex import merged_lines

from .conftest import FIXTURES, SEEDS, require_tex

# Only the last notes need what pandoc's template loads on demand: a table (longtable),
# highlighted code (the highlighting macros), struck-out text, an image.
FEATURES = {
    "1 Plain.md": "# Plain\n\nJust words, and [[3 Table]].\n",
    "2 Plain too.md": "# Plain too\n\nMore words.\n",
    "3 Table.md": "# Table\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n~~gone~~\n",
    "4 Code.md": "# Code\n\n```python\nprint('hi')\n```\n\n![[dot.png]]\n",
}



@pytest.mark.parametrize("vault", [FIXTURES / "obsidian", FIXTURES / "prince", SEEDS, "features"])
def test_joined_runs_equal_the_whole(tmp_path, vault):
    if vault == "features":
        vault = tmp_path / "features"
        vault.mkdir()
        for name, text in FEATURES.items():
            (vault / name).write_text(text)
        Image.new("RGB", (4, 4), "navy").save(vault / "dot.png")
    whole = export(vault, "latex", output=tmp_path / "whole" / "g.tex", jobs=1).output
    joined = export(vault, "latex", output=tmp_path / "joined" / "g.tex", jobs=4).output
    assert joined.read_text() == whole.read_text()


def test_a_feature_only_a_later_run_has_compiles(tmp_path):
    require_tex()
    vault = tmp_path / "features"
    vault.mkdir()
    for name, text in FEATURES.items():
        (vault / name).write_text(text)
    Image.new("RGB", (4, 4), "navy").save(vault / "dot.png")
    result = export(vault, "latex", output=tmp_path / "out" / "g.tex", jobs=4, compile_tex=True)
    source = result.output.read_text()
    assert "\\usepackage{longtable" in source and "\\DefineVerbatimEnvironment" in source
    assert result.extra[0].stat().st_size > 0


def test_merged_lines_take_each_template_line_once_in_order():
    ours = [(1, "a\n"), (2, "b\n"), (4, ""), (5, "e\n")]
    theirs = [(1, "a\n"), (3, "c\n"), (4, "macros\n"), (5, "e\n"), (5, "e\n")]
    assert merged_lines(ours, theirs) == [(1, "a\n"), (2, "b\n"), (3, "c\n"), (4, "macros\n"),
                                          (5, "e\n"), (5, "e\n")]
    assert merged_lines([], theirs) == theirs
