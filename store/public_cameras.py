"""The cameras the public may see: scope "publik" only, and only the fields a citizen needs.

Internal cameras are filtered out in SQL (store.camera_read.cameras with scope=("publik",)), so
their names and coordinates never reach a web worker's answer to a public page. The rows carry
no stream URL, no failure reason and no registry code: the map needs a place, a name, a health
status and how old the latest frame is.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import Engine

from store.camera_read import cameras

PUBLIC_SCOPE = "publik"
# Everything a public camera row holds; tests assert nothing else leaves.
FIELDS = ("id", "name", "kecamatan_name", "lat", "lon", "status", "taken_at", "checked_at")


def _aware(value: Any) -> datetime | None:
    if value is None or pd.isna(value):
        return None
    return value.to_pydatetime() if isinstance(value, pd.Timestamp) else value


def public_cameras(engine: Engine, now: datetime, interval_s: int) -> list[dict[str, Any]]:
    """Enabled public cameras with their shown status and latest frame time; located ones only."""
    frame = cameras(engine, now, interval_s, scope=(PUBLIC_SCOPE,))
    rows = []
    for r in frame.to_dict("records"):
        if r["scope"] != PUBLIC_SCOPE:  # belt and braces: the query already filtered
            continue
        if r["lat"] is None or r["lon"] is None or pd.isna(r["lat"]) or pd.isna(r["lon"]):
            continue
        rows.append(
            {
                "id": int(r["id"]),
                "name": r["name"],
                "kecamatan_name": r["kecamatan_name"] if isinstance(r["kecamatan_name"], str) else None,
                "lat": float(r["lat"]),
                "lon": float(r["lon"]),
                "status": r["status"],
                "taken_at": _aware(r["taken_at"]),
                "checked_at": _aware(r["last_attempt_at"]),
            }
        )
    return rows


def checked_at(rows: list[dict[str, Any]]) -> datetime | None:
    """When a public camera was last tried: the as-of time of the camera figures."""
    times = [r["checked_at"] for r in rows if r["checked_at"] is not None]
    return max(times) if times else None
