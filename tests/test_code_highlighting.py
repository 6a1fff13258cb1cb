"""Code with a language is highlighted as pandoc marks it, in a style that prints in black
and white (keywords bold, comments italic), in the PDF, HTML and EPUB."""
from __future__ import annotations

import subprocess
import zipfile

from exporter import export

NOTE = '''# Prices

Smith's natural price, in code:

```python
def natural_price(wages, rent, profit):
    return wages + rent + profit  # the three parts
```
'''


def vault(tmp_path):
    (tmp_path / "v").mkdir(exist_ok=True)
    (tmp_path / "v" / "Prices.md").write_text(NOTE)
    return tmp_path / "v"


def test_pdf_sets_keywords_bold_and_comments_italic(tmp_path):
    pdf = export(vault(tmp_path), "pdf", output=tmp_path / "p.pdf").output
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True,
                           check=True).stdout
    assert "DejaVu-Sans-Mono-Bold" in fonts  # def, return
    assert "DejaVu-Sans-Mono-Oblique" in fonts  # the comment


def test_html_and_epub_carry_the_style_with_the_marks(tmp_path):
    page = export(vault(tmp_path), "html", output=tmp_path / "p.html").output.read_text()
    assert '<span class="kw">def</span>' in page and "code span.kw" in page
    book = export(vault(tmp_path), "epub", output=tmp_path / "p.epub").output
    with zipfile.ZipFile(book) as epub:
        css = "".join(epub.read(n).decode() for n in epub.namelist() if n.endswith(".css"))
    assert "code span.kw" in css and "code span.co" in css
