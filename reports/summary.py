"""Texts shared by the PDF and the XLSX: the period, the filters, the KPI lines and the summary."""

from __future__ import annotations

from typing import Any

from components.i18n import fmt_date, fmt_hours, fmt_int, fmt_num, fmt_pct, t
from reports.content import ReportContent
from store.queries import KPI_KEYS

PCT_KEYS = ("resolved_pct", "sla_pct")
# Whether a rise is good news: more resolved and more SLA compliance are, the rest are not.
RISE_IS_GOOD = {"complaints": None, "resolved_pct": True, "median_hours": False, "sla_pct": True}
RISE_IS_GOOD["open_beyond_sla"] = False


def period_text(content: ReportContent) -> str:
    """ "1 Nov 2026 s.d. 30 Nov 2026" in the report's language."""
    lang, req = content.req.lang, content.req
    fmt = "d MMMM yyyy"
    return t(
        "period.range",
        lang,
        start=fmt_date(req.period_start, lang, fmt),
        end=fmt_date(req.period_end, lang, fmt),
    )


def filters_text(content: ReportContent) -> str:
    """Every filter of the report, "semua" where it does not narrow."""
    lang, f = content.req.lang, content.flt
    every = t("rep.filter.all", lang)
    parts = []
    for name, key in (
        ("kecamatan", "rep.filter.kecamatan"),
        ("agency", "rep.filter.agency"),
        ("category", "rep.filter.category"),
        ("channel", "rep.filter.channel"),
        ("report_type", "rep.filter.report_type"),
        ("status", "rep.filter.status"),
    ):
        values = getattr(f, name)
        shown = content.scope_label if values and content.req.scope_kind != "city" else every
        if values:
            shown = f"{shown} ({', '.join(values)})"
        parts.append(f"{t(key, lang)}: {shown}")
    parts.append(
        t("rep.filter.rahasia", lang) + ": " + t("rep.yes" if content.req.confidential else "rep.no", lang)
    )
    return "; ".join(parts)


def _fmt(key: str, value: float | None, lang: str) -> str:
    if key in PCT_KEYS:
        return fmt_pct(value, lang)
    if key == "median_hours":
        return fmt_hours(value, lang)
    return fmt_int(value, lang)


def _fmt_delta(key: str, delta: float | None, lang: str) -> str:
    if delta is None:
        return t("kpi.delta.none", lang)
    sign = "+" if delta > 0 else ("−" if delta < 0 else "±")
    size = abs(delta)
    if key in PCT_KEYS:
        return f"{sign}{fmt_num(size, lang)} {t('kpi.pts', lang)}"
    if key == "median_hours":
        return f"{sign}{fmt_hours(size, lang)}"
    return f"{sign}{fmt_int(size, lang)}"


def kpi_values(content: ReportContent) -> list[dict[str, Any]]:
    """Raw KPI figures (current, previous, delta) in the read-side query's units."""
    k = content.kpis
    return [
        {
            "key": key,
            "label": t(f"kpi.{key}", content.req.lang),
            "current": k["current"][key],
            "previous": k["previous"][key],
            "delta": k["delta"][key],
        }
        for key in KPI_KEYS
    ]


def kpi_rows(content: ReportContent) -> list[list[str]]:
    """KPI lines formatted for print: label, current, previous, change."""
    lang = content.req.lang
    return [
        [
            v["label"],
            _fmt(v["key"], v["current"], lang),
            _fmt(v["key"], v["previous"], lang),
            _fmt_delta(v["key"], v["delta"], lang),
        ]
        for v in kpi_values(content)
    ]


def summary_sentences(content: ReportContent) -> list[str]:
    """Two or three plain sentences a reader can take in before the numbers."""
    lang = content.req.lang
    cur, prev = content.kpis["current"], content.kpis["previous"]
    out = [
        t(
            "rep.sum.received",
            lang,
            n=fmt_int(cur["complaints"], lang),
            prev=fmt_int(prev["complaints"], lang),
            resolved=fmt_pct(cur["resolved_pct"], lang),
        ),
        t(
            "rep.sum.sla",
            lang,
            sla=fmt_pct(cur["sla_pct"], lang),
            evaluated=fmt_int(cur["sla_evaluated"], lang),
            beyond=fmt_int(cur["open_beyond_sla"], lang),
        ),
    ]
    kec = content.by_kecamatan[content.by_kecamatan["sla_evaluated"] >= 10].sort_values("sla_pct")
    if content.req.scope_kind == "city" and not kec.empty:
        worst = kec.iloc[0]
        out.append(t("rep.sum.worst_kec", lang, name=worst["name"], sla=fmt_pct(worst["sla_pct"], lang)))
    return out
