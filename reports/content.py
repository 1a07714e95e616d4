"""Everything a report shows, read once from the read-side queries (the same ones as the pages)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pandas as pd
from sqlalchemy import Engine

from components.i18n import t
from reports.periods import report_filter
from store import queries
from store.filters import Filter
from store.report_rows import open_beyond_sla
from store.reports_archive import ReportRequest

BEYOND_SLA_LIST = 25


@dataclass
class ReportContent:
    req: ReportRequest
    flt: Filter
    scope_label: str
    generated_at: datetime
    as_of: datetime | None
    kpis: dict[str, Any]
    by_kecamatan: pd.DataFrame
    by_agency: pd.DataFrame
    by_category: pd.DataFrame
    trend: pd.DataFrame
    funnel: pd.DataFrame
    outcomes: pd.DataFrame
    resolution: pd.DataFrame
    beyond_sla: list[dict[str, Any]] = field(default_factory=list)


def scope_label(engine: Engine, req: ReportRequest) -> str:
    """ "Seluruh Kota Palembang", "Kecamatan Ilir Timur I" or the OPD's name, in the report's language."""
    if req.scope_kind == "city":
        return t("rep.scope.city", req.lang)
    opts = queries.options(engine, req.lang)
    key = "kecamatan" if req.scope_kind == "kecamatan" else "agency"
    name = next((o["label"] for o in opts[key] if o["value"] == req.scope_code), None)
    if name is None:
        raise ValueError(f"unknown {key} code {req.scope_code!r}")
    return t(f"rep.scope.{key}.named", req.lang, name=name)


def build_content(engine: Engine, req: ReportRequest, now: datetime | None = None) -> ReportContent:
    """Run the read-side queries for the report's period and scope."""
    now = now or datetime.now(UTC)
    flt = report_filter(req.period_start, req.period_end, req.scope_kind, req.scope_code)
    lang = req.lang
    return ReportContent(
        req=req,
        flt=flt,
        scope_label=scope_label(engine, req),
        generated_at=now,
        as_of=queries.as_of(engine),
        kpis=queries.kpis(engine, flt, now=now),
        by_kecamatan=queries.breakdown(engine, flt, "kecamatan", now=now, lang=lang),
        by_agency=queries.breakdown(engine, flt, "agency", now=now, lang=lang),
        by_category=queries.breakdown(engine, flt, "category", now=now, lang=lang),
        trend=queries.trend(engine, flt, "W" if flt.days > 62 else "D"),
        funnel=queries.funnel(engine, flt),
        outcomes=queries.outcomes(engine, flt),
        resolution=queries.resolution_distribution(engine, flt),
        # A report not marked for staff leaves Rahasia complaints out, as its row exports do.
        beyond_sla=[
            r
            for r in open_beyond_sla(engine, flt, BEYOND_SLA_LIST, now=now, lang=lang)
            if req.confidential or not r["confidential"]
        ],
    )
