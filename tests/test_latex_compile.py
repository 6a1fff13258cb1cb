"""The compile of a LaTeX guide: its time limit, which grows with the source."""
from __future__ import annotations

import pytest

from exporter.errors import ExportError
from exporter.render import latex

from .conftest import require_tex


def test_a_longer_source_has_longer_to_compile():
    assert latex.compile_seconds(0) == latex.COMPILE_SECONDS
    assert latex.compile_seconds(10 * 2**20) == latex.COMPILE_SECONDS + 10 * 300


def test_tex_past_its_time_is_stopped(tmp_path, monkeypatch):
    require_tex()
    monkeypatch.setattr(latex, "COMPILE_SECONDS", 0)
    monkeypatch.setattr(latex, "COMPILE_SECONDS_PER_MB", 0)
    tex = tmp_path / "x.tex"
    tex.write_text("\\documentclass{article}\\begin{document}x\\end{document}\n")
    with pytest.raises(ExportError, match="TeX took longer than 0 s"):
        latex.compile_pdf(tex)
