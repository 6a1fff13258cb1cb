"""The HTML page reads as a web page: a measure of about 40 em, centred, the contents in a
side column on wide screens, a viewport for phones, dark when asked; print unchanged."""
from __future__ import annotations

import shutil
import subprocess

import pytest
from PIL import Image

from exporter import export

from .conftest import FIXTURES, require

VAULT = FIXTURES / "realistic"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    return export(VAULT, "html", output=tmp_path_factory.mktemp("web") / "guide.html").output


def screenshot(page, folder, width, dark=False):
    require(CHROMIUM is not None, "Chromium")
    shot = folder / f"shot-{width}-{dark}.png"
    subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", f"--user-data-dir={folder / 'profile'}",
                    "--hide-scrollbars", f"--window-size={width},2400",
                    *(["--blink-settings=preferredColorScheme=0"] if dark else []),
                    f"--screenshot={shot}", page.as_uri()],
                   capture_output=True, timeout=120, check=True)
    return Image.open(shot).convert("L")


def ink_columns(image, left: int) -> list[int]:
    """The pixel columns right of `left` that hold any dark ink, below the title page."""
    width, height = image.size
    pixels = image.load()
    return [x for x in range(left, width)
            if any(pixels[x, y] < 110 for y in range(1000, height, 2))]


def test_the_page_has_a_viewport_and_screen_styles_the_pdf_does_not(page, tmp_path):
    markup = page.read_text()
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in markup
    assert "@media screen" in markup and "prefers-color-scheme: dark" in markup
    assert 'href="#TOC">Contents</a>' in markup
    pdf_body = export(VAULT, "pdf", output=tmp_path / "g.pdf").output  # laid out from print.css
    assert pdf_body.exists()


def test_text_keeps_a_measure_beside_the_contents_on_a_wide_screen(page, tmp_path):
    image = screenshot(page, tmp_path, 1200)
    body = ink_columns(image, left=320)  # right of the contents' column
    assert body, "no text right of the contents"
    assert max(body) - min(body) <= 760  # 40 em of 18 px, and a little
    assert max(body) <= 1200 - 40  # a margin on the right, not text to the window's edge
    contents = [x for x in range(300) if any(image.getpixel((x, y)) < 110 for y in range(400))]
    assert contents, "no contents in the side column"


def test_dark_when_the_reader_asks(page, tmp_path):
    light, dark = screenshot(page, tmp_path, 1200), screenshot(page, tmp_path, 1200, dark=True)
    assert light.getpixel((600, 20)) > 200 and dark.getpixel((600, 20)) < 60
