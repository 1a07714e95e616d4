"""The public builders: what a "<3" cell looks like, and what a public camera marker may carry."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pandas as pd
import plotly
import plotly.graph_objects as go

from components.public_figures import count_text, public_bars, public_trend_figure
from components.public_map import camera_features, camera_list, thumb_url
from components.public_view import breakdown_table, download_links, kpi_cards

NOW = datetime(2026, 3, 16, 5, 0, tzinfo=UTC)
ROWS = [
    {
        "key": "pupr",
        "name": "Dinas PUPR",
        "complaints": 1234,
        "resolved_pct": 61.5,
        "sla_pct": 70.0,
        "median_days": 4.26,
        "open_beyond_sla": 12,
    },
    {
        "key": "damkar",
        "name": "Damkar",
        "complaints": "<3",
        "resolved_pct": None,
        "sla_pct": None,
        "median_days": None,
        "open_beyond_sla": "<3",
    },
]


def _json(component) -> str:
    return json.dumps(component, cls=plotly.utils.PlotlyJSONEncoder, ensure_ascii=False)


def test_counts_are_formatted_per_language_and_less_than_three_stays():
    assert count_text(1234, "id") == "1.234"
    assert count_text(1234, "en") == "1,234"
    assert count_text("<3", "id") == "<3"
    assert count_text(None, "en") == "–"


def test_a_suppressed_bar_is_drawn_at_zero_and_labelled_less_than_three():
    fig = go.Figure(public_bars(ROWS, "id"))  # go.Figure also checks every property name
    bar = fig.data[0]
    assert list(bar.y) == ["Damkar", "Dinas PUPR"]  # largest on top
    assert list(bar.x) == [0, 1234]
    assert list(bar.text) == ["<3", "1.234"]
    assert "<3" in bar.hovertext[0] and "–" in bar.hovertext[0]


def test_the_trend_marks_suppressed_weeks_without_their_values():
    frame = pd.DataFrame(
        {
            "period": pd.to_datetime(["2026-03-02", "2026-03-09", "2026-03-16"]),
            "complaints": [40, None, 12],
            "resolved": [30, None, 2],
            "suppressed": [False, True, False],
        }
    )
    fig = go.Figure(public_trend_figure(frame, "en"))
    names = [trace.name for trace in fig.data]
    assert names == ["Complaints received", "Resolved", "1–2 complaints (<3)"]
    assert list(fig.data[2].y) == [0] and list(fig.data[2].text) == ["<3"]
    empty = go.Figure(public_trend_figure(frame.assign(complaints=[0, 0, 0], suppressed=False), "id"))
    assert empty.layout.annotations[0].text == "Tidak ada aduan untuk saringan ini."


def test_the_table_shows_less_than_three_and_dashes_for_withheld_rates():
    text = _json(breakdown_table(ROWS, "agency", "id"))
    assert '"data-key": "damkar"' in text
    assert '"<3"' in text and "61,5%" in text and "4,3 hari" in text
    assert "Tidak ada aduan" in _json(breakdown_table([], "agency", "id"))


def test_kpi_cards_say_what_each_figure_means():
    kpis = {
        "complaints": 708,
        "resolved_pct": 59.9,
        "sla_pct": None,
        "median_days": 10.1,
        "open_beyond_sla": "<3",
        "at": NOW,
    }
    text = _json(kpi_cards(kpis, "en"))
    for shown in ('"708"', '"59.9%"', '"–"', '"10.1 days"', '"<3"', "12.00 WIB"):
        assert shown in text, shown


def test_download_links_carry_the_filters_and_the_licence():
    params = {"dari": "2026-03-01", "sampai": "2026-03-14", "kecamatan": "16.71.05"}
    text = _json(download_links(params, "CC BY 4.0 — test", "id"))
    for table in ("kecamatan", "kategori", "opd"):
        for ext in ("csv", "json"):
            assert (
                f"/data/transparansi/{table}.{ext}?dari=2026-03-01&sampai=2026-03-14&kecamatan=16.71.05"
                in text
            )
    assert "/data/transparansi/schema.json" in text and "CC BY 4.0 — test" in text


CAM = {
    "id": 7,
    "name": "Jembatan <Ampera>",
    "kecamatan_name": "Seberang Ulu I",
    "lat": -2.99164,
    "lon": 104.76353,
    "status": "online",
    "taken_at": NOW - timedelta(minutes=5),
    "checked_at": NOW,
}


def test_a_public_camera_marker_carries_only_place_status_and_popup():
    geo = camera_features([CAM], NOW, "id")
    feature = geo["features"][0]
    assert feature["geometry"]["coordinates"] == [104.76353, -2.99164]
    assert set(feature["properties"]) == {"status", "popup", "tooltip"}
    popup = feature["properties"]["popup"]
    assert "/snapshot/7/latest-thumb.jpg?v=" in popup and "5 menit lalu" in popup
    assert "Jembatan &lt;Ampera&gt;" in popup and "<Ampera>" not in popup  # names are escaped
    assert "/kamera" not in popup  # no link into the staff pages


def test_a_camera_without_a_frame_gets_no_image_request():
    cam = {**CAM, "taken_at": None, "status": "unknown"}
    assert thumb_url(cam) is None
    assert "latest-thumb" not in camera_features([cam], NOW, "en")["features"][0]["properties"]["popup"]
    assert "latest-thumb" not in _json(camera_list([cam], NOW, "en"))
    assert "No public cameras yet." in _json(camera_list([], NOW, "en"))


def test_period_dates_are_plain_dates():
    from components.public_view import period_text

    assert period_text(date(2026, 3, 1), date(2026, 3, 14), "id") == "Aduan masuk 1 Mar 2026 s.d. 14 Mar 2026"
