"""The LaTeX guide (pandoc), and its optional compile with latexmk in a scratch folder."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path, PurePosixPath

import panflute as pf

from .. import pandoc
from ..errors import ExportError
from ..model import Book
from . import TEMPLATES, atomic_output

PAPERS = {"a4": "a4", "letter": "letter", "a5": "a5"}
COMPILE_SECONDS = 300


def render(doc: pf.Doc, book: Book, parts: list[str] = ()) -> str:
    """The guide (the blocks of `parts`, then the Doc's own) as a standalone .tex source
    for xelatex or lualatex."""
    if book.source:
        doc.metadata["date"] = pf.MetaInlines(
            pf.Str("Source:"), pf.Space(), pf.Link(pf.Str(book.source), url=book.source))
    return pandoc.write(doc, "latex", [
        "--standalone", "--toc", "--toc-depth=2",
        f"--include-in-header={TEMPLATES / 'latex-preamble.tex'}",
        "--variable=documentclass:report", f"--variable=papersize:{PAPERS[book.paper]}",
        "--variable=geometry:margin=25mm", "--variable=colorlinks:true",
        "--variable=linkcolor:blue!40!black", "--variable=urlcolor:blue!40!black",
    ], "LaTeX writer", parts)


def copy_images(images: list[PurePosixPath], root: Path, folder: Path) -> None:
    """Copy the images the .tex includes beside it, at their vault-relative paths."""
    for image in images:
        target = folder / image
        if target.resolve() != (root / image).resolve():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(root / image, target)


def compile_pdf(tex: Path, images: list[PurePosixPath] = (), engine: str = "xelatex") -> Path:
    """Compile `tex` to a PDF beside it; TeX runs in a temporary folder, no shell escape."""
    if shutil.which("latexmk") is None:
        raise ExportError("--compile needs latexmk and a TeX engine (see README)", tex)
    with tempfile.TemporaryDirectory(prefix="exporter-tex-") as scratch:
        shutil.copy2(tex, Path(scratch) / "guide.tex")
        copy_images(images, tex.parent, Path(scratch))
        environment = {**os.environ, "openin_any": "p", "openout_any": "p"}
        done = run_tex(["latexmk", f"-{engine}", "-interaction=nonstopmode", "-halt-on-error",
                        "-no-shell-escape", "guide.tex"], scratch, environment, tex)
        built = Path(scratch) / "guide.pdf"
        if done != 0 or not built.exists():
            log = (Path(scratch) / "guide.log")
            errors = [line for line in log.read_text("utf-8", "replace").splitlines()
                      if line.startswith("!")] if log.exists() else []
            raise ExportError(f"TeX failed: {errors[0] if errors else 'see latexmk output'}", tex)
        target = tex.with_name(tex.stem + "-latex.pdf")  # beside the WeasyPrint PDF, not over it
        with atomic_output(target) as partial:
            shutil.copy2(built, partial)
        return target


def run_tex(command: list[str], folder: str, environment: dict, tex: Path) -> int:
    """Run latexmk in its own process group, so that at the time limit, or on Ctrl-C, the
    engine it started goes too (killing latexmk alone would leave xelatex running)."""
    process = subprocess.Popen(command, cwd=folder, env=environment, stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    try:
        return process.wait(timeout=COMPILE_SECONDS)
    except subprocess.TimeoutExpired as error:
        raise ExportError(f"TeX took longer than {COMPILE_SECONDS} s", tex) from error
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
