"""The e-Lapor simulator's world: every complaint's whole future, generated once, revealed by a clock.

Complaints come from the demo generators (demo.seed.build_world: volumes by day and hour,
places, categories, and the LAPOR! lifecycle around the SLA deadlines), in two parts: a backlog
of `complaints` reports received over the `days` before the start, and new arrivals after it
(`arrivals_per_day`). Each complaint's status changes are known in advance up to the horizon;
at clock time `now` a complaint shows the state of its latest change at or before `now`.

That makes the change feed a fixed, sorted log of (time, complaint, change): a page is a slice
of it past a cursor, keeping the entries that are still their complaint's latest change; a tick
only moves `now`. Deterministic for a seed and a start time, and cheap at 100,000 complaints.
JSON rendering lives in demo/elapor_sim_items.py, fault switches in demo/elapor_sim_faults.py.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any

import numpy as np

from demo.elapor_sim_faults import FROZEN, KIND, KINDS, RECORD_FAULTS, VALID_KINDS, expected_field, variant_of
from demo.elapor_sim_items import ID_BASE, Renderer, iso_utc, tracking_id
from demo.lifecycle import CLOSED, CREATED, FORWARDED, MISSING, RESPONDED, VERIFIED
from demo.seed import build_world
from demo.world import KEC_CODES, reporters
from store.calendar import WorkCalendar
from store.reference_data import KELURAHAN
from store.vocab import OUTCOMES

WIB = timezone(timedelta(hours=7))
INF = np.iinfo(np.int64).max
# Lifecycle columns that are status changes, in order; RESOLVED is a date, not a change.
EVENT_COLS = (CREATED, VERIFIED, FORWARDED, RESPONDED, CLOSED)


class SimWorld:
    """All complaints with their pre-drawn lifecycles, record faults and the change log."""

    def __init__(
        self,
        complaints: int,
        seed: int,
        start_ts: int,
        *,
        days: int = 60,
        arrivals_per_day: float | None = None,
        horizon_days: int = 120,
        record_faults: tuple[float, ...] = (0.0,) * len(RECORD_FAULTS),
        extra_holidays: tuple[date, ...] = (),
    ) -> None:
        if complaints < 0 or days < 1 or horizon_days < 1:
            raise ValueError("complaints must be >= 0, days and horizon_days >= 1")
        if arrivals_per_day is not None and arrivals_per_day < 0:
            raise ValueError("arrivals_per_day must be >= 0")
        self.seed = seed
        self.start_ts = start_ts
        cal = WorkCalendar(extra_holidays)
        start_day = datetime.fromtimestamp(start_ts, WIB).date()
        end_ts = start_ts + horizon_days * 86400
        if arrivals_per_day is None:
            arrivals_per_day = complaints / days
        parts = []
        if complaints:
            yesterday = start_day - timedelta(days=1)
            parts.append(build_world(complaints, days, seed, yesterday, end_ts, cal, "-", 1))
        future = round(arrivals_per_day * horizon_days)
        if future:
            last = start_day + timedelta(days=horizon_days - 1)
            parts.append(
                build_world(future, horizon_days, seed + 7919, last, end_ts, cal, "-", complaints + 1)
            )
        self._columns(parts)
        rng = np.random.default_rng([seed, 0x5EED])
        self.reporter = reporters(rng, self.n) if self.n else np.zeros(0, dtype=np.int64)
        self.draw = rng.integers(0, 2**31, (self.n, 2))
        self.fault_u = rng.random((self.n, len(RECORD_FAULTS)))
        self.kind = np.zeros(self.n, dtype=np.int64)
        self.variant = np.zeros(self.n, dtype=np.int64)
        self.frozen = np.zeros(self.n, dtype=bool)
        self.renderer = Renderer(self)
        self.assign_faults(record_faults, created_after=None)
        self._build_log()

    def _columns(self, parts: list) -> None:
        def cat(get, dtype) -> np.ndarray:
            arrays = [np.asarray(get(w), dtype=dtype) for w in parts]
            return np.concatenate(arrays) if arrays else np.zeros(0, dtype=dtype)

        self.n = int(sum(len(w.ids) for w in parts))
        self.times = cat(lambda w: w.life.times, np.int64).reshape(self.n, 6)
        self.final = cat(lambda w: w.life.status, np.int64)
        self.outcome = cat(lambda w: w.life.outcome, np.int64)
        for name in ("kec", "cat", "kel", "channel", "report_type", "agency"):
            setattr(self, name, cat(lambda w, name=name: getattr(w, name), np.int64))
        self.lat = cat(lambda w: w.lat, np.float64)
        self.lon = cat(lambda w: w.lon, np.float64)
        self.anonymous = cat(lambda w: w.anonymous, bool)
        self.confidential = cat(lambda w: w.confidential, bool)
        self.picks = cat(lambda w: w.picks, np.int64).reshape(self.n, 4)
        self.street = cat(lambda w: w.street, np.int64).reshape(self.n, 2)
        self.pii = cat(lambda w: w.pii, np.int64).reshape(self.n, 2)
        self.events = np.ascontiguousarray(self.times[:, EVENT_COLS])  # (n, 5), MISSING: never happens

    def assign_faults(self, probabilities: tuple[float, ...], created_after: int | None) -> None:
        """Draw record faults for the records created after `created_after` (all when None)."""
        if created_after is None:
            rows = np.arange(self.n)
        else:
            rows = np.flatnonzero(self.events[:, 0] > created_after)
        kind = np.zeros(rows.size, dtype=np.int64)
        for i in range(len(RECORD_FAULTS) - 1, -1, -1):  # the first kind in order wins
            kind = np.where(self.fault_u[rows, i] < probabilities[i], i + 1, kind)
        # An unknown kecamatan is recovered from the kelurahan: only records that have one get it.
        kind = np.where((kind == KIND["unknown_kecamatan"]) & (self.kel[rows] < 0), 0, kind)
        self.kind[rows] = kind
        has_point = ~np.isnan(self.lat[rows])
        faulty = np.flatnonzero(kind)
        self.variant[rows] = 0
        for i in faulty.tolist():
            self.variant[rows[i]] = variant_of(int(kind[i]), int(self.draw[rows[i], 0]), bool(has_point[i]))
        self.frozen[rows] = np.isin(kind, FROZEN)
        if created_after is not None:
            self.renderer.forget(rows.tolist())

    def _build_log(self) -> None:
        ev = self.events
        present = ev != MISSING
        filled = np.where(present, ev, INF)
        # Lifecycle times only grow, so a change's successor is the smallest later time.
        later = np.minimum.accumulate(filled[:, ::-1], axis=1)[:, ::-1]
        nxt = np.full_like(filled, INF)
        nxt[:, :-1] = later[:, 1:]
        rec, stage = np.nonzero(present)
        t = ev[rec, stage]
        order = np.lexsort((stage, rec, t))
        self.log_t = t[order]
        self.log_rec = rec[order].astype(np.int64)
        self.log_stage = stage[order].astype(np.int64)
        self.log_next = nxt[rec, stage][order]

    # ------------------------------------------------------------------ the feed ----

    def visible_end(self, now: int) -> int:
        """Log position just past the last change at or before `now`."""
        return int(np.searchsorted(self.log_t, now, side="right"))

    def position_of(self, since_ts: int) -> int:
        """First log position at or after `since_ts` (updated_since is inclusive)."""
        return int(np.searchsorted(self.log_t, since_ts, side="left"))

    def collect(self, pos: int, end: int, limit: int, now: int) -> tuple[np.ndarray, int]:
        """Up to `limit` log positions in [pos, end) that are their complaint's latest change; next pos."""
        found: list[np.ndarray] = []
        got = 0
        chunk = max(256, 2 * limit)
        i = pos
        while got < limit and i < end:
            j = min(end, i + chunk)
            rec = self.log_rec[i:j]
            # A frozen record (no id, or not an object) only ever shows its creation.
            current = np.where(self.frozen[rec], self.log_stage[i:j] == 0, self.log_next[i:j] > now)
            idx = np.flatnonzero(current) + i
            need = limit - got
            if idx.size >= need:
                found.append(idx[:need])
                got = limit
                i = int(idx[need - 1]) + 1
                break
            found.append(idx)
            got += idx.size
            i = j
            chunk *= 2
        return (np.concatenate(found) if found else np.zeros(0, dtype=np.int64)), i

    def items(self, positions: np.ndarray) -> list[str]:
        """JSON texts of the log entries at `positions`."""
        return self.renderer.page(self.log_rec[positions].tolist(), self.log_stage[positions].tolist())

    def stages_at(self, now: int) -> tuple[np.ndarray, np.ndarray]:
        """(visible record indexes, their current stage 0..4) at `now`."""
        visible = np.flatnonzero(self.events[:, 0] <= now)
        ev = self.events[visible]
        happened = (ev != MISSING) & (ev <= now)
        stage = 4 - np.argmax(happened[:, ::-1], axis=1)
        return visible, np.where(self.frozen[visible], 0, stage)

    def prebuild(self, now: int) -> int:
        """Render the unchanging part of every record visible at `now`; returns how many."""
        visible, stages = self.stages_at(now)
        for start in range(0, visible.size, 5000):
            self.renderer.page(visible[start : start + 5000].tolist(), stages[start : start + 5000].tolist())
        return int(visible.size)

    # ------------------------------------------------------------------ truth ----

    def truth(self, now: int) -> dict[str, Any]:
        """What a perfect sync holds at `now`: valid records with status and history, invalid ones."""
        visible, stages = self.stages_at(now)
        valid: list[dict[str, Any]] = []
        invalid: list[dict[str, Any]] = []
        for r, stage in zip(visible.tolist(), stages.tolist(), strict=True):
            kind = int(self.kind[r])
            created = int(self.events[r, 0])
            if kind in VALID_KINDS:
                history = self.renderer.history(r, stage)
                valid.append(
                    {
                        "external_id": str(ID_BASE + r),
                        "tracking_id": tracking_id(r, created),
                        "status": history[-1][1],
                        "outcome": OUTCOMES[self.outcome[r]] if stage == 4 else None,
                        "created_at": iso_utc(created),
                        "updated_at": iso_utc(history[-1][0]),
                        "history": [{"at": iso_utc(t), "status": s, "note": n} for t, s, n in history],
                        "kecamatan_code": KEC_CODES[self.kec[r]],
                        "kelurahan_code": KELURAHAN[self.kel[r]].code if self.kel[r] >= 0 else None,
                        "faults": [] if kind == 0 else [KINDS[kind]],
                    }
                )
            else:
                frozen = bool(self.frozen[r])
                invalid.append(
                    {
                        "external_id": None if frozen else str(ID_BASE + r),
                        "sim_id": str(ID_BASE + r),
                        "tracking_id": tracking_id(r, created),
                        "kind": KINDS[kind],
                        "field": expected_field(kind, int(self.variant[r])),
                        "frozen": frozen,
                        "updated_at": iso_utc(int(self.events[r, stage])),
                    }
                )
        return {"now": iso_utc(now), "valid": valid, "invalid": invalid}

    def counts(self, now: int) -> dict[str, Any]:
        """Visible records by fault kind, and how many are closed."""
        visible, stages = self.stages_at(now)
        kinds = np.bincount(self.kind[visible], minlength=len(KINDS))
        return {
            "visible": int(visible.size),
            "total": self.n,
            "closed": int((stages == 4).sum()),
            "by_kind": {KINDS[i]: int(kinds[i]) for i in range(len(KINDS))},
        }
