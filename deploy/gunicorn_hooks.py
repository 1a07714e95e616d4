"""Gunicorn hooks of `make serve` (deploy/serve.py runs gunicorn with -c python:deploy.gunicorn_hooks)."""

from __future__ import annotations

import threading


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
