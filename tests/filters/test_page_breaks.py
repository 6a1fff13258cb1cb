"""Page breaks where the writer asks, and before headings down to `break_before`: in the
PDF and LaTeX, nowhere else."""
from __future__ import annotations

import re

import pytest

from exporter import export

from ..conftest import page_texts

NOTE = """---
title: Breaks
---
# One

Before the div.

<div style="page-break-after: always"></div>

After the div.

\\newpage

After newpage.

## Two

Text of two.

### Two and a half

Text of two and a half.

## Three
## Three, at once

Text of three.

\\pagebreak
"""


@pytest.fixture
def vault(tmp_path):
    (tmp_path / "v").mkdir()
    (tmp_path / "v" / "Breaks.md").write_text(NOTE)
    return tmp_path / "v"


def pages_starting(pdf) -> list[str]:
    """The first line of the body on each page (after the running head)."""
    lines = [[line for line in text.split("\n") if line.strip()] for text in page_texts(pdf)]
    return [page[1] if len(page) > 1 else "" for page in lines]


def test_the_asked_breaks_start_pages_in_the_pdf(vault, tmp_path):
    pages = pages_starting(export(vault, "pdf", output=tmp_path / "b.pdf").output)
    assert [p for p in pages if p.startswith("After")] == ["After the div.", "After newpage."]
    assert "Two" not in pages and "Three" not in pages  # headings break only when asked


def test_break_before_starts_a_page_at_each_heading_of_that_level(vault, tmp_path):
    (vault / "exporter.toml").write_text("break_before = 2\n")
    starts = pages_starting(export(vault, "pdf", output=tmp_path / "b.pdf").output)
    assert "Two" in starts and "Three" in starts
    assert "Two and a half" not in starts and "Three, at once" not in starts


def test_breaks_in_latex_and_none_in_html_or_epub(vault, tmp_path):
    (vault / "exporter.toml").write_text("break_before = 2\n")
    tex = export(vault, "latex", output=tmp_path / "b.tex").output.read_text()
    body = tex[tex.index("\\begin{document}"):]
    assert body.count("\\newpage") == 5  # the div, \newpage, \pagebreak, before Two and Three
    assert re.search(r"\\newpage\s+\\section\*?\{Two\}", body)
    html = export(vault, "html", output=tmp_path / "b.html").output.read_text()
    assert 'class="page-break"' not in html and "page-break-after: always\"" not in html
    assert "\\newpage" not in html and "\\pagebreak" not in html
