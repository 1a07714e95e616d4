"""The figure builders give plain dicts (cheap to build); Plotly's own validation checks them here.

go.Figure(d) raises ValueError on any property Plotly does not know, so a typo in a builder fails
this test instead of silently drawing nothing in the browser.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pandas as pd
import plotly.graph_objects as go
import pytest

from components import camera_figures, figures
from components.public_figures import public_bars, public_trend_figure

KEC = pd.DataFrame(
    {
        "key": ["ilir_barat_i", "seberang_ulu_i", "sako"],
        "name": ["Ilir Barat I", "Seberang Ulu I", "Sako"],
        "complaints": [30, 10, 20],
        "resolved_pct": [50.0, float("nan"), 75.5],
        "sla_pct": [90.0, 80.0, None],
    }
)
TREND = pd.DataFrame(
    {"period": pd.date_range("2026-03-01", periods=4), "complaints": [3, 0, 5, 2], "resolved": [1, 0, 2, 2]}
)
BANDS = pd.DataFrame({"band_days": ["0-1", "1-3", ">30", "open"], "complaints": [4, 3, 0, 2]})
FUNNEL = pd.DataFrame({"stage": ["received", "verified", "forwarded", "responded", "resolved"],
                       "complaints": [10, 9, 7, 5, 3]})  # fmt: skip
OUTCOMES = pd.DataFrame({"outcome": ["selesai", "belum_selesai", "ditolak"], "complaints": [5, 3, 1]})
PUBLIC = [{"key": "pupr", "name": "Dinas PUPR", "complaints": 12, "resolved_pct": 50.0, "sla_pct": None,
           "median_days": 2.0}]  # fmt: skip
AT = pd.date_range(datetime(2026, 3, 1, 0, 0, tzinfo=UTC), periods=3, freq="5min")
HEALTH = pd.DataFrame({"at": AT, "brightness": [80.0, 0.0, 81.5], "sharpness": [120.0, None, 118.0],
                       "status": ["online", "offline", "frozen"]})  # fmt: skip
UPTIME = pd.DataFrame({"day": pd.date_range("2026-03-01", periods=3).date, "checks": [10, 0, 12],
                       "pct": [100.0, None, 75.0]})  # fmt: skip

BUILT = {
    "kecamatan_bars": lambda lang: figures.kecamatan_bars(KEC, lang, ("sako",)),
    "trend_lines": lambda lang: figures.trend_lines(TREND, lang),
    "category_bars": lambda lang: figures.category_bars(KEC, lang),
    "distribution_bars": lambda lang: figures.distribution_bars(BANDS, lang),
    "funnel_chart": lambda lang: figures.funnel_chart(FUNNEL, lang),
    "outcome_donut": lambda lang: figures.outcome_donut(OUTCOMES, lang),
    "empty": lambda lang: figures.empty(lang),
    "public_bars": lambda lang: public_bars(PUBLIC, lang),
    "public_trend": lambda lang: public_trend_figure(
        TREND.assign(suppressed=[False, True, False, False]), lang
    ),
    "health": lambda lang: camera_figures.health_figure(HEALTH, lang),
    "uptime": lambda lang: camera_figures.uptime_figure(UPTIME, lang),
    "camera_empty": lambda lang: camera_figures.uptime_figure(UPTIME.iloc[:0], lang),
}


@pytest.mark.parametrize("name", sorted(BUILT))
@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_builder_gives_a_figure_plotly_accepts_and_json_can_carry(name, lang):
    built = BUILT[name](lang)
    assert isinstance(built, dict) and set(built) == {"data", "layout"}
    fig = go.Figure(built)  # raises ValueError naming an unknown property
    assert fig.layout.template.layout.plot_bgcolor == "white"
    assert fig.layout.separators == (",." if lang == "id" else ".,")
    text = json.dumps(built, allow_nan=False)  # plain JSON: no numpy, no NaN, no Timestamp left
    assert "NaN" not in text


def test_bars_carry_what_the_click_and_hover_read():
    fig = go.Figure(figures.kecamatan_bars(KEC, "id", ("sako",)))
    bars = fig.data[0]
    assert list(bars.y) == ["Seberang Ulu I", "Sako", "Ilir Barat I"]  # smallest at the bottom
    assert [row[0] for row in bars.customdata] == ["seberang_ulu_i", "sako", "ilir_barat_i"]
    assert bars.customdata[0][1] is None  # NaN travels as null
    assert list(bars.marker.color) == [figures.MUTED, figures.PRIMARY, figures.MUTED]


def test_trend_dates_are_days_and_the_empty_figure_says_so():
    fig = go.Figure(figures.trend_lines(TREND, "en"))
    assert list(fig.data[0].x) == ["2026-03-01", "2026-03-02", "2026-03-03", "2026-03-04"]
    assert len(fig.data) == 2 and fig.data[1].line.dash == "dot"  # received solid, resolved dotted
    none = go.Figure(figures.trend_lines(TREND.assign(complaints=0), "id"))
    assert none.data == () and none.layout.annotations[0].text


def test_camera_health_times_are_wib_wall_clock():
    fig = go.Figure(camera_figures.health_figure(HEALTH, "id"))
    assert fig.data[0].x[0] == "2026-03-01 07:00:00"  # 00:00 UTC is 07:00 WIB
    assert fig.layout.yaxis.title.text
