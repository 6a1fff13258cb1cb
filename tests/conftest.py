"""Shared test helpers: external tools that CI must have, and exports of the fixtures."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

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


def printed_pages(reader) -> dict[str, str]:
    """{printed page number: that page's text}, from the number in each page's footer.

    pypdf reads the page-margin boxes after the body, so the footer is the last line.
    """
    pages = {}
    for page in reader.pages:
        lines = page.extract_text().strip().split("\n")
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
