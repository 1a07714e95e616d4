"""The statistics of store.queries computed over the in-memory columns (store.stats_columns).

Same signatures, same definitions, same results (tests/integration/test_stats_fast.py compares
them on random worlds on both back ends); store.queries stays the reference and the baseline
that bench/stats.py prints beside this. Every figure is a handful of vectorised comparisons over
the columns: milliseconds at a million complaints on either back end.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from store import queries
from store.calendar import wib_day
from store.filters import Filter
from store.queries import KPI_KEYS, RESOLUTION_BINS, _labels, _pct, backlog_moment
from store.stats_columns import VOCABS, Columns, current
from store.vocab import AGE_BANDS, RESOLVED_OUTCOME, STATUSES

_EPOCH_DAY = date(1970, 1, 1)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_RESOLVED = VOCABS["outcome"].index(RESOLVED_OUTCOME)
_REJECTED = VOCABS["outcome"].index("ditolak")
_HOUR_US = 3_600_000_000
_DAY_US = 24 * _HOUR_US


def _us(moment: datetime) -> int:
    """Microseconds since 1970 UTC of an aware moment (exact: integer arithmetic)."""
    delta = moment.astimezone(UTC) - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def _day(d: date) -> int:
    return (d - _EPOCH_DAY).days


def _ids(codes: tuple[str, ...], lookup: dict[str, int]) -> list[int]:
    return [lookup[c] for c in codes if c in lookup]


def _indexes(codes: tuple[str, ...], vocab: tuple[str, ...]) -> list[int]:
    return [vocab.index(c) for c in codes if c in vocab]


def mask(cols: Columns, f: Filter, with_dates: bool = True) -> np.ndarray:
    """The rows store.filters.condition selects."""
    if with_dates:
        day = cols["day"]
        m = (day >= _day(f.start)) & (day <= _day(f.end))
    else:
        m = np.ones(len(cols), dtype=bool)
    wanted = (
        ("kecamatan", _indexes(f.kecamatan, cols.kecamatan_codes), f.kecamatan),
        ("category", _ids(f.category, cols.category_ids), f.category),
        ("agency", _ids(f.agency, cols.agency_ids), f.agency),
        ("channel", _indexes(f.channel, VOCABS["channel"]), f.channel),
        ("report_type", _indexes(f.report_type, VOCABS["report_type"]), f.report_type),
        ("status", _indexes(f.status, STATUSES), f.status),
    )
    for name, values, asked in wanted:
        if asked:  # an asked-for code that matches nothing selects nothing, as IN () does
            m &= np.isin(cols[name], values)
    return m


class _Moment:
    """The per-row conditions of store.queries at one moment."""

    def __init__(self, cols: Columns, at: datetime) -> None:
        self.cols = cols
        self.at = _us(at)

    def resolved_by(self) -> np.ndarray:
        c = self.cols
        return (c["outcome"] == _RESOLVED) & (c["resolved"] <= self.at)

    def sla_evaluated(self) -> np.ndarray:
        c = self.cols
        rejected_unforwarded = (c["outcome"] == _REJECTED) & ~c["forwarded"]
        return ~rejected_unforwarded & ((c["first_response"] <= self.at) | (c["response_due"] < self.at))

    def sla_met(self) -> np.ndarray:
        c = self.cols
        return (c["first_response"] <= self.at) & c["on_time"]

    def open(self) -> np.ndarray:
        c = self.cols
        return (c["created"] <= self.at) & (c["closed"] > self.at)

    def beyond_sla(self) -> np.ndarray:
        c = self.cols
        return (c["first_response"] > self.at) & (c["response_due"] < self.at)


def _quantiles(hours: np.ndarray) -> tuple[float | None, float | None]:
    if hours.size == 0:
        return None, None
    med, p90 = np.quantile(hours, [0.5, 0.9])
    return round(float(med), 2), round(float(p90), 2)


def _period_figures(cols: Columns, f: Filter, now: datetime) -> dict[str, Any]:
    at = backlog_moment(f, now)
    mo = _Moment(cols, at)
    m = mask(cols, f)
    resolved = m & mo.resolved_by()
    evaluated = m & mo.sla_evaluated()
    open_ = mask(cols, f, with_dates=False) & mo.open()
    total, n_resolved, n_evaluated = int(m.sum()), int(resolved.sum()), int(evaluated.sum())
    met = int((evaluated & mo.sla_met()).sum())
    median, p90 = _quantiles(cols["hours"][resolved])
    return {
        "complaints": total,
        "resolved": n_resolved,
        "resolved_pct": _pct(n_resolved, total),
        "median_hours": median,
        "p90_hours": p90,
        "sla_evaluated": n_evaluated,
        "sla_met": met,
        "sla_pct": _pct(met, n_evaluated),
        "open": int(open_.sum()),
        "open_beyond_sla": int((open_ & mo.beyond_sla()).sum()),
        "backlog_at": at,
    }


def kpis(engine: Engine, f: Filter, now: datetime | None = None) -> dict[str, Any]:
    """store.queries.kpis over the columns."""
    now = now if now is not None else datetime.now(UTC)
    cols = current(engine)
    today = wib_day(now)
    if f.start <= today < f.end:
        f = f.with_(end=today)
    cur = _period_figures(cols, f, now)
    prev = _period_figures(cols, f.previous(), now - timedelta(days=f.days))
    delta = {}
    for key in KPI_KEYS:
        a, b = cur[key], prev[key]
        delta[key] = None if a is None or b is None else round(a - b, 2)
    cur["period"] = (f.start, f.end)
    prev["period"] = (f.previous().start, f.previous().end)
    return {"current": cur, "previous": prev, "delta": delta}


def _groups(cols: Columns, by: str) -> tuple[np.ndarray, list[Any]]:
    """Per row a small non-negative group number, and each number's key as store.queries has it."""
    if by == "kecamatan":
        keys: list[Any] = [None, *cols.kecamatan_codes]
        return cols["kecamatan"].astype(np.int32) + 1, keys
    if by in ("category", "agency"):
        # Reference ids are small (a few dozen rows): one number per possible id.
        raw = cols[by]
        top = int(raw.max()) if raw.size else -1
        return raw + 1, [None, *range(top + 1)]
    vocab = VOCABS[by]
    return cols[by].astype(np.int32), list(vocab)


def _count(groups: np.ndarray, rows: np.ndarray, size: int) -> np.ndarray:
    return np.bincount(groups[rows], minlength=size)


def _group_quantiles(groups: np.ndarray, hours: np.ndarray, keys: list[Any]) -> pd.DataFrame | None:
    if hours.size == 0:
        return None
    order = np.argsort(groups, kind="stable")
    groups, hours = groups[order], hours[order]
    edges = np.flatnonzero(np.diff(groups)) + 1
    rows = []
    for g, h in zip(groups[np.r_[0, edges]], np.split(hours, edges), strict=True):
        med, p90 = np.quantile(h, [0.5, 0.9])
        rows.append((keys[g], med, p90))
    q = pd.DataFrame(rows, columns=["key", "median_hours", "p90_hours"])
    q[["median_hours", "p90_hours"]] = q[["median_hours", "p90_hours"]].round(2)
    return q


def breakdown(
    engine: Engine, f: Filter, by: str, now: datetime | None = None, lang: str = "id"
) -> pd.DataFrame:
    """store.queries.breakdown over the columns."""
    if by not in queries.DIMENSIONS:
        raise ValueError(f"unknown dimension {by!r}; expected one of {', '.join(queries.DIMENSIONS)}")
    now = now if now is not None else datetime.now(UTC)
    at = backlog_moment(f, now)
    cols = current(engine)
    mo = _Moment(cols, at)
    groups, keys = _groups(cols, by)
    size = len(keys)
    m = mask(cols, f)
    resolved = m & mo.resolved_by()
    evaluated = m & mo.sla_evaluated()
    period = {
        "complaints": _count(groups, m, size),
        "resolved": _count(groups, resolved, size),
        "sla_evaluated": _count(groups, evaluated, size),
        "sla_met": _count(groups, evaluated & mo.sla_met(), size),
    }
    open_ = mask(cols, f, with_dates=False) & mo.open()
    backlog = {
        "open_beyond_sla": _count(groups, open_ & mo.beyond_sla(), size),
        "open": _count(groups, open_, size),
    }
    created = cols["created"]
    for label, lo, hi in AGE_BANDS:
        band = open_ & (created <= mo.at - lo * _DAY_US)
        if hi is not None:
            band &= created > mo.at - (hi + 1) * _DAY_US
        backlog[f"age_{label}"] = _count(groups, band, size)
    have = np.flatnonzero(period["complaints"])
    frame = pd.DataFrame({"key": [keys[g] for g in have], **{k: v[have] for k, v in period.items()}})
    have = np.flatnonzero(backlog["open"])
    blog = pd.DataFrame({"key": [keys[g] for g in have], **{k: v[have] for k, v in backlog.items()}})
    q = _group_quantiles(groups[resolved], cols["hours"][resolved], keys)
    return queries.breakdown_frame(frame, blog, q, _labels(engine, by, lang), queries._codes(engine, by))


def trend(engine: Engine, f: Filter, freq: str = "D") -> pd.DataFrame:
    """store.queries.trend over the columns."""
    if freq not in ("D", "W"):
        raise ValueError("freq must be 'D' or 'W'")
    cols = current(engine)
    m = mask(cols, f)
    first = _day(f.start)
    day = cols["day"][m] - first
    per_day = np.bincount(day, minlength=f.days)
    done = np.bincount(day[cols["outcome"][m] == _RESOLVED], minlength=f.days)
    have = np.flatnonzero(per_day)
    rows = [(f.start + timedelta(days=int(d)), int(per_day[d]), int(done[d])) for d in have]
    return queries.trend_frame(rows, f, freq)


def funnel(engine: Engine, f: Filter) -> pd.DataFrame:
    """store.queries.funnel over the columns."""
    cols = current(engine)
    m = mask(cols, f)
    counts = [
        int(m.sum()),
        int((m & cols["verified"]).sum()),
        int((m & cols["forwarded"]).sum()),
        int((m & (cols["first_response"] != np.iinfo(np.int64).max)).sum()),
        int((m & (cols["outcome"] == _RESOLVED)).sum()),
    ]
    return pd.DataFrame({"stage": queries.FUNNEL_STAGES, "complaints": counts})


def outcomes(engine: Engine, f: Filter) -> pd.DataFrame:
    """store.queries.outcomes over the columns."""
    cols = current(engine)
    counts = np.bincount(
        cols["outcome"][mask(cols, f)].astype(np.int32) + 1, minlength=len(VOCABS["outcome"]) + 1
    )
    names = ["belum_selesai", *VOCABS["outcome"]]
    rows = [(names[i], int(n)) for i, n in enumerate(counts) if n]
    frame = pd.DataFrame(rows, columns=["outcome", "complaints"])
    return frame.sort_values(["complaints", "outcome"], ascending=[False, True]).reset_index(drop=True)


def resolution_distribution(engine: Engine, f: Filter) -> pd.DataFrame:
    """store.queries.resolution_distribution over the columns."""
    cols = current(engine)
    hours = cols["hours"][mask(cols, f) & (cols["outcome"] == _RESOLVED)]
    counts, labels, lo = [], [], 0
    for hi in RESOLUTION_BINS:
        # The first band includes 0 h (and anything below), as the SQL does.
        band = hours <= hi * 24 if lo == 0 else (hours > lo * 24) & (hours <= hi * 24)
        counts.append(int(band.sum()))
        labels.append(f"{lo}-{hi}")
        lo = hi
    counts.append(int((hours > lo * 24).sum()))
    labels.append(f">{lo}")
    return pd.DataFrame({"band_days": labels, "complaints": counts})
