"""store.heap: freed memory goes back to the OS (glibc, as on the Debian hosts and CI)."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from store import heap
from store.stats_columns import Columns

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="glibc's malloc_trim is Linux-only"
)


def _rss_mb() -> float:
    with open("/proc/self/status") as fh:
        return next(int(line.split()[1]) / 1024 for line in fh if line.startswith("VmRSS"))


def test_give_back_returns_the_pages_of_freed_heap_memory():
    # 1 kB objects come from malloc's heap (not mmap); keeping every 100th pins the heap's top,
    # so glibc alone would keep the freed ~200 MB inside the process.
    blocks = [bytes(1000) + bytes([i % 256]) for i in range(200_000)]
    kept = blocks[::100]
    del blocks
    before = _rss_mb()
    assert heap.give_back() is True
    after = _rss_mb()
    assert before - after > 100, (before, after)
    assert len(kept) == 2_000


def test_the_arena_limit_is_accepted():
    assert heap.limit_arenas(2) is True


def _columns() -> Columns:
    return Columns({"id": np.arange(10)}, (), {}, {}, 0, "0.0.0")


def test_remember_keeps_a_group_within_its_byte_budget():
    cols = _columns()
    mb = 1024 * 1024
    for day in range(5):
        cols.remember(f"g:{day}", lambda: np.zeros(mb, dtype=np.uint8), keep=40, group="g:", budget=3 * mb)
    assert sorted(cols.derived) == ["g:2", "g:3", "g:4"]  # the oldest went first
    big = cols.remember("g:big", lambda: np.zeros(4 * mb, dtype=np.uint8), keep=40, group="g:", budget=3 * mb)
    assert big.nbytes == 4 * mb and "g:big" not in cols.derived  # larger than the budget: not kept
    cols.remember("other", lambda: np.zeros(8 * mb, dtype=np.uint8))
    assert "other" in cols.derived and sorted(k for k in cols.derived if k.startswith("g:")) == [
        "g:2",
        "g:3",
        "g:4",
    ]


def test_remember_keeps_at_most_keep_entries():
    cols = _columns()
    for day in range(6):
        cols.remember(f"g:{day}", lambda: np.zeros(10), keep=4, group="g:")
    assert sorted(cols.derived) == ["g:2", "g:3", "g:4", "g:5"]
