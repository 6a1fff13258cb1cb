"""The LaTeX guide (pandoc), and its optional compile with latexmk in a scratch folder."""
from __future__ import annotations

import difflib
import os
import re
import shutil
import signal
import subprocess
import tempfile
from functools import cache
from pathlib import Path, PurePosixPath

import panflute as pf

from .. import mermaid, pandoc
from ..errors import ExportError
from ..images import svg_to_pdf, tex_file
from ..model import Book, Font, Fonts
from . import TEMPLATES, atomic_output
from .pieces import runs_of, write_runs
from .tex_fonts import with_fallback_fonts

PAPERS = {"a4": "a4", "letter": "letter", "a5": "a5"}
COMPILE_SECONDS = 300
# and this much more per MB of source: the help vault's 1.2 MB (450 pages) took 160 s on
# a busy machine, and a guide ten times as long would have met the limit
COMPILE_SECONDS_PER_MB = 300
BODY_BEGINS, BODY_ENDS = "% exporter: the body begins", "% exporter: the body ends"
LINE_MARK = "% exporter: template line "
PARTIAL = re.compile(r"\$([a-z-]+)\.latex\(\)\$\n")


def render(doc: pf.Doc, book: Book, parts: list[str] = (), processes: int = 1,
           own_chapter: bool = True) -> str:
    """The guide (the blocks of `parts`, then the Doc's own) as a standalone .tex source
    for xelatex or lualatex; runs of chapters written at once by separate pandoc processes
    and joined (join_sources)."""
    if book.source:
        doc.metadata["date"] = pf.MetaInlines(
            pf.Str("Source:"), pf.Space(), pf.Link(pf.Str(book.source), url=book.source))
    args = [
        "--standalone", "--toc", "--toc-depth=2",
        f"--include-in-header={TEMPLATES / 'latex-preamble.tex'}",
        "--variable=documentclass:report", f"--variable=papersize:{PAPERS[book.paper]}",
        "--variable=geometry:margin=25mm", "--variable=colorlinks:true",
        "--variable=linkcolor:blue!40!black", "--variable=urlcolor:blue!40!black",
        *font_variables(book.fonts),
    ]
    runs = runs_of(doc, parts, processes, own_chapter)
    if len(runs) == 1:
        tex = pandoc.write(doc, "latex", args, "LaTeX writer", runs[0])
    else:
        with tempfile.TemporaryDirectory(prefix="exporter-latex-") as folder:
            for name, text in marked_templates().items():  # partials beside the template
                (Path(folder) / name).write_text(text, encoding="utf-8")
            template = Path(folder) / "guide.latex"
            sources = write_runs(doc, runs, ["--to", "latex", f"--template={template}", *args],
                                 "LaTeX writer", processes)
        tex = join_sources(sources)
    return with_fallback_fonts(tex, book.lang)



def font_variables(fonts: Fonts) -> list[str]:
    """pandoc's variables for the reader's fonts: fontspec loads a vault's file by path;
    the headings' family through sectsty."""
    args = []
    for font, name in ((fonts.body, "mainfont"), (fonts.code, "monofont")):
        if font is not None:
            args += [f"--variable={name}:{font_spec(font)[0]}",
                     *(f"--variable={name}options:{o}" for o in font_spec(font)[1:])]
    if fonts.headings is not None:
        family, *options = font_spec(fonts.headings)
        args.append("--variable=header-includes:\\usepackage{sectsty}"
                    f"\\newfontfamily\\exporterheadingfont[{','.join(options)}]{{{family}}}"
                    "\\allsectionsfont{\\exporterheadingfont}")
    return args


def font_spec(font: Font) -> list[str]:
    """The font as fontspec names it, then its options: a file by name, with its folder."""
    if font.file is None:
        return [font.family]
    return [font.file.name, f"Path={font.file.parent.as_posix()}/"]

@cache
def marked_templates() -> dict[str, str]:
    """pandoc's LaTeX template and the partials its preamble calls, by file name, with a
    marker line before each of their lines (which prints only when the template prints
    that line) and the body between two marker lines. Line k of the template is marker
    1000 k; line j of the partial it calls there, 1000 k + j."""
    template = pandoc.run(["--print-default-template=latex"], "", "LaTeX template")
    head, begin, rest = template.partition("\\begin{document}\n")
    if not begin or rest.count("\n$body$\n") != 1:
        raise ExportError("pandoc's LaTeX template is not as this exporter knows it")
    files = {}
    lines = head.splitlines(keepends=True)
    for k, line in enumerate(lines):
        called = PARTIAL.fullmatch(line)
        if called:
            partial = pandoc.run([f"--print-default-data-file=templates/{called[1]}.latex"],
                                 "", "LaTeX template")
            files[f"{called[1]}.latex"] = marked(partial, 1000 * k)
    files["guide.latex"] = marked(head, 0, step=1000) + begin + rest.replace(
        "\n$body$\n", f"\n{BODY_BEGINS}\n$body$\n{BODY_ENDS}\n")
    return files


def marked(template: str, first: int, step: int = 1) -> str:
    return "".join(f"{LINE_MARK}{first + step * n}\n{line}"
                   for n, line in enumerate(template.splitlines(keepends=True)))


def join_sources(sources: list[str]) -> str:
    """One .tex from standalone ones written with the marked template: their preambles
    merged by template line (a run with a table or highlighted code prints lines the
    others leave out), the first one's title and contents, every body in order, the last
    one's ending."""
    preamble: list[tuple[int, str]] = []
    bodies = []
    for source in sources:
        head, rest = source.split("\\begin{document}\n", 1)
        front, rest = rest.split(f"{BODY_BEGINS}\n", 1)
        body, tail = rest.split(f"{BODY_ENDS}\n", 1)
        preamble = merged_lines(preamble, template_lines(head))
        bodies.append(body)
        if source is sources[0]:
            first_front = front
    return "".join([*(text for _, text in preamble), "\\begin{document}\n", first_front,
                    "\n".join(bodies), tail])


def template_lines(head: str) -> list[tuple[int, str]]:
    """(template line, what it printed) for each marker of a preamble."""
    pieces = re.split(f"^{re.escape(LINE_MARK)}(\\d+)\n", head, flags=re.M)
    return [(int(number), text)
            for number, text in zip(pieces[1::2], pieces[2::2], strict=True)]


def merged_lines(ours: list[tuple[int, str]], theirs: list[tuple[int, str]]) -> list:
    """Two preambles' (template line, text) in one: where only one printed a template
    line, its text; where both did, the longer (an empty $highlighting-macros$ in one)."""
    merged: list[tuple[int, str]] = []
    matcher = difflib.SequenceMatcher(None, [n for n, _ in ours], [n for n, _ in theirs],
                                      autojunk=False)
    for tag, a_from, a_to, b_from, b_to in matcher.get_opcodes():
        if tag == "equal":
            merged += [max(a, b, key=lambda line: len(line[1]))
                       for a, b in zip(ours[a_from:a_to], theirs[b_from:b_to], strict=True)]
        else:
            merged += sorted(ours[a_from:a_to] + theirs[b_from:b_to], key=lambda line: line[0])
    return merged


def copy_images(images: list[PurePosixPath], root: Path, folder: Path) -> None:
    """Put the images the .tex includes beside it, at their vault-relative paths: a copy,
    or for an SVG its PDF (the filter left out an SVG that does not convert)."""
    for image in images:
        target = folder / tex_file(image)
        if target.resolve() == (root / image).resolve():
            continue  # the output is in the vault, beside the image
        target.parent.mkdir(parents=True, exist_ok=True)
        if tex_file(image) == image:
            shutil.copy2(root / image, target)
            continue
        try:
            target.write_bytes(svg_to_pdf((root / image).read_bytes()))
        except (OSError, ValueError) as error:
            raise ExportError(f"{image}: {error}", root / image) from error


def write_diagrams(diagrams: dict[str, str], folder: Path) -> None:
    """Each diagram's SVG as the PDF the .tex includes, at its path beside the .tex."""
    for name, svg in diagrams.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            target.write_bytes(mermaid.to_pdf(svg))
        except OSError as error:
            raise ExportError(f"{name}: {error}", target) from error


def compile_pdf(tex: Path, images: list[PurePosixPath] = (), engine: str = "xelatex") -> Path:
    """Compile `tex` to a PDF beside it; TeX runs in a temporary folder, no shell escape."""
    if shutil.which("latexmk") is None:
        raise ExportError("--compile needs latexmk and a TeX engine (see README)", tex)
    with tempfile.TemporaryDirectory(prefix="exporter-tex-") as scratch:
        shutil.copy2(tex, Path(scratch) / "guide.tex")
        for image in map(tex_file, images):  # beside the .tex, as copy_images put them
            (Path(scratch) / image).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(tex.parent / image, Path(scratch) / image)
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


def compile_seconds(size: int) -> int:
    """The time latexmk has for a source of `size` bytes: more for a longer guide."""
    return COMPILE_SECONDS + round(COMPILE_SECONDS_PER_MB * size / 2**20)


def run_tex(command: list[str], folder: str, environment: dict, tex: Path) -> int:
    """Run latexmk in its own process group, so that at the time limit, or on Ctrl-C, the
    engine it started goes too (killing latexmk alone would leave xelatex running)."""
    process = subprocess.Popen(command, cwd=folder, env=environment, stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    seconds = compile_seconds(tex.stat().st_size)
    try:
        return process.wait(timeout=seconds)
    except subprocess.TimeoutExpired as error:
        raise ExportError(f"TeX took longer than {seconds} s", tex) from error
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
