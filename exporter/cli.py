"""The `exporter` command: arguments to Options, errors to exit statuses. No logic here."""
from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.console import Console

from .config import Options
from .errors import ExportError, UsageError
from .pipeline import export

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Turn an Obsidian vault (or one note) into a typeset study guide.")
stderr = Console(stderr=True, highlight=False, soft_wrap=True)

PathArgument = typer.Argument(..., help="A vault folder or one .md note.")
OutputOption = typer.Option(None, "--output", "-o",
                            help="Output file [default: build/<title>.<ext>].")
PaperOption = typer.Option(None, "--paper", help="a4 (default), letter or a5.")
TitleOption = typer.Option(None, "--title", help="Title of the guide.")
AuthorOption = typer.Option(None, "--author", help="Author shown on the title page.")
StrictOption = typer.Option(False, "--strict", help="Treat every warning as an error.")
RemoteOption = typer.Option(False, "--allow-remote",
                            help="Fetch remote images (else each is a placeholder).")
RawLatexOption = typer.Option(False, "--allow-raw-latex",
                              help="Keep raw LaTeX that reads files or runs commands (\\input, "
                              "\\write18...): only for vaults you trust.")
QuietOption = typer.Option(False, "--quiet", "-q", help="Print nothing but errors.")
CslOption = typer.Option(None, "--csl", help="CSL style for page citations [default: Chicago "
                         "author-date].")
ShortOption = typer.Option(False, "--short-citations",
                           help="Cite only the page, linked to the reference.")


def run(options: dict, quiet: bool, action=None) -> None:
    """Build the Options, export (or run `action` on them), report; exit 1 on ExportError,
    2 on a usage error."""
    try:
        result = (action or export)(Options(**options))
    except UsageError as error:
        stderr.print(f"error: {error}", markup=False)
        raise typer.Exit(2) from error
    except ExportError as error:
        stderr.print(f"error: {error}", markup=False)
        raise typer.Exit(1) from error
    except KeyboardInterrupt:
        stderr.print("interrupted: nothing written", markup=False)
        raise typer.Exit(130) from None
    if not quiet:
        for message in result.warnings:
            stderr.print(f"warning: {message}", markup=False)
        for path in [result.output, *result.extra]:
            stderr.print(f"wrote {path}", markup=False)


@app.command()
def pdf(path: Path = PathArgument, output: Path | None = OutputOption,
        paper: str | None = PaperOption, title: str | None = TitleOption,
        author: str | None = AuthorOption, csl: Path | None = CslOption,
        short_citations: bool = ShortOption, strict: bool = StrictOption,
        allow_remote: bool = RemoteOption, allow_raw_latex: bool = RawLatexOption,
        quiet: bool = QuietOption) -> None:
    """Export a typeset study-guide PDF (pandoc HTML, laid out by WeasyPrint)."""
    run(dict(fmt="pdf", source=path, output=output, paper=paper, title=title, author=author,
             csl=csl, short_citations=short_citations, strict=strict,
             allow_remote=allow_remote, allow_raw_latex=allow_raw_latex), quiet)


@app.command()
def epub(path: Path = PathArgument, output: Path | None = OutputOption,
         title: str | None = TitleOption, author: str | None = AuthorOption,
         csl: Path | None = CslOption, short_citations: bool = ShortOption,
         strict: bool = StrictOption, allow_remote: bool = RemoteOption,
         allow_raw_latex: bool = RawLatexOption, quiet: bool = QuietOption) -> None:
    """Export an EPUB3 book."""
    run(dict(fmt="epub", source=path, output=output, title=title, author=author, csl=csl,
             short_citations=short_citations, strict=strict, allow_remote=allow_remote,
             allow_raw_latex=allow_raw_latex), quiet)


@app.command()
def latex(path: Path = PathArgument, output: Path | None = OutputOption,
          paper: str | None = PaperOption, title: str | None = TitleOption,
          author: str | None = AuthorOption,
          compile: bool = typer.Option(False, "--compile", help="Also run latexmk (xelatex)."),
          csl: Path | None = CslOption, short_citations: bool = ShortOption,
          strict: bool = StrictOption, allow_remote: bool = RemoteOption,
          allow_raw_latex: bool = RawLatexOption, quiet: bool = QuietOption) -> None:
    """Export a LaTeX source; --compile also builds its PDF beside it."""
    run(dict(fmt="latex", source=path, output=output, paper=paper, title=title, author=author,
             compile_tex=compile, csl=csl, short_citations=short_citations, strict=strict,
             allow_remote=allow_remote, allow_raw_latex=allow_raw_latex), quiet)


@app.command()
def html(path: Path = PathArgument, output: Path | None = OutputOption,
         paper: str | None = PaperOption, title: str | None = TitleOption,
         author: str | None = AuthorOption, csl: Path | None = CslOption,
         short_citations: bool = ShortOption, strict: bool = StrictOption,
         allow_remote: bool = RemoteOption, allow_raw_latex: bool = RawLatexOption,
         quiet: bool = QuietOption) -> None:
    """Export the guide as one standalone HTML page."""
    run(dict(fmt="html", source=path, output=output, paper=paper, title=title, author=author,
             csl=csl, short_citations=short_citations, strict=strict,
             allow_remote=allow_remote, allow_raw_latex=allow_raw_latex), quiet)


@app.command()
def handout(path: Path = PathArgument, output: Path | None = OutputOption,
            chapters: list[str] | None = typer.Option(
                None, "--chapters", help="Chapters the meeting covers: numbers, ranges (1-3), "
                "heading texts or note names, comma-separated or repeated; all by default."),
            paper: str | None = PaperOption,
            booklet: bool = typer.Option(False, "--booklet", help="Half-size pages two to a "
                                         "landscape sheet (A5 on A4), in folding order."),
            title: str | None = TitleOption, author: str | None = AuthorOption,
            strict: bool = StrictOption, quiet: bool = QuietOption) -> None:
    """Print a reading-group handout: chosen chapters, discussion points, key concepts."""
    from .render.handout import export_handout
    run(dict(fmt="html", source=path, output=output, paper=paper, title=title, author=author,
             strict=strict), quiet,
        lambda options: export_handout(options, chapters=chapters, booklet=booklet))


@app.command()
def check(path: Path = PathArgument,
          fmt: str = typer.Option("text", "--format", help="text (default) or json.")) -> None:
    """Report broken links, embeds and front matter (file:line); export nothing."""
    from .check import main as check_main
    raise typer.Exit(check_main(path, fmt))


def main() -> None:
    """Entry point: click's own usage errors already exit 2."""
    sys.exit(app())  # noqa


if __name__ == "__main__":
    main()
