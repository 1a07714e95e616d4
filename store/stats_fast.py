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
from store.filters import Filter
from store.frames import breakdown_frame
from store.queries import RESOLUTION_BINS, _labels, _pct, _quantiles, backlog_moment
from store.stats_columns import NULL_TIME, VOCABS, Columns, current
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


class Rows:
    """The rows a filter selects: a part of the columns (a slice, or positions) and a mask over it.

    Every figure then reads only that part: a 90-day period of two years' data touches an eighth
    of the rows (they are kept in day order), the backlog only the complaints not yet closed.
    """

    def __init__(
        self, cols: Columns, part: slice | np.ndarray, m: np.ndarray | None, at: int | None = None
    ) -> None:
        # A slice of the columns, or the positions of cols.closed_after(at) (gathered once per
        # copy of the columns and day: every figure of a page reads the same few).
        self.cols, self.part, self.at = cols, part, at
        n = part.stop - part.start if isinstance(part, slice) else part.size
        self.m = m if m is not None else np.ones(n, dtype=bool)

    def __getitem__(self, name: str) -> np.ndarray:
        if isinstance(self.part, slice):
            return self.cols[name][self.part]  # a view: nothing to gather
        return self.cols.closed_after_column(self.at, name)


def _narrow(cols: Columns, f: Filter, part: slice | np.ndarray, at: int | None = None) -> Rows:
    m = None
    whole = Rows(cols, part, None, at)
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
            hit = _member(whole[name], values)
            m = hit if m is None else m & hit
    return Rows(cols, part, m, at)


def _member(column: np.ndarray, values: list[int]) -> np.ndarray:
    """np.isin(column, values) for non-negative codes. The 16-bit code columns (kecamatan,
    channel, report type, status) take one table lookup per row: about a third of isin's time
    at a million rows (measured 2.3 vs 9.4 ms); for the 32-bit ids isin is as quick."""
    if not values:
        return np.zeros(column.shape, dtype=bool)
    if column.dtype == np.int16:
        # Every int16 has an entry; -1 (none) reads the last one, which is never asked for.
        table = np.zeros(2**15 + 1, dtype=bool)
        table[values] = True
        return table[column]
    return np.isin(column, values)


def select_rows(cols: Columns, f: Filter) -> Rows:
    """The rows store.filters.condition(f) selects."""
    return _narrow(cols, f, cols.days(_day(f.start), _day(f.end)))


def open_candidates(cols: Columns, f: Filter, at: datetime) -> Rows:
    """Rows matching condition(f, with_dates=False) that may be open at `at` (not closed by then);
    _Moment.open() tells which are."""
    moment = _us(at)
    return _narrow(cols, f, cols.closed_after(moment), moment)


class _Moment:
    """The per-row conditions of store.queries at one moment, over a selection's rows."""

    def __init__(self, rows: Rows, at: datetime) -> None:
        self.r = rows
        self.at = _us(at)

    def resolved_by(self) -> np.ndarray:
        r = self.r
        return (r["outcome"] == _RESOLVED) & (r["resolved"] <= self.at)

    def sla_evaluated(self) -> np.ndarray:
        r = self.r
        rejected_unforwarded = (r["outcome"] == _REJECTED) & ~r["forwarded"]
        return ~rejected_unforwarded & ((r["first_response"] <= self.at) | (r["response_due"] < self.at))

    def sla_met(self) -> np.ndarray:
        r = self.r
        return (r["first_response"] <= self.at) & r["on_time"]

    def open(self) -> np.ndarray:
        r = self.r
        return (r["created"] <= self.at) & (r["closed"] > self.at)

    def beyond_sla(self) -> np.ndarray:
        r = self.r
        return (r["first_response"] > self.at) & (r["response_due"] < self.at)


class Period:
    """Per-row flags of a filter's period at a moment: selected, resolved by then, SLA evaluated,
    SLA met; and the resolved rows' hours."""

    def __init__(self, cols: Columns, f: Filter, at: datetime) -> None:
        self.rows = rows = select_rows(cols, f)
        mo = _Moment(rows, at)
        self.m = rows.m
        self.resolved = self.m & mo.resolved_by()
        self.evaluated = self.m & mo.sla_evaluated()
        self.met = self.evaluated & mo.sla_met()
        self.hours = rows["hours"][self.resolved]


class Backlog:
    """The complaints matching a filter's non-date part that are open at a moment (positions into
    Backlog.rows), and which of them are beyond their SLA."""

    def __init__(self, cols: Columns, f: Filter, at: datetime) -> None:
        self.rows = rows = open_candidates(cols, f, at)
        mo = _Moment(rows, at)
        self.at = mo.at
        self.open = np.flatnonzero(rows.m & mo.open())
        self.beyond = (rows["first_response"][self.open] > mo.at) & (rows["response_due"][self.open] < mo.at)
        self.created = rows["created"][self.open]


def _shared(cols: Columns, kind: type, f: Filter, at: datetime) -> Any:
    """`kind(cols, f, at)`, kept with the columns for the next figures of the same page.

    A Statistik page asks for the KPIs and four breakdowns of one filter at one moment: they
    share these flags instead of computing them five times. The newest four (of either kind) are
    kept (a period's flags take about 11 MB at a million rows).
    """
    key = f"shared:{kind.__name__}:{_us(at)}:{f!r}"
    return cols.remember(key, lambda: kind(cols, f, at), keep=4, group="shared:")


def _period_figures(cols: Columns, f: Filter, now: datetime) -> dict[str, Any]:
    at = backlog_moment(f, now)
    p = _shared(cols, Period, f, at)
    total, n_resolved, n_evaluated = int(p.m.sum()), int(p.resolved.sum()), int(p.evaluated.sum())
    met = int(p.met.sum())
    median, p90 = _quantiles(p.hours)
    b = _shared(cols, Backlog, f, at)
    return {
        "complaints": total,
        "resolved": n_resolved,
        "resolved_pct": _pct(n_resolved, total),
        "median_hours": median,
        "p90_hours": p90,
        "sla_evaluated": n_evaluated,
        "sla_met": met,
        "sla_pct": _pct(met, n_evaluated),
        "open": int(b.open.size),
        "open_beyond_sla": int(b.beyond.sum()),
        "backlog_at": at,
    }


def kpis(engine: Engine, f: Filter, now: datetime | None = None) -> dict[str, Any]:
    """store.queries.kpis over the columns."""
    cols = current(engine)
    now = now if now is not None else datetime.now(UTC)
    return queries.compare_periods(lambda period, moment: _period_figures(cols, period, moment), f, now)


def _groups(rows: Rows, by: str) -> tuple[np.ndarray, list[Any]]:
    """Per row a small non-negative group number, and each number's key as store.queries has it."""
    cols = rows.cols
    if by == "kecamatan":
        keys: list[Any] = [None, *cols.kecamatan_codes]
        return rows["kecamatan"] + 1, keys
    if by in ("category", "agency"):
        # Reference ids are small (a few dozen rows): one number per possible id.
        top = max([*cols.category_ids.values(), *cols.agency_ids.values(), int(cols[by].max(initial=-1))])
        return rows[by] + 1, [None, *range(top + 1)]
    return rows[by], list(VOCABS[by])


def _tally(groups: np.ndarray, size: int, flags: list[np.ndarray]) -> list[np.ndarray]:
    """Per group, how many rows have each flag: one bincount over group x flag combination
    instead of one indexing pass and bincount per flag (the rows are a million)."""
    bits = np.zeros(groups.size, dtype=np.int32)
    for i, flag in enumerate(flags):
        bits |= flag.astype(np.int32) << i
    width = 1 << len(flags)
    counts = np.bincount(groups.astype(np.int32) * width + bits, minlength=size * width).reshape(size, width)
    combos = np.arange(width)
    return [counts[:, (combos >> i) & 1 == 1].sum(axis=1) for i in range(len(flags))]


def _group_quantiles(groups: np.ndarray, hours: np.ndarray, keys: list[Any]) -> pd.DataFrame | None:
    """Median and p90 per group, computed as store.queries computes them."""
    if hours.size == 0:
        return None
    order = np.argsort(groups.astype(np.int16), kind="stable")  # 16-bit keys: a radix sort
    groups, hours = groups[order], hours[order]
    edges = np.flatnonzero(np.diff(groups)) + 1
    found = [
        (keys[g], *_quantiles(h))
        for g, h in zip(groups[np.r_[0, edges]], np.split(hours, edges), strict=True)
    ]
    return pd.DataFrame(found, columns=["key", "median_hours", "p90_hours"])


def breakdown(
    engine: Engine, f: Filter, by: str, now: datetime | None = None, lang: str = "id"
) -> pd.DataFrame:
    """store.queries.breakdown over the columns."""
    if by not in queries.DIMENSIONS:
        raise ValueError(f"unknown dimension {by!r}; expected one of {', '.join(queries.DIMENSIONS)}")
    now = now if now is not None else datetime.now(UTC)
    at = backlog_moment(f, now)
    cols = current(engine)
    p = _shared(cols, Period, f, at)
    groups, keys = _groups(p.rows, by)
    size = len(keys)
    names = ("complaints", "resolved", "sla_evaluated", "sla_met")
    period = dict(zip(names, _tally(groups, size, [p.m, p.resolved, p.evaluated, p.met]), strict=True))
    q = _group_quantiles(groups[p.resolved], p.hours, keys)
    # The backlog: the open complaints are few (tens of thousands); everything after finding
    # them reads only theirs.
    b = _shared(cols, Backlog, f, at)
    bgroups = _groups(b.rows, by)[0][b.open]
    backlog = {
        "open_beyond_sla": np.bincount(bgroups[b.beyond], minlength=size),
        "open": np.bincount(bgroups, minlength=size),
    }
    for label, lo, hi in AGE_BANDS:
        band = b.created <= b.at - lo * _DAY_US
        if hi is not None:
            band &= b.created > b.at - (hi + 1) * _DAY_US
        backlog[f"age_{label}"] = np.bincount(bgroups[band], minlength=size)
    have = np.flatnonzero(period["complaints"])
    frame = pd.DataFrame({"key": [keys[g] for g in have], **{k: v[have] for k, v in period.items()}})
    have = np.flatnonzero(backlog["open"])
    blog = pd.DataFrame({"key": [keys[g] for g in have], **{k: v[have] for k, v in backlog.items()}})
    return breakdown_frame(frame, blog, q, _labels(engine, by, lang), queries._codes(engine, by))


def trend(engine: Engine, f: Filter, freq: str = "D") -> pd.DataFrame:
    """store.queries.trend over the columns."""
    if freq not in ("D", "W"):
        raise ValueError("freq must be 'D' or 'W'")
    rows = select_rows(current(engine), f)
    m = rows.m
    day = rows["day"][m] - _day(f.start)
    per_day = np.bincount(day, minlength=f.days)
    done = np.bincount(day, weights=rows["outcome"][m] == _RESOLVED, minlength=f.days).astype(np.int64)
    have = np.flatnonzero(per_day)
    found = [(f.start + timedelta(days=int(d)), int(per_day[d]), int(done[d])) for d in have]
    return queries.trend_frame(found, f, freq)


def funnel(engine: Engine, f: Filter) -> pd.DataFrame:
    """store.queries.funnel over the columns."""
    rows = select_rows(current(engine), f)
    m = rows.m
    counts = [
        int(m.sum()),
        int(np.count_nonzero(m & rows["verified"])),
        int(np.count_nonzero(m & rows["forwarded"])),
        int(np.count_nonzero(m & (rows["first_response"] != NULL_TIME))),
        int(np.count_nonzero(m & (rows["outcome"] == _RESOLVED))),
    ]
    return pd.DataFrame({"stage": queries.FUNNEL_STAGES, "complaints": counts})


def outcomes(engine: Engine, f: Filter) -> pd.DataFrame:
    """store.queries.outcomes over the columns."""
    rows = select_rows(current(engine), f)
    names = ["belum_selesai", *VOCABS["outcome"]]
    counts = np.bincount(rows["outcome"][rows.m] + 1, minlength=len(names))
    return queries.outcomes_frame([(names[i], int(n)) for i, n in enumerate(counts) if n])


def resolution_distribution(engine: Engine, f: Filter) -> pd.DataFrame:
    """store.queries.resolution_distribution over the columns."""
    rows = select_rows(current(engine), f)
    hours = rows["hours"][rows.m & (rows["outcome"] == _RESOLVED)]
    # Band edges in hours; the first band includes 0 h (and anything below), as the SQL does.
    edges = np.array([24.0 * hi for hi in RESOLUTION_BINS])
    band = np.searchsorted(edges, hours[~np.isnan(hours)], side="left")
    return queries.resolution_frame(np.bincount(band, minlength=len(RESOLUTION_BINS) + 1))
