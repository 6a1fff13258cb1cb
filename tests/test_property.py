"""Random Obsidian-flavoured Markdown through the whole chain, in every format: no crash,
and no raw Obsidian syntax ([[ ]] [! %% ==) left in what prints."""
from __future__ import annotations

import re
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from exporter import export

from .conftest import FIXTURES

INLINES = [
    "alpha", "Fortuna", "virtù", "C#", "42", "*emphasis*", "**strong**", "~~struck~~",
    "`code`", "$x^2$", "(40)", "(p. 12)", "#tag", "#nested/tag", "==highlighted==",
    "%%a comment%%", "[[Alpha]]", "[[Alpha|the first]]", "[[Alpha#Part one]]",
    "[[Beta#^quote]]", "[[Nowhere]]", "[[Folder/Deeper|deeper]]", "[a link](Alpha.md)",
    "![[pic.png|40]]", "![[missing.png]]", "![[Alpha]]", "<span>raw</span>",
    "<iframe src=x></iframe>", "\\input{x}", "![remote](http://127.0.0.1:9/x.png)",
    "![out](../x.png)", "[[../x]]",
]
CALLOUT_TYPES = ["note", "tip", "warning", "question", "Quote", "NOTE", "custom", "faq"]

words = st.lists(st.sampled_from(INLINES), min_size=1, max_size=6).map(" ".join)
callout = st.tuples(st.sampled_from(CALLOUT_TYPES), st.sampled_from(["", "-", "+"]), words,
                    words).map(lambda t: f"> [!{t[0]}]{t[1]} {t[2]}\n> {t[3]}")
block = st.one_of(
    words, words.map("# {}".format), words.map("## {}".format), words.map("> {}".format),
    callout, callout.map(lambda text: "> " + text.replace("\n", "\n> ")),  # nested
    st.lists(words, min_size=1, max_size=4).map(lambda ls: "\n".join(f"- {x}" for x in ls)),
    st.lists(words, min_size=1, max_size=3).map(lambda ls: "\n".join(f"1. {x}" for x in ls)),
    st.just("- [ ] to do\n- [x] done"), words.map("%%\n{}\n%%".format),
    words.map("{} ^block-id".format), st.sampled_from(["---", "![[Beta]]", "![[Alpha#Part one]]"]),
)
notes = st.lists(block, min_size=1, max_size=8).map("\n\n".join)

RAW = ["[[", "]]", "[!", "%%", "=="]
TEX_RAW = ["{[}{[}", "{]}{]}", "{[}!", r"\%\%", "==", r"\input{x}"]


def vault_with(main: str, root: Path) -> Path:
    vault = root / "vault"
    (vault / "Folder").mkdir(parents=True)
    (vault / "Main.md").write_text(f"---\norder: 1\n---\n{main}\n")
    (vault / "Alpha.md").write_text("---\norder: 2\n---\n# Part one\n\nAlpha's text.\n")
    (vault / "Beta.md").write_text("---\norder: 3\n---\nA quote. ^quote\n\n# Part\n\nMore.\n")
    (vault / "Folder" / "Deeper.md").write_text("---\norder: 4\n---\nDeeper text.\n")
    (vault / "pic.png").write_bytes((FIXTURES / "obsidian/Attachments/diagram.png").read_bytes())
    return vault


def printed_text(fmt: str, output: Path) -> str:
    """What a reader sees: PDF text, or the document's body without code and styles."""
    if fmt == "pdf":
        return " ".join(page.extract_text() or "" for page in PdfReader(output).pages)
    if fmt == "epub":
        with zipfile.ZipFile(output) as book:
            text = " ".join(book.read(n).decode() for n in book.namelist()
                            if n.endswith(".xhtml"))
    else:
        text = output.read_text()
    if fmt == "latex":
        body = text.split(r"\begin{document}", 1)[1]
        return re.sub(r"\\texttt\{[^}]*\}", "", body)
    text = re.sub(r"<(style|pre|code)\b.*?</\1>", "", text, flags=re.S)
    return text


@pytest.mark.parametrize("fmt", ["html", "epub", "latex", "pdf"])
def test_random_notes_export_cleanly(fmt):
    @settings(max_examples=12 if fmt == "pdf" else 20, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow])
    @given(main=notes)
    def check(main):
        with tempfile.TemporaryDirectory() as folder:
            vault = vault_with(main, Path(folder))
            result = export(vault, fmt, output=Path(folder) / "out" / f"guide.{fmt}")
            text = printed_text(fmt, result.output)
            for raw in TEX_RAW if fmt == "latex" else RAW:
                assert raw not in text, (raw, main)
            assert "<iframe" not in text
            assert "Alpha’s text" in text.replace("'", "’")  # pandoc's smart quotes

    check()
