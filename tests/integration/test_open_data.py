"""Open data of the Transparansi page: suppressed aggregates that agree with the read side."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask

from components.i18n import WIB
from demo.seed import seed
from store import queries
from store.filters import Filter
from store.public import SUPPRESSED, public_breakdown, suppress_count


@pytest.fixture
def client(app_engine):
    seed(app_engine, complaints=1500, days=120, seed=3)
    from routes.open_data import bp

    app = Flask(__name__)
    app.register_blueprint(bp)
    return app.test_client()


def test_counts_of_one_and_two_are_published_as_less_than_three():
    assert [suppress_count(n) for n in (0, 1, 2, 3, 40)] == [0, SUPPRESSED, SUPPRESSED, 3, 40]


def test_json_rows_equal_the_read_side_and_hide_small_cells(client, engine):
    today = datetime.now(UTC).astimezone(WIB).date()
    start = today - timedelta(days=29)
    resp = client.get(f"/data/transparansi/kecamatan.json?dari={start}&sampai={today}")
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["licence"].startswith("CC BY 4.0") and body["period"]["start"] == start.isoformat()
    expected = queries.breakdown(engine, Filter(start=start, end=today), "kecamatan").set_index("key")
    assert len(body["rows"]) == len(expected)
    for row in body["rows"]:
        n = int(expected.loc[row["key"], "complaints"])
        if 0 < n < 3:
            assert row["complaints"] == SUPPRESSED and row["resolved_pct"] is None
        else:
            assert row["complaints"] == n
    # Nothing beyond the documented columns leaves: no text, ids, coordinates or identity.
    assert {k for row in body["rows"] for k in row} == {
        "key", "name", "complaints", "resolved_pct", "sla_pct", "median_days", "open_beyond_sla"
    }  # fmt: skip


def test_narrow_filters_produce_suppressed_cells_in_the_csv(client, engine):
    today = datetime.now(UTC).astimezone(WIB).date()
    f = Filter(start=today - timedelta(days=6), end=today, kecamatan=("16.71.01",))
    rows = public_breakdown(engine, f, "category")
    resp = client.get(f"/data/transparansi/kategori.csv?dari={f.start}&sampai={f.end}&kecamatan=16.71.01")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    assert "attachment" in resp.headers["Content-Disposition"] and resp.headers["X-Licence"]
    parsed = list(csv.DictReader(io.StringIO(resp.get_data(as_text=True))))
    assert [r["complaints"] for r in parsed] == [str(r["complaints"]) for r in rows]
    assert any(r["complaints"] == SUPPRESSED for r in parsed), (
        "a one-week, one-kecamatan slice has small cells"
    )


@pytest.mark.parametrize(
    "query",
    ["kecamatan=1' OR 1=1 --", "kategori=jalan_rusak;DROP TABLE complaint", "dari=2026-13-01", "opd=%00"],
)
def test_bad_or_injected_filters_are_refused_and_change_nothing(client, engine, query):
    before = queries.kpis(engine, Filter(start=datetime(2020, 1, 1).date(), end=datetime.now(UTC).date()))
    resp = client.get(f"/data/transparansi/kecamatan.json?{query}")
    assert resp.status_code == 400 and "error" in resp.get_json()
    after = queries.kpis(engine, Filter(start=datetime(2020, 1, 1).date(), end=datetime.now(UTC).date()))
    assert before["current"]["complaints"] == after["current"]["complaints"] > 0


def test_unknown_table_is_404(client):
    assert client.get("/data/transparansi/pelapor.csv").status_code == 404
    assert client.get("/data/transparansi/schema.json").get_json()["columns"]["complaints"]
