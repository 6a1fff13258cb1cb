"""The PDF as a typeset book: themes, the user's CSS and template, duplex, the page box."""
from __future__ import annotations

import pytest
from pypdf import PdfReader

from exporter import UsageError, export

from .conftest import FIXTURES, SEEDS, printed_pages

TEMPLATE = """<!DOCTYPE html>
<html lang="$lang$"><head><meta charset="utf-8"><title>$pagetitle$</title>
<style>$styles$</style></head>
<body><p class="my-banner">MY OWN TEMPLATE</p>$body$</body></html>
"""


def test_themes_and_the_users_css(tmp_path):
    css = tmp_path / "mine.css"
    css.write_text("h1 { color: #123456; }")
    plain_rule = "mark { background: none; text-decoration: underline; }"  # themes/plain.css
    plain = export(SEEDS, "html", output=tmp_path / "p.html", theme="plain", css=css)
    text = plain.output.read_text()
    assert plain_rule in text and text.index(plain_rule) < text.index("#123456")
    default = export(SEEDS, "html", output=tmp_path / "d.html").output.read_text()
    assert plain_rule not in default


def test_unknown_theme_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="unknown theme 'fancy'.*plain, study-guide"):
        export(SEEDS, "pdf", output=tmp_path / "x.pdf", theme="fancy")


def test_a_template_replaces_the_html_template(tmp_path):
    template = tmp_path / "t.html"
    template.write_text(TEMPLATE)
    pdf = export(SEEDS, "pdf", output=tmp_path / "t.pdf", template=template).output
    body_text = printed_pages(PdfReader(pdf))["1"]
    assert body_text.startswith("MY OWN TEMPLATE")


def test_duplex_opens_every_chapter_on_a_right_hand_page(tmp_path):
    pdf = PdfReader(export(FIXTURES / "prince", "pdf", output=tmp_path / "d.pdf",
                           duplex=True).output)
    printed = printed_pages(pdf)
    openings = [int(n) for n, text in printed.items() if n.isdigit() and text.startswith(
        ("Introduction", "Of hereditary", "How the strength", "Cesare Borgia", "Index"))]
    assert len(openings) == 5 and all(n % 2 == 1 for n in openings)
    front = next(i for i, p in enumerate(pdf.pages) if p.extract_text().strip().endswith("\n1"))
    assert front % 2 == 0  # page 1 is a recto: an even number of pages before it


def test_no_text_starts_outside_the_page_box(tmp_path):
    pdf = PdfReader(export(SEEDS, "pdf", output=tmp_path / "s.pdf").output)
    for number, page in enumerate(pdf.pages, start=1):
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        outside = []

        def visit(text, cm, tm, font, size, page_width=width, page_height=height,
                  outside=outside):
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            if text.strip() and not (0 <= x <= page_width and 0 <= y <= page_height):
                outside.append((text, x, y))
        page.extract_text(visitor_text=visit)
        assert not outside, (number, outside[:3])
