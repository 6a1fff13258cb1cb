"""Numbers drawn into laid-out pages: where the hidden slots were, once each in the text."""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from exporter.render import stamps
from exporter.render.chunks import lay_out_part

from .conftest import require

PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><style>
@page { size: A5; margin: 20mm; @bottom-center { content: counter(page); visibility: hidden; } }
a.xref::after { content: "(p.\\00A0" "888" ")"; visibility: hidden; }
p { font-size: 12pt; }
</style></head><body>
<p id="start">See <a class="xref" href="#far">the far page</a>, then go on.</p>
<p id="far" style="break-before: page">The far page.</p>
</body></html>"""


def words(pdf) -> list[tuple[str, float, float]]:
    """Each word pdftotext finds: its text and its middle, in points."""
    require(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils)")
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    found = re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)<',
                       html)
    return [(text, (float(x0) + float(x1)) / 2, float(y0)) for x0, y0, x1, text in found]


def test_slots_are_found_and_numbers_drawn_there_once(tmp_path):
    chunk = lay_out_part(PAGE, tmp_path, tmp_path / "chunk.pdf")
    kinds = sorted((slot.page, slot.target or "", slot.text, slot.align) for slot in chunk.slots)
    assert kinds == [(0, "", "{}", "center"), (0, "far", "(p.\u00a0{})", "right"),
                     (1, "", "{}", "center")]
    assert "888" not in " ".join(text for text, *_ in words(tmp_path / "chunk.pdf"))

    sheet = stamps.make_sheet(chunk.slots, "", tmp_path, tmp_path / "glyphs.pdf")
    numbers = [{None: 41 + slot.page, "far": 42}[slot.target] for slot in chunk.slots]
    stamps.draw(chunk.pdf, chunk.slots, numbers, sheet, tmp_path / "numbered.pdf")

    drawn = words(tmp_path / "numbered.pdf")
    texts = [text for text, *_ in drawn]
    assert texts.count("41") == 1 and texts.count("42") == 1  # the folios
    assert texts.count("42)") == 1  # the cross-reference
    middle = 148.5 / 25.4 * 72 / 2  # of an A5 page, in points
    folio = next((x, y) for text, x, y in drawn if text == "41")
    assert abs(folio[0] - middle) < 1 and folio[1] > 500  # centred, at the foot
    first_page = texts[:texts.index("41")]
    # the number right-aligned in the room of "888": the comma stands a little apart
    assert first_page == ["See", "the", "far", "page", "(p.", "42)", ",", "then", "go", "on."]


def test_a_number_without_a_page_stays_unseen(tmp_path):
    chunk = lay_out_part(PAGE, tmp_path, tmp_path / "chunk.pdf")
    sheet = stamps.make_sheet(chunk.slots, "", tmp_path, tmp_path / "glyphs.pdf")
    numbers = [None if slot.target else 7 for slot in chunk.slots]
    stamps.draw(chunk.pdf, chunk.slots, numbers, sheet, tmp_path / "numbered.pdf")
    assert "(p." not in " ".join(text for text, *_ in words(tmp_path / "numbered.pdf"))


def test_a_weasyprint_not_tested_is_refused_with_what_to_install():
    from exporter.errors import ExportError
    from exporter.render.stamps import require_tested_weasyprint
    require_tested_weasyprint("70.0")
    with pytest.raises(ExportError, match=r"WeasyPrint 71.1 is installed.*weasyprint>=70,<71"):
        require_tested_weasyprint("71.1")
