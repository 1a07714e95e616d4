"""Gunicorn hooks of `make serve` (deploy/serve.py runs gunicorn with -c python:deploy.gunicorn_hooks)."""

from __future__ import annotations

import threading
import time

# Malloc arenas per worker. glibc allows 8 per core, and a gthread worker's threads each take
# one: memory freed by one thread's request stays in its arena, so with the statistics columns'
# large temporary arrays a worker grew by tens of MB per thread (store/heap.py).
MALLOC_ARENAS = 2


# A statistics callback at a million complaints allocates tens of MB of temporary arrays; glibc
# keeps freed pages, so a worker's RSS settled at its busiest moment. Trimming (~2 ms) at most
# this often after a request gives them back.
TRIM_EVERY_S = 2.0
_last_trim = [0.0]


def post_fork(server, worker) -> None:
    """Runs in each new worker before its threads start."""
    from store import heap

    heap.limit_arenas(MALLOC_ARENAS)


def post_request(worker, req, environ, resp) -> None:
    now = time.monotonic()
    if now - _last_trim[0] >= TRIM_EVERY_S:  # a race only trims twice
        _last_trim[0] = now
        from store import heap

        heap.give_back()


def post_worker_init(worker) -> None:
    """Read the statistics columns (store.stats_columns) in the background as a worker starts.

    A million complaints take a few seconds to read; without this the first visitor of each new
    worker would wait for them. A request arriving meanwhile waits for the same read (one read
    per worker, not one per request).
    """

    def warm() -> None:
        try:
            from store import stats_columns
            from store.db import get_engine

            columns = stats_columns.current(get_engine())
            # Gunicorn's own log: it reaches the error log (stderr) at the default level.
            worker.log.info("worker %s: statistics columns ready (%d complaints)", worker.pid, len(columns))
        except Exception:  # the first request reads them instead, and reports what failed
            worker.log.exception("worker %s: statistics columns not read at start", worker.pid)

    threading.Thread(target=warm, name="stats-warmup", daemon=True).start()
