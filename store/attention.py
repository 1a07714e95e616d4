"""The "perlu perhatian" list: what the leadership should look at first, as plain records.

Rules are deliberately few and stated, so a reader can check each item by hand:
- an OPD whose SLA compliance in the period is below SLA_WARN_PCT (with enough evaluated);
- a kecamatan or category whose complaints rose by RISE_PCT or more against the previous
  period of equal length (with enough complaints to mean something);
- open complaints beyond SLA at the backlog moment, per OPD, when there are many.
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd
from sqlalchemy import Engine

from store.filters import Filter
from store.stats_fast import breakdown

SLA_WARN_PCT = 70.0
SLA_DANGER_PCT = 50.0
MIN_EVALUATED = 10
RISE_PCT = 25.0
MIN_COMPLAINTS = 20


def _rises(cur: pd.DataFrame, prev: pd.DataFrame, kind: str) -> list[dict]:
    merged = cur[["key", "name", "complaints"]].merge(
        prev[["key", "complaints"]], on="key", how="left", suffixes=("", "_prev")
    )
    merged["complaints_prev"] = merged["complaints_prev"].fillna(0)
    items = []
    for r in merged.itertuples():
        if r.complaints < MIN_COMPLAINTS or r.complaints_prev <= 0:
            continue
        rise = 100.0 * (r.complaints - r.complaints_prev) / r.complaints_prev
        if rise >= RISE_PCT:
            items.append(
                {
                    "kind": kind,
                    "key": r.key,
                    "name": r.name,
                    "value": int(r.complaints),
                    "previous": int(r.complaints_prev),
                    "change_pct": round(rise, 1),
                    "severity": "danger" if rise >= 2 * RISE_PCT else "warning",
                }
            )
    return items


def attention(
    engine: Engine, f: Filter, now: datetime | None = None, min_beyond_sla: int = 10, lang: str = "id"
) -> list[dict]:
    """Items needing attention, most severe first; each a dict with kind, name and figures."""
    items: list[dict] = []
    agencies = breakdown(engine, f, "agency", now, lang)
    for r in agencies.itertuples():
        if r.sla_evaluated >= MIN_EVALUATED and r.sla_pct is not None and r.sla_pct < SLA_WARN_PCT:
            items.append(
                {
                    "kind": "sla_low",
                    "key": r.key,
                    "name": r.name,
                    "value": float(r.sla_pct),
                    "previous": None,
                    "change_pct": None,
                    "severity": "danger" if r.sla_pct < SLA_DANGER_PCT else "warning",
                }
            )
        if r.open_beyond_sla >= max(1, min_beyond_sla):
            items.append(
                {
                    "kind": "beyond_sla",
                    "key": r.key,
                    "name": r.name,
                    "value": int(r.open_beyond_sla),
                    "previous": None,
                    "change_pct": None,
                    "severity": "danger" if r.open_beyond_sla >= 5 * max(1, min_beyond_sla) else "warning",
                }
            )
    prev = f.previous()
    for dim, kind in (("kecamatan", "rise_kecamatan"), ("category", "rise_category")):
        items += _rises(breakdown(engine, f, dim, now, lang), breakdown(engine, prev, dim, now, lang), kind)
    order = {"danger": 0, "warning": 1}
    items.sort(key=lambda i: (order[i["severity"]], i["kind"], -(i["value"] or 0), i["key"]))
    return items
