"""Shared test helpers: external tools that CI must have, and exports of the fixtures."""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import settings

# In CI the property tests draw the same examples every run: a new failing example found by
# exploring fails a developer's run (HYPOTHESIS_PROFILE=explore), not a landing.
settings.register_profile("ci", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE")
                      or ("ci" if os.environ.get("CI") == "true" else "default"))

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SEED_NOTE = SEEDS / "Russia - From Revolution to Counter-Revolution (1997).md"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
EPUBCHECK_JAR = Path("/usr/share/java/epubcheck.jar")


def require(available: bool, what: str) -> None:
    """Skip without the tool on a developer's machine; fail in CI, which must have it."""
    if available:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} is not installed, and CI must run this test")
    pytest.skip(f"{what} is not installed")


def epubcheck(path: Path) -> subprocess.CompletedProcess:
    require(EPUBCHECK_JAR.exists() and shutil.which("java") is not None, "epubcheck")
    return subprocess.run(["java", "-jar", str(EPUBCHECK_JAR), str(path)],
                          capture_output=True, text=True, timeout=300)


def require_tex() -> None:
    require(shutil.which("latexmk") is not None and shutil.which("xelatex") is not None,
            "TeX (latexmk, xelatex)")


def page_texts(pdf, layout: bool = False) -> list[str]:
    """Each page's text in reading order, as poppler's pdftotext finds it on the page
    (with `layout`, line by line as it stands). `pdf`: a path, or a pypdf reader of a file.

    The page numbers the PDF's cross-references and contents show are drawn over their
    lines after layout, so only the text's place on the page, not its order in the file,
    puts them where they are read.
    """
    require(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils)")
    with as_file(pdf) as path:
        done = subprocess.run(["pdftotext", *(["-layout"] if layout else []), str(path), "-"],
                              capture_output=True, text=True, check=True, timeout=120)
    return done.stdout.split("\f")[:-1]


@contextmanager
def as_file(pdf):
    """The path of a PDF given as a path or as a pypdf reader of a file."""
    if isinstance(pdf, (str, Path)):
        yield Path(pdf)
        return
    with tempfile.NamedTemporaryFile(suffix=".pdf") as copy:
        pdf.stream.seek(0)
        copy.write(pdf.stream.read())
        copy.flush()
        yield Path(copy.name)


def printed_pages(pdf) -> dict[str, str]:
    """{printed page number: that page's text}, from the number in each page's footer,
    which is the page's last line. `pdf`: a path, or a pypdf reader of a file."""
    pages = {}
    for text in page_texts(pdf):
        lines = [line for line in text.strip().split("\n") if line.strip()]
        if lines and lines[-1].strip().isalnum() and len(lines[-1].strip()) < 6:
            pages[lines[-1].strip()] = " ".join(" ".join(lines[:-1]).split())
    return pages


@pytest.fixture(autouse=True, scope="session")
def private_cache(tmp_path_factory):
    """Exports in the tests keep their cache in a folder of their own, not the user's."""
    previous = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if previous is None:
        del os.environ["XDG_CACHE_HOME"]
    else:
        os.environ["XDG_CACHE_HOME"] = previous
