"""The index of concepts: its page numbers are where the concepts really landed."""
from __future__ import annotations

import re
import shutil
import zipfile
from html import unescape

import pytest
from pypdf import PdfReader

from exporter import export
from exporter.index import Entry, page_list, page_runs, sort_key

from .conftest import FIXTURES, SEEDS, epubcheck, printed_pages, require_tex

PRINCE = FIXTURES / "prince"
PAGES = re.compile(r"^(?P<name>.+?), (?P<pages>\d+(?:–\d+)?(?:, \d+(?:–\d+)?)*)$")


def index_entries(reader) -> dict[str, list[int]]:
    """{entry: [page numbers]} read back from the PDF's index pages."""
    start = next(i for i, p in enumerate(reader.pages) if p.extract_text().startswith("Index"))
    lines = [line.strip() for page in reader.pages[start:]
             for line in page.extract_text().split("\n")[1:-2]]  # no heading, head, number
    entries, pending = {}, ""
    for line in lines:
        if len(line) == 1:  # a letter heading ends whatever came before (a group's name)
            pending = ""
            continue
        pending = f"{pending} {line}".strip()
        match = PAGES.match(pending)
        if match or ", see " in pending:
            if match:
                entries[match["name"]] = [n for part in match["pages"].split(", ")
                                          for n in expand(part)]
            pending = ""
    return entries


def expand(label: str) -> list[int]:
    first, _, last = label.partition("–")
    return list(range(int(first), int(last or first) + 1))


def same(text: str) -> str:
    """Text as compared: whitespace collapsed, curly apostrophes straight."""
    return " ".join(text.replace("’", "'").replace("‘", "'").split())


def shown_texts(html: str) -> dict[str, set[str]]:
    """{entry name: the texts it was linked by}, from the guide's HTML."""
    shown: dict[str, set[str]] = {}
    for target, text in re.findall(r'data-target="([^"]+)">(.*?)</(?:a|span)>', html):
        name = unescape(target).rsplit("/", 1)[-1]
        shown.setdefault(name, set()).add(unescape(re.sub(r"<[^>]+>", "", text)))
    return shown


@pytest.fixture(scope="module")
def seed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("seed")
    pdf = PdfReader(export(SEEDS, "pdf", output=folder / "s.pdf").output)
    html = export(SEEDS, "html", output=folder / "s.html").output.read_text()
    return pdf, html


def test_every_index_page_number_holds_the_entry_or_its_alias(seed):
    pdf, html = seed
    entries, printed, shown = index_entries(pdf), printed_pages(pdf), shown_texts(html)
    assert len(entries) > 60
    for name, numbers in entries.items():
        texts = shown.get(name, set()) | {name}
        for number in numbers:
            # pdftotext joins "Kai-" at a line's end and "Shek" without the hyphen
            page = same(printed[str(number)]).replace("-", "")
            assert any(same(t).replace("-", "") in page for t in texts), (name, number)


def test_seed_index_has_aliases_groups_and_letters(seed):
    text = " ".join(" ".join(p.extract_text().split()) for p in seed[0].pages[-3:])
    assert "USSR, see Russia" in text
    assert "People & Organizations" in text and "Trotsky, " in text
    assert "Index A " in text and " B Bolsheviks" in text


def test_sorting_ignores_case_and_accents():
    names = ["zebra", "Élan", "apple", "Banana", "elan vital"]
    assert sorted(names, key=sort_key) == ["apple", "Banana", "Élan", "elan vital", "zebra"]
    assert Entry("Élan").letter == "E" and Entry("42 things").letter == "#"


def test_duplicates_merge_and_runs_collapse():
    found = [(12, "a"), (14, "b"), (15, "c"), (16, "d"), (14, "e"), (20, "f")]
    assert page_runs(found) == [("12", "a"), ("14–16", "b"), ("20", "f")]
    entry = Entry("Fortuna", occurrences=["a", "b", "c"], chapter="ch")
    assert page_list(entry, {"a": 2, "b": 9, "c": 3, "ch": 9}) == [
        ("2–3", "a", False), ("9", "ch", True)]


def test_a_vault_index_groups_by_folder_with_aliases_chapters_and_terms(tmp_path):
    pdf = PdfReader(export(PRINCE, "pdf", output=tmp_path / "p.pdf").output)
    entries = index_entries(pdf)
    text = " ".join(" ".join(p.extract_text().split()) for p in pdf.pages[-1:])
    assert "People C Cesare Borgia" in text and "Chapters C Chapter 10" in text
    assert "Duke Valentino, see Cesare Borgia" in text and "Intro, see Introduction" in text
    printed = printed_pages(pdf)
    borgia_chapter = next(int(n) for n, t in printed.items() if t.startswith("Cesare Borgia"))
    assert borgia_chapter in entries["Cesare Borgia"]  # its own chapter, in bold
    assert entries["hereditary states"] and entries["principalities"]  # front-matter `index:`
    for name in ("hereditary states", "principalities"):
        assert all(name in printed[str(n)].lower() for n in entries[name])


def test_index_groups_can_be_turned_off(tmp_path):
    vault = tmp_path / "v"
    shutil.copytree(PRINCE, vault)
    (vault / "exporter.toml").write_text("index_groups = false\n")
    html = export(vault, "html", output=tmp_path / "p.html").output.read_text()
    index = html.split('id="index"')[1]
    assert "People</h2>" not in index and "Cesare Borgia" in index


def test_epub_has_an_index_page_linking_every_occurrence(tmp_path):
    out = export(SEEDS, "epub", output=tmp_path / "s.epub").output
    check = epubcheck(out)
    assert check.returncode == 0 and "0 errors" in check.stdout, check.stdout
    with zipfile.ZipFile(out) as book:
        pages = {n: book.read(n).decode() for n in book.namelist() if n.endswith(".xhtml")}
    index = next(t for t in pages.values() if 'epub:type="index"' in t)
    links = re.findall(r'href="([^"#]*)#([\w-]*idx-\d+)"', index)
    assert len(links) > 60
    for file, anchor in links[:50]:
        target = next(t for n, t in pages.items() if n.endswith(file)) if file else index
        assert f'id="{anchor}"' in target


def test_latex_prints_the_index(tmp_path):
    require_tex()
    result = export(SEEDS, "latex", output=tmp_path / "s.tex", compile_tex=True)
    assert "\\index{Trotsky}" in result.output.read_text()
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(result.extra[0]).pages).split())
    assert "Index" in text and "Trotsky," in text
