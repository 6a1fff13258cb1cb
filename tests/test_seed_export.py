"""End to end on seeds/: the study-guide PDF, the EPUB and the LaTeX, as a reader gets them."""
from __future__ import annotations

import re
import zipfile

import pytest
from pypdf import PdfReader

from exporter import export
from exporter.render import latex

from .conftest import SEED_NOTE, SEEDS, epubcheck, printed_pages, require_tex
from .conftest import page_texts as poppler_texts

RAW_SYNTAX = ["[[", "]]", "[!note]", "%%", "`SOURCE:`", "SOURCE:", "TAGS:"]
CHAPTERS = ["Preface to the 2017 edition", "Introduction by Alan Woods",
            "1. The balance sheet of October", "2. The rise of Stalinism",
            "5. From war to de-Stalinization"]


@pytest.fixture(scope="module")
def seed_pdf(tmp_path_factory):
    out = tmp_path_factory.mktemp("pdf") / "guide.pdf"
    result = export(SEEDS, "pdf", output=out)
    assert result.output == out and not result.warnings
    return PdfReader(out)


def page_texts(reader):
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def test_pdf_has_title_page_with_title_author_and_source(seed_pdf):
    first = page_texts(seed_pdf)[0].replace(" ", "")  # lines may break anywhere in the title
    assert "Russia-FromRevolutiontoCounter-Revolution(1997)" in first
    assert "TedGrant" in first
    assert "https://www.marxist.com/russia-from-revolution-to-counter-revolution/all-pages.htm" \
        in first
    assert seed_pdf.metadata.title == "Russia - From Revolution to Counter-Revolution (1997)"
    assert seed_pdf.metadata.author == "Ted Grant"


def test_pdf_holds_the_chapters_and_no_raw_obsidian_syntax(seed_pdf):
    text = " ".join(page_texts(seed_pdf))
    for chapter in CHAPTERS:
        assert chapter in text
    for raw in RAW_SYNTAX:
        assert raw not in text, raw
    body = text.split("Index A ")[0]  # the index names the folder of "Trotsky"; the text not
    assert "Trotsky" in body and "People & Organizations" not in body


def contents_entries(reader):
    """(heading, page number) from the contents page: 'Heading ........ 12' (the dots
    are drawn, not text). Read by the lines the text stands on, as a viewer does: the
    numbers are drawn in after the layout, at the end of the page's content."""
    contents = poppler_texts(reader, layout=True)[1]
    entries = []
    for line in contents.splitlines()[1:]:
        match = re.match(r"^(.*?)\s*(?:\.{3,}\s*)?(\d+)$", line.strip())
        if match:
            entries.append((" ".join(match.group(1).split()), int(match.group(2))))
    return entries


def plain(text):
    """Without pandoc's smart quotes."""
    return text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')


def test_every_contents_number_is_the_page_of_its_heading(seed_pdf):
    entries = contents_entries(seed_pdf)
    printed = printed_pages(seed_pdf)
    headings = [line for line in SEED_NOTE.read_text().splitlines()
                if line.startswith(("# ", "## "))]
    # all headings but the title (on the title page), then References and Index
    assert [plain(h) for h, _ in entries] == \
        [h.lstrip("# ") for h in headings[1:]] + ["References", "Index"]
    for heading, number in entries:
        assert heading in printed[str(number)], f"{heading!r} is not on page {number}"
    numbers = [n for _, n in entries]
    assert numbers == sorted(numbers) and numbers[0] == 1  # the body is numbered from 1


def test_front_matter_is_numbered_in_roman(seed_pdf):
    assert "ii" in printed_pages(seed_pdf)
    assert printed_pages(seed_pdf)["ii"].startswith("Contents")


def test_pdf_bookmarks_point_at_the_contents_pages(seed_pdf):
    def flatten(outline):
        for item in outline:
            if isinstance(item, list):
                yield from flatten(item)
            else:
                yield item
    front = 2  # title page and contents
    marks = {" ".join(m.title.split()): seed_pdf.get_destination_page_number(m) + 1 - front
             for m in flatten(seed_pdf.outline)}
    contents = dict(contents_entries(seed_pdf))
    assert set(CHAPTERS) <= set(marks)
    for heading, number in contents.items():
        assert marks.get(heading) == number, heading


def test_running_heads_and_page_numbers(seed_pdf):
    texts = page_texts(seed_pdf)
    chapter_one = next(i for i, t in enumerate(texts) if t.startswith("1. The balance sheet"))
    # the page after a chapter opens carries its name as running head, and its number;
    # pypdf reads the page-margin boxes after the body text
    following = seed_pdf.pages[chapter_one + 1].extract_text().split("\n")
    assert following[-2].strip() == "1. The balance sheet of October"
    assert following[-1].strip() == str(chapter_one + 2 - 2)  # after title page and contents


def test_callouts_print_as_titled_boxes_and_links_as_text(tmp_path):
    html = export(SEEDS, "html", output=tmp_path / "g.html").output.read_text()
    assert html.count('class="callout callout-note"') == SEED_NOTE.read_text().count("> [!note]")
    assert '<div class="callout-title">\n<p>Note</p>' in html
    assert re.search('<span id="[\\w-]*idx-\\d+" class="concept" '
                     'data-target="People &amp; Organizations/Trotsky">Trotsky</span>', html)
    assert "wikilink" not in html and "[[" not in html


def test_epub_passes_epubcheck(tmp_path):
    out = export(SEEDS, "epub", output=tmp_path / "guide.epub").output
    check = epubcheck(out)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "0 fatals / 0 errors" in check.stdout
    with zipfile.ZipFile(out) as book:
        text = " ".join(book.read(n).decode() for n in book.namelist() if n.endswith(".xhtml"))
    assert "1. The balance sheet of October" in text
    assert "[[" not in text and "[!note]" not in text and "%%" not in text


@pytest.mark.parametrize("source", [SEEDS, SEED_NOTE], ids=["folder", "note"])
def test_latex_compiles(tmp_path, source):
    require_tex()
    tex = export(source, "latex", output=tmp_path / "guide.tex").output
    source_text = tex.read_text()
    assert "\\begin{callout}{calloutnote}{Note}" in source_text
    assert "[[" not in source_text
    pdf = latex.compile_pdf(tex)
    text = " ".join(p.extract_text() for p in PdfReader(pdf).pages)
    assert "The rise of Stalinism" in " ".join(text.split())


@pytest.mark.parametrize("fmt", ["pdf", "epub", "html"])
def test_single_note_as_path(tmp_path, fmt):
    result = export(SEED_NOTE, fmt, output=tmp_path / f"note.{fmt}")
    assert result.output.stat().st_size > 1000
