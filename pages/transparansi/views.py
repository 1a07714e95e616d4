"""What the Transparansi page shows for a filter: store.public answers put through the builders.

Shared by the layout (first paint, no callback round trip for a citizen on a slow phone) and the
filter callback, so both always show the same thing.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from components import public_figures as pf
from components import public_map as pm
from components import public_view as pv
from components.i18n import WIB
from config import get_settings
from store.cache import public_breakdown, public_kpis, public_trend  # cached by data version
from store.db import get_engine
from store.filters import Filter
from store.public import LICENCE, public_filter
from store.public_cameras import checked_at, public_cameras

# The page's own filters; open data also takes "opd", which the page leaves to the downloads.
PAGE_PARAMS = ("dari", "sampai", "kecamatan", "kategori")
PRESETS = (7, 30, 90, 365)


def today_wib(now: datetime | None = None) -> date:
    return (now or datetime.now(UTC)).astimezone(WIB).date()


def filter_from(params: dict[str, Any], today: date) -> Filter:
    """The Filter of page parameters (URL or controls); FilterError names a bad one."""
    clean = {k: str(v) for k, v in params.items() if k in PAGE_PARAMS and v not in (None, "")}
    return public_filter(get_engine(), clean, today)


def controls_params(start: str | None, end: str | None, kec: list | None, cat: list | None) -> dict[str, str]:
    """The controls' values in URL form (what public_filter parses)."""
    out = {"dari": (start or "")[:10], "sampai": (end or "")[:10]}
    out["kecamatan"] = ",".join(kec or [])
    out["kategori"] = ",".join(cat or [])
    return out


def statistics(f: Filter, lang: str, now: datetime) -> dict[str, Any]:
    """KPI cards, trend, bars and tables per dimension, and the open-data links for `f`."""
    engine = get_engine()
    kpis = public_kpis(engine, f, now)
    rows = {by: public_breakdown(engine, f, by, now, lang) for by in ("kecamatan", "category", "agency")}
    return {
        "kpis": pv.kpi_cards(kpis, lang),
        "trend": pf.public_trend_figure(public_trend(engine, f), lang),
        "bars": {by: pf.public_bars(r, lang) for by, r in rows.items()},
        "tables": {by: pv.breakdown_table(r, by, lang) for by, r in rows.items()},
        "downloads": pv.download_links(f.to_params(), LICENCE, lang),
        "period": pv.period_text(f.start, f.end, lang),
    }


def cameras(lang: str, now: datetime) -> dict[str, Any]:
    """The public camera layer's data, the tile list, the summary and the as-of line."""
    cams = public_cameras(get_engine(), now, get_settings().snapshot_interval_s)
    return {
        "geo": pm.camera_features(cams, now, lang),
        "list": pm.camera_list(cams, now, lang),
        "summary": pm.summary_text(cams, lang),
        "checked": pm.checked_text(checked_at(cams), lang),
    }
