"""The guide cut into consecutive runs of chapters, for a writer that runs pandoc on each
run at once (EPUB, LaTeX), and those pandoc runs."""
from __future__ import annotations

import json
import math
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import panflute as pf

from .. import pandoc


def chapter_units(parts: list[str], own_chapter: bool) -> list[str]:
    """The body as units that each start with a chapter heading (blocks as JSON text).

    Several notes: a unit per note. One note: a unit per top-level heading in it.
    """
    if own_chapter:
        return list(parts)
    units: list[list] = []
    for part in parts:
        for block in json.loads(f"[{part}]"):
            if not units or (block["t"] == "Header" and block["c"][0] == 1):
                units.append([])
            units[-1].append(block)
    return [json.dumps(unit, ensure_ascii=False)[1:-1] for unit in units]


# pandoc's writers hold about twenty times their JSON input: runs of at most this much
# keep each process small, and with more runs than processes none waits idle for long.
RUN_BYTES = 6 * 2**20


def runs_of(doc: pf.Doc, parts: list[str], processes: int, own_chapter: bool) -> list[list[str]]:
    """The parts (blocks as JSON text) as runs of whole chapters; one run when there is a
    single process, or citations left for pandoc (a note style numbers and shortens them
    along the whole book)."""
    if processes < 2 or pandoc.citeproc(doc):
        return [list(parts)]
    return consecutive_runs(chapter_units(list(parts), own_chapter), processes)


def consecutive_runs(units: list[str], processes: int) -> list[list[str]]:
    """The units (chapters, as JSON text) in consecutive runs of about equal size: as many
    as the processes, or more where that keeps each under RUN_BYTES."""
    total = sum(map(len, units))
    count = min(len(units), max(processes, math.ceil(total / RUN_BYTES)))
    runs: list[list[str]] = [[]]
    size = 0
    for unit in units:
        if runs[-1] and size + len(unit) / 2 > total * len(runs) / count:
            runs.append([])
        runs[-1].append(unit)
        size += len(unit)
    return runs


def write_runs(doc: pf.Doc, runs: list[list[str]], args: list[str], what: str,
               processes: int, outputs: list[Path] = ()) -> list[str]:
    """pandoc `args` on each run, `processes` at once: the Doc's metadata with every run,
    its own blocks after the last one; what each printed, in order, or else each writes
    its `outputs` file."""
    own = list(doc.content)
    doc.content = []
    inputs = [pandoc.dump(doc, run) for run in runs[:-1]]
    doc.content = own
    inputs.append(pandoc.dump(doc, runs[-1]))
    extra = [["--output", str(path)] for path in outputs] or [[]] * len(runs)

    def write(n: int) -> str:
        return pandoc.run(["--from", "json", *args, *extra[n]], inputs[n], what)

    with ThreadPoolExecutor(processes) as threads:
        return list(threads.map(write, range(len(runs))))
