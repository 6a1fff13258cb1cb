"""Every Obsidian construct of tests/fixtures/obsidian, in HTML, EPUB and compiled LaTeX."""
from __future__ import annotations

import re
import time
import zipfile

import pytest
from pypdf import PdfReader

from exporter import export

from .conftest import FIXTURES, epubcheck, require_tex

VAULT = FIXTURES / "obsidian"
RAW = ["[[", "]]", "[!", "%%", "=="]


@pytest.fixture(scope="module")
def html(tmp_path_factory):
    result = export(VAULT, "html", output=tmp_path_factory.mktemp("h") / "o.html")
    return result.output.read_text(), result.warnings


def outside_code(text: str) -> str:
    text = re.sub(r"<pre.*?</pre>", "", text, flags=re.S)
    return re.sub(r"<code>.*?</code>", "", text, flags=re.S)


def callouts_in_notes() -> int:
    return sum(len(re.findall(r"^(?:> ?)+\[!", p.read_text(), flags=re.M))
               for p in VAULT.rglob("*.md"))


# construct -> the HTML it must become (sample/expected pairs, as in pandoc/lua-filters)
EXPECTED = {
    "link by name": '<a href="#fortuna" class="xref" data-target="Concepts/Fortuna">Fortuna</a>',
    "alias": '<a href="#fortuna" class="xref" data-target="Concepts/Fortuna">the goddess</a>',
    "name.md": '<a href="#fortuna" class="xref" data-target="Concepts/Fortuna">fortuna</a>',
    "heading": '<a href="#fortuna--her-wheel" class="xref" data-target="Concepts/Fortuna" '
               'data-part="Her wheel">Fortuna › Her wheel</a>',
    "block": '<a href="#fortuna--wheel-quote" class="xref" data-target="Concepts/Fortuna" '
             'data-part="^wheel-quote">Fortuna › wheel-quote</a>',
    "own heading": '<a href="#guide--embeds" class="xref" data-target="Guide" '
                   'data-part="Embeds">Embeds</a>',
    "front-matter alias": '<a href="#fortuna" class="xref" data-target="Concepts/Fortuna">'
                          'Lady Luck</a>',
    "unicode name": '<a href="#virtu-and-unicode" class="xref" '
                    'data-target="Concepts/Virtù and Ünïcode">Virtù and Ünïcode</a>',
    "concept": '<span class="concept" data-target="Machiavellianism">Machiavellianism</span>',
    "path concept": '<span class="concept" data-target="People/Nobody/Cesare">Cesare</span>',
    "markdown link": '<a href="#fortuna" class="xref" data-target="Concepts/Fortuna">'
                     'a markdown link</a>',
    "encoded link": '<a href="#virtu-and-unicode" class="xref" '
                    'data-target="Concepts/Virtù and Ünïcode">an encoded one</a>',
    # Duplicates/Same.md, the shorter path, got the second anchor
    "duplicate": '<a href="#same-2" class="xref" data-target="Duplicates/Same">Same</a>',
    "external": '<a href="https://pandoc.org">pandoc</a>',
    "heading embed": 'class="unlisted unnumbered embed" data-source="Concepts/Fortuna.md">\n'
                     '<h2 class="unlisted unnumbered">Her wheel</h2>',  # a <section>: pandoc's
    "block embed": '<p>Before the block.</p>\n<div class="embed" data-source="Concepts/Fortuna.md">'
                   '\n<p>She turns a wheel; the prince must be ready.</p>\n</div>\n'
                   '<p>After the block.</p>',
    "cycle": "<em>(embed of A omitted: cycle)</em>",
    "missing note": "<em>(embed of No such note omitted: no such note)</em>",
    "missing image": '<span class="missing-image">[missing image: nowhere.png]</span>',
    "callout": '<div class="callout callout-tip" data-callout="tip">\n'
               '<div class="callout-title">\n<p>Upper-case type</p>',
    "fold": '<div class="callout callout-warning" data-callout="warning">',
    "nested": '<div class="callout callout-example" data-callout="example">',
    "custom, no body": '<div class="callout callout-note" data-callout="empty">\n'
                       '<div class="callout-title">\n<p>Empty</p>\n</div>\n</div>',
    "highlight": "<mark>Highlighted text</mark>",
    "tag": '<span class="tag" data-tag="nested/tag">#nested/tag</span>',
    "not tags": "but not #42 or C#.",
    "code stays": "<code>code with %% and [[x]]</code>",
    "block id": '<span id="guide--para-id" class="block-anchor"></span>A footnote.',
    "task": '<li><label><input type="checkbox" checked></input>done task</label></li>',
    "rule": "<hr />",
}


@pytest.mark.parametrize("construct", EXPECTED)
def test_construct_in_html(html, construct):
    without_index_ids = re.sub(r' id="[\w-]*idx-\d+"', "", html[0])  # ids the index links to
    assert EXPECTED[construct] in without_index_ids


def test_images_are_found_and_sized(html):
    text = html[0]
    # the attachment folder of .obsidian/app.json wins over another diagram.png
    first, sized, other = re.findall(r'src="data:image/png;base64,([^"]+)"', text)[:3]
    assert first == sized != other
    assert 'width="120"' in text and 'height="60"' in text


def test_comments_and_raw_syntax_are_gone(html):
    text = outside_code(html[0])
    for raw in RAW:
        assert raw not in text, raw
    for hidden in ["hidden comment", "several lines", "not in any embed"]:
        assert hidden not in text


def test_as_many_callout_boxes_as_callouts(html):
    embedded = 1  # Fortuna's quote callout appears again in the heading embed
    assert html[0].count('<div class="callout ') == callouts_in_notes() + embedded


def test_warnings_name_the_problems(html):
    warnings = "\n".join(html[1])
    assert "embed cycle: Guide.md -> Loops/A.md -> Loops/B.md -> Loops/A.md" in warnings
    assert "Guide.md: image not found: nowhere.png" in warnings
    assert "Guide.md: ![[No such note]]: no such note" in warnings
    assert "[[Same]] is ambiguous (Duplicates/Same.md, Duplicates/deeper/Same.md)" in warnings


def test_epub_passes_epubcheck_and_packages_the_images(tmp_path):
    out = export(VAULT, "epub", output=tmp_path / "o.epub").output
    check = epubcheck(out)
    assert check.returncode == 0 and "0 errors" in check.stdout, check.stdout
    with zipfile.ZipFile(out) as book:
        names = book.namelist()
        text = " ".join(book.read(n).decode() for n in names if n.endswith(".xhtml"))
    assert sum(n.endswith((".png", ".jpg")) for n in names) == 3
    assert "<math" in text  # MathML
    assert text.count('class="callout ') == callouts_in_notes() + 1
    for raw in RAW:
        assert raw not in outside_code(text), raw


def test_latex_compiles_with_images_beside_it(tmp_path):
    require_tex()
    result = export(VAULT, "latex", output=tmp_path / "o.tex", compile_tex=True)
    assert (tmp_path / "Attachments" / "diagram.png").exists()
    assert (tmp_path / "Other" / "photo of Ünïcode.jpg").exists()
    source = result.output.read_text()
    assert source.count("\\begin{callout}") == callouts_in_notes() + 1
    pdf = result.extra[0]
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(pdf).pages).split())
    assert "Fortuna (p." in text and "(embed of A omitted: cycle)" in text
    for raw in ["[[", "[!", "%%", "=="]:
        assert raw not in text.replace("code with [[brackets]] and %%percent%%", "") \
            .replace("code with %% and [[x]]", ""), raw


def chain_vault(root, depth, fan_out):
    for level in range(depth):
        embeds = "\n\n".join(f"![[n{level + 1}]]" for _ in range(fan_out))
        (root / f"n{level}.md").write_text(f"Level {level}.\n\n{embeds}\n")
    (root / f"n{depth}.md").write_text("The bottom.\n")
    (root / "exporter.toml").write_text('notes = ["n0"]\n')


def test_embeds_nested_too_deep_stop_with_a_notice(tmp_path):
    chain_vault(tmp_path, depth=14, fan_out=1)
    result = export(tmp_path, "html", output=tmp_path / "out" / "x.html")
    text = result.output.read_text()
    assert "(embed of n11 omitted: nested deeper than 10)" in text
    assert "The bottom." not in text


def test_embed_fan_out_is_bounded_by_a_budget(tmp_path):
    chain_vault(tmp_path, depth=6, fan_out=10)  # would be 10^6 copies
    started = time.monotonic()
    result = export(tmp_path, "html", output=tmp_path / "out" / "x.html")
    assert time.monotonic() - started < 120
    assert any("more than 1000 embeds" in w for w in result.warnings)
    assert "omitted: more than 1000 embeds" in result.output.read_text()


def test_pdf_footnotes_sit_at_the_foot_of_their_page(tmp_path):
    pdf = export(VAULT, "pdf", output=tmp_path / "o.pdf").output
    pages = [p.extract_text() for p in PdfReader(pdf).pages]
    page = next(p for p in pages if "A footnote." in p).replace("\xa0", " ")
    lines = page.strip().split("\n")
    assert lines.index("1. Inline footnote text.") > lines.index("After the rule.")
