"""The breakdown table (per kecamatan, category, OPD, ...) assembled from its counted parts.

Shared by the SQL reference (store/queries.py) and the in-memory columns (store/stats_fast.py),
so both give one shape. No SQL here: the parts arrive as small DataFrames.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from store.vocab import AGE_BANDS

BREAKDOWN_COLUMNS = [
    "key",
    "name",
    "complaints",
    "resolved",
    "resolved_pct",
    "median_hours",
    "p90_hours",
    "sla_evaluated",
    "sla_met",
    "sla_pct",
    "open",
    "open_beyond_sla",
] + [f"age_{label}" for label, _, _ in AGE_BANDS]


def breakdown_frame(
    frame: pd.DataFrame, blog: pd.DataFrame, q: pd.DataFrame | None, labels: dict, codes: dict
) -> pd.DataFrame:
    """The breakdown table from its parts (shared with store.stats_fast, so both give one shape).

    frame: key, complaints, resolved, sla_evaluated, sla_met per key with complaints in the
    period; blog: key, open_beyond_sla, open, age_* per key with open complaints; q: key,
    median_hours, p90_hours (rounded) per key with resolved complaints, or None.

    Joined by key in plain Python over a few dozen keys: pandas' merges cost ~12 ms per table,
    most of a cached-columns breakdown at a million complaints.
    """
    index: dict[Any, int] = {}
    for key in (*frame["key"], *blog["key"]):
        index.setdefault(_plain_key(key), len(index))
    n = len(index)
    columns: dict[str, Any] = {}
    for part, names in ((frame, _PERIOD_COUNTS), (blog, _BACKLOG_COUNTS)):
        at = np.array([index[_plain_key(k)] for k in part["key"]], dtype=np.int64)
        for name in names:
            column = np.zeros(n, dtype=np.int64)
            column[at] = part[name].fillna(0).to_numpy(dtype=np.int64)
            columns[name] = column
    for name in ("median_hours", "p90_hours"):
        column = np.full(n, np.nan)
        if q is not None:
            for key, value in zip(q["key"], q[name], strict=True):
                if _plain_key(key) in index:  # a left join: keys without complaints are dropped
                    column[index[_plain_key(key)]] = value
        columns[name] = column
    with np.errstate(invalid="ignore", divide="ignore"):
        complaints, evaluated = columns["complaints"], columns["sla_evaluated"]
        columns["resolved_pct"] = np.round(
            100.0 * columns["resolved"] / np.where(complaints > 0, complaints, np.nan), 2
        )
        columns["sla_pct"] = np.round(
            100.0 * columns["sla_met"] / np.where(evaluated > 0, evaluated, np.nan), 2
        )
    raw = list(index)
    columns["name"] = np.array(
        [str(labels.get(k, k if k is not None else "Tidak diketahui")) for k in raw], dtype=object
    )
    keys = [codes.get(k, k) for k in raw] if codes else raw
    columns["key"] = np.array(["tidak_diketahui" if k is None else str(k) for k in keys], dtype=object)
    order = sorted(range(n), key=lambda i: (-columns["complaints"][i], columns["key"][i]))
    return pd.DataFrame({name: columns[name][order] for name in BREAKDOWN_COLUMNS})


_PERIOD_COUNTS = ("complaints", "resolved", "sla_evaluated", "sla_met")
_BACKLOG_COUNTS = ("open_beyond_sla", "open", *(f"age_{label}" for label, _, _ in AGE_BANDS))


def _plain_key(key: Any) -> Any:
    # pandas joins missing keys (None, NaN) to each other; a dict needs one spelling of "missing".
    return None if key is None or (isinstance(key, float) and key != key) else key
