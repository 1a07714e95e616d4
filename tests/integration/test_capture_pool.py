"""The capture pool: a stuck worker is killed and replaced, a dead one reported, order kept."""

from __future__ import annotations

import multiprocessing
import os
import time

from data_sources.capture_pool import grace_s, run_pool

TIMEOUT_S = 0.5
MARGIN_S = 1.5  # a correctness bound for the killed task, not a speed goal


def task(item: str, timeout_s: float) -> tuple[str, str]:
    """Runs in a worker: "hang" never returns (like a capture stuck in native code), "crash" dies."""
    if item.startswith("hang"):
        time.sleep(3600)
    if item == "crash":
        os._exit(3)
    return ("ok", item)


def _timeout(item, elapsed):
    return ("timeout", item, elapsed)


def _crash(item, elapsed, detail):
    return ("crash", item, detail)


def _workers_left() -> list:
    return [p for p in multiprocessing.active_children() if p.name == "capture-worker"]


def test_a_stuck_worker_is_killed_and_replaced_and_the_others_finish():
    items = ["a", "hang1", "b", "crash", "c", "hang2", "d", "e"]
    results = run_pool(task, items, TIMEOUT_S, workers=2, on_timeout=_timeout, on_crash=_crash)
    assert [r[:2] for r in results] == [
        ("ok", "a"),
        ("timeout", "hang1"),
        ("ok", "b"),
        ("crash", "crash"),
        ("ok", "c"),
        ("timeout", "hang2"),
        ("ok", "d"),
        ("ok", "e"),
    ]
    assert "exit 3" in results[3][2]
    for _, _, elapsed in (results[1], results[5]):
        assert TIMEOUT_S + grace_s(TIMEOUT_S) <= elapsed < TIMEOUT_S + grace_s(TIMEOUT_S) + MARGIN_S
    assert _workers_left() == []


def test_every_worker_stuck_still_ends():
    results = run_pool(
        task, ["hang1", "hang2", "hang3"], TIMEOUT_S, workers=3, on_timeout=_timeout, on_crash=_crash
    )
    assert [r[:2] for r in results] == [("timeout", "hang1"), ("timeout", "hang2"), ("timeout", "hang3")]
    assert _workers_left() == []


def test_more_workers_than_items_and_no_items():
    assert run_pool(task, ["x"], TIMEOUT_S, workers=8, on_timeout=_timeout, on_crash=_crash) == [("ok", "x")]
    assert run_pool(task, [], TIMEOUT_S, workers=8, on_timeout=_timeout, on_crash=_crash) == []
