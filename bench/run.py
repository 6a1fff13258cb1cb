"""`make bench`: the exporter against plain pandoc (and WeasyPrint), timed in one run.

    .venv/bin/python bench/run.py [--sizes 10,100,1000] [--formats pdf,epub,latex]
                                  [--repeat 1] [--cpus N] [--no-edit] [--math 200]
                                  [--work build/bench]

For each size, a synthetic vault (bench/make_vault.py, generated once into the work
folder and not timed), then for each format, `--repeat` times, interleaved:

- floor: pypandoc-binary's pandoc on the notes' bodies concatenated (front matter cut
  off), read with the exporter's Markdown extensions. EPUB: `-t epub3 --toc
  --split-level=1`; LaTeX: `-s --toc`; PDF: `-t html5 -s --toc` with the exporter's
  stylesheets (print.css, callouts.css, the Caladea @font-face rules) so the pages look
  alike, then the `weasyprint` command line on that HTML. No filters, no citeproc.
- exporter: `.venv/bin/exporter FORMAT VAULT -o FILE`, cold: a fresh copy of the vault,
  a fresh output folder and a fresh XDG_CACHE_HOME.
- edit (PDF only, unless --no-edit): right after a cold export, one note in the middle
  of the vault gets a sentence more and the same command runs again in the same folders
  (what an incremental build would make cheap).
- math (unless --math 0): a vault of 20 notes holding 200 TeX formulas (--math N) and 20
  Mermaid diagrams in all (drawn where mermaid-cli is installed, else printed as code),
  a PDF cold and after an edit (the edited note's formulas come from the cache), beside
  the floor (which prints the formulas as TeX, drawing none).

Every command runs as its own process. Time is wall-clock; memory is the peak resident
set of the whole process tree: its processes' PSS summed (a page that forked workers share
with their parent counted once, not once per process), sampled every 0.1 s, and never
less than the largest single process's RSS as the kernel reports it through wait4. The
RSS summed is kept too (results.json, and the last line of the table). A floor of
two steps (pandoc, then WeasyPrint) takes the sum of the times and the larger peak.
With --repeat N each figure is the median of N runs. The table gives the ratios
(exporter / floor; edit / cold) next to the targets of the issue, and results.json in the
work folder keeps every run.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from make_vault import make_vault, note_path  # noqa: E402

from exporter.pandoc import READER, pandoc_path  # noqa: E402
from exporter.render import TEMPLATES  # noqa: E402
from exporter.render.pdf import font_css  # noqa: E402

BIN = Path(sys.executable).parent
EXTENSIONS = {"pdf": "pdf", "epub": "epub", "latex": "tex"}
SAMPLE_SECONDS = 0.1  # between memory samples, at least
# Reading a process's smaps_rollup costs about 10 ms of CPU a GB it holds: every 0.1 s
# over a 2 GB tree, a fifth of a CPU, taken from a parallel export (not from the floor's
# single process: it has a CPU to spare). So the sampler waits at least this many times
# as long as its last sample took.
SAMPLE_SHARE = 20
# The targets: the ratio each may not exceed, and the sizes it is set at (an edit:
# "one note of 1,000").
TARGETS = {"epub": 1.3, "latex": 1.3, "pdf": 0.7, "edit": 0.2}
TARGET_SIZES = {"epub": (100, 1000), "latex": (100, 1000), "pdf": (100, 1000), "edit": (1000,)}
MEMORY_LIMIT_MB = 1500
MATH_NOTES = 20  # the math vault's notes
MATH_DIAGRAMS = 20  # and its Mermaid diagrams (drawn where mmdc is installed)


@dataclass
class Run:
    """One measured command (or the steps of one floor)."""

    seconds: float
    peak_mb: float
    steps: list[dict] = field(default_factory=list)
    failed: str = ""  # the command and log of a failed run


@dataclass
class Case:
    size: int
    fmt: str
    kind: str  # floor | exporter | edit
    runs: list[Run] = field(default_factory=list)
    output_bytes: int = 0
    pages: int | None = None
    formulas: int = 0  # in the vault: the math vault's cases

    @property
    def seconds(self) -> float:
        return statistics.median(r.seconds for r in self.runs)

    @property
    def peak_mb(self) -> float:
        return statistics.median(r.peak_mb for r in self.runs)

    @property
    def rss_sum_mb(self) -> float:
        """The peak of the tree's RSS summed (shared pages once per process that maps them)."""
        return statistics.median(max(step.get("sampled_tree_rss_mb", 0) for step in r.steps)
                                 for r in self.runs)

    @property
    def failed(self) -> bool:
        return any(r.failed for r in self.runs)


# Measuring ---------------------------------------------------------------------------------

def tree_memory(root: int) -> tuple[int, int]:
    """Bytes resident in `root` and all its descendants now (from /proc): their RSS summed,
    and their PSS summed (a page shared by n of them counted 1/n in each)."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
            parents.setdefault(int(fields[1]), []).append(int(entry))
        except (OSError, IndexError, ValueError):
            continue
    rss = pss = 0
    todo = [root]
    while todo:
        pid = todo.pop()
        todo.extend(parents.get(pid, []))
        try:
            with open(f"/proc/{pid}/smaps_rollup", "rb") as rollup:
                sizes = dict(line.split(b":", 1) for line in rollup.read().splitlines()[1:])
            rss += int(sizes[b"Rss"].split()[0]) * 1024
            pss += int(sizes[b"Pss"].split()[0]) * 1024
        except (OSError, IndexError, ValueError, KeyError):
            continue
    return rss, pss


def measure(command: list[str], log: Path, env: dict | None = None,
            timeout: float = 3600) -> Run:
    """Run `command` as a fresh process; its wall time and the peak RSS of its tree."""
    with open(log, "ab") as out:
        out.write(("$ " + " ".join(command) + "\n").encode())
        out.flush()
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT,
                                   env={**os.environ, **(env or {})})
        peak = rss_peak = 0
        done = threading.Event()

        def sample():
            nonlocal peak, rss_peak
            wait = SAMPLE_SECONDS
            while not done.wait(wait):
                began = time.thread_time()
                rss, pss = tree_memory(process.pid)
                peak, rss_peak = max(peak, pss), max(rss_peak, rss)
                wait = max(SAMPLE_SECONDS, SAMPLE_SHARE * (time.thread_time() - began))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        timer = threading.Timer(timeout, process.kill)
        timer.start()
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        timer.cancel()
        done.set()
        sampler.join()
        process.returncode = os.waitstatus_to_exitcode(status)
    failed = ""
    if process.returncode != 0:
        failed = f"exit {process.returncode}: {' '.join(command[:2])}, see {log}"
        print(f"  FAILED {failed}", flush=True)
    largest_process = usage.ru_maxrss * 1024  # kB, max over the process and its children
    return Run(seconds, max(peak, largest_process) / 2**20,
               [{"command": command[:2], "seconds": seconds,
                 "sampled_tree_mb": peak / 2**20,
                 "sampled_tree_rss_mb": rss_peak / 2**20,
                 "largest_process_mb": largest_process / 2**20}],
               failed)


def combine(runs: list[Run]) -> Run:
    """Steps run one after the other: times add up, the peak is the largest."""
    return Run(sum(r.seconds for r in runs), max(r.peak_mb for r in runs),
               [s for r in runs for s in r.steps], "; ".join(r.failed for r in runs if r.failed))


def pinned(command: list[str], cpus: int | None) -> list[str]:
    return ["taskset", "-c", f"0-{cpus - 1}", *command] if cpus else command


# Inputs ------------------------------------------------------------------------------------

def vault_name(size: int, formulas: int) -> str:
    return f"{size}-math{formulas}-diagrams{MATH_DIAGRAMS}" if formulas else f"{size}"


def vault_for(size: int, work: Path, seed: int, formulas: int = 0) -> Path:
    """The size-note vault, generated once per seed (a stamp records the parameters)."""
    folder = work / f"vault-{vault_name(size, formulas)}"
    stamp = work / f"vault-{vault_name(size, formulas)}.stamp"
    wanted = f"seed={seed} generator={(ROOT / 'bench' / 'make_vault.py').stat().st_mtime_ns}"
    if not folder.exists() or not stamp.exists() or stamp.read_text() != wanted:
        make_vault(size, folder, seed, formulas=formulas,
                   diagrams=MATH_DIAGRAMS if formulas else 0)
        stamp.write_text(wanted)
    return folder


def concatenated(vault: Path, size: int, seed: int, work: Path, formulas: int = 0) -> Path:
    """The notes' bodies, front matter cut off, in the exporter's order, as one file."""
    target = work / f"concatenated-{vault_name(size, formulas)}.md"
    bodies = []
    for i in range(size):
        text = (vault / note_path(seed, i)).read_text(encoding="utf-8")
        bodies.append(text.split("\n---\n", 1)[1] if text.startswith("---\n") else text)
    target.write_text("\n\n".join(bodies), encoding="utf-8")
    return target


def floor_css(work: Path) -> list[str]:
    """The exporter's stylesheets for the floor's HTML: fonts, print.css, callouts.css."""
    fonts = work / "fonts.css"
    fonts.write_text(font_css(), encoding="utf-8")
    return [f"--css={fonts}", f"--css={TEMPLATES / 'print.css'}",
            f"--css={TEMPLATES / 'callouts.css'}"]


# Cases -------------------------------------------------------------------------------------

def run_floor(fmt: str, markdown: Path, folder: Path, work: Path, cpus: int | None) -> tuple:
    folder.mkdir(parents=True, exist_ok=True)
    log = folder / "log.txt"
    pandoc = [pandoc_path(), str(markdown), "--from", READER]
    target = folder / f"floor.{EXTENSIONS[fmt]}"
    if fmt == "epub":
        run = measure(pinned([*pandoc, "--to", "epub3", "--toc", "--toc-depth=2",
                              "--split-level=1", "-o", str(target)], cpus), log)
    elif fmt == "latex":
        run = measure(pinned([*pandoc, "--to", "latex", "--standalone", "--toc",
                              "--toc-depth=2", "-o", str(target)], cpus), log)
    else:
        html = folder / "floor.html"
        first = measure(pinned([*pandoc, "--to", "html5", "--standalone", "--toc",
                                "--toc-depth=2", *floor_css(work), "-o", str(html)], cpus), log)
        second = measure(pinned([str(BIN / "weasyprint"), str(html), str(target)], cpus), log)
        run = combine([first, second])
    return run, target


def run_exporter(fmt: str, vault: Path, folder: Path, cpus: int | None, edit: bool) -> tuple:
    """A cold export in a fresh folder; then, if `edit`, the same after editing one note."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    copy = folder / "vault"
    shutil.copytree(vault, copy)
    target = folder / "out" / f"guide.{EXTENSIONS[fmt]}"
    # PYTHONPATH: the exporter of the checkout that holds this file, even when the venv's
    # editable install points at another one.
    env = {"XDG_CACHE_HOME": str(folder / "cache"), "PYTHONPATH": str(ROOT)}
    command = pinned([str(BIN / "exporter"), fmt, str(copy), "-o", str(target)], cpus)
    cold = measure(command, folder / "log.txt", env)
    edited = None
    if edit:
        notes = sorted(copy.rglob("*.md"))
        note = notes[len(notes) // 2]
        with open(note, "a", encoding="utf-8") as handle:
            handle.write("\nOne more sentence, added to time an export after an edit (12).\n")
        edited = measure(command, folder / "log.txt", env)
    return cold, edited, target


def describe_output(case: Case, target: Path) -> None:
    if not target.exists():
        return
    case.output_bytes = target.stat().st_size
    if case.fmt == "pdf":
        case.pages = pdf_pages(target)


def pdf_pages(path: Path) -> int | None:
    try:
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
        return int(next(line.split()[1] for line in info.stdout.splitlines()
                        if line.startswith("Pages:")))
    except (OSError, subprocess.CalledProcessError, StopIteration, ValueError):
        pass
    try:
        import pypdf
        return len(pypdf.PdfReader(path).pages)
    except Exception:  # noqa: BLE001 - the page count is a nicety
        return None


# Report ------------------------------------------------------------------------------------

def machine() -> dict:
    def first_line(command):
        try:
            return subprocess.run(command, capture_output=True, text=True,
                                  check=True).stdout.splitlines()[0].strip()
        except (OSError, subprocess.CalledProcessError, IndexError):
            return "?"

    cpu = "?"
    with open("/proc/cpuinfo", encoding="utf-8") as info:
        for line in info:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo", encoding="utf-8") as info:
        memory_kb = int(info.readline().split()[1])
    status = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--",
                             "exporter", "filters", "templates"],
                            capture_output=True, text=True, check=False)
    return {
        "cpus": os.cpu_count(), "usable_cpus": len(os.sched_getaffinity(0)), "cpu": cpu,
        "memory_gb": round(memory_kb / 2**20, 1), "load_average": os.getloadavg(),
        "python": platform.python_version(), "pandoc": first_line([pandoc_path(), "--version"]),
        "weasyprint": first_line([str(BIN / "weasyprint"), "--version"]),
        "commit": first_line(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"]),
        "tree": ("not a git checkout" if status.returncode else
                 "uncommitted changes in exporter/filters/templates" if status.stdout.strip()
                 else "clean"),
    }


def verdict(ratio: float, limit: float | None, *cases: Case) -> str:
    if any(c.failed for c in cases):
        return "FAILED: see the log"
    if limit is None:
        return ""
    return f"{'met' if ratio <= limit else 'MISSED'} (<= {limit})"


def table(cases: list[Case]) -> str:
    by_key = {(c.size, c.fmt, c.kind, c.formulas): c for c in cases}
    head = (f"{'notes':>6} {'format':<8} {'floor s':>8} {'exporter s':>10} {'ratio':>6} "
            f"{'floor MB':>9} {'export MB':>9} {'floor out':>11} {'export out':>11}  target")
    lines = [head, "-" * len(head)]
    for case in cases:
        if case.kind != "exporter":
            continue
        floor = by_key[(case.size, case.fmt, "floor", case.formulas)]
        ratio = case.seconds / floor.seconds
        limit = (TARGETS[case.fmt] if case.size in TARGET_SIZES[case.fmt] and not case.formulas
                 else None)
        target = verdict(ratio, limit, case, floor)
        name = f"{case.fmt} math" if case.formulas else case.fmt
        lines.append(f"{case.size:>6} {name:<8} {floor.seconds:>8.2f} {case.seconds:>10.2f} "
                     f"{ratio:>6.2f} {floor.peak_mb:>9.0f} {case.peak_mb:>9.0f} "
                     f"{output(floor):>11} {output(case):>11}  {target}")
        edit = by_key.get((case.size, case.fmt, "edit", case.formulas))
        if edit:  # compared with the cold export, in the floor's columns
            ratio = edit.seconds / case.seconds
            limit = (TARGETS["edit"] if case.size in TARGET_SIZES["edit"] and not case.formulas
                     else None)
            target = verdict(ratio, limit, case, edit)
            lines.append(f"{case.size:>6} {'edit':<8} {case.seconds:>8.2f} {edit.seconds:>10.2f} "
                         f"{ratio:>6.2f} {case.peak_mb:>9.0f} {edit.peak_mb:>9.0f} "
                         f"{output(case):>11} {output(edit):>11}  {target}")
    biggest = max(c.size for c in cases if not c.formulas)
    peaks = [c for c in cases if c.size == biggest and c.kind != "floor" and not c.formulas]
    worst = max(peaks, key=lambda c: c.peak_mb)
    lines.append("(edit: PDF after one note changed; its 'floor' columns are the cold export;"
                 f" pdf math: {MATH_NOTES} notes holding {maths[0].formulas} formulas)"
                 if (maths := [c for c in cases if c.formulas]) else
                 "(edit: PDF after one note changed; its 'floor' columns are the cold export)")
    lines.append(f"peak memory at {biggest} notes: {worst.peak_mb:.0f} MB ({worst.fmt}, "
                 f"{worst.kind}; RSS summed over its processes {worst.rss_sum_mb:.0f} MB); "
                 f"target < {MEMORY_LIMIT_MB} MB at 1000 notes: "
                 + ("met" if worst.peak_mb < MEMORY_LIMIT_MB else "MISSED")
                 + ("" if biggest == 1000 else " (not measured at 1000)"))
    return "\n".join(lines)


def output(case: Case) -> str:
    size = (f"{case.output_bytes / 2**20:.1f}MB" if case.output_bytes >= 2**20
            else f"{case.output_bytes / 2**10:.0f}kB")
    return f"{size} {case.pages}p" if case.pages else size


# Main --------------------------------------------------------------------------------------

def measured(size: int, formats: list[str], args, formulas: int = 0) -> list[Case]:
    """The floor, the exporter and the edit of the size-note vault in each format."""
    vault = vault_for(size, args.work, args.seed, formulas)
    markdown = concatenated(vault, size, args.seed, args.work, formulas)
    print(f"{size} notes{f' with {formulas} formulas' if formulas else ''}: "
          f"{sum(p.stat().st_size for p in vault.rglob('*.md')) / 1e6:.1f} MB of Markdown",
          flush=True)
    cases = []
    for fmt in formats:
        floor = Case(size, fmt, "floor", formulas=formulas)
        exporter = Case(size, fmt, "exporter", formulas=formulas)
        edit = (Case(size, fmt, "edit", formulas=formulas) if fmt == "pdf" and not args.no_edit
                else None)
        for repeat in range(args.repeat):
            folder = args.work / "runs" / f"{vault_name(size, formulas)}-{fmt}"
            run, target = run_floor(fmt, markdown, folder / "floor", args.work, args.cpus)
            floor.runs.append(run)
            describe_output(floor, target)
            cold, edited, target = run_exporter(fmt, vault, folder / "exporter", args.cpus,
                                                edit is not None)
            exporter.runs.append(cold)
            describe_output(exporter, target)
            if edit is not None:
                edit.runs.append(edited)
                describe_output(edit, target)
            print(f"  {fmt} #{repeat + 1}: floor {run.seconds:.2f} s, exporter "
                  f"{cold.seconds:.2f} s" + (f", after an edit {edited.seconds:.2f} s"
                                              if edited else ""), flush=True)
        cases += [floor, exporter] + ([edit] if edit else [])
    return cases


def main() -> None:
    parser = argparse.ArgumentParser(description="Exporter vs plain pandoc/WeasyPrint.")
    parser.add_argument("--sizes", default="10,100,1000")
    parser.add_argument("--formats", default="pdf,epub,latex")
    parser.add_argument("--repeat", type=int, default=1, help="runs per case; the median counts")
    parser.add_argument("--cpus", type=int, default=None,
                        help="pin every command to the first N CPUs (taskset)")
    parser.add_argument("--no-edit", action="store_true", help="skip the one-note-edited PDF")
    parser.add_argument("--math", type=int, default=200, metavar="N",
                        help=f"formulas in the math vault of {MATH_NOTES} notes (0: none)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "bench")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    formats = [f for f in args.formats.split(",") if f]
    unknown = set(formats) - set(EXTENSIONS)
    if unknown:
        parser.error(f"unknown formats: {', '.join(sorted(unknown))}")
    args.work.mkdir(parents=True, exist_ok=True)
    args.work = args.work.resolve()

    info = machine()
    print(f"machine: {info['cpus']} CPUs ({info['usable_cpus']} usable, "
          f"{args.cpus or 'all'} used), {info['cpu']}, {info['memory_gb']} GB; "
          f"Python {info['python']}, {info['pandoc']}, {info['weasyprint']}; "
          f"commit {info['commit']} ({info['tree']}); load {info['load_average'][0]:.2f}",
          flush=True)
    cases: list[Case] = []
    started = time.perf_counter()
    for size in sizes:
        cases += measured(size, formats, args)
    if args.math:
        cases += measured(MATH_NOTES, ["pdf"], args, args.math)
    print()
    print(table(cases))
    print(f"\n(whole run {time.perf_counter() - started:.0f} s; runs and logs in {args.work})")
    results = {"machine": info, "args": {**vars(args), "work": str(args.work)},
               "cases": [{**asdict(c), "seconds": c.seconds, "peak_mb": c.peak_mb}
                         for c in cases], "bench_rusage_mb":
               resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    (args.work / "results.json").write_text(json.dumps(results, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
