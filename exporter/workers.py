"""Run one function over many items in worker processes, forked from this one.

Forking hands each worker what this process holds (the vault, the parsed notes, the
context of the run) without pickling it; only the items' indexes go out and the results
come back. Where fork is missing, or for one process, the items run here, in order.
"""
from __future__ import annotations

import multiprocessing
import signal
from collections.abc import Callable, Sequence

_task: Callable | None = None  # the function the forked workers run, set before forking
_items: Sequence = ()


def run(function: Callable, items: Sequence, processes: int) -> list:
    """[function(item) for item in items], in `processes` processes at once.

    An exception in a worker is raised here; the workers stop with it, and on Ctrl-C or
    a time limit in this process.
    """
    global _task, _items
    processes = min(processes, len(items))
    if processes <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return [function(item) for item in items]
    _task, _items = function, items
    pool = multiprocessing.get_context("fork").Pool(processes, initializer=ignore_ctrl_c)
    try:
        chunk = max(1, len(items) // (processes * 8))
        results = pool.map(call, range(len(items)), chunksize=chunk)
        pool.close()
        return results
    finally:
        pool.terminate()
        pool.join()
        _task, _items = None, ()


def call(index: int):
    return _task(_items[index])


def ignore_ctrl_c() -> None:
    """Ctrl-C reaches the whole process group; this process alone answers it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
