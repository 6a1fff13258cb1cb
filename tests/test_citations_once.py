"""Citations formatted once each give what pandoc's --citeproc over every Cite gives."""
from __future__ import annotations

import re

import pytest

from exporter import citations, export

# Two books by one author in one year (citeproc must tell them apart as 1997a and 1997b),
# a third author, repeated and distinct pages, a list of pages and a range.
NOTES = {
    "A.md": "---\nauthor: Ted Grant\ntitle: Russia\nyear: 1997\n---\n"
            "First (40). Again (40). A range (41-42). A list (108, 110).\n\n"
            "Later the same page (40), and [[B]].\n",
    "B.md": "---\nauthor: Ted Grant\ntitle: The Unbroken Thread\nyear: 1997\n---\n"
            "Another book by him (12). And (40).\n",
    "C.md": "---\nauthor: Niccolò Machiavelli\ntitle: The Prince\nyear: 1532\n---\n"
            "Fortune is a river (98). Back to it (98).\n",
}

NUMERIC_CSL = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info><title>Numbers</title><id>numbers</id>
    <updated>2026-01-01T00:00:00+00:00</updated></info>
  <citation><layout prefix="[" suffix="]"><text variable="citation-number"/></layout>
  </citation>
  <bibliography><sort><key variable="citation-number"/></sort>
    <layout><text variable="citation-number" suffix=". "/><text variable="title"/></layout>
  </bibliography>
</style>
"""

# The page printed twice: the stand-in page of format_by_page shows twice, and its check
# must see it.
TWICE_CSL = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info><title>Pages twice</title><id>twice</id>
    <updated>2026-01-01T00:00:00+00:00</updated></info>
  <citation><layout prefix="(" suffix=")"><text variable="title"/>
    <text variable="locator" prefix=" "/><text variable="locator" prefix=" = "/></layout>
  </citation>
  <bibliography><layout><text variable="title"/></layout></bibliography>
</style>
"""

NOTE_CSL = NUMERIC_CSL.replace('class="in-text"', 'class="note"')
POSITION_CSL = NUMERIC_CSL.replace('<text variable="citation-number"/></layout>',
                                   '<choose><if position="ibid"><text value="ibid."/></if>'
                                   '<else><text variable="citation-number"/></else></choose>'
                                   '</layout>')


def vault(root):
    root.mkdir()
    for name, text in NOTES.items():
        (root / name).write_text(text)
    return root


def exported(root, fmt, once, monkeypatch, **options):
    with monkeypatch.context() as patched:
        patched.setattr(citations, "formats_once", lambda csl: once)
        out = root / "out" / ("once" if once else "each") / f"guide.{fmt}"
        return export(root, fmt, output=out, cache=False, **options).output.read_text()


@pytest.mark.parametrize("fmt", ["html", "latex"])
@pytest.mark.parametrize("style", ["default", "numeric"])
@pytest.mark.parametrize("per_run", [300, 1])  # 1: in slices, a citation each
def test_formatted_once_is_what_citeproc_gives_everywhere(tmp_path, monkeypatch, fmt, style,
                                                          per_run):
    monkeypatch.setattr(citations, "CITES_PER_RUN", per_run)
    root = vault(tmp_path / "vault")
    options = {}
    if style == "numeric":
        (tmp_path / "numbers.csl").write_text(NUMERIC_CSL)
        options["csl"] = tmp_path / "numbers.csl"
    once = exported(root, fmt, True, monkeypatch, **options)
    each = exported(root, fmt, False, monkeypatch, **options)
    assert once == each
    text = re.sub(r"<[^>]+>", "", once)
    if style == "default" and fmt == "html":
        assert "(Grant 1997a, 40)" in text and "(Grant 1997b, 12)" in text
        assert "(Machiavelli 1532, 98)" in text
    if style == "numeric" and fmt == "html":
        assert "A range [1]" in text and "river [3]" in text and "him [2]" in text


def test_single_pages_are_formatted_once_a_book(tmp_path, monkeypatch):
    given = []  # the citations each citeproc run formats
    format_each = citations.format_each
    monkeypatch.setattr(citations, "format_each", lambda meta, cites, *a, **k: given.append(
        sorted(cites.values())) or format_each(meta, cites, *a, **k))
    html = exported(vault(tmp_path / "vault"), "html", True, monkeypatch)
    # six distinct citations: pages 40, 41-42 and 108, 110 of A, 12 and 40 of B, 98 of C
    assert len(given) == 1 and len(given[0]) == 8
    # a stand-in page of each book, and its first citation whole, to check the stand-in
    assert sum(citations.STAND_IN in cite for cite in given[0]) == 3
    singles = [cite for cite in given[0] if '"c": "p.\u00a0' in cite]
    assert len(singles) == 6  # the stand-ins, and A's 40, B's 12, C's 98 whole
    assert sum('"c": "pp.\u00a0' in cite for cite in given[0]) == 2  # formatted whole
    text = re.sub(r"<[^>]+>", "", html)
    assert "(Grant 1997b, 40)" in text and "(Grant 1997a, 40)" in text  # B's 40 from B's 12


@pytest.mark.parametrize("case", ["page twice", "stand-in not a page"])
def test_when_the_stand_in_page_fails_its_check_every_citation_is_formatted_whole(
        tmp_path, monkeypatch, case):
    root = vault(tmp_path / "vault")
    options = {}
    if case == "page twice":
        (tmp_path / "twice.csl").write_text(TWICE_CSL)
        options["csl"] = tmp_path / "twice.csl"
    else:  # citeproc reads "p. x" as no page at all: the stand-in comes out unlike a page
        monkeypatch.setattr(citations, "STAND_IN", "\ue002")
    by_page = []
    format_by_page = citations.format_by_page
    monkeypatch.setattr(citations, "format_by_page",
                        lambda *a: by_page.append(format_by_page(*a)) or by_page[-1])
    once = exported(root, "html", True, monkeypatch, **options)
    assert by_page == [None]
    assert once == exported(root, "html", False, monkeypatch, **options)
    if case == "page twice":
        assert "(Russia 40 = 40)" in re.sub(r"<[^>]+>", "", once)


def test_no_placeholder_is_left_in_any_output(tmp_path):
    root = vault(tmp_path / "vault")
    for fmt in ["html", "latex", "pdf", "epub"]:
        out = export(root, fmt, output=tmp_path / "out" / f"guide.{fmt}").output
        assert citations.OPEN not in out.read_bytes().decode("utf-8", "replace")


def test_styles_that_need_the_place_of_a_citation_keep_citeproc(tmp_path):
    styles = {"note": NOTE_CSL, "position": POSITION_CSL, "numeric": NUMERIC_CSL}
    for name, text in styles.items():
        (tmp_path / f"{name}.csl").write_text(text)
    assert citations.formats_once(None)  # pandoc's Chicago author-date
    assert citations.formats_once(tmp_path / "numeric.csl")
    assert not citations.formats_once(tmp_path / "note.csl")
    assert not citations.formats_once(tmp_path / "position.csl")


def test_a_position_style_still_says_ibid(tmp_path):
    root = vault(tmp_path / "vault")
    (tmp_path / "ibid.csl").write_text(POSITION_CSL)
    html = export(root, "html", output=tmp_path / "out" / "x.html",
                  csl=tmp_path / "ibid.csl").output.read_text()
    assert "Again [ibid.]" in re.sub(r"<[^>]+>", "", html)


@pytest.mark.parametrize("style", ["default", "numeric"])
def test_after_an_edit_only_new_citations_go_to_citeproc(tmp_path, monkeypatch, style):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    root = vault(tmp_path / "vault")
    options = {}
    if style == "numeric":
        (tmp_path / "numbers.csl").write_text(NUMERIC_CSL)
        options["csl"] = tmp_path / "numbers.csl"
    formatted = []  # how many citations each citeproc run was given
    format_all = citations.format_all
    monkeypatch.setattr(citations, "format_all",
                        lambda meta, cites, *a, **k: formatted.append(len(cites))
                        or format_all(meta, cites, *a, **k))

    def html(cache=True):
        out = tmp_path / "out" / ("x.html" if cache else "cold.html")
        return export(root, "html", output=out, cache=cache, **options).output.read_text()

    first = html()
    everything = formatted[0]
    (root / "C.md").write_text(NOTES["C.md"] + "\nA thought of my own.\n")
    edited = html()
    assert formatted == [everything]  # no citation changed: no citeproc
    assert edited.replace("<p>A thought of my own.</p>\n", "") == first
    (root / "B.md").write_text(NOTES["B.md"] + "\nA new page cited (99).\n")
    incremental = html()
    # the default style formats the one new citation alone, knowing every work (so that
    # it is told apart from the other Grant of 1997); a numeric one all of them again
    assert formatted == [everything, 1 if style == "default" else everything + 1]
    assert incremental == html(cache=False)
    text = re.sub(r"<[^>]+>", "", incremental)
    assert ("cited (Grant 1997b, 99)" if style == "default" else "cited [2]") in text
