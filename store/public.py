"""The public side of the statistics: aggregates only, with small counts suppressed.

Counts of 1 or 2 are shown as "<3", and the rates and times computed from such a cell are
withheld: a "100% resolved" over one complaint in one kelurahan-sized slice could point at a
person. Zero is shown as 0 (an empty cell identifies no one). The same rule serves the
Transparansi page and the open-data downloads, so what the page shows is what one can download.
Confidential (Rahasia) complaints are counted, never described: nothing here carries text,
identity, coordinates or ticket numbers.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import Engine

from store import queries, stats_fast
from store.filters import Filter, Known, parse_params
from store.health import stale_sources

SUPPRESSED = "<3"
MIN_SHOWN = 3
PUBLIC_DIMENSIONS = ("kecamatan", "category", "agency")
# The columns of the open data, in order, with their meaning (docs/open-data.md repeats them).
COLUMNS: dict[str, str] = {
    "key": "code of the kecamatan (16.71.xx), category or agency",
    "name": "name (Bahasa Indonesia)",
    "complaints": 'complaints received in the period; "<3" when 1 or 2',
    "resolved_pct": "percent resolved (outcome selesai) by the end of the period; empty when suppressed",
    "sla_pct": "percent of evaluated complaints that met the SLA; empty when suppressed",
    "median_days": "median days from receipt to resolution; empty when suppressed",
    "open_beyond_sla": 'open complaints past their SLA deadline at the end of the period; "<3" when 1 or 2',
}
# ASCII only: routes/open_data.py sends it in the X-Licence header too, and an HTTP header is
# Latin-1 (an em dash here made Werkzeug drop every open-data answer mid-response).
LICENCE = (
    "CC BY 4.0, Pemerintah Kota Palembang (Dinas Komunikasi dan Informatika); "
    "https://creativecommons.org/licenses/by/4.0/"
)


def suppress_count(n: int | None) -> int | str | None:
    """A count as published: "<3" for 1 and 2, the number otherwise."""
    if n is None:
        return None
    return SUPPRESSED if 0 < int(n) < MIN_SHOWN else int(n)


def _rate(value: float | None, base: int) -> float | None:
    if value is None or pd.isna(value) or base < MIN_SHOWN:
        return None
    return round(float(value), 1)


def public_breakdown(
    engine: Engine, f: Filter, by: str, now: datetime | None = None, lang: str = "id"
) -> list[dict[str, Any]]:
    """Rows of the open data for one dimension, suppressed; largest first (names in `lang`)."""
    if by not in PUBLIC_DIMENSIONS:
        raise ValueError(f"unknown dimension {by!r}; expected one of {', '.join(PUBLIC_DIMENSIONS)}")
    frame = stats_fast.breakdown(engine, f, by, now=now, lang=lang)
    rows = []
    for r in frame.itertuples(index=False):
        median = None if pd.isna(r.median_hours) else r.median_hours / 24.0
        rows.append(
            {
                "key": r.key,
                "name": r.name,
                "complaints": suppress_count(r.complaints),
                "resolved_pct": _rate(r.resolved_pct, r.complaints),
                "sla_pct": _rate(r.sla_pct, r.sla_evaluated),
                "median_days": _rate(median, r.resolved),
                "open_beyond_sla": suppress_count(r.open_beyond_sla),
            }
        )
    return rows


def public_kpis(engine: Engine, f: Filter, now: datetime | None = None) -> dict[str, Any]:
    """City (or filtered) headline figures, suppressed like the tables."""
    cur = stats_fast.kpis(engine, f, now=now)["current"]
    median = None if cur["median_hours"] is None else cur["median_hours"] / 24.0
    return {
        "complaints": suppress_count(cur["complaints"]),
        "resolved_pct": _rate(cur["resolved_pct"], cur["complaints"]),
        "sla_pct": _rate(cur["sla_pct"], cur["sla_evaluated"]),
        "median_days": _rate(median, cur["resolved"]),
        "open_beyond_sla": suppress_count(cur["open_beyond_sla"]),
        "period": cur["period"],
        "at": cur["backlog_at"],
    }


def public_trend(engine: Engine, f: Filter) -> pd.DataFrame:
    """Complaints and resolved per ISO week; weeks with 1 or 2 are blanked (None) and flagged."""
    frame = stats_fast.trend(engine, f, freq="W")
    small = (frame["complaints"] > 0) & (frame["complaints"] < MIN_SHOWN)
    out = frame.astype({"complaints": "object", "resolved": "object"})
    out.loc[small, ["complaints", "resolved"]] = None
    out["suppressed"] = small
    return out


# Complaint data older than this is flagged on the public page, as on Ringkasan: a silent feed
# must not pass for a quiet city.
STALE_AFTER = timedelta(hours=24)


def public_freshness(engine: Engine, now: datetime, sync_interval_min: int) -> dict[str, Any]:
    """As-of time of the figures, its age, and whether to flag it (a late sync or data over a day old)."""
    moment = queries.as_of(engine)
    if moment is None:
        return {"as_of": None, "age": None, "stale": False}
    age = max(now - moment, timedelta(0))
    late = bool(stale_sources(engine, now, sync_interval_min))
    return {"as_of": moment, "age": age, "stale": late or age > STALE_AFTER}


PUBLIC_PARAMS = ("dari", "sampai", "kecamatan", "kategori", "opd")
DEFAULT_DAYS = 90


def public_filter(engine: Engine, params: dict[str, str], today: date) -> Filter:
    """The Filter of a public request: period and kecamatan/category/agency only (FilterError if bad)."""
    choices = queries.options(engine)
    known = Known(
        category=frozenset(o["value"] for o in choices["category"]),
        agency=frozenset(o["value"] for o in choices["agency"]),
    )
    default = Filter(start=today - timedelta(days=DEFAULT_DAYS - 1), end=today)
    return parse_params({k: params[k] for k in PUBLIC_PARAMS if k in params}, default, known)
