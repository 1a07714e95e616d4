"""Cached statistics reads: the queries of store.queries (and store.attention, store.public) behind
Flask-Caching's Redis or in-process backend.

Key = query name + database + data version (store.data_version.current) + the Filter's stable
key + the other arguments (language, dimension, ...) + the CACHE_TIMEOUT_S window holding `now`.
A sync that changes the data changes the version, so no one is served figures from before it;
figures that move with the clock alone (a complaint passing its SLA deadline) are at most one
window old. Backends: Redis when REDIS_URL is set (shared by every worker and host), else a
SimpleCache per worker process. A cache that fails (Redis down) is skipped for a while and the
figures are computed: a page never breaks because of its cache.

The functions mirror the signatures of the queries they wrap, so a page swaps its import.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine

from store import attention as att
from store import data_version, public, stats_fast
from store.filters import FILTER_FIELDS, Filter

log = logging.getLogger("lawangjabo.cache")

# Part of every key: change it when a cached function's result changes shape, so a host running
# the new code never unpickles what an older host stored in the shared Redis.
KEY_SCHEMA = "1"
# After a cache failure the cache is left alone this long (no timeout paid on every read).
RETRY_AFTER_S = 30.0
_MISS = object()


def filter_key(f: Filter) -> str:
    """A key equal for filters that select the same complaints (list order and repeats ignored)."""
    parts: dict[str, Any] = {}
    for name in FILTER_FIELDS:
        value = getattr(f, name)
        parts[name] = sorted(set(value)) if isinstance(value, tuple) else value.isoformat()
    return json.dumps(parts, sort_keys=True, separators=(",", ":"))


class StatsCache:
    """A Flask-Caching backend with failure fallback; `timeout_s` 0 means no caching at all."""

    def __init__(self, redis_url: str = "", timeout_s: int = 300) -> None:
        self.timeout_s = timeout_s
        self.kind = "none" if timeout_s <= 0 else "redis" if redis_url else "simple"
        self._backend = None
        self._down_until = 0.0
        self._lock = threading.Lock()
        if self.kind == "redis":
            import redis
            from flask_caching.backends import RedisCache

            # Short socket timeouts: an unreachable Redis must cost a page a fraction of a second
            # once (then RETRY_AFTER_S of skipping), not a TCP timeout on every figure.
            client = redis.Redis.from_url(redis_url, socket_connect_timeout=0.5, socket_timeout=1.0)
            self._backend = RedisCache(host=client, default_timeout=timeout_s, key_prefix="lawangjabo:")
        elif self.kind == "simple":
            from flask_caching.backends import SimpleCache

            self._backend = SimpleCache(threshold=2000, default_timeout=timeout_s)

    def _usable(self) -> bool:
        return self._backend is not None and time.monotonic() >= self._down_until

    def _failed(self, what: str, exc: Exception) -> None:
        with self._lock:
            first = time.monotonic() >= self._down_until
            self._down_until = time.monotonic() + RETRY_AFTER_S
        if first:
            log.warning(
                "statistics cache %s failed (%s); computing without it for %g s", what, exc, RETRY_AFTER_S
            )

    def get(self, key: str) -> Any:
        """The stored value, or _MISS (also when the backend fails)."""
        if not self._usable():
            return _MISS
        try:
            # Stored values are ("v", result): a cached None is told apart from a miss.
            found = self._backend.get(key)
        except Exception as exc:  # any backend failure: redis errors, a broken pickle
            self._failed("read", exc)
            return _MISS
        return found[1] if isinstance(found, tuple) and len(found) == 2 and found[0] == "v" else _MISS

    def set(self, key: str, value: Any) -> None:
        if not self._usable():
            return
        try:
            self._backend.set(key, ("v", value), timeout=self.timeout_s)
        except Exception as exc:
            self._failed("write", exc)

    def clear(self) -> None:
        """Forget every entry (tests); a failing backend is left as it is."""
        if self._backend is not None:
            try:
                self._backend.clear()
            except Exception as exc:
                self._failed("clear", exc)


_cache: StatsCache | None = None
_cache_lock = threading.Lock()


def stats_cache() -> StatsCache:
    """The process-wide cache, built from the settings on first use (no I/O at import)."""
    global _cache
    if _cache is None:
        with _cache_lock:
            if _cache is None:
                from config import get_settings

                s = get_settings()
                _cache = StatsCache(s.redis_url, s.cache_timeout_s)
    return _cache


def use_cache(cache: StatsCache | None) -> None:
    """Replace the process-wide cache (tests); None rebuilds it from the settings on next use."""
    global _cache
    _cache = cache


def _engine_id(engine: Engine) -> str:
    return data_version._engine_id(engine)


def _version(engine: Engine) -> str:
    return data_version.for_request(engine)


def _window(now: datetime | None, timeout_s: int) -> str:
    moment = (now or datetime.now(UTC)).timestamp()
    return str(int(moment // max(1, timeout_s)))


def cached(
    name: str, compute: Callable[[], Any], engine: Engine, f: Filter, now: datetime | None, *extra
) -> Any:
    """`compute()`'s result under the key of (name, database, data version, filter, extra, window)."""
    cache = stats_cache()
    if cache.kind == "none":
        return compute()
    try:
        version = _version(engine)
    except Exception as exc:  # the computation below meets the same database and reports it
        log.warning("data version unreadable (%s); computing %s uncached", exc, name)
        return compute()
    raw = "|".join((KEY_SCHEMA, name, _engine_id(engine), version, filter_key(f), *map(str, extra)))
    key = f"{name}:{hashlib.sha256(raw.encode()).hexdigest()[:32]}:{_window(now, cache.timeout_s)}"
    found = cache.get(key)
    if found is not _MISS:
        return found
    # Single flight per process: requests missing the same key at once (a page opened by many
    # after a sync) wait for one computation instead of each running it.
    with _key_lock(key):
        found = cache.get(key)
        if found is not _MISS:
            return found
        value = compute()
        cache.set(key, value)
        return value


class _Flight:
    """One key's computation: its lock and how many requests wait on it."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.users = 0


_FLIGHTS: dict[str, _Flight] = {}
_FLIGHTS_GUARD = threading.Lock()


@contextmanager
def _key_lock(key: str) -> Iterator[None]:
    with _FLIGHTS_GUARD:
        flight = _FLIGHTS.setdefault(key, _Flight())
        flight.users += 1
    try:
        with flight.lock:
            yield
    finally:
        with _FLIGHTS_GUARD:
            flight.users -= 1
            if not flight.users:
                _FLIGHTS.pop(key, None)  # the table holds only keys being computed


# ------------------------------------------------------------- the cached reads ----
# Each calls through its module (stats_fast.kpis, not a bound name): tests count the calls that way.
# store.stats_fast computes store.queries' figures over in-memory columns (milliseconds at 1M).


def kpis(engine: Engine, f: Filter, now: datetime | None = None) -> dict[str, Any]:
    """store.queries.kpis, cached."""
    now = now or datetime.now(UTC)
    return cached("kpis", lambda: stats_fast.kpis(engine, f, now), engine, f, now)


def breakdown(engine: Engine, f: Filter, by: str, now: datetime | None = None, lang: str = "id"):
    """store.queries.breakdown, cached (per dimension and language)."""
    now = now or datetime.now(UTC)
    return cached(
        "breakdown", lambda: stats_fast.breakdown(engine, f, by, now, lang), engine, f, now, by, lang
    )


def trend(engine: Engine, f: Filter, freq: str = "D"):
    """store.queries.trend, cached."""
    return cached("trend", lambda: stats_fast.trend(engine, f, freq), engine, f, None, freq)


def funnel(engine: Engine, f: Filter):
    """store.queries.funnel, cached."""
    return cached("funnel", lambda: stats_fast.funnel(engine, f), engine, f, None)


def outcomes(engine: Engine, f: Filter):
    """store.queries.outcomes, cached."""
    return cached("outcomes", lambda: stats_fast.outcomes(engine, f), engine, f, None)


def resolution_distribution(engine: Engine, f: Filter):
    """store.queries.resolution_distribution, cached."""
    return cached("resolution", lambda: stats_fast.resolution_distribution(engine, f), engine, f, None)


def attention(
    engine: Engine, f: Filter, now: datetime | None = None, min_beyond_sla: int = 10, lang: str = "id"
) -> list[dict]:
    """store.attention.attention, cached (per threshold and language)."""
    now = now or datetime.now(UTC)
    return cached(
        "attention",
        lambda: att.attention(engine, f, now, min_beyond_sla, lang),
        engine,
        f,
        now,
        min_beyond_sla,
        lang,
    )


def public_kpis(engine: Engine, f: Filter, now: datetime | None = None) -> dict[str, Any]:
    """store.public.public_kpis, cached."""
    now = now or datetime.now(UTC)
    return cached("public_kpis", lambda: public.public_kpis(engine, f, now), engine, f, now)


def public_breakdown(engine: Engine, f: Filter, by: str, now: datetime | None = None, lang: str = "id"):
    """store.public.public_breakdown, cached."""
    now = now or datetime.now(UTC)
    return cached(
        "public_breakdown",
        lambda: public.public_breakdown(engine, f, by, now, lang),
        engine,
        f,
        now,
        by,
        lang,
    )


def public_trend(engine: Engine, f: Filter):
    """store.public.public_trend, cached."""
    return cached("public_trend", lambda: public.public_trend(engine, f), engine, f, None)
