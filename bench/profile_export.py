"""Where one export spends its time: per stage (no profiler overhead), or with cProfile.

    .venv/bin/python bench/profile_export.py VAULT [--format pdf] [-o FILE] [--cprofile FILE.prof]

Without --cprofile the exporter's stage functions are wrapped with timers (the code is
not changed, only the module attributes it calls through) and one export runs; each
stage's time is its own ("self"), so nested stages are not counted twice, and the rows
add up to the export's wall time. pandoc runs are split by what they do: parsing a note,
or writing the guide. Memory: the largest resident set of this process at the end of
each stage, and of its largest pandoc child.

With --cprofile the export runs under cProfile (which slows Python code, not the time
spent waiting for pandoc) and the top functions by own time and by cumulative time are
printed; the stats file opens with `python -m pstats FILE` or snakeviz.

Run it on the checkout that holds it: `PYTHONPATH` is not needed, this file puts its
checkout first on sys.path.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import resource
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import weasyprint  # noqa: E402
import weasyprint.document  # noqa: E402

from exporter import pandoc, per_note, pipeline, reader  # noqa: E402
from exporter.config import Options  # noqa: E402
from exporter.render import chunks, epub, guide_pdf, html, latex  # noqa: E402


class Stages:
    """Self time, calls and memory per stage label, for nested timed calls."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self.rss_mb: dict[str, float] = {}
        self.order: list[str] = []
        self.stack: list[list] = []  # [label, start, time of timed children]

    def wrap(self, owner, name: str, label) -> None:
        """Time owner.name; `label` is a string or a function of the call's arguments."""
        original = getattr(owner, name)

        def timed(*args, **kwargs):
            tag = label(*args, **kwargs) if callable(label) else label
            self.stack.append([tag, time.perf_counter(), 0.0])
            try:
                return original(*args, **kwargs)
            finally:
                tag, start, inner = self.stack.pop()
                spent = time.perf_counter() - start
                self.seconds[tag] += spent - inner
                self.calls[tag] += 1
                if self.stack:
                    self.stack[-1][2] += spent
                if tag not in self.order:
                    self.order.append(tag)
                self.rss_mb[tag] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

        setattr(owner, name, timed)

    def report(self, total: float) -> str:
        width = max(len(t) for t in self.order) + 2
        lines = [f"{'stage':<{width}} {'calls':>6} {'seconds':>8} {'share':>6} {'max RSS MB':>10}"]
        for tag in sorted(self.order, key=lambda t: -self.seconds[t]):
            lines.append(f"{tag:<{width}} {self.calls[tag]:>6} {self.seconds[tag]:>8.2f} "
                         f"{self.seconds[tag] / total:>6.1%} {self.rss_mb[tag]:>10.0f}")
        rest = total - sum(self.seconds.values())
        lines.append(f"{'(not in any stage above)':<{width}} {'':>6} {rest:>8.2f} "
                     f"{rest / total:>6.1%}")
        lines.append(f"{'export, wall time':<{width}} {'':>6} {total:>8.2f}")
        children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        lines.append(f"largest pandoc process: {children:.0f} MB resident")
        return "\n".join(lines)


def pandoc_label(args, stdin, what, *_):
    """A pandoc run: a batch of notes parsed, or the guide's writer (and citeproc)."""
    if "--to" in args and args[args.index("--to") + 1] == "json":
        return "pandoc: parse a batch of notes (at once, one per CPU)"
    to = args[args.index("--to") + 1] if "--to" in args else "?"
    extra = " + citeproc" if "--citeproc" in args else ""
    return f"pandoc: write {to}{extra} (JSON in)"


def keep_writer_input(path: Path) -> None:
    """Save the JSON the writer's pandoc gets, and its arguments, to time pandoc alone."""
    original = pandoc.run

    def run(args, stdin, what, *rest):
        if "--from" in args and args[args.index("--from") + 1] == "json":
            path.write_text(stdin, encoding="utf-8")
            path.with_suffix(".args").write_text("\n".join(args), encoding="utf-8")
        return original(args, stdin, what, *rest)

    pandoc.run = run


def instrument() -> Stages:
    """Stages as the main process sees them: a stage that runs in worker processes
    (outline, filter, PDF chunks) counts its wall time here."""
    stages = Stages()
    stages.wrap(pipeline, "read_vault", "scan + read notes (front matter)")
    stages.wrap(pandoc, "run", pandoc_label)
    stages.wrap(reader.ParsedNotes, "parse", "parse: batches, cache, JSON split")
    stages.wrap(per_note, "outline_all", "outline notes (workers): titles, ids, links")
    stages.wrap(per_note, "filter_all", "filter notes (workers)")
    stages.wrap(pipeline.index, "build", "index entries")
    stages.wrap(pipeline, "metadata", "metadata, references")
    stages.wrap(pandoc, "dump", "JSON of the guide (parts joined)")
    stages.wrap(html, "render", "HTML render (templates, besides pandoc)")
    stages.wrap(epub, "write_epub", "EPUB writer (besides pandoc)")
    stages.wrap(latex, "render", "LaTeX writer (besides pandoc)")
    stages.wrap(chunks, "lay_out", "PDF: body chunks laid out (workers)")
    stages.wrap(guide_pdf, "finish", "PDF: contents, index, numbers drawn in (workers)")
    stages.wrap(guide_pdf, "join", "PDF: parts joined (pikepdf)")
    stages.wrap(weasyprint.CSS, "__init__", "WeasyPrint: CSS parse")
    stages.wrap(weasyprint.HTML, "__init__", "WeasyPrint: HTML parse")
    stages.wrap(weasyprint.HTML, "render", "WeasyPrint: style + layout (render)")
    stages.wrap(weasyprint.document.Document, "write_pdf", "WeasyPrint: draw + write PDF")
    return stages


def export(vault: Path, fmt: str, output: Path, jobs: int | None, cold: bool):
    options = Options(fmt=fmt, source=vault, output=output, jobs=jobs)
    if cold:
        with tempfile.TemporaryDirectory() as folder:
            os.environ["XDG_CACHE_HOME"] = folder
            return pipeline.export(options)
    return pipeline.export(options)


def top(stats: pstats.Stats, key: str, count: int) -> str:
    buffer = io.StringIO()
    stats.stream = buffer
    stats.sort_stats(key).print_stats(count)
    text = buffer.getvalue()
    return text[text.index("   ncalls"):] if "   ncalls" in text else text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("vault", type=Path)
    parser.add_argument("--format", default="pdf", choices=["pdf", "epub", "latex", "html"])
    parser.add_argument("-o", "--output", type=Path, default=None)
    parser.add_argument("--cprofile", type=Path, default=None, help="write cProfile stats here")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--jobs", type=int, default=None, help="processes (all CPUs)")
    parser.add_argument("--cold", action="store_true", help="with an empty cache")
    parser.add_argument("--keep-json", type=Path, default=None,
                        help="save the JSON the writer's pandoc reads (and FILE.args)")
    args = parser.parse_args()
    suffix = {"latex": "tex"}.get(args.format, args.format)
    output = args.output or ROOT / "build" / "bench" / f"profile.{suffix}"

    if args.keep_json:
        keep_writer_input(args.keep_json)
    if args.cprofile:
        profiler = cProfile.Profile()
        start = time.perf_counter()
        profiler.enable()
        export(args.vault, args.format, output, args.jobs, args.cold)
        profiler.disable()
        total = time.perf_counter() - start
        profiler.dump_stats(args.cprofile)
        stats = pstats.Stats(str(args.cprofile))
        stats.strip_dirs()
        print(f"export under cProfile: {total:.1f} s; stats in {args.cprofile}\n")
        print(f"top {args.top} by own time (tottime):")
        print(top(stats, "tottime", args.top))
        print(f"top {args.top} by cumulative time:")
        print(top(stats, "cumulative", args.top))
        return

    stages = instrument()
    start = time.perf_counter()
    result = export(args.vault, args.format, output, args.jobs, args.cold)
    total = time.perf_counter() - start
    print(f"{args.format} of {args.vault}: {total:.1f} s, {len(result.warnings)} warnings, "
          f"wrote {result.output}\n")
    print(stages.report(total))


if __name__ == "__main__":
    main()
