"""Every character prints: scripts the body font lacks fall back to installed fonts, and
characters no font has are named in a warning with the file and line."""
from __future__ import annotations

import shutil
import subprocess

from exporter import export, glyphs

from .conftest import FIXTURES, page_texts, require

NOTE = FIXTURES / "scripts" / "Mixed scripts.md"
HAN = range(0x4E00, 0xA000)


def test_fontconfig_charsets_read_as_code_points():
    covered = glyphs.Coverage(glyphs.parse_charsets("20-22 4e00\n a0-a1 20-22 23 9f-a0"))
    assert [p in covered for p in (0x1F, 0x20, 0x23, 0x24, 0x9E, 0x9F, 0xA1, 0xA2, 0x4E00)] == [
        False, True, True, False, False, True, True, False, True]


def test_uncovered_characters_named_once_in_order_of_use():
    covered = glyphs.Coverage([(0x20, 0x1FFF)])
    text = "abc 学而 时习之 学 \u200d\ufe0f\n\u3000é"
    assert glyphs.unprintable(text, covered) == ["学", "而", "时", "习", "之"]


def test_chinese_japanese_arabic_print_in_fonts_that_have_them(tmp_path):
    require(shutil.which("pdffonts") is not None, "pdffonts (poppler-utils)")
    result = export(NOTE, "pdf", output=tmp_path / "s.pdf")
    assert not [w for w in result.warnings if "no installed font" in w]
    text = " ".join(page_texts(result.output))
    for words in ("学而时习之", "時に之を習う", "공부", "📚"):
        assert words in text
    assert "الحجر" in text or "رجحلا" in text  # poppler may give right-to-left runs reversed
    fonts = subprocess.run(["pdffonts", str(result.output)], capture_output=True, text=True,
                           check=True).stdout
    for family in ("CJK", "Emoji"):  # Arabic and Hebrew may come from DejaVu or Noto
        assert family in fonts, f"no {family} font embedded:\n{fonts}"


def test_characters_no_font_has_are_named_with_file_and_line(tmp_path, monkeypatch):
    lacking_han = glyphs.Coverage([(0x20, HAN.start - 1), (HAN.stop, 0x20000)])
    monkeypatch.setattr(glyphs, "installed_coverage", lambda: lacking_han)
    result = export(NOTE, "html", output=tmp_path / "s.html")
    [warning] = [w for w in result.warnings if "no installed font" in w]
    assert "Mixed scripts.md:4:" in warning  # the heading's line, where 读 first stands
    assert "读 (U+8BFB)" in warning and "more" in warning and "fonts-noto-cjk" in warning
