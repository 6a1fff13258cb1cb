"""Mermaid diagrams (tests/fixtures/mermaid) drawn by mermaid-cli: SVG in the PDF, HTML
and EPUB, a PDF image in LaTeX; a diagram that does not parse, or every diagram without a
renderer, stays code with a warning."""
from __future__ import annotations

import re
import shutil
import subprocess
import zipfile

import panflute as pf
import pytest
from exporter.filters import mermaid as mermaid_filter
from PIL import Image

from exporter import export, mermaid, pandoc
from exporter.cache import Cache

from .conftest import FIXTURES, epubcheck, page_texts, require, require_tex

VAULT = FIXTURES / "mermaid"
LABELS = ["Read the chapter", "Understood?", "Write the summary", "Asks a question",
          "Answers it", "Reader", "Author", "Notebook", "+open()", "Drafting", "Reviewed",
          "Reading plan", "Time spent"]
SOURCES = ["graph TD", "sequenceDiagram", "classDiagram", "stateDiagram", "gantt", "pie title"]
BROKEN = "Broken.md:7: Mermaid diagram not drawn, printed as code: Parse error on line 2"
MMDC_SVG = (  # as mmdc writes a sequence diagram: 100% wide, the viewBox off 0, CSS styles
    '<svg id="my-svg" width="100%" xmlns="http://www.w3.org/2000/svg" style="max-width: 450px;'
    ' background-color: white;" viewBox="-50 -10 450 305" role="graphics-document document">'
    '<style>#my-svg .messageLine0{stroke:#333;}</style><rect class="background"/>'
    '<line x1="76" y1="117" stroke="none" marker-end="url(#my-svg-arrowhead)" style="fill: '
    'none; stroke-dasharray: 3, 3;"/><circle r="7" width="14" height="14"/>'
    '<tspan font-weight="">Bob</tspan><line id="actor0"/><use href="#actor0"/></svg>')


def renderer():
    found = mermaid.find()
    require(found is not None, "mermaid-cli (mmdc) and Chromium")
    return found


def test_mmdc_svg_is_sized_by_its_viewbox_and_tidied_for_weasyprint_and_epub():
    picture = mermaid.with_id(mermaid.picture(MMDC_SVG), "n--mermaid-1")
    head = picture[:picture.index(">")]
    assert 'width="450" height="305"' in head and "100%\"" not in head and 'role="img"' in head
    assert "#n--mermaid-1 .messageLine0" in picture and "url(#n--mermaid-1-arrowhead)" in picture
    assert ('<line x1="76" y1="117" stroke="none" marker-end="url(#n--mermaid-1-arrowhead)" '
            'fill="none" stroke-dasharray="3, 3"/>') in picture  # style as attributes
    assert '<rect width="0" height="0" class="background"/>' in picture
    assert '<circle r="7"/>' in picture and "<tspan>Bob</tspan>" in picture
    assert '<line id="n--mermaid-1-actor0"/><use href="#n--mermaid-1-actor0"/>' in picture


def test_mmdc_errors_are_told_without_their_stack():
    stderr = ("Error: Parse error on line 2:\ngraph TD  A -->> B((\n---------------^\n"
              "Expecting 'AMP', 'COLON', got 'TAGEND'\nParser.parseError (https://x/y.mjs:1:2)\n"
              "    at #evaluate (file:///z.js:416:19)\n")
    why = mermaid.error_text(stderr)
    assert why == "Parse error on line 2: got 'TAGEND'" and mermaid.error_line(why) == 2


def run(markdown: str, disk=None, fmt="html"):
    doc = pandoc.parse_markdown(markdown, "test")
    doc.format, doc.cache = fmt, disk
    doc.mermaid = {"mmdc": "mmdc", "chromium": None, "version": "test"}
    return mermaid_filter.main(doc)


def test_a_notes_diagrams_are_drawn_in_one_run_then_read_from_memory_or_disk(
        monkeypatch, tmp_path):
    runs = []
    monkeypatch.setattr(mermaid, "draw", lambda texts, _: runs.append(texts) or [
        mermaid.picture(MMDC_SVG.replace("Bob", text)) for text in texts])
    monkeypatch.setattr(mermaid_filter, "DRAWN", {})
    note = "```mermaid\ngraph TD\n  A-->B\n```\n\n```mermaid\npie\n  \"a\": 1\n```\n"
    first = pandoc.write(run(note + note, Cache(tmp_path)), "html", [], "t")
    assert runs == [["graph TD\n  A-->B", 'pie\n  "a": 1']]  # once each, in one run
    assert first.count('<div class="mermaid"><svg') == 4 and "A--&gt;B" not in first
    assert len(set(re.findall(r'<svg id="([^"]+)"', first))) == 4  # each copy its own ids
    monkeypatch.setattr(mermaid_filter, "DRAWN", {})  # another run: only the disk remembers
    assert pandoc.write(run(note + note, Cache(tmp_path)), "html", [], "t") == first
    assert len(runs) == 1


def test_in_latex_a_diagram_is_an_image_of_a_file_the_guide_writes(monkeypatch):
    monkeypatch.setattr(mermaid, "draw", lambda texts, _: [mermaid.picture(MMDC_SVG)] * len(texts))
    monkeypatch.setattr(mermaid_filter, "DRAWN", {})
    doc = run("```mermaid\ngraph TD\n  A-->B\n```\n", fmt="latex")
    images = []
    doc.walk(lambda e, d: images.append(e.url) if isinstance(e, pf.Image) else None)
    assert images == list(doc.diagrams) and images[0].startswith("diagrams/mermaid-")
    assert mermaid.to_pdf(doc.diagrams[images[0]]).startswith(b"%PDF")


def test_a_diagram_that_points_at_the_network_is_not_drawn_and_nothing_is_fetched():
    remote = 'flowchart TD\n  A@{ img: "https://example.com/x.png", label: "Pic" }\n  A --> B'
    drawn = mermaid.draw([remote, "graph TD\n  C --> D"], renderer())
    assert drawn[0] == "error: Failed to load resource: net::ERR_PROXY_CONNECTION_FAILED"
    assert drawn[1].startswith("<svg ")  # the diagram after it, in another run


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    renderer()
    folder = tmp_path_factory.mktemp("mermaid")
    return {fmt: export(VAULT, fmt, output=folder / f"m.{ext}")
            for fmt, ext in (("pdf", "pdf"), ("html", "html"), ("epub", "epub"))}


def test_the_pdf_draws_every_diagram_and_shows_none_as_code(exported):
    pages = page_texts(exported["pdf"].output)
    text = " ".join(" ".join(pages).split())
    for label in LABELS:
        assert label in text, label
    for source in SOURCES:
        assert source not in text, source
    assert "flowchart LR" in text  # the broken one, as code
    assert any(BROKEN in w for w in exported["pdf"].warnings)


def test_the_diagram_is_drawn_on_the_page(exported, tmp_path):
    pdf = exported["pdf"].output
    page = next(i for i, t in enumerate(page_texts(pdf), 1) if "Asks a question" in t)
    require(shutil.which("pdftoppm") is not None, "pdftoppm (poppler-utils)")
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", str(page), "-l", str(page), str(pdf),
                    str(tmp_path / "p")], check=True)
    image = Image.open(next(tmp_path.glob("p*.png"))).convert("L")
    dark = sum(image.histogram()[:160])
    # the flowchart's and sequence diagram's lines and boxes; their labels alone are ~300
    assert dark > 1500, dark


def test_a_diagram_taller_than_the_page_is_made_smaller_not_cut(tmp_path):
    renderer()
    (tmp_path / "vault").mkdir()
    steps = "\n".join(f"  N{i}[Step {i}] --> N{i + 1}[Step {i + 1}]" for i in range(24))
    (tmp_path / "vault" / "Tall.md").write_text(f"# Tall\n\n```mermaid\ngraph TD\n{steps}\n```\n")
    pages = page_texts(export(tmp_path / "vault", "pdf", output=tmp_path / "t.pdf").output)
    assert any(all(f"Step {i}" in page for i in range(25)) for page in pages)


def test_the_html_holds_the_svgs(exported):
    page = exported["html"].output.read_text(encoding="utf-8")
    for kind in ("flowchart-v2", "sequence", "classDiagram", "stateDiagram", "gantt", "pie"):
        assert f'aria-roledescription="{kind}"' in page, kind
    assert "sequenceDiagram" not in page and "foreignObject" not in page


def test_the_epub_holds_the_diagrams_as_svg_files_epubcheck_accepts(exported):
    with zipfile.ZipFile(exported["epub"].output) as book:
        svgs = [n for n in book.namelist() if n.endswith(".svg")]
        text = "".join(book.read(n).decode() for n in book.namelist() if n.endswith(".xhtml"))
    assert len(svgs) == 6 and "sequenceDiagram" not in text
    checked = epubcheck(exported["epub"].output)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_latex_compiles_with_the_diagrams_as_images(tmp_path):
    renderer()
    require_tex()
    result = export(VAULT, "latex", output=tmp_path / "m.tex", compile_tex=True)
    tex = result.output.read_text(encoding="utf-8")
    included = re.findall(r"\\includegraphics\[[^]]*\]\{(diagrams/mermaid-\w+\.pdf)\}", tex)
    assert len(included) == 6 and all((tmp_path / name).is_file() for name in included)
    assert "sequenceDiagram" not in tex
    text = " ".join(" ".join(page_texts(result.extra[0])).split())
    assert "Asks a question" in text and "Read the chapter" in text


@pytest.mark.parametrize("how", ["path", "config"])
def test_without_a_renderer_diagrams_stay_code_with_one_warning(how, tmp_path, monkeypatch):
    vault = tmp_path / "vault"
    shutil.copytree(VAULT, vault)
    if how == "path":
        monkeypatch.setenv("PATH", str(tmp_path / "no-programs"))
    else:
        (vault / "exporter.toml").write_text('mermaid = "/nowhere/mmdc"\n', encoding="utf-8")
    result = export(vault, "html", output=tmp_path / "m.html")
    assert result.warnings.count(mermaid.INSTALL) == 1, result.warnings
    assert not [w for w in result.warnings if "not drawn" in w]
    page = result.output.read_text(encoding="utf-8")
    assert "sequenceDiagram" in page and "<svg" not in page


def test_exporter_toml_may_name_mmdc_by_a_path_from_the_vault_root(tmp_path):
    program = tmp_path / "tools" / "mmdc"
    program.parent.mkdir()
    program.write_text("#!/bin/sh\necho 9.9.9\n")
    program.chmod(0o755)
    found = mermaid.find("tools/mmdc", "/nowhere/chromium", tmp_path)
    assert found == {"mmdc": str(program), "chromium": None, "version": "9.9.9"}
    assert mermaid.find("tools/mmdc", None, tmp_path / "elsewhere") is None
