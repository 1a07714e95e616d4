"""Read-side statistics: every query takes an engine and one Filter and returns plain data.

Definitions (README "Angka dan definisinya" repeats them for readers):
- A complaint is *resolved* when its outcome is "selesai". Closed is not fixed: "bukan
  wewenang", "dikembalikan" and "ditolak" close a report without counting as resolved.
- *Hours to resolve*: resolved_at - created_at, for resolved complaints.
- *SLA*: forwarded within 3 working days and a follow-up within 5 working days after that. A
  complaint is evaluated once it has a follow-up or its follow-up deadline has passed; reports
  rejected at verification (ditolak, never forwarded) are not evaluated.
- Every figure is taken at a moment: the end of the period, or now when the period has not
  ended ("resolved" means resolved by then). The previous period, for deltas, is taken at that
  moment minus the period's length, so both had the same time to resolve their complaints.
- *Backlog* figures (open, open beyond SLA, age bands) use the same moment. They count every
  open complaint that matches the non-date filters, whenever it came in: an overdue complaint
  from last year still counts.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine, and_, case, func, not_, or_, select

from store.calendar import wib_day
from store.filters import Filter, condition
from store.frames import breakdown_frame
from store.models import Agency, Category, Complaint, Kecamatan
from store.vocab import AGE_BANDS, RESOLVED_OUTCOME

C = Complaint

DIMENSIONS = {
    # name: (group column, label table join)
    "kecamatan": C.kecamatan_code,
    "category": C.category_id,
    "agency": C.agency_id,
    "channel": C.channel,
    "report_type": C.report_type,
}


def _now(now: datetime | None) -> datetime:
    return now if now is not None else datetime.now(UTC)


def backlog_moment(f: Filter, now: datetime | None = None) -> datetime:
    """When backlog figures are taken: the end of the period, or now if that is later."""
    return min(_now(now), f.end_moment().astimezone(UTC))


def _resolved():
    return C.outcome == RESOLVED_OUTCOME


def _resolved_by(at: datetime):
    return and_(C.outcome == RESOLVED_OUTCOME, C.resolved_at <= at)


def _sla_evaluated(at: datetime):
    # coalesce: with a NULL outcome, NOT (NULL AND TRUE) is NULL, which would leave every open,
    # never-forwarded complaint out of the SLA figures however late it is.
    rejected_unforwarded = and_(func.coalesce(C.outcome, "") == "ditolak", C.forwarded_at.is_(None))
    return and_(
        not_(rejected_unforwarded),
        or_(C.first_response_at <= at, C.response_due_at < at),
    )


def _sla_met(at: datetime):
    return and_(
        C.first_response_at <= at,
        C.first_response_at <= C.response_due_at,
        C.forwarded_at <= C.forward_due_at,
    )


def _open_at(at: datetime):
    return and_(C.created_at <= at, or_(C.closed_at.is_(None), C.closed_at > at))


def _beyond_sla_at(at: datetime):
    no_followup = or_(C.first_response_at.is_(None), C.first_response_at > at)
    return and_(_open_at(at), no_followup, C.response_due_at < at)


def _count_if(cond) -> Any:
    return func.coalesce(func.sum(case((cond, 1), else_=0)), 0)


def _pct(num: float, den: float) -> float | None:
    return round(100.0 * num / den, 2) if den else None


def _quantiles(hours: np.ndarray) -> tuple[float | None, float | None]:
    """Median and p90 (linear interpolation), rounded to 0.01 h; every read side uses this one."""
    if hours.size == 0:
        return None, None
    med, p90 = np.quantile(hours, [0.5, 0.9])
    return round(float(med), 2), round(float(p90), 2)


def _period_figures(engine: Engine, f: Filter, now: datetime) -> dict[str, Any]:
    at = backlog_moment(f, now)
    cond = condition(f)
    with engine.connect() as conn:
        row = conn.execute(
            select(
                func.count(),
                _count_if(_resolved_by(at)),
                _count_if(_sla_evaluated(at)),
                _count_if(and_(_sla_evaluated(at), _sla_met(at))),
            ).where(cond)
        ).one()
        hours = np.array(
            conn.execute(select(C.hours_to_resolve).where(cond, _resolved_by(at))).scalars().all(),
            dtype=float,
        )
        backlog = conn.execute(
            select(_count_if(_open_at(at)), _count_if(_beyond_sla_at(at))).where(
                condition(f, with_dates=False), C.created_at <= at
            )
        ).one()
    total, resolved, evaluated, met = (int(x) for x in row)
    median, p90 = _quantiles(hours)
    return {
        "complaints": total,
        "resolved": resolved,
        "resolved_pct": _pct(resolved, total),
        "median_hours": median,
        "p90_hours": p90,
        "sla_evaluated": evaluated,
        "sla_met": met,
        "sla_pct": _pct(met, evaluated),
        "open": int(backlog[0]),
        "open_beyond_sla": int(backlog[1]),
        "backlog_at": at,
    }


KPI_KEYS = ("complaints", "resolved_pct", "median_hours", "sla_pct", "open_beyond_sla")


def kpis(engine: Engine, f: Filter, now: datetime | None = None) -> dict[str, Any]:
    """Headline figures for the period and the previous one of equal length, with deltas."""
    return compare_periods(lambda period, moment: _period_figures(engine, period, moment), f, _now(now))


def compare_periods(figures, f: Filter, now: datetime) -> dict[str, Any]:
    """kpis from `figures(filter, now)` (the SQL's or store.stats_fast's period figures)."""
    today = wib_day(now)
    if f.start <= today < f.end:
        # A period reaching into the future is compared over the days that have happened.
        f = f.with_(end=today)
    cur = figures(f, now)
    # The previous period is judged as it stood the same number of days earlier: otherwise its
    # complaints, having had more time, would always look better resolved than this period's.
    prev = figures(f.previous(), now - timedelta(days=f.days))
    delta = {}
    for key in KPI_KEYS:
        a, b = cur[key], prev[key]
        delta[key] = None if a is None or b is None else round(a - b, 2)
    cur["period"] = (f.start, f.end)
    prev["period"] = (f.previous().start, f.previous().end)
    return {"current": cur, "previous": prev, "delta": delta}


def _labels(engine: Engine, by: str, lang: str = "id") -> dict[Any, str]:
    with engine.connect() as conn:
        if by == "kecamatan":
            return dict(conn.execute(select(Kecamatan.code, Kecamatan.common_name)).all())
        if by == "category":
            name = Category.name_en if lang == "en" else Category.name_id
            return dict(conn.execute(select(Category.id, name)).all())
        if by == "agency":
            return dict(conn.execute(select(Agency.id, Agency.short_name)).all())
    return {}


def _codes(engine: Engine, by: str) -> dict[Any, str]:
    with engine.connect() as conn:
        if by == "category":
            return dict(conn.execute(select(Category.id, Category.code)).all())
        if by == "agency":
            return dict(conn.execute(select(Agency.id, Agency.code)).all())
    return {}


def breakdown(
    engine: Engine, f: Filter, by: str, now: datetime | None = None, lang: str = "id"
) -> pd.DataFrame:
    """Per kecamatan / category / agency / channel / report_type: counts, rates, times, backlog."""
    if by not in DIMENSIONS:
        raise ValueError(f"unknown dimension {by!r}; expected one of {', '.join(DIMENSIONS)}")
    now = _now(now)
    at = backlog_moment(f, now)
    col = DIMENSIONS[by]
    cond = condition(f)
    with engine.connect() as conn:
        period = conn.execute(
            select(
                col,
                func.count(),
                _count_if(_resolved_by(at)),
                _count_if(_sla_evaluated(at)),
                _count_if(and_(_sla_evaluated(at), _sla_met(at))),
            )
            .where(cond)
            .group_by(col)
        ).all()
        hours = conn.execute(select(col, C.hours_to_resolve).where(cond, _resolved_by(at))).all()
        band_cols = []
        for label, lo, hi in AGE_BANDS:
            newer = C.created_at <= at - timedelta(days=lo)
            older = C.created_at > at - timedelta(days=hi + 1) if hi is not None else True
            band_cols.append(_count_if(and_(newer, older)).label(f"age_{label}"))
        backlog = conn.execute(
            select(col, _count_if(_beyond_sla_at(at)), func.count(), *band_cols)
            .where(condition(f, with_dates=False), _open_at(at))
            .group_by(col)
        ).all()
    frame = pd.DataFrame(period, columns=["key", "complaints", "resolved", "sla_evaluated", "sla_met"])
    blog = pd.DataFrame(
        backlog, columns=["key", "open_beyond_sla", "open"] + [f"age_{lb}" for lb, _, _ in AGE_BANDS]
    )
    if hours:
        hf = pd.DataFrame(hours, columns=["key", "h"])
        found = [(k, *_quantiles(h.to_numpy(dtype=float))) for k, h in hf.groupby("key", dropna=False)["h"]]
        q = pd.DataFrame(found, columns=["key", "median_hours", "p90_hours"])
    else:
        q = None
    return breakdown_frame(frame, blog, q, _labels(engine, by, lang), _codes(engine, by))


def trend(engine: Engine, f: Filter, freq: str = "D") -> pd.DataFrame:
    """Complaints and resolved per WIB day ("D") or ISO week starting Monday ("W")."""
    if freq not in ("D", "W"):
        raise ValueError("freq must be 'D' or 'W'")
    with engine.connect() as conn:
        rows = conn.execute(
            select(C.created_day, func.count(), _count_if(_resolved()))
            .where(condition(f))
            .group_by(C.created_day)
        ).all()
    return trend_frame(rows, f, freq)


def trend_frame(rows, f: Filter, freq: str) -> pd.DataFrame:
    """The trend table from (day, complaints, resolved) rows of the days that have any."""
    days = pd.date_range(f.start, f.end, freq="D")
    frame = pd.DataFrame(rows, columns=["period", "complaints", "resolved"])
    frame["period"] = pd.to_datetime(frame["period"])
    frame = frame.set_index("period").reindex(days, fill_value=0)
    frame.index.name = "period"
    if freq == "W":
        frame = frame.resample("W-MON", label="left", closed="left").sum()
    frame = frame.astype("int64").reset_index()
    return frame


FUNNEL_STAGES = ("diterima", "diverifikasi", "diteruskan", "ditindaklanjuti", "selesai")


def funnel(engine: Engine, f: Filter) -> pd.DataFrame:
    """How many of the period's complaints reached each LAPOR! stage (selesai = resolved)."""
    with engine.connect() as conn:
        row = conn.execute(
            select(
                func.count(),
                _count_if(C.verified_at.isnot(None)),
                _count_if(C.forwarded_at.isnot(None)),
                _count_if(C.first_response_at.isnot(None)),
                _count_if(_resolved()),
            ).where(condition(f))
        ).one()
    return pd.DataFrame({"stage": FUNNEL_STAGES, "complaints": [int(x) for x in row]})


def outcomes(engine: Engine, f: Filter) -> pd.DataFrame:
    """The period's complaints by outcome; "belum_selesai" for those without one yet."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(func.coalesce(C.outcome, "belum_selesai"), func.count())
            .where(condition(f))
            .group_by(C.outcome)
        ).all()
    return outcomes_frame(rows)


def outcomes_frame(rows) -> pd.DataFrame:
    """The outcomes table from (outcome, complaints) rows, largest first."""
    frame = pd.DataFrame(rows, columns=["outcome", "complaints"])
    return frame.sort_values(["complaints", "outcome"], ascending=[False, True]).reset_index(drop=True)


# Upper bounds in days for the time-to-resolve distribution; the last band is open-ended.
RESOLUTION_BINS = (1, 3, 7, 14, 30, 60)


def resolution_distribution(engine: Engine, f: Filter) -> pd.DataFrame:
    """Resolved complaints by days to resolve, in the bands of RESOLUTION_BINS."""
    cols, lo = [], 0
    for hi in RESOLUTION_BINS:
        cols.append(_count_if(and_(C.hours_to_resolve > lo * 24, C.hours_to_resolve <= hi * 24)))
        lo = hi
    cols.append(_count_if(C.hours_to_resolve > lo * 24))
    # The first band includes 0 h: a complaint fixed within the minute is still resolved.
    cols[0] = _count_if(C.hours_to_resolve <= RESOLUTION_BINS[0] * 24)
    with engine.connect() as conn:
        row = conn.execute(select(*cols).where(condition(f), _resolved())).one()
    return resolution_frame(row)


def resolution_frame(counts) -> pd.DataFrame:
    """The distribution table from one count per band of RESOLUTION_BINS (and the open band)."""
    labels, lo = [], 0
    for hi in RESOLUTION_BINS:
        labels.append(f"{lo}-{hi}")
        lo = hi
    labels.append(f">{lo}")
    return pd.DataFrame({"band_days": labels, "complaints": [int(x) for x in counts]})


def as_of(engine: Engine) -> datetime | None:
    """When the newest complaint data changed (the figures' as-of time), aware UTC."""
    with engine.connect() as conn:
        return conn.execute(select(func.max(C.updated_at))).scalar_one_or_none()


def date_bounds(engine: Engine) -> tuple[Any, Any]:
    """First and last WIB day with complaints, or (None, None) on an empty database."""
    with engine.connect() as conn:
        return tuple(conn.execute(select(func.min(C.created_day), func.max(C.created_day))).one())


def options(engine: Engine, lang: str = "id") -> dict[str, list[dict[str, str]]]:
    """Choices for the filter controls: code and label per kecamatan, category and agency."""
    with engine.connect() as conn:
        kec = conn.execute(select(Kecamatan.code, Kecamatan.common_name).order_by(Kecamatan.code)).all()
        name = Category.name_en if lang == "en" else Category.name_id
        cat = conn.execute(select(Category.code, name).order_by(name)).all()
        ag = conn.execute(select(Agency.code, Agency.short_name).order_by(Agency.short_name)).all()
    return {
        "kecamatan": [{"value": c, "label": n} for c, n in kec],
        "category": [{"value": c, "label": n} for c, n in cat],
        "agency": [{"value": c, "label": n} for c, n in ag],
    }
