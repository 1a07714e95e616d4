"""A bounded pool of worker processes that survives a worker stuck in native code.

Why not concurrent.futures or multiprocessing.Pool: neither can stop one task. A capture stuck
inside FFmpeg (a camera that accepts and never answers, a decoder that hangs) holds its worker
for good, and a cycle would wait for it. Here every worker has its own pipe, so the parent knows
which task each one runs and since when; a worker past its limit (timeout + grace) is killed,
its task is reported with the caller's timeout result, and a fresh worker takes the next task.
A worker that dies (segfault in native code) is reported the same way, with an error result.

Workers are forked from a forkserver that has already imported OpenCV, so starting one costs
milliseconds and inherits none of the parent's threads or database connections. As with any
forkserver or spawn pool, a worker imports the calling script's main module: scripts that call
capture_many must keep their work under `if __name__ == "__main__":` (`python -m jobs` is exempt).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.connection
import signal
import sys
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

PRELOAD = ["data_sources.capture"]
STOP_WAIT_S = 2.0


def grace_s(timeout_s: float) -> float:
    """How long past its timeout a worker may run before it is killed."""
    return max(1.0, 0.2 * timeout_s)


def _context() -> Any:
    if sys.platform == "linux":
        ctx = multiprocessing.get_context("forkserver")
        # Set before the forkserver starts (it starts with the first worker); later calls are no-ops.
        ctx.set_forkserver_preload(PRELOAD)
        return ctx
    return multiprocessing.get_context("spawn")


def _worker_main(conn: multiprocessing.connection.Connection, func: Callable[[Any, float], Any]) -> None:
    # Ctrl-C reaches the whole process group: the parent decides what stops, not every worker.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return  # the parent is gone
        if msg is None:
            return
        index, item, timeout_s = msg
        try:
            conn.send((index, func(item, timeout_s)))
        except (EOFError, OSError):
            return


@dataclass
class _Worker:
    proc: Any
    conn: multiprocessing.connection.Connection
    index: int | None = None
    started: float = 0.0

    def kill(self) -> None:
        with contextlib.suppress(Exception):
            self.proc.kill()
        with contextlib.suppress(Exception):
            self.proc.join(STOP_WAIT_S)
        with contextlib.suppress(Exception):
            self.conn.close()


def run_pool(
    func: Callable[[Any, float], Any],
    items: Sequence[Any],
    timeout_s: float,
    workers: int,
    on_timeout: Callable[[Any, float], Any],
    on_crash: Callable[[Any, float, str], Any],
) -> list[Any]:
    """func(item, timeout_s) for every item in at most `workers` processes; results in input order.

    A task still running at timeout_s + grace_s(timeout_s) gets on_timeout(item, elapsed_s); a task
    whose worker died gets on_crash(item, elapsed_s, detail). Raises only if no worker can start.
    """
    n = len(items)
    if n == 0:
        return []
    ctx = _context()
    limit = timeout_s + grace_s(timeout_s)
    results: list[Any] = [None] * n
    done = [False] * n
    pending = deque(range(n))
    pool: list[_Worker] = []
    size = max(1, min(workers, n))

    def start() -> _Worker:
        parent, child = ctx.Pipe(duplex=True)
        proc = ctx.Process(target=_worker_main, args=(child, func), daemon=True, name="capture-worker")
        proc.start()
        child.close()
        worker = _Worker(proc, parent)
        pool.append(worker)
        return worker

    def dispatch(worker: _Worker) -> bool:
        if not pending:
            return False
        index = pending.popleft()
        worker.index, worker.started = index, time.monotonic()
        try:
            worker.conn.send((index, items[index], timeout_s))
        except (EOFError, OSError):
            pending.appendleft(index)
            worker.index = None
            retire(worker)
            return False
        return True

    def retire(worker: _Worker) -> None:
        worker.kill()
        with contextlib.suppress(ValueError):
            pool.remove(worker)

    def finish(worker: _Worker, result: Any) -> None:
        results[worker.index] = result
        done[worker.index] = True
        worker.index = None

    try:
        while pending and len(pool) < size:
            dispatch(start())
        while True:
            busy = [w for w in pool if w.index is not None]
            if not busy:
                if not pending:
                    break
                dispatch(start())  # every worker was lost and replaced lazily: start one again
                continue
            now = time.monotonic()
            wait_s = max(0.0, min(w.started + limit for w in busy) - now)
            waitables = [w.conn for w in busy] + [w.proc.sentinel for w in busy]
            ready = set(multiprocessing.connection.wait(waitables, timeout=wait_s))
            now = time.monotonic()
            for worker in busy:
                item = items[worker.index]
                elapsed = now - worker.started
                if worker.conn in ready or worker.conn.poll():
                    try:
                        _index, result = worker.conn.recv()
                    except (EOFError, OSError):
                        worker.proc.join(STOP_WAIT_S)  # a closed pipe: the worker has died
                        finish(worker, on_crash(item, elapsed, f"worker died (exit {worker.proc.exitcode})"))
                        retire(worker)
                        if pending and len(pool) < size:
                            dispatch(start())
                        continue
                    finish(worker, result)
                    dispatch(worker)  # with nothing pending it idles until `finally` stops it
                elif worker.proc.sentinel in ready:
                    finish(worker, on_crash(item, elapsed, f"worker died (exit {worker.proc.exitcode})"))
                    retire(worker)
                    if pending and len(pool) < size:
                        dispatch(start())
                elif elapsed >= limit:
                    finish(worker, on_timeout(item, elapsed))
                    retire(worker)  # stuck, maybe in native code: only killing it frees the slot
                    if pending and len(pool) < size:
                        dispatch(start())
    finally:
        for worker in list(pool):
            with contextlib.suppress(Exception):
                worker.conn.send(None)
        deadline = time.monotonic() + STOP_WAIT_S
        for worker in list(pool):
            with contextlib.suppress(Exception):
                worker.proc.join(max(0.0, deadline - time.monotonic()))
            if worker.proc.is_alive():
                worker.kill()
            with contextlib.suppress(Exception):
                worker.conn.close()
    return results
