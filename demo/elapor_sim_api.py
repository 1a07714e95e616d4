"""The e-Lapor simulator's API behind the HTTP layer: clock, cursors, paging, injected faults.

Paging (docs/elapor-api.md): a cursor is an opaque position in the world's change log; a page
holds the next `limit` entries that are still their complaint's latest change. Transport faults
(demo/elapor_sim_faults.py) are drawn per request from one seeded generator, so a run that makes
the same requests in the same order meets the same faults.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import math
import random
import threading
import time
from collections import Counter
from datetime import datetime
from email.utils import formatdate
from typing import Any

import numpy as np

from demo.elapor_sim_faults import KINDS, Faults
from demo.elapor_sim_items import ID_BASE, iso
from demo.elapor_sim_world import SimWorld

MAX_LIMIT = 5000
DEFAULT_LIMIT = 500
DEFAULT_TICK_S = 3600


class SimClock:
    """Simulated time in epoch seconds: manual (moves only by advance) or wall (runs at `speed`)."""

    def __init__(self, start_ts: int, mode: str = "manual", speed: float = 1.0) -> None:
        if mode not in ("manual", "wall"):
            raise ValueError(f"clock must be 'manual' or 'wall', got {mode!r}")
        self.start_ts, self.mode, self.speed = start_ts, mode, speed
        self._wall0 = time.time()
        self._offset = 0.0
        self._last = start_ts

    def now(self) -> int:
        """The simulated time, epoch seconds."""
        real = time.time()
        t = self.start_ts + self._offset
        if self.mode == "wall":
            t += (real - self._wall0) * self.speed
        # Never past real time (validation refuses future dates) and never backwards.
        self._last = max(self._last, int(min(t, real)))
        return self._last

    def advance(self, seconds: float) -> int:
        """Move forward by `seconds`, but not past real time (nothing happens in the future)."""
        behind = time.time() - self.now()
        self._offset += min(max(0.0, seconds), max(0.0, behind))
        return self.now()


def encode_cursor(pos: int, stop: int | None = None, resume: int | None = None) -> str:
    """An opaque cursor: a log position, plus (stop, resume) while serving a skipped page."""
    text = f"v1.{pos}" if stop is None else f"v1.{pos}.{stop}.{resume}"
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[int, int | None, int | None]:
    """(pos, stop, resume) of a cursor; ValueError for anything this server did not issue."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        parts = text.split(".")
        if parts[0] != "v1" or len(parts) not in (2, 4):
            raise ValueError
        numbers = [int(p) for p in parts[1:]]
    except (ValueError, UnicodeDecodeError, binascii.Error):
        raise ValueError("cursor: not a cursor this server issued") from None
    if any(n < 0 for n in numbers):
        raise ValueError("cursor: not a cursor this server issued")
    return (numbers[0], None, None) if len(numbers) == 1 else (numbers[0], numbers[1], numbers[2])


class BadRequest(ValueError):
    """A request parameter the API refuses (HTTP 400); the message names it."""


class Response:
    """What a handler sends; `hang` asks for a timeout fault ("before" or "mid-body")."""

    def __init__(self, status: int, body: bytes, content_type: str = "application/json",
                 headers: dict[str, str] | None = None, hang: str | None = None) -> None:  # fmt: skip
        self.status, self.body, self.content_type = status, body, content_type
        self.headers = headers or {}
        self.hang = hang


def json_response(status: int, payload: Any, headers: dict[str, str] | None = None) -> Response:
    return Response(status, json.dumps(payload, ensure_ascii=False).encode(), headers=headers)


def error(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> Response:
    return json_response(status, {"error": code, "message": message}, headers)


class ElaporSim:
    """The simulator's state behind the HTTP handlers: world, clock, faults, counters."""

    def __init__(self, world: SimWorld, clock: SimClock, token: str, faults: Faults, seed: int) -> None:
        self.world, self.clock, self.token = world, clock, token
        self.faults = faults
        self.lock = threading.Lock()
        self.rng = random.Random(seed * 1_000_003 + 11)
        self.injected: Counter[str] = Counter()
        self.requests: Counter[str] = Counter()
        self.served = Counter()
        # Which records a client has been sent in a readable page at least once (any version).
        self.delivered = np.zeros(world.n, dtype=bool)

    # ------------------------------------------------------------------ admin ----

    def set_faults(self, changes: dict[str, Any]) -> Faults:
        """Change fault switches; record faults apply to records created from now on."""
        with self.lock:
            updated = self.faults.update(changes)
            if updated.record_probabilities() != self.faults.record_probabilities():
                self.world.assign_faults(updated.record_probabilities(), created_after=self.clock.now())
            self.faults = updated
            return updated

    def tick(self, seconds: float = DEFAULT_TICK_S) -> int:
        """Move the clock forward (capped at real time); returns the new time."""
        with self.lock:
            return self.clock.advance(seconds)

    def now(self) -> int:
        with self.lock:
            return self.clock.now()

    def truth(self) -> dict[str, Any]:
        """world.truth at the current time."""
        with self.lock:
            now = self.clock.now()
        return self.world.truth(now)

    def stats(self) -> dict[str, Any]:
        """Counters, records by fault kind, and by fault kind those a client was sent (records_delivered)."""
        with self.lock:
            now = self.clock.now()
            out = {
                "now": iso(now),
                "requests": dict(self.requests),
                "faults_injected": dict(self.injected),
                "served": dict(self.served),
                "faults": self.faults.as_dict(),
            }
        out["records"] = self.world.counts(now)
        with self.lock:
            delivered = np.bincount(self.world.kind[self.delivered], minlength=len(KINDS))
        out["records_delivered"] = {KINDS[i]: int(n) for i, n in enumerate(delivered.tolist())}
        return out

    # ------------------------------------------------------------------ the API ----

    def authorised(self, header: str | None) -> bool:
        scheme, _, value = (header or "").partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(value.strip().encode(), self.token.encode())

    def _draw(self) -> tuple[str | None, bool, bool, float]:
        """The transport faults of one request: (response fault, duplicate, out of order, variant)."""
        f = self.faults
        rng = self.rng
        fault = None
        for name in ("timeout", "error_500", "rate_limit", "malformed"):
            if rng.random() < getattr(f, name) and fault is None:
                fault = name
        return fault, rng.random() < f.duplicate_page, rng.random() < f.out_of_order, rng.random()

    def complaints(self, query: dict[str, list[str]]) -> Response:
        """GET /api/v1/complaints."""
        limit, since, cursor = _params(query)
        with self.lock:
            now = self.clock.now()
            fault, duplicate, out_of_order, u = self._draw()
            if fault is not None:  # the client never sees this page's order: count one fault only
                duplicate = out_of_order = False
            faults = self.faults
            if fault in ("timeout", "error_500", "rate_limit"):
                self.injected[fault] += 1
            shuffle_seed = self.rng.getrandbits(32)
        if fault == "timeout":
            return Response(200, b"", hang="before" if u < 0.5 else "mid-body")
        if fault == "error_500":
            return error(500, "internal_error", "Terjadi kesalahan pada server (simulasi)")
        if fault == "rate_limit":
            return error(
                429, "rate_limited", "Terlalu banyak permintaan", {"Retry-After": _retry_after(faults)}
            )

        world = self.world
        end = world.visible_end(now)
        if cursor is not None:
            pos, stop, resume = cursor
        else:
            pos, stop, resume = (world.position_of(since) if since is not None else 0), None, None
        used_ooo = False
        if stop is not None:  # serving the page that an out-of-order answer skipped
            entries, nxt = world.collect(pos, min(stop, end), limit, now)
            more = nxt < min(stop, end) and entries.size == limit
            next_cursor = (
                encode_cursor(nxt, stop, resume)
                if more
                else (encode_cursor(resume) if resume < end else None)
            )
        else:
            entries, nxt = world.collect(pos, end, limit, now)
            next_cursor = encode_cursor(nxt) if nxt < end else None
            if out_of_order and next_cursor is not None:
                later, after = world.collect(nxt, end, limit, now)
                if later.size:
                    entries, used_ooo = later, True
                    next_cursor = encode_cursor(pos, nxt, after)
        if used_ooo:
            entries = np.random.default_rng(shuffle_seed).permutation(entries)
        used_dup = bool(duplicate and entries.size and next_cursor is not None)
        if used_dup:
            next_cursor = encode_cursor(pos, stop, resume)  # the same page again
        items = world.items(entries)
        newest = int(world.log_t[entries].max()) if entries.size else None
        meta = {
            "next_cursor": next_cursor,
            "has_more": next_cursor is not None,
            "count": len(items),
            "limit": limit,
            "max_updated_at": iso(newest) if newest is not None else None,
            "server_time": iso(now),
        }
        body = ('{"data":[' + ",".join(items) + '],"meta":' + json.dumps(meta) + "}").encode()
        with self.lock:
            self.served["pages"] += 1
            self.served["items"] += len(items)
            if fault != "malformed":
                self.delivered[world.log_rec[entries]] = True
            for name, used in (
                ("duplicate_page", used_dup),
                ("out_of_order", used_ooo),
                ("malformed", fault == "malformed"),
            ):
                if used:
                    self.injected[name] += 1
        if fault == "malformed":
            return _malformed(body, u)
        return Response(200, body)

    def one(self, external_id: str) -> Response:
        """GET /api/v1/complaints/{id}: the complaint as it stands now."""
        try:
            r = int(external_id) - ID_BASE
        except ValueError:
            return error(404, "not_found", f"no complaint {external_id!r}")
        with self.lock:
            now = self.clock.now()
        visible, stages = self.world.stages_at(now)
        where = np.searchsorted(visible, r)
        if r < 0 or where >= visible.size or visible[where] != r or self.world.frozen[r]:
            return error(404, "not_found", f"no complaint {external_id!r}")
        return Response(200, self.world.renderer.item_json(r, int(stages[where])).encode())


def _params(query: dict[str, list[str]]) -> tuple[int, int | None, tuple | None]:
    def one(name: str) -> str | None:
        values = query.get(name)
        return values[-1] if values else None

    raw_limit = one("limit")
    try:
        limit = DEFAULT_LIMIT if raw_limit is None else int(raw_limit)
    except ValueError:
        raise BadRequest(f"limit: {raw_limit!r} is not a whole number") from None
    if limit < 1:
        raise BadRequest(f"limit: must be at least 1, got {limit}")
    since = None
    raw_since = one("updated_since")
    if raw_since:
        try:
            moment = datetime.fromisoformat(raw_since.replace(" ", "+"))
        except ValueError:
            raise BadRequest(f"updated_since: {raw_since!r} is not an ISO 8601 date-time") from None
        if moment.tzinfo is None:
            raise BadRequest(f"updated_since: {raw_since!r} has no UTC offset (add +07:00 or Z)")
        since = math.ceil(moment.timestamp())
    raw_cursor = one("cursor")
    try:
        cursor = decode_cursor(raw_cursor) if raw_cursor else None
    except ValueError as exc:
        raise BadRequest(str(exc)) from None
    return min(limit, MAX_LIMIT), since, cursor


def _retry_after(faults: Faults) -> str:
    seconds = faults.retry_after
    if faults.retry_after_form == "http-date":
        # HTTP dates have whole seconds: round up so the client never comes back too early.
        return formatdate(math.ceil(time.time() + seconds), usegmt=True)
    return str(int(seconds)) if float(seconds).is_integer() else f"{seconds:g}"


def _malformed(body: bytes, u: float) -> Response:
    variant = int(u * 4) % 4
    if variant == 0:
        return Response(200, body[: max(1, int(len(body) * (0.2 + 0.6 * u)))])  # cut short
    if variant == 1:
        html = (
            b"<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>"
        )
        return Response(200, html)  # a proxy's page, sent as JSON
    if variant == 2:
        return Response(200, body + b"\n<!-- cache: HIT -->")
    return Response(200, b'{"data": "maintenance", "meta": null}')
