"""TeX math drawn as SVG in the PDF and HTML (tests/fixtures/math), MathML in the EPUB,
native in LaTeX; a formula ziamath cannot draw is code, with a warning."""
from __future__ import annotations

import html
import re
import shutil
import subprocess
import zipfile

import panflute as pf
import pikepdf
import pytest
from exporter.filters import footnotes, formulas
from PIL import Image

from exporter import export, pandoc
from exporter.cache import Cache
from exporter.config import Options
from exporter.render.handout import export_handout

from ..conftest import FIXTURES, epubcheck, page_texts, printed_pages, require, require_tex

VAULT = FIXTURES / "math"
FORMS = {
    "vmatrix": "\\begin{vmatrix}a & b\\\\\nc & d\n\\end{vmatrix}=ad-bc",
    "pmatrix": r"\begin{pmatrix}1 & 2\\ 3 & 4\end{pmatrix}",
    "matrix": r"\begin{matrix} 1 & 0 \\ 0 & 1 \end{matrix}",
    "array": r"\begin{array}{cc} a & b \\ c & d \end{array}",
    "aligned": r"\begin{aligned} (a+b)^2 &= a^2 + 2ab + b^2 \\ x &\le n \end{aligned}",
    "cases": r"f(x) = \begin{cases} 1 & \text{if } x < 0 \\ 0 & \text{otherwise} \end{cases}",
    "text, operatorname, mathbb": r"\operatorname{rank}(A) \in \mathbb{R} \text{ for } A",
    "accents": r"\hat{x} + \bar{y} + \vec{v} + \tilde{n} + \dot{a}",
    "frac, sqrt": r"\frac{-b \pm \sqrt{b^2 - 4ac}}{2a} + \sqrt[3]{8}",
    "sum, int, lim": r"\sum_{i=1}^{n} i + \int_0^\infty e^{-x}\,dx + \lim_{x \to 0} x",
}
NOT_DRAWN = {
    "unknown command": r"\unknowncommand{x}",
    "unknown environment": r"\begin{gathered} a \\ b \end{gathered}",
    "unbalanced": r"\frac{a}{",
}
GATHERED = r"\begin{gathered} a = b \\ c = d \end{gathered}"  # in Algebra.md, not drawn
TEX_SOURCE = [r"\frac", r"\begin{", "$$", r"\mathbb", r"\sqrt", "\\\\"]


@pytest.mark.parametrize("display", [False, True])
@pytest.mark.parametrize("name", FORMS)
def test_each_form_is_drawn_as_paths_labelled_with_its_tex(name, display):
    tex = FORMS[name]
    picture = formulas.draw(tex, display)
    assert picture.startswith(formulas.PICTURE) and "<path" in picture
    assert f'aria-label="{html.escape(" ".join(tex.split()))}"' in picture
    assert "<title>" in picture and " id=" not in picture  # nothing to clash between formulas
    assert "black" not in picture  # currentColor: the text's colour, where the reader knows it
    _, top, width, height = map(float, re.search(r'viewBox="([^"]+)"', picture)[1].split())
    size = re.search(r'style="width:([\d.]+)em;height:([\d.]+)em;([^"]*)"', picture)
    assert float(size[1]) == pytest.approx(width / formulas.SIZE, abs=0.001)
    assert float(size[2]) == pytest.approx(height / formulas.SIZE, abs=0.001)
    if display:
        assert size[3] == "max-width:100%;display:block;margin:0.5em auto"  # shrunk to fit
    else:  # lowered by what it has below its baseline (y = 0)
        assert size[3] == f"vertical-align:{-(top + height) / formulas.SIZE:.3f}em"


@pytest.mark.parametrize("name", NOT_DRAWN)
def test_what_ziamath_cannot_draw_is_not_drawn(name):
    assert formulas.draw(NOT_DRAWN[name], False) == ""


def test_text_with_markup_characters_is_drawn():
    assert formulas.draw(r"\text{if a < b & c > d}", False)


def run(markdown: str, pictures: bool = True, cache=None):
    doc = pandoc.parse_markdown(markdown, "test")
    doc.format, doc.math_pictures, doc.cache = "html", pictures, cache
    return formulas.main(doc)


def test_a_formula_not_drawn_is_its_tex_as_code():
    doc = run("Before $\\unknowncommand{x}$ after.")
    assert pf.stringify(doc).strip() == "Before \\unknowncommand{x} after."
    codes = []
    doc.walk(lambda e, d: codes.append(e) if isinstance(e, pf.Code) else None)
    assert [c.text for c in codes] == ["\\unknowncommand{x}"] and codes[0].classes == ["math"]


def test_a_formula_in_a_list_in_a_footnote_is_drawn_not_its_svg_written_out():
    doc = run("Text.[^a]\n\n[^a]: First $a^2$.\n\n    - an item with $b^2$\n")
    doc.paged = True
    page = pandoc.write(footnotes.main(doc), "html", [], "t")
    assert page.count("<svg") == 2 and "&lt;svg" not in page


def test_without_pictures_the_math_stays_for_pandoc():
    doc = run("Inline $x^2$.", pictures=False)
    found = []
    doc.walk(lambda e, d: found.append(e.text) if isinstance(e, pf.Math) else None)
    assert found == ["x^2"]


def test_each_formula_is_drawn_once_then_read_from_memory_or_disk(monkeypatch, tmp_path):
    drawn = []
    real_draw = formulas.draw
    monkeypatch.setattr(formulas, "draw", lambda tex, display: drawn.append(tex)
                        or real_draw(tex, display))
    monkeypatch.setattr(formulas, "DRAWN", {})
    disk = Cache(tmp_path)
    first = pandoc.write(run("$y_1$ and $y_1$, $$y_1$$", cache=disk), "html", [], "t")
    assert drawn == ["y_1", "y_1"]  # inline and display are two pictures
    monkeypatch.setattr(formulas, "DRAWN", {})  # another run: only the disk remembers
    assert pandoc.write(run("$y_1$ and $y_1$, $$y_1$$", cache=disk), "html", [], "t") == first
    assert drawn == ["y_1", "y_1"]


@pytest.fixture(scope="module")
def pdf(tmp_path_factory):
    result = export(VAULT, "pdf", output=tmp_path_factory.mktemp("pdf") / "m.pdf")
    return result.output, result.warnings


def test_the_pdf_shows_no_tex_but_the_formula_it_could_not_draw(pdf):
    text = " ".join("".join(page_texts(pdf[0])).split())
    assert GATHERED in text  # as code
    for source in TEX_SOURCE:
        assert source not in text.replace(GATHERED, ""), source
    assert f"Algebra.md:41: formula not drawn, printed as TeX: {GATHERED}" in pdf[1]


def test_the_contents_and_index_stay_right(pdf):
    pages = printed_pages(pdf[0])
    assert "Analysis on" in pages["2"] and "Algebra" in pages["1"]
    contents = [" ".join(line.split()) for line in page_texts(pdf[0], layout=True)[1].split("\n")]
    for entry in ["Algebra 1", "Matrices 1", "Cases and alignment 1", "Analysis on 2",
                  "Limits, and as one 2", "Index 3"]:  # "on ℝ", "and e": pictures, not text
        assert entry in contents
    index = pages["3"]
    assert "determinant, 1" in index and "Analysis, 1, 2" in index


def test_a_heading_with_a_formula_names_it_in_bookmarks_and_running_heads(pdf):
    with pikepdf.open(pdf[0]) as document, document.open_outline() as outline:
        titles = [(item.title, [child.title for child in item.children])
                  for item in outline.root]
    assert ("Analysis on ℝ", ["Limits, and e as one"]) in titles
    page = next(t for t in page_texts(pdf[0]) if "The reals" in t)
    assert page.startswith("Analysis on ℝ\n")  # the running head


@pytest.mark.parametrize("tex, text", [
    (r"e^{i\pi} + 1 = 0", "e^(iπ)+1=0"), (r"\mathbb{R}^n", "ℝ^n"), (r"x_i^2", "x_i^2"),
    (r"\frac{a+b}{2}", "(a+b)/2"), (r"\sqrt{x}", "√x"), (r"\text{if } x < 0", "if x<0"),
])
def test_a_formula_in_a_line(tex, text):
    assert formulas.in_a_line(tex) == text


def words(pdf, page: int) -> list[tuple[str, float, float, float, float]]:
    """The words of a page (from 1), with their boxes in points: text, x0, y0, x1, y1."""
    require(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils)")
    out = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout
    return [(html.unescape(w[4]), *map(float, w[:4])) for w in re.findall(
        r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<', out)]


DPI = 144


def ink(image, box) -> tuple[int, int, int, int] | None:
    """The box (in points) of what is drawn dark within `box` (in points)."""
    scale = DPI / 72
    part = image.crop(tuple(round(v * scale) for v in box)).point(lambda v: 255 * (v < 128))
    found = part.getbbox()
    if found is None:
        return None
    return tuple(box[i % 2] + found[i] / scale for i in range(4))


def test_the_formulas_are_drawn_on_the_baseline_at_the_text_size(pdf, tmp_path):
    require(shutil.which("pdftoppm") is not None, "pdftoppm (poppler-utils)")
    page = next(n for n, t in enumerate(page_texts(pdf[0]), 1) if "two by two" in t)
    subprocess.run(["pdftoppm", "-gray", "-r", str(DPI), "-f", str(page), "-l", str(page),
                    "-singlefile", "-png", str(pdf[0]), str(tmp_path / "p")], check=True)
    image = Image.open(tmp_path / "p.png")
    found = words(pdf[0], page)
    at = {text: box for text, *box in reversed(found)}  # each word's first place
    # display: centred in the empty band between the lines around it
    width = image.width * 72 / DPI  # the margins are equal: the column's middle is the page's
    drawn = ink(image, (0, at["it:"][3] + 1, width, at["This"][1] - 1))
    assert drawn is not None and drawn[2] - drawn[0] > 50
    assert abs((drawn[0] + drawn[2]) / 2 - width / 2) < 3
    # inline, e^{2i\pi} = 1: between "expression" and its comma, on the line's baseline
    expression = at["expression"]
    comma = min((box for text, *box in found if box[1] == expression[1] and box[0] > expression[2]),
                key=lambda box: box[0])  # the next word on its line
    formula = ink(image, (expression[2] + 0.5, expression[1] - 6, comma[0] - 0.5,
                          expression[3] + 6))
    math = ink(image, tuple(at["math"]))  # no descender: its ink ends on the baseline
    assert formula is not None and abs(formula[3] - math[3]) < 1
    assert 0.8 < (formula[3] - formula[1]) / (math[3] - math[1]) < 1.6  # e^{2i\pi}: x-height
    # and more, by the superscript: the text's size, not a picture's own


def test_a_display_formula_wider_than_the_column_is_shrunk_to_fit(pdf, tmp_path):
    require(shutil.which("pdftoppm") is not None, "pdftoppm (poppler-utils)")
    page = next(n for n, t in enumerate(page_texts(pdf[0]), 1) if "Shrunk, not cut off" in t)
    subprocess.run(["pdftoppm", "-gray", "-r", str(DPI), "-f", str(page), "-l", str(page),
                    "-singlefile", "-png", str(pdf[0]), str(tmp_path / "p")], check=True)
    image = Image.open(tmp_path / "p.png")
    at = {text: box for text, *box in words(pdf[0], page)}
    width = image.width * 72 / DPI
    drawn = ink(image, (0, at["it:"][3] + 1, width, at["Shrunk,"][1] - 1))
    margin = at["Shrunk,"][0]
    assert drawn is not None and drawn[0] >= margin - 1 and drawn[2] <= width - margin + 1


def test_the_html_has_each_formula_as_a_labelled_svg(tmp_path):
    result = export(VAULT, "html", output=tmp_path / "m.html")
    page = result.output.read_text()
    sources = re.findall(r"\$\$(.+?)\$\$|\$(.+?)\$", "".join(
        p.read_text() for p in sorted(VAULT.glob("*.md"))), flags=re.S)
    contents, body = page.split("</nav>", 1)
    labels = re.findall(r'<svg [^>]*class="math (?:inline|display)"[^>]*aria-label="([^"]*)"',
                        body)
    assert len(labels) == len(sources) - 1  # all but the gathered one: code
    assert contents.count(formulas.PICTURE) == 2  # in headings: ℝ and e
    assert html.escape(r"\begin{vmatrix}a & b\\ c & d \end{vmatrix}=ad-bc") in labels
    body = re.sub(r"<svg.*?</svg>|<code.*?</code>|<title>.*?</title>", "", page, flags=re.S)
    for source in TEX_SOURCE:
        assert source not in body, source


def test_the_handout_draws_the_formulas_and_names_a_chapter_with_one_as_text(tmp_path):
    result = export_handout(Options(fmt="html", source=VAULT, output=tmp_path / "h.pdf"))
    text = " ".join("".join(page_texts(result.output)).split())
    assert "xmlns" not in text and "<svg" not in text
    for source in TEX_SOURCE:
        assert source not in text.replace(GATHERED, ""), source
    assert "Analysis on ℝ guide p. 2" in text  # the key concept linked to that chapter


def test_the_epub_keeps_mathml_and_passes_epubcheck(tmp_path):
    out = export(VAULT / "Algebra.md", "epub", output=tmp_path / "m.epub").output
    check = epubcheck(out)
    assert check.returncode == 0 and "0 errors" in check.stdout, check.stdout
    with zipfile.ZipFile(out) as book:
        text = " ".join(book.read(n).decode() for n in book.namelist() if n.endswith(".xhtml"))
    assert "<math" in text and formulas.PICTURE not in text


def test_an_epub_with_math_in_a_heading_passes_epubcheck(tmp_path):
    """pandoc puts a heading's MathML in nav.xhtml and does not declare the nav's `mathml`
    property (epubcheck OPF-014): the join does."""
    check = epubcheck(export(VAULT, "epub", output=tmp_path / "m.epub").output)
    assert check.returncode == 0, check.stdout


def test_the_latex_keeps_its_own_math_and_compiles(tmp_path):
    require_tex()
    result = export(VAULT, "latex", output=tmp_path / "m.tex", compile_tex=True)
    tex = result.output.read_text()
    assert "\\begin{vmatrix}" in tex and formulas.PICTURE not in tex
    assert result.extra[0].stat().st_size > 0
