"""Run one function over many items in worker processes, forked from this one.

Forking hands each worker what this process holds (the vault, the parsed notes, the
context of the run) without pickling it; only the items' indexes go out and the results
come back. Where fork is missing, or for one process, the items run here, in order.
"""
from __future__ import annotations

import gc
import multiprocessing
import signal
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from .errors import interrupts_held
from .progress import Progress

_task: Callable | None = None  # the function the forked workers run, set before forking
_items: Sequence = ()


@dataclass
class Workers:
    """The processes an export may use, and the progress it shows."""

    processes: int = 1
    progress: Progress = field(default_factory=Progress)

    def map(self, stage: str, function: Callable, items: Sequence,
            collect_every: int | None = None) -> list:
        """run() as the stage of the export called `stage`."""
        self.progress.stage(stage, len(items))
        return run(function, items, self.processes, self.progress.advance, collect_every)


def run(function: Callable, items: Sequence, processes: int,
        advance: Callable[[int], None] = lambda done: None,
        collect_every: int | None = None) -> list:
    """[function(item) for item in items], in `processes` processes at once; `advance(1)`
    as each item is done. With `collect_every`, the workers' collector runs once that
    many new objects are made, instead of Python's 700.

    An exception in a worker is raised here; the workers stop with it, and on Ctrl-C or
    a time limit in this process.
    """
    global _task, _items
    processes = min(processes, len(items))
    if processes <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return [done(function(item), advance) for item in items]
    _task, _items = function, items
    with interrupts_held():  # Ctrl-C while forking is lost in Python's at-fork handlers
        pool = multiprocessing.get_context("fork").Pool(
            processes, initializer=start_worker, initargs=(collect_every,))
    try:
        chunk = max(1, len(items) // (processes * 8))
        results = [done(result, advance)
                   for result in pool.imap(call, range(len(items)), chunksize=chunk)]
        pool.close()
        return results
    finally:
        pool.terminate()
        pool.join()
        _task, _items = None, ()


def done(result, advance: Callable[[int], None]):
    advance(1)
    return result


def call(index: int):
    return _task(_items[index])


def start_worker(collect_every: int | None) -> None:
    """Ctrl-C reaches the whole process group; this process alone answers it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if collect_every:
        gc.set_threshold(collect_every, *gc.get_threshold()[1:])
