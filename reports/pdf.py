"""The PDF report (reportlab): cover, executive summary, charts, tables, overdue complaints.

Every page carries a footer with the report's title, scope, period and "Halaman n dari N" (a
two-pass canvas counts the pages first).
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

import pandas as pd
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import (
    CondPageBreak,
    Image,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from components.i18n import fmt_date, fmt_datetime_wib, fmt_hours, fmt_int, fmt_pct, t
from reports.charts import Chart
from reports.content import ReportContent
from reports.summary import filters_text, kpi_rows, period_text, summary_sentences

NAVY = colors.HexColor("#0b3d6e")
PRIMARY = colors.HexColor("#0b5394")
LIGHT = colors.HexColor("#eef3f8")
GRID = colors.HexColor("#c7d3e0")
RED = colors.HexColor("#b71c1c")
MARGIN = 18 * mm
WIDTH = A4[0] - 2 * MARGIN

_base = getSampleStyleSheet()
S = {
    "body": ParagraphStyle("body", parent=_base["BodyText"], fontName="Helvetica", fontSize=9.5, leading=13),
    "small": ParagraphStyle("small", parent=_base["BodyText"], fontName="Helvetica", fontSize=8, leading=10),
    "cell": ParagraphStyle("cell", fontName="Helvetica", fontSize=7.5, leading=9),
    # A figure set as a paragraph (the red SLA) ignores the table's ALIGN: it aligns itself, at
    # the size of the plain figures around it.
    "cell_num": ParagraphStyle("cell_num", fontName="Helvetica", fontSize=8, leading=10, alignment=TA_RIGHT),
    "head": ParagraphStyle(
        "head", fontName="Helvetica-Bold", fontSize=7.5, leading=9, textColor=colors.white
    ),
    "h1": ParagraphStyle(
        "h1", fontName="Helvetica-Bold", fontSize=14, leading=18, textColor=NAVY, spaceAfter=6
    ),
    "h2": ParagraphStyle(
        "h2", fontName="Helvetica-Bold", fontSize=11, leading=14, textColor=NAVY, spaceBefore=8, spaceAfter=4
    ),
    "cover_org": ParagraphStyle(
        "co", fontName="Helvetica-Bold", fontSize=13, leading=17, alignment=TA_CENTER
    ),
    "cover_title": ParagraphStyle(
        "ct", fontName="Helvetica-Bold", fontSize=22, leading=28, alignment=TA_CENTER, textColor=NAVY
    ),
    "cover_sub": ParagraphStyle("cs", fontName="Helvetica", fontSize=12, leading=16, alignment=TA_CENTER),
}


def _p(text: str, style: str = "body") -> Paragraph:
    return Paragraph(escape(str(text)), S[style])


class _NumberedCanvas(rl_canvas.Canvas):
    """Holds pages until the end so that each footer can say how many pages there are."""

    footer_left = ""
    footer_right = ""
    lang = "id"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []

    def showPage(self):
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self._decorate(total)
            super().showPage()
        super().save()

    def _decorate(self, total: int) -> None:
        width, _ = A4
        self.setStrokeColor(GRID)
        self.setLineWidth(0.5)
        self.line(MARGIN, 14 * mm, width - MARGIN, 14 * mm)
        self.setFont("Helvetica", 7.5)
        self.setFillColor(colors.HexColor("#555555"))
        self.drawString(MARGIN, 10 * mm, self.footer_left)
        self.drawCentredString(width / 2, 6.5 * mm, self.footer_right)
        page = t("rep.pdf.page", self.lang, n=self._pageNumber, total=total)
        self.drawRightString(width - MARGIN, 10 * mm, page)


def _table(header: list[str], rows: list[list], widths: list[float], numeric_from: int = 1) -> Table:
    data = [[_p(h, "head") for h in header], *rows]
    table = Table(data, colWidths=widths, repeatRows=1)
    style = [
        ("BACKGROUND", (0, 0), (-1, 0), NAVY),
        ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
        ("FONTNAME", (0, 1), (-1, -1), "Helvetica"),
        ("FONTSIZE", (0, 1), (-1, -1), 8),
        ("ALIGN", (numeric_from, 1), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, GRID),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]
    for i in range(1, len(data)):
        if i % 2 == 0:
            style.append(("BACKGROUND", (0, i), (-1, i), LIGHT))
    table.setStyle(TableStyle(style))
    # Header cells are white-on-navy paragraphs, right-aligned above right-aligned figures.
    for i, cell in enumerate(data[0]):
        cell.style = ParagraphStyle(
            "hcell",
            parent=S["cell"],
            textColor=colors.white,
            fontName="Helvetica-Bold",
            alignment=TA_RIGHT if i >= numeric_from else TA_LEFT,
        )
    return table


def _cover(content: ReportContent) -> list:
    lang, req = content.req.lang, content.req
    facts = [
        [t("rep.cover.period", lang), period_text(content)],
        [t("rep.cover.scope", lang), content.scope_label],
        [t("rep.cover.filters", lang), filters_text(content)],
        [t("rep.cover.generated", lang), fmt_datetime_wib(content.generated_at, lang)],
        [t("rep.cover.asof", lang), fmt_datetime_wib(content.as_of, lang)],
        [t("rep.cover.kind", lang), t(f"rep.kind.{req.kind}", lang)],
    ]
    table = Table([[_p(a, "small"), _p(b)] for a, b in facts], colWidths=[45 * mm, WIDTH - 45 * mm])
    table.setStyle(
        TableStyle(
            [
                ("LINEABOVE", (0, 0), (-1, 0), 1, NAVY),
                ("LINEBELOW", (0, -1), (-1, -1), 1, NAVY),
                ("LINEBELOW", (0, 0), (-1, -2), 0.25, GRID),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ]
        )
    )
    out = [
        Spacer(1, 30 * mm),
        _p(t("rep.cover.gov", lang), "cover_org"),
        _p(t("rep.cover.unit", lang), "cover_sub"),
        Spacer(1, 22 * mm),
        _p(t("rep.title", lang), "cover_title"),
        Spacer(1, 4 * mm),
        _p(period_text(content), "cover_sub"),
        _p(content.scope_label, "cover_sub"),
        Spacer(1, 25 * mm),
        table,
    ]
    if req.confidential:
        out += [Spacer(1, 10 * mm), _p(t("rep.cover.staff_only", lang), "small")]
    out.append(PageBreak())
    return out


def _summary(content: ReportContent) -> list:
    lang = content.req.lang
    rows = [list(r) for r in kpi_rows(content)]
    header = [t("rep.kpi.indicator", lang), t("rep.kpi.current", lang), t("rep.kpi.previous", lang)]
    header.append(t("rep.kpi.change", lang))
    table = _table(header, rows, [70 * mm, 35 * mm, 35 * mm, WIDTH - 140 * mm])
    out = [_p(t("rep.section.summary", lang), "h1")]
    out += [_p(s) for s in summary_sentences(content)]
    out += [Spacer(1, 4 * mm), table, Spacer(1, 2 * mm), _p(t("rep.kpi.note", lang), "small")]
    return out


def _charts(content: ReportContent, charts: list[Chart], pngs: dict[str, Path]) -> list:
    lang = content.req.lang
    out: list = [Spacer(1, 4 * mm), CondPageBreak(90 * mm), _p(t("rep.section.charts", lang), "h1")]
    for chart in charts:
        height = WIDTH * chart.height_px / 900
        out.append(KeepTogether([_p(chart.title, "h2"), Image(str(pngs[chart.key]), WIDTH, height)]))
    return out


def _breakdown(content: ReportContent, frame: pd.DataFrame, title_key: str, name_key: str) -> list:
    lang = content.req.lang
    header = [t(name_key, lang)] + [
        t(k, lang)
        for k in (
            "col.complaints",
            "col.resolved_pct",
            "kpi.median_hours",  # not "Median jam": the cells say "6,9 hari" past two days
            "rep.col.sla_evaluated",
            "col.sla_pct",
            "col.open",
            "col.open_beyond_sla",
        )
    ]
    rows = []
    for r in frame.itertuples(index=False):
        sla_low = r.sla_evaluated >= 10 and pd.notna(r.sla_pct) and r.sla_pct < 70
        sla = fmt_pct(None if pd.isna(r.sla_pct) else r.sla_pct, lang)
        rows.append(
            [
                str(r.name)[:30],
                fmt_int(r.complaints, lang),
                fmt_pct(None if pd.isna(r.resolved_pct) else r.resolved_pct, lang),
                fmt_hours(None if pd.isna(r.median_hours) else r.median_hours, lang),
                fmt_int(r.sla_evaluated, lang),
                Paragraph(f'<font color="#b71c1c"><b>{sla}</b></font>', S["cell_num"]) if sla_low else sla,
                fmt_int(r.open, lang),
                fmt_int(r.open_beyond_sla, lang),
            ]
        )
    if not rows:
        return [_p(t(title_key, lang), "h1"), _p(t("stat.empty", lang))]
    num = (WIDTH - 40 * mm) / 7
    table = _table(header, rows, [40 * mm] + [num] * 7)
    return [
        _p(t(title_key, lang), "h1"),
        _p(t("rep.breakdown.note", lang), "small"),
        Spacer(1, 2 * mm),
        table,
    ]


def _beyond(content: ReportContent) -> list:
    lang = content.req.lang
    total = content.kpis["current"]["open_beyond_sla"]
    out = [
        _p(t("rep.section.beyond", lang), "h1"),
        _p(
            t(
                "rep.beyond.lead",
                lang,
                n=fmt_int(total, lang),
                when=fmt_datetime_wib(content.kpis["current"]["backlog_at"], lang),
                shown=fmt_int(len(content.beyond_sla), lang),
            )
        ),
        Spacer(1, 2 * mm),
    ]
    if not content.beyond_sla:
        return out
    at = content.kpis["current"]["backlog_at"]
    rows = []
    for r in content.beyond_sla:
        title = escape(r["title"] or "")
        if r["confidential"]:
            title = f'<font color="#b71c1c"><b>[{t("rep.rahasia", lang).upper()}]</b></font> {title}'
        overdue = (at - r["response_due_at"]).total_seconds() / 86400
        rows.append(
            [
                _p(r["tracking_id"] or r["external_id"], "cell"),
                Paragraph(title, S["cell"]),
                _p(r["agency"] or "–", "cell"),
                _p(r["kecamatan"] or "–", "cell"),
                fmt_date(r["created_at"].date(), lang, "d MMM yyyy"),
                t("unit.days", lang, n=fmt_int(overdue, lang)),
            ]
        )
    header = [
        t("rep.col.tracking", lang),
        t("rep.col.title", lang),
        t("rep.col.agency", lang),
        "Kecamatan",
        t("rep.col.received", lang),
        t("rep.col.overdue", lang),
    ]
    widths = [
        29 * mm,
        WIDTH - 29 * mm - 30 * mm - 28 * mm - 22 * mm - 18 * mm,
        30 * mm,
        28 * mm,
        22 * mm,
        18 * mm,
    ]
    out.append(_table(header, rows, widths, numeric_from=5))
    return out


def _signoff(content: ReportContent) -> list:
    lang = content.req.lang
    cells = [[_p(t("rep.sign.prepared", lang), "small"), _p(t("rep.sign.approved", lang), "small")]]
    cells.append([Spacer(1, 22 * mm), Spacer(1, 22 * mm)])
    cells.append([_p(t("rep.sign.name", lang), "small"), _p(t("rep.sign.name", lang), "small")])
    table = Table(cells, colWidths=[WIDTH / 2, WIDTH / 2])
    table.setStyle(TableStyle([("ALIGN", (0, 0), (-1, -1), "CENTER")]))
    return [Spacer(1, 10 * mm), KeepTogether([table])]


def write_pdf(content: ReportContent, charts: list[Chart], pngs: dict[str, Path], path: Path) -> None:
    """Render the report to `path`."""
    lang = content.req.lang
    doc = SimpleDocTemplate(
        str(path),
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=16 * mm,
        bottomMargin=20 * mm,
        title=f"{t('rep.title', lang)} · {period_text(content)}",
        author=t("rep.cover.unit", lang),
        subject=content.scope_label,
    )
    story = _cover(content) + _summary(content) + _charts(content, charts, pngs)
    story += [
        CondPageBreak(150 * mm),  # a table starts on the chart page when most of it fits
        *_breakdown(content, content.by_kecamatan, "rep.section.kecamatan", "rep.col.kecamatan"),
    ]
    story += [
        CondPageBreak(120 * mm),
        Spacer(1, 6 * mm),
        *_breakdown(content, content.by_agency, "rep.section.agency", "rep.col.agency"),
    ]
    story += [CondPageBreak(120 * mm), Spacer(1, 6 * mm), *_beyond(content), *_signoff(content)]

    class _Canvas(_NumberedCanvas):
        footer_left = f"{t('rep.title', lang)} · {content.scope_label} · {period_text(content)}"
        footer_right = t("rep.pdf.footer", lang, when=fmt_datetime_wib(content.generated_at, lang))

    _Canvas.lang = lang
    doc.build(story, canvasmaker=_Canvas)
