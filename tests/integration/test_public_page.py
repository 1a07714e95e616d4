"""Transparansi through the real app (Flask test client, real database), as an anonymous visitor.

The page's layout and its callbacks are asked for over HTTP exactly as the browser does, and
every answer is searched for what must never be public: internal cameras (names, coordinates),
complaint text, tracking ids, reporter hashes.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from components.i18n import WIB
from config import get_settings
from demo.seed import seed
from store.db import get_engine
from store.filters import Filter
from store.models import Complaint
from store.public import SUPPRESSED, public_breakdown, public_kpis
from store.public_cameras import FIELDS, public_cameras
from tests.fixtures import cameras_world

INTERNAL = [c for c in cameras_world.CAMERAS if c[5] == "internal"]
PUBLIC = [c for c in cameras_world.CAMERAS if c[5] == "publik"]


@pytest.fixture(scope="module")
def dash_app():
    import app

    return app


@pytest.fixture
def world(engine, db_url, tmp_path, monkeypatch):
    snap = tmp_path / "snapshots"
    snap.mkdir()
    cams = cameras_world.build(engine, snap)
    seed(engine, complaints=1500, days=120, seed=11)
    for key, value in {
        "DATABASE_URL": db_url,
        "DATA_DIR": str(tmp_path / "data"),
        "SNAPSHOT_DIR": str(snap),
        "SNAPSHOT_INTERVAL_S": "600",
    }.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    get_engine.cache_clear()
    yield cams
    get_engine.cache_clear()
    get_settings.cache_clear()


def _secrets(engine) -> list[str]:
    """Text that identifies complaints or reporters: none of it may reach a public answer."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(Complaint.description, Complaint.tracking_id, Complaint.reporter_hash, Complaint.title)
            .where(Complaint.description != "")
            .limit(200)
        ).all()
    values = [v for row in rows for v in row if v and len(v) >= 8]
    assert len(values) > 100, "the seeded world should have complaint text to look for"
    return values


def _internal_marks() -> list[str]:
    marks = []
    for code, name, _kec, lat, lon, *_ in INTERNAL:
        marks += [code, name, f"{lat}", f"{lon}", f"{lat:.4f}", f"{lon:.4f}"]
    return marks


def _call(client, app, output_part: str, inputs: dict) -> tuple[int, str]:
    """POST one callback the way the Dash renderer does; returns (status, body)."""
    key = next(k for k in app.app.callback_map if output_part in k)
    spec = app.app.callback_map[key]
    outputs = [
        {"id": part.rsplit(".", 1)[0], "property": part.rsplit(".", 1)[1]}
        for part in key.strip(".").split("...")
    ]
    body = {
        "output": key,
        "outputs": outputs if len(outputs) > 1 else outputs[0],
        "inputs": [{**i, "value": inputs.get(f"{i['id']}.{i['property']}")} for i in spec["inputs"]],
        "changedPropIds": list(inputs),
        "state": [],
    }
    resp = client.post("/_dash-update-component", json=body)
    text = resp.get_data(as_text=True)
    if resp.status_code != 200:
        return resp.status_code, text
    # Plain text to search: Dash's encoder escapes "/" and non-ASCII characters.
    return 200, json.dumps(json.loads(text), ensure_ascii=False, separators=(",", ":"))


def _page_layout(client, app, search: str = "", lang: str | None = None) -> str:
    if lang:
        client.set_cookie("lang", lang)
    client.get("/transparansi")  # the shell, as a browser would load it first
    status, body = _call(
        client,
        app,
        "_pages_content.children",
        {"_pages_location.pathname": "/transparansi", "_pages_location.search": search},
    )
    assert status == 200, body[:500]
    return body


def test_public_cameras_are_the_public_scope_only_with_few_fields(world, engine):
    rows = public_cameras(engine, datetime.now(UTC), 600)
    assert sorted(r["name"] for r in rows) == sorted(c[1] for c in PUBLIC)
    assert all(set(r) == set(FIELDS) for r in rows)
    status = {r["name"]: r["status"] for r in rows}
    assert status["Masjid Agung"] == "stale" and status["Pasar 16 Ilir"] == "unknown"


def test_the_anonymous_layout_shows_the_public_figures_and_nothing_private(world, engine, dash_app):
    today = datetime.now(UTC).astimezone(WIB).date()
    start, end = today - timedelta(days=40), today - timedelta(days=10)
    body = _page_layout(dash_app.server.test_client(), dash_app, f"?dari={start}&sampai={end}")
    for mark in _internal_marks() + _secrets(engine):
        assert mark not in body, mark
    for _code, name, *_ in PUBLIC:
        assert name in body
    f = Filter(start=start, end=end)
    k = public_kpis(engine, f)
    assert '"id":"tr-kpi-complaints"' in body
    assert str(k["complaints"]) in body
    rows = public_breakdown(engine, f, "agency")
    for row in rows:
        assert f'"data-key":"{row["key"]}"' in body
    assert any(r["complaints"] == SUPPRESSED or r["open_beyond_sla"] == SUPPRESSED for r in rows)


def test_a_bad_address_filter_shows_a_message_not_an_error(world, dash_app):
    body = _page_layout(dash_app.server.test_client(), dash_app, "?kecamatan=1'%20OR%201=1")
    assert "tr-bad-filter" in body and "Traceback" not in body


def test_the_callbacks_answer_anonymous_visitors_without_internal_cameras(world, engine, dash_app):
    client = dash_app.server.test_client()
    client.get("/transparansi")
    status, body = _call(client, dash_app, "tr-cameras.data", {"tr-tick.n_intervals": 3})
    assert status == 200, body[:500]
    data = json.loads(body)["response"]
    features = data["tr-cameras"]["data"]["features"]
    assert len(features) == len(PUBLIC)
    for mark in _internal_marks():
        assert mark not in body, mark
    today = datetime.now(UTC).astimezone(WIB).date()
    inputs = {
        "tr-f-dates.start_date": (today - timedelta(days=6)).isoformat(),
        "tr-f-dates.end_date": today.isoformat(),
        "tr-f-kecamatan.value": ["16.71.05"],
        "tr-f-category.value": [],
    }
    status, body = _call(client, dash_app, "tr-kpis.children", inputs)
    assert status == 200, body[:500]
    response = json.loads(body)["response"]
    assert (
        response["tr-query"]["data"] == f"dari={today - timedelta(days=6)}&sampai={today}&kecamatan=16.71.05"
    )
    for mark in _secrets(engine):
        assert mark not in body, mark


def test_an_injected_filter_value_is_refused_by_the_callback(world, engine, dash_app):
    client = dash_app.server.test_client()
    client.get("/transparansi")
    inputs = {
        "tr-f-dates.start_date": "2026-01-01",
        "tr-f-dates.end_date": "2026-01-31",
        "tr-f-kecamatan.value": ["16.71.05' OR '1'='1"],
        "tr-f-category.value": [],
    }
    status, body = _call(client, dash_app, "tr-kpis.children", inputs)
    assert status == 200
    response = json.loads(body)["response"]
    assert response["tr-message"]["is_open"] is True and "kecamatan" in response["tr-message"]["children"]
    assert "tr-kpis" not in response  # nothing recomputed from a forged value


def test_english_when_the_cookie_says_so(world, dash_app):
    body = _page_layout(dash_app.server.test_client(), dash_app, lang="en")
    assert "Complaint Transparency, Kota Palembang" in body and "Open data" in body
    assert "Transparansi Pengaduan" not in body


def test_every_download_link_of_the_page_answers(world, dash_app):
    client = dash_app.server.test_client()
    body = _page_layout(client, dash_app)
    hrefs = sorted(set(_hrefs(body)))
    assert len(hrefs) == 7  # CSV and JSON of three tables, and the schema
    for href in hrefs:
        resp = client.get(href)
        assert resp.status_code == 200, href
        assert resp.mimetype in ("text/csv", "application/json"), href


def _hrefs(body: str) -> list[str]:
    return [h for h in re.findall(r'"href":"(/data/transparansi/[^"]+)"', body)]
