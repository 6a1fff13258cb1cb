"""Worker processes: results in order, errors raised here, the collector's threshold."""
from __future__ import annotations

import gc
import os

import pytest

from exporter import workers


def test_results_come_back_in_the_items_order_from_other_processes():
    results = workers.run(lambda n: (n * n, os.getpid()), range(40), processes=2)
    assert [square for square, _ in results] == [n * n for n in range(40)]
    assert os.getpid() not in {pid for _, pid in results}


def test_an_error_in_a_worker_is_raised_here():
    def fail_on_seven(n):
        if n == 7:
            raise ValueError("seven")
        return n

    with pytest.raises(ValueError, match="seven"):
        workers.run(fail_on_seven, range(20), processes=2)


def test_collect_every_sets_the_workers_threshold_and_leaves_this_process_alone():
    before = gc.get_threshold()
    seen = workers.run(lambda _: gc.get_threshold(), range(4), processes=2,
                       collect_every=12_345)
    assert seen == [(12_345, *before[1:])] * 4
    assert workers.run(lambda _: gc.get_threshold(), range(4), processes=2) == [before] * 4
    assert gc.get_threshold() == before
