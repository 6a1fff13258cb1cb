"""The reading-group handout: which chapters, their pages, discussion points, concepts,
and the booklet's sheets and page order."""
from __future__ import annotations

import html as html_lib
import math
import re
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from exporter import UsageError, export
from exporter.config import Options
from exporter.render.handout import (
    Part,
    booklet_sides,
    chapters_in,
    choose,
    export_handout,
    handout_guide,
    render,
)

from .conftest import FIXTURES, ROOT, SEEDS
from .conftest import page_texts as pages_as_read

PRINCE = FIXTURES / "prince"
A4_LANDSCAPE = (841.89, 595.28)
LETTER_LANDSCAPE = (792.0, 612.0)


@pytest.fixture(scope="module")
def seed_guide():
    return handout_guide(Options(fmt="html", source=SEEDS))


def titles(guide, *wanted):
    parts = chapters_in(guide.doc, guide.doc, guide.book)
    return [part.title for part in choose(parts, list(wanted), guide.doc.vault)]


def plain_text(markup: str) -> str:
    """The text of some HTML, spaces collapsed, quotes straightened."""
    text = html_lib.unescape(re.sub(r"<[^>]+>", "", markup))
    return " ".join(text.replace("’", "'").replace("‘", "'").split())


def section(markup: str, name: str) -> str:
    """The inside of the first element with class `name`."""
    match = re.search(rf'<(\w+) class="{name}"[^>]*>', markup)
    assert match, f"no {name} in the handout"
    tag, depth = match.group(1), 1
    for found in re.finditer(rf"<(/?){tag}\b[^>]*>", markup[match.end():]):
        depth += -1 if found.group(1) else 1
        if depth == 0:
            return markup[match.end():match.end() + found.start()]
    raise AssertionError(f"{name} is not closed")


def chapter_sections(markup: str) -> list[str]:
    return re.findall(r'<section class="chapter".*?</section>', markup, re.S)


# --- Which chapters ---------------------------------------------------------------------

def test_a_number_is_the_number_a_heading_starts_with(seed_guide):
    assert titles(seed_guide, "1") == ["1. The balance sheet of October"]
    assert titles(seed_guide, "1-2") == ["1. The balance sheet of October",
                                         "2. The rise of Stalinism"]
    assert titles(seed_guide, "3–4", "1") == ["1. The balance sheet of October",
                                              "3. From five-year plan to the purges",
                                              "4. The nature of Stalinism"]


def test_heading_text_note_name_and_commas(seed_guide):
    assert titles(seed_guide, "the rise of stalinism") == ["2. The rise of Stalinism"]
    assert titles(seed_guide, "2. The Rise of Stalinism") == ["2. The rise of Stalinism"]
    assert titles(seed_guide, "2, Preface to the 2017 edition") == [
        "Preface to the 2017 edition", "2. The rise of Stalinism"]  # the guide's order
    assert titles(seed_guide, "Introduction") == ["Introduction by Alan Woods"]  # a part
    assert titles(seed_guide, "for the archives") == ['"For the archives"']  # quotes ignored
    every = titles(seed_guide, "Russia - From Revolution to Counter-Revolution (1997)")
    assert every == titles(seed_guide) and len(every) == 8  # the note: all its chapters


@pytest.mark.parametrize("wanted, message", [
    ("9", "no chapter 9; the chapters are numbered 1, 2, 3, 4, 5"),
    ("2-1", "the range ends before it starts"),
    ("Stalin", "matches several chapters"),
    ("Kronstadt", "names no chapter"),
])
def test_a_choice_that_names_no_one_chapter_is_a_usage_error(seed_guide, wanted, message):
    with pytest.raises(UsageError, match=message):
        titles(seed_guide, wanted)


def test_without_numbered_headings_a_number_counts_the_chapters():
    parts = [Part(title, f"c{n}", n, None) for n, title in
             enumerate(["Opening", "1917 in review", "Closing"], start=1)]
    assert [p.number for p in parts] == [None, None, None]  # 1917 is a year, not a number
    assert [p.title for p in choose(parts, ["2-3"], None)] == ["1917 in review", "Closing"]


def test_a_vault_chapter_is_chosen_by_its_note_name(tmp_path):
    guide = handout_guide(Options(fmt="html", source=PRINCE))
    assert titles(guide, "Chapter 10") == [
        "How the strength of all principalities ought to be measured"]
    assert titles(guide, "2") == ["Of hereditary principalities"]  # positions: no numbers


# --- What a chapter holds ---------------------------------------------------------------

@pytest.fixture(scope="module")
def seed_html(seed_guide):
    return render(seed_guide.doc, seed_guide.book, ["1-2"], "A4", seed_guide.warnings)


def test_header_names_book_author_and_the_meetings_pages(seed_html):
    header = plain_text(section(seed_html, "handout-header"))
    assert "Russia - From Revolution to Counter-Revolution (1997)" in header
    assert "Ted Grant" in header
    assert "Book pages 25–90" in header  # from chapter 1's first to chapter 2's last page


def test_each_chapter_lists_its_book_pages(seed_html):
    one, two = chapter_sections(seed_html)
    assert "1. The balance sheet of October" in plain_text(section(one, "chapter-title"))
    assert plain_text(section(one, "chapter-pages")) == "Book pages 25–51"
    assert plain_text(section(two, "chapter-pages")) == "Book pages 56–90"
    assert "book-pages" not in seed_html  # the guide's own line is not repeated


def test_only_the_chosen_chapters_are_printed(seed_html):
    text = plain_text(seed_html)
    assert "Grant defends the massive advances" in text  # chapter 1
    assert "Grant argues that a workers' state is necessary" in text  # chapter 2
    assert "Lenin intended the collectivization" not in text  # chapter 3
    assert "About the present work" not in text  # the preface
    for raw in ["[[", "]]", "[!note]", "%%"]:
        assert raw not in text


def test_seed_callouts_become_discussion_points(seed_html):
    one, two = chapter_sections(seed_html)
    points = plain_text(section(one, "discussion"))
    assert "I agree with Grant that The Constituent Assembly was unrepresentative of the " \
           "Russian masses" in points
    assert "The myth of the Constituent Assenbly" in points  # the heading it was under
    text = plain_text(section(one, "chapter-text"))
    assert "I agree with Grant that" not in text and "Discussion point 1" in text
    assert "No callouts in this chapter" in plain_text(section(two, "discussion"))


def test_seed_concepts_once_each_by_their_note_name_and_without_a_guide_page(seed_html):
    one, two = chapter_sections(seed_html)
    concepts = re.findall(r'<span class="concept-name">(.*?)</span>', one)
    assert concepts[:4] == ["Marxist leadership cannot be improvised",
                            "The revolutionary party acts as a catalyst",
                            "combined and uneven development", "permanent revolution"]
    for name in ["Trotsky", "Stalinism", "dictatorship of the proletariat", "kulak"]:
        assert concepts.count(name) == 1, name  # [[kulak|kulaks]], [[Stalinism|Stalinist]]
    assert "Workers&#39; states are contradictory" in two
    assert "guide p." not in seed_html  # no note of this one-note guide is linked


def test_page_citations_print_as_written(seed_html):
    text = plain_text(section(chapter_sections(seed_html)[0], "chapter-text"))
    assert "civil war (25). Grant says" in text
    assert "international proletariat (32), underscoring" in text
    assert "Grant 1997" not in text


def write_vault(root: Path) -> Path:
    (root / "Book.md").write_text("""---
author: Ann Writer
---
# A Book
# 1. First things
Before any heading (3).

## Opening
Some text (4).

> [!note] My own title
> A note body.

> [!tip]
> A tip body.

## Later
> [!FAQ]
> Why would they?

> [!question] Is it true?

More text (9).

# 2. Second things
> [!question]
> A question of another chapter (12).

# 3. Third things
Nothing cited here.
""", encoding="utf-8")
    return root


def test_questions_come_first_then_the_others_in_reading_order(tmp_path):
    guide = handout_guide(Options(fmt="html", source=write_vault(tmp_path)))
    markup = render(guide.doc, guide.book, ["1"], "A4", guide.warnings)
    (chapter,) = chapter_sections(markup)
    points = re.findall(r'<li class="point point-(\w+)" value="(\d+)">(.*?)</li>', chapter, re.S)
    assert [(kind, int(n)) for kind, n, _ in points] == [
        ("question", 1), ("question", 2), ("note", 3), ("tip", 4)]
    texts = [plain_text(body) for _, _, body in points]
    assert texts[0] == "Faq · Later Why would they?"
    assert texts[1] == "Question · Later Is it true?"
    assert texts[2] == "Note · Opening My own title A note body."
    assert texts[3] == "Tip · Opening A tip body."
    assert "<strong>My own title</strong>" in points[2][2]
    # in the text, a marker where each callout was, in reading order
    text = plain_text(section(chapter, "chapter-text"))
    assert re.findall(r"Discussion point (\d)", text) == ["3", "4", "1", "2"]
    assert "A note body" not in text and "another chapter" not in markup
    assert plain_text(section(chapter, "chapter-pages")) == "Book pages 3–9"


def test_a_single_cited_page_and_no_cited_page(tmp_path):
    guide = handout_guide(Options(fmt="html", source=write_vault(tmp_path)))
    markup = render(guide.doc, guide.book, ["2"], "A4", guide.warnings)
    assert plain_text(section(markup, "chapter-pages")) == "Book page 12"
    assert plain_text(section(markup, "meeting-pages")) == "Book page 12"
    markup = render(guide.doc, guide.book, ["3"], "A4", guide.warnings)
    assert plain_text(section(markup, "chapter-pages")) == "No book pages cited"
    assert 'class="meeting-pages"' not in markup
    markup = render(guide.doc, guide.book, ["1-3"], "A4", guide.warnings)
    assert plain_text(section(markup, "meeting-pages")) == "Book pages 3–12"


def guide_says(text: str, pattern: str) -> tuple[int, ...]:
    found = re.search(pattern, text)
    assert found, pattern
    return tuple(int(n) for n in found.groups())


def test_linked_notes_show_the_page_the_guide_pdf_prints(tmp_path):
    guide_pdf = export(PRINCE, "pdf", output=tmp_path / "guide.pdf").output
    text = " ".join(" ".join(page.split()) for page in pages_as_read(guide_pdf))
    borgia, fall = guide_says(text, r"Compare with Cesare Borgia \(p\. (\d+)\) and his fall "
                                    r"\(p\. (\d+)\)")
    (chapter_10,) = guide_says(text, r"Read Chapter 10 \(p\. (\d+)\)")

    result = export_handout(Options(fmt="html", source=PRINCE, output=tmp_path / "h.pdf"),
                            chapters=["Chapter 10", "Introduction"])
    assert not result.warnings
    handout = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(result.output).pages)
    assert f"Cesare Borgia guide p. {borgia}" in handout
    assert f"Cesare Borgia › Fall guide p. {fall}" in handout  # a heading of a note
    assert f"How the strength of all principalities ought to be measured guide p. " \
           f"{chapter_10}" in handout  # a note is named by its chapter's title
    assert re.search(r"virtù\s+Fortuna", handout)  # concepts without a note: no page
    assert "virtù guide p." not in handout


# --- The PDF, and the booklet -----------------------------------------------------------

def page_texts(path: Path) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(path).pages]


def test_seed_handout_pdf_of_chapters_1_and_2(tmp_path):
    result = export_handout(Options(fmt="html", source=SEEDS, output=tmp_path / "h.pdf"),
                            chapters=["1-2"])
    assert result.output == tmp_path / "h.pdf" and not result.warnings
    reader = PdfReader(result.output)
    width, height = (float(x) for x in reader.pages[0].mediabox[2:])
    assert (round(width), round(height)) == (595, 842)  # A4 portrait
    texts = page_texts(result.output)
    assert texts[0].startswith("Reading-group handout Russia - From Revolution to")
    text = " ".join(texts)
    for expected in ["Ted Grant", "Book pages 25–90", "Book pages 25–51", "Book pages 56–90",
                     "I agree with Grant that The Constituent Assembly was unrepresentative",
                     "Key concepts", "permanent revolution", "Marxism isn't deterministic"]:
        assert expected in text.replace("’", "'"), expected
    assert "3. From five-year plan" not in text
    # every page after the first carries the short header: book, author, pages
    assert all("Ted Grant" in page and "Book pages 25–90" in page for page in texts[1:])


def fold(sides: list[tuple]) -> list:
    """What a reader meets, in order, in the printed, stacked and folded sheets, given what
    each sheet side holds (left, right): the front, then the back, outermost sheet first."""
    fronts, backs = sides[0::2], sides[1::2]
    order = []
    for front, back in zip(fronts, backs, strict=True):  # the first half, going in
        order += [front[1], back[0]]
    for front, back in reversed(list(zip(fronts, backs, strict=True))):  # coming out
        order += [back[1], front[0]]
    return order


@pytest.mark.parametrize("count", range(1, 18))
def test_booklet_sides_fold_into_reading_order(count):
    sides = booklet_sides(count)
    padded = max(4, math.ceil(count / 4) * 4)
    assert len(sides) == padded // 2
    assert sorted(i for side in sides for i in side) == list(range(padded))
    assert fold(sides) == list(range(padded))


def test_booklet_sides_of_eight_pages():
    assert booklet_sides(8) == [(7, 0), (1, 6), (5, 2), (3, 4)]
    assert booklet_sides(5) == booklet_sides(8)  # three blank pages at the end


def printed_numbers(page, sheet_width: float) -> tuple[int | None, int | None]:
    """The page numbers printed at the foot of the left and right halves of a sheet side."""
    found: list[list[int]] = [[], []]

    def visit(text, cm, tm, font, size):
        x = cm[0] * tm[4] + cm[2] * tm[5] + cm[4]
        y = cm[1] * tm[4] + cm[3] * tm[5] + cm[5]
        if text.strip().isdigit() and y < 45:  # the bottom margin is 16 mm, 45 pt
            found[int(x >= sheet_width / 2)].append(int(text))
    page.extract_text(visitor_text=visit)
    assert all(len(numbers) <= 1 for numbers in found), found
    return tuple(numbers[0] if numbers else None for numbers in found)


@pytest.mark.parametrize("paper, sheet", [("a4", A4_LANDSCAPE), ("letter", LETTER_LANDSCAPE)])
def test_booklet_sheets_are_landscape_and_fold_into_page_order(tmp_path, paper, sheet):
    result = export_handout(Options(fmt="html", source=SEEDS, output=tmp_path / "b.pdf",
                                    paper=paper), chapters=["1-2"], booklet=True)
    assert not result.warnings
    reader = PdfReader(result.output)
    for page in reader.pages:
        size = (float(page.mediabox.width), float(page.mediabox.height))
        assert size == pytest.approx(sheet, abs=0.5)
    numbers = [printed_numbers(page, sheet[0]) for page in reader.pages]
    count = max(n for side in numbers for n in side if n)
    assert count > 4  # several sheets, so the order is worth checking
    assert len(reader.pages) == math.ceil(count / 4) * 4 // 2
    expected = [tuple(i + 1 if i < count else None for i in side)
                for side in booklet_sides(count)]
    assert numbers == expected
    # printed, stacked and folded, the sheets read 1, 2, ..., then the blank pages
    blanks = len(reader.pages) * 2 - count
    assert fold(numbers) == [*range(1, count + 1)] + [None] * blanks
    assert reader.metadata.author == "Ted Grant"


# --- The command ------------------------------------------------------------------------

def exporter(*args):
    return subprocess.run([sys.executable, "-m", "exporter", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def test_handout_command_writes_a_booklet(tmp_path):
    out = tmp_path / "handout.pdf"
    done = exporter("handout", SEEDS, "--chapters", "1", "--chapters", "2", "--booklet",
                    "-o", out)
    assert done.returncode == 0, done.stderr
    assert f"wrote {out}" in done.stderr
    width, height = (float(x) for x in PdfReader(out).pages[0].mediabox[2:])
    assert width > height


def test_handout_command_rejects_an_unknown_chapter_and_writes_nothing(tmp_path):
    out = tmp_path / "handout.pdf"
    done = exporter("handout", SEEDS, "--chapters", "7", "-o", out)
    assert done.returncode == 2
    assert "no chapter 7; the chapters are numbered 1, 2, 3, 4, 5" in done.stderr
    assert not out.exists() and list(tmp_path.iterdir()) == []
