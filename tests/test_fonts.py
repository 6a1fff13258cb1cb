"""The reader's fonts from exporter.toml (font, heading_font, mono_font): installed families
or a font file of the vault, in the PDF, EPUB and LaTeX; a missing one warns and falls back."""
from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from exporter import export

from .conftest import require, require_tex

DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
NOTE = "# Chapter one\n\nBody text of the note, with `inline code` in it.\n"


@pytest.fixture
def vault(tmp_path):
    folder = tmp_path / "v"
    folder.mkdir()
    (folder / "Note.md").write_text(NOTE)
    return folder


def fonts_of(pdf: Path) -> str:
    require(shutil.which("pdffonts") is not None, "pdffonts (poppler-utils)")
    return subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True,
                          check=True).stdout


def test_installed_families_set_the_body_headings_and_code(vault, tmp_path):
    (vault / "exporter.toml").write_text(
        'font = "DejaVu Sans"\nheading_font = "Noto Sans"\nmono_font = "DejaVu Serif"\n')
    result = export(vault, "pdf", output=tmp_path / "f.pdf")
    fonts = fonts_of(result.output)
    assert "DejaVu-Sans " in fonts or "DejaVuSans " in fonts  # the body
    assert "Noto-Sans-Bold" in fonts or "NotoSans-Bold" in fonts  # the headings
    assert "DejaVu-Serif" in fonts  # the code
    assert "Caladea" not in fonts
    assert not [w for w in result.warnings if "font" in w]


def test_a_missing_family_warns_with_the_file_and_the_guide_keeps_its_own(vault, tmp_path):
    (vault / "exporter.toml").write_text('\nfont = "No Such Family"\n')
    result = export(vault, "pdf", output=tmp_path / "f.pdf")
    assert "Caladea" in fonts_of(result.output)
    assert any(w.startswith("exporter.toml: font 'No Such Family' is not an installed")
               for w in result.warnings), result.warnings


def test_a_font_file_of_the_vault(vault, tmp_path):
    require((DEJAVU / "DejaVuSansMono.ttf").is_file(), "DejaVu fonts")
    (vault / "fonts").mkdir()
    shutil.copy(DEJAVU / "DejaVuSansMono.ttf", vault / "fonts" / "Body.ttf")
    (vault / "exporter.toml").write_text('font = "fonts/Body.ttf"\n')
    result = export(vault, "pdf", output=tmp_path / "f.pdf")
    assert "DejaVu-Sans-Mono" in fonts_of(result.output) or "DejaVuSansMono" in fonts_of(
        result.output)
    (vault / "exporter.toml").write_text('font = "../outside.ttf"\n')
    result = export(vault, "html", output=tmp_path / "f.html")
    assert any("no such font file inside the vault" in w for w in result.warnings)


def test_epub_and_latex_name_the_families(vault, tmp_path):
    require_tex()
    (vault / "exporter.toml").write_text(
        'font = "DejaVu Sans"\nheading_font = "Noto Sans"\nmono_font = "DejaVu Serif"\n')
    book = export(vault, "epub", output=tmp_path / "f.epub").output
    with zipfile.ZipFile(book) as epub:
        css = "".join(epub.read(n).decode() for n in epub.namelist() if n.endswith(".css"))
    assert 'html { font-family: "DejaVu Sans"' in css
    result = export(vault, "latex", output=tmp_path / "f.tex", compile_tex=True)
    fonts = fonts_of(result.extra[0])
    assert "DejaVuSans" in fonts.replace("-", "") and "NotoSans" in fonts.replace("-", "")
