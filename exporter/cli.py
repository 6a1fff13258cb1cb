"""The `exporter` command: arguments to Options, errors to exit statuses. No logic here."""
from __future__ import annotations

import signal
import sys
from pathlib import Path

import click
from rich.console import Console

from .config import Options, themes
from .errors import ExportError, UsageError
from .log import grouped, left_out_summary
from .progress import Progress, for_console

stderr = Console(stderr=True, highlight=False, soft_wrap=True)


def options(*decorators):
    """Stack click option decorators, the first listed outermost (first in --help)."""
    def apply(command):
        for decorator in reversed(decorators):
            command = decorator(command)
        return command
    return apply


PATH = click.argument("path", type=click.Path(path_type=Path))
OUTPUT = click.option("-o", "--output", type=click.Path(path_type=Path),
                      help="Output file [default: build/<title>.<ext>].")
COMMON = options(
    click.option("--title", help="Title of the guide."),
    click.option("--author", help="Author shown on the title page."),
    click.option("--strict", is_flag=True, help="Treat every warning as an error."),
    click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors."),
    click.option("-v", "--verbose", is_flag=True,
                 help="List every warning (else a kind warned of often is one line)."),
    click.option("-j", "--jobs", type=click.IntRange(min=1),
                 help="Processes at once [default: one per CPU]."),
    click.option("--no-cache", "cache", flag_value=False, default=True,
                 help="Neither use nor keep the cache of parsed notes and laid-out pages."),
)
CONTENT = options(
    click.option("--csl", type=click.Path(path_type=Path),
                 help="CSL style for page citations [default: Chicago author-date]."),
    click.option("--short-citations", is_flag=True,
                 help="Cite only the page, linked to the reference."),
    click.option("--allow-remote", is_flag=True,
                 help="Fetch remote images (else each is a placeholder)."),
    click.option("--allow-raw-latex", is_flag=True,
                 help="Keep raw LaTeX that reads files or runs commands (\\input, \\write18...): "
                      "only for vaults you trust."),
)
PAPER = click.option("--paper", help="a4 (default), letter or a5.")
THEME = click.option("--theme", default="study-guide", show_default=True,
                     help=f"A theme of templates/themes: {', '.join(themes())}.")
CSS = click.option("--css", type=click.Path(path_type=Path), help="Your CSS, after the theme's.")
TEMPLATE = click.option("--template", type=click.Path(path_type=Path),
                        help="A pandoc HTML template instead of templates/guide.html.")
DUPLEX = click.option("--duplex", is_flag=True,
                      help="Chapters open on right-hand pages, for double-sided printing.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="obsidian-study-guide", prog_name="exporter",
                      message="%(prog)s %(version)s")
def app() -> None:
    """Turn an Obsidian vault (or one note) into a typeset study guide."""


@app.command()
@options(PATH, OUTPUT, PAPER, THEME, CSS, TEMPLATE, DUPLEX, CONTENT, COMMON)
def pdf(path: Path, **given) -> None:
    """Export a typeset study-guide PDF (pandoc HTML, laid out by WeasyPrint)."""
    run("pdf", path, given)


@app.command()
@options(PATH, OUTPUT, THEME, CSS, CONTENT, COMMON)
def epub(path: Path, **given) -> None:
    """Export an EPUB3 book."""
    run("epub", path, given)


@app.command()
@options(PATH, OUTPUT, PAPER,
         click.option("--compile", "compile_tex", is_flag=True,
                      help="Also run latexmk (xelatex) on it."), CONTENT, COMMON)
def latex(path: Path, **given) -> None:
    """Export a LaTeX source; --compile also builds its PDF beside it."""
    run("latex", path, given)


@app.command()
@options(PATH, OUTPUT, PAPER, THEME, CSS, TEMPLATE, CONTENT, COMMON)
def html(path: Path, **given) -> None:
    """Export the guide as one standalone HTML page."""
    run("html", path, given)


@app.command()
@options(PATH, OUTPUT,
         click.option("--chapters", multiple=True,
                      help="Chapters the meeting covers: numbers, ranges (1-3), heading texts "
                           "or note names, comma-separated or repeated; all by default."),
         PAPER,
         click.option("--booklet", is_flag=True,
                      help="Half-size pages two to a landscape sheet (A5 on A4), in folding "
                           "order."), COMMON)
def handout(path: Path, chapters: tuple[str, ...], booklet: bool, **given) -> None:
    """Print a reading-group handout: chosen chapters, discussion points, key concepts."""
    from .render.handout import export_handout
    run("html", path, given, lambda options, progress: export_handout(
        options, chapters=list(chapters), booklet=booklet))


@app.command()
@options(PATH,
         click.option("--to", "fmt", type=click.Choice(["pdf", "epub", "html"]), default="pdf",
                      show_default=True, help="The format to keep up to date."),
         OUTPUT, PAPER, THEME, CSS, TEMPLATE, DUPLEX, CONTENT, COMMON)
def watch(path: Path, fmt: str, **given) -> None:
    """Export, then export again each time a note is saved (Ctrl-C stops)."""
    from .watch import watch as keep_watching
    quiet, verbose = given.get("quiet", False), given.get("verbose", False)

    def report(line: str) -> None:
        if not quiet or line.startswith("error"):
            stderr.print(line, markup=False)

    run(fmt, path, given, lambda options, progress: keep_watching(options, report,
                                                                    verbose=verbose))


@app.command()
@options(PATH, click.option("--format", "fmt", type=click.Choice(["text", "json"]),
                            default="text", show_default=True))
def check(path: Path, fmt: str) -> None:
    """Report broken links, embeds and front matter (file:line); export nothing."""
    from .check import main as check_main
    sys.exit(check_main(path, fmt))


def run(fmt: str, path: Path, given: dict, action=None) -> None:
    """Build the Options, export (or run `action` on them), report; exit 1 on ExportError,
    2 on a usage error, 130 on Ctrl-C."""
    quiet, verbose = given.pop("quiet", False), given.pop("verbose", False)
    progress = Progress() if quiet else for_console(stderr)
    try:
        options = Options(fmt=fmt, source=path, **given)
        if action is None:
            from .pipeline import export
            result = export(options, progress)
        else:
            result = action(options, progress)
    except UsageError as error:
        fail(error, 2)
    except ExportError as error:
        fail(error, 1)
    except KeyboardInterrupt:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C may not cut the exit
        fail("interrupted: nothing written", 130)
    finally:
        progress.close()
    if result is not None:
        for line in report(result, quiet, verbose):
            stderr.print(line, markup=False)


def report(result, quiet: bool = False, verbose: bool = False) -> list[str]:
    """What an export says when it is done: the notes it left out (errors, even when
    quiet), its warnings (grouped by kind unless `verbose`), what it wrote, and a closing
    line naming the notes left out."""
    errors = [f"error: {error}" for error in result.left_out]
    summary = [left_out_summary(result.left_out)] if result.left_out else []
    if quiet:
        return [*errors, *summary]
    shown = result.warnings if verbose else grouped(result.warnings)
    warnings = [f"warning: {message}" for message in shown]
    written = [f"wrote {path}" for path in [result.output, *result.extra]]
    return [*errors, *warnings, *written, *summary]


def fail(error, status: int):
    stderr.print(f"error: {error}" if status != 130 else str(error), markup=False)
    sys.exit(status)


def main() -> None:
    """Entry point: click's own usage errors exit 2."""
    app()


if __name__ == "__main__":
    main()
