"""cover = "<vault image>" in exporter.toml: the PDF's first page, full, before the title
page; the EPUB's cover (its cover-image, first in the spine); a missing image warns."""
from __future__ import annotations

import shutil
import subprocess
import zipfile

import pikepdf
import pytest

from exporter import export

from .conftest import FIXTURES, epubcheck, page_texts, require

REALISTIC = FIXTURES / "realistic"
COVER = "Attachments/Images/smith-portrait.jpg"


@pytest.fixture
def vault(tmp_path):
    folder = tmp_path / "v"
    shutil.copytree(REALISTIC, folder)
    (folder / "exporter.toml").write_text(f'cover = "{COVER}"\n')
    return folder


def test_the_pdf_opens_on_the_cover_then_the_title_page(vault, tmp_path):
    require(shutil.which("pdfimages") is not None, "pdfimages (poppler-utils)")
    pdf = export(vault, "pdf", output=tmp_path / "c.pdf").output
    texts = page_texts(pdf)
    assert texts[0].strip() == "" and "A study guide" in texts[1]
    images = subprocess.run(["pdfimages", "-list", "-f", "1", "-l", "1", str(pdf)],
                            capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert len(images) == 1
    with pikepdf.open(pdf) as opened:
        page = opened.pages[0]
        assert [float(v) for v in page.mediabox] == [float(v) for v in opened.pages[1].mediabox]
        labels = opened.Root.PageLabels.Nums
        assert str(labels[1].P) == "Cover" and int(labels[2]) == 1 and str(labels[3].S) == "/r"


def test_the_epub_has_the_cover(vault, tmp_path):
    book = export(vault, "epub", output=tmp_path / "c.epub").output
    checked = epubcheck(book)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    with zipfile.ZipFile(book) as epub:
        opf = epub.read("EPUB/content.opf").decode()
        assert epub.read("EPUB/media/cover-image.jpg") == (vault / COVER).read_bytes()
    assert 'properties="cover-image"' in opf
    assert opf.index('<itemref idref="cover_xhtml"') < opf.index('<itemref idref="title_page')


def test_a_cover_not_in_the_vault_warns_and_is_left_out(vault, tmp_path):
    (vault / "exporter.toml").write_text('title = "T"\ncover = "nowhere.jpg"\n')
    result = export(vault, "html", output=tmp_path / "c.html")
    assert "exporter.toml:2: cover 'nowhere.jpg': no such image inside the vault" in " ".join(
        result.warnings)
