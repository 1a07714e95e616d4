"""Open311 GeoReport v2 output: only public-safe requests leave, filters and limits hold, and our
own Open311 client reads the output back over real HTTP."""

from __future__ import annotations

import json
import threading
import uuid
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import event, insert, not_, select, text
from werkzeug.serving import make_server

from data_sources.mapping import open311_status
from data_sources.open311 import Open311Client
from data_sources.records import Rejection
from data_sources.validate import NormalizeContext, validate
from demo.seed import seed
from store.calendar import WIB, WorkCalendar
from store.derive import derive_fields
from store.models import Complaint, Kecamatan, Kelurahan
from store.open311_read import RequestQuery, find_requests
from store.write import reference_ids

NAME, PHONE, EMAIL, NIK = (
    "Zulkarnain Canarywati",
    "0812-3456-7890",
    "zulkarnain.canary@example.com",
    "1671012345678901",
)
SECRET_TEXT = "RAHASIA-CANARY-TEKS"
TRACKING = "LAPOR-CANARY-777"
HASH = "c0ffee" * 10 + "beef"
EXACT = (-2.931234, 104.781234)  # an Anonim reporter's doorstep, inside Sialang (16.71.08.1006)
SECRET_POINT = (-2.987654, 104.712345)  # a Rahasia complaint's point
CANARIES = (NAME, "Canarywati", PHONE, "081234567890", EMAIL, NIK, SECRET_TEXT, TRACKING, HASH,
            "2.931234", "104.781234", "2.987654", "104.712345")  # fmt: skip
PII_TEXT = f"Saya {NAME}, NIK {NIK}, hubungi {PHONE} atau {EMAIL}. {SECRET_TEXT}"


def add(engine, **values) -> int:
    """Insert one complaint (stored as given, bypassing ingest's scrubbing); returns its id."""
    now = datetime.now(UTC)
    with engine.begin() as conn:
        categories, agencies = reference_ids(conn)
        row = {
            "source": "test", "external_id": uuid.uuid4().hex,
            "tracking_id": TRACKING, "report_type": "pengaduan",
            "title": f"Jalan rusak, lapor {NAME} {PHONE}",
            "description": PII_TEXT, "category_id": categories["jalan_rusak"], "agency_id": agencies["pupr"],
            "kecamatan_code": "16.71.08", "kelurahan_code": "16.71.08.1006", "lat": -2.9330, "lon": 104.7820,
            "channel": "web", "anonymous": False, "confidential": False, "reporter_hash": HASH,
            "created_at": now - timedelta(hours=2), "status": "baru", "outcome": None,
        }  # fmt: skip
        category = values.pop("category", None)
        if category:
            row["category_id"] = categories[category]
        row.update(values)
        row.setdefault("updated_at", row["created_at"])
        derive_fields(row, WorkCalendar())
        return conn.execute(insert(Complaint).values(**row).returning(Complaint.id)).scalar_one()


def make_app(text: bool = False) -> Flask:
    from routes.open311 import bp

    app = Flask(__name__)
    app.config["OPEN311_PUBLISH_TEXT"] = text
    app.register_blueprint(bp)
    return app


@pytest.fixture
def use_db(app_engine):
    """The routes' get_engine() points at the test database."""
    return app_engine


@pytest.fixture
def client(use_db):
    return make_app().test_client()


@pytest.fixture
def seeded(use_db):
    """The canary complaints; returns their ids by role."""
    e = use_db
    return {
        "plain": add(e),
        "secret": add(e, confidential=True, description=SECRET_TEXT, title=SECRET_TEXT, lat=SECRET_POINT[0],
                      lon=SECRET_POINT[1]),
        "anon": add(e, anonymous=True, reporter_hash=None, lat=EXACT[0], lon=EXACT[1]),
        "anon_kec": add(e, anonymous=True, reporter_hash=None, kelurahan_code=None, kecamatan_code="16.71.10",
                        lat=-2.955555, lon=104.795555),
        "closed": add(e, status="ditutup", outcome="ditolak",
                      closed_at=datetime.now(UTC) - timedelta(hours=1)),
    }  # fmt: skip


def parse_xml(body: bytes) -> list[dict]:
    root = ET.fromstring(body)
    return [{child.tag: child.text for child in item} for item in root]


# ------------------------------------------------------------------------- privacy ----


def test_no_canary_reaches_any_json_or_xml_output(client, seeded):
    ids = ",".join(str(i) for i in seeded.values())
    paths = ["/services", "/requests", f"/requests?service_request_id={ids}", "/requests?status=open,closed",
             "/requests?service_code=jalan_rusak"] + [f"/requests/{i}" for i in seeded.values()]  # fmt: skip
    for path in paths:
        for fmt in ("json", "xml"):
            base, _, query = path.partition("?")
            resp = client.get(f"/open311/v2{base}.{fmt}" + (f"?{query}" if query else ""))
            body = resp.get_data(as_text=True)
            for canary in CANARIES:
                assert canary not in body, (path, fmt, canary)
    listed = {r["service_request_id"] for r in client.get("/open311/v2/requests.json").get_json()}
    assert {str(seeded[k]) for k in ("plain", "anon", "anon_kec", "closed")} <= listed
    assert str(seeded["secret"]) not in listed


def test_a_rahasia_request_answers_exactly_like_a_missing_one(client, seeded):
    for fmt in ("json", "xml"):
        secret = client.get(f"/open311/v2/requests/{seeded['secret']}.{fmt}")
        missing = client.get(f"/open311/v2/requests/987654321.{fmt}")
        assert secret.status_code == missing.status_code == 404
        assert secret.get_data() == missing.get_data()
        assert secret.headers["Content-Type"] == missing.headers["Content-Type"]
    assert client.get(f"/open311/v2/requests/{seeded['plain']}.json").status_code == 200
    by_id = client.get(f"/open311/v2/requests.json?service_request_id={seeded['secret']}").get_json()
    assert by_id == []


def test_anonim_coordinates_are_the_kelurahan_or_kecamatan_centroid(client, seeded, use_db):
    with use_db.connect() as conn:
        kel = conn.execute(
            select(Kelurahan.lat, Kelurahan.lon).where(Kelurahan.code == "16.71.08.1006")
        ).one()
        kec = conn.execute(select(Kecamatan.lat, Kecamatan.lon).where(Kecamatan.code == "16.71.10")).one()
    anon = client.get(f"/open311/v2/requests/{seeded['anon']}.json").get_json()[0]
    assert (anon["lat"], anon["long"]) == (round(kel.lat, 6), round(kel.lon, 6))
    assert anon["address"] == "Kelurahan Sialang, Kecamatan Sako, Kota Palembang"
    anon_kec = client.get(f"/open311/v2/requests/{seeded['anon_kec']}.xml")
    (item,) = parse_xml(anon_kec.data)
    assert (float(item["lat"]), float(item["long"])) == (round(kec.lat, 6), round(kec.lon, 6))
    plain = client.get(f"/open311/v2/requests/{seeded['plain']}.json").get_json()[0]
    assert (plain["lat"], plain["long"]) == (-2.933, 104.782)  # a named reporter's point is kept


def test_published_text_is_scrubbed_again_at_output(use_db, seeded):
    app_client = make_app(text=True).test_client()
    body = app_client.get(f"/open311/v2/requests/{seeded['plain']}.json").get_json()[0]
    assert (
        PHONE not in body["description"]
        and EMAIL not in body["description"]
        and NIK not in body["description"]
    )
    assert (
        "[telepon]" in body["description"]
        and "[email]" in body["description"]
        and "[NIK]" in body["description"]
    )
    # By default (the setting off) no free text leaves at all, only a summary built from codes.
    default = make_app().test_client().get(f"/open311/v2/requests/{seeded['plain']}.json").get_json()[0]
    assert default["description"] == "Pengaduan: Jalan Rusak di Kelurahan Sialang, Kecamatan Sako"


def test_fields_times_and_headers_follow_the_spec(client, seeded):
    resp = client.get(f"/open311/v2/requests/{seeded['closed']}.json")
    assert resp.headers["Access-Control-Allow-Origin"] == "*"
    assert resp.headers["Cache-Control"] == "public, max-age=60"
    (item,) = resp.get_json()
    assert item["status"] == "closed" and open311_status("closed", item["status_notes"]) == (
        "ditutup",
        "ditolak",
    )
    for key in ("requested_datetime", "updated_datetime", "expected_datetime"):
        assert item[key].endswith("+07:00") and datetime.fromisoformat(item[key]).tzinfo is not None
    assert item["zipcode"] is None and item["media_url"] is None and item["service_code"] == "jalan_rusak"
    assert item["agency_responsible"] == "Dinas Pekerjaan Umum dan Penataan Ruang"
    services = client.get("/open311/v2/services.json").get_json()
    road = next(s for s in services if s["service_code"] == "jalan_rusak")
    assert road["metadata"] is False and road["type"] == "realtime" and road["group"] == "Dinas PUPR"
    xml_services = parse_xml(client.get("/open311/v2/services.xml").data)
    assert [s["service_code"] for s in xml_services] == [s["service_code"] for s in services]


def test_unknown_paths_and_writes_answer_in_the_spec_error_format(client):
    missing = client.get("/open311/v2/discovery.json")
    assert missing.status_code == 404 and missing.get_json()[0]["code"] == 404
    post = client.post("/open311/v2/requests.json", data={"service_code": "sampah"})
    assert post.status_code == 405 and post.get_json()[0]["code"] == 405
    assert client.get("/open311/v2/requests/abc.json").get_json() == [
        {"code": 404, "description": "service request not found"}
    ]


def test_xml_escapes_markup_and_drops_characters_xml_cannot_carry(use_db):
    i = add(use_db, description="<script>alert(1)</script> & \x07\x1b ok")
    resp = make_app(text=True).test_client().get(f"/open311/v2/requests/{i}.xml")
    assert b"<script>" not in resp.data and resp.mimetype == "text/xml"
    (item,) = parse_xml(resp.data)
    assert item["description"] == "<script>alert(1)</script> &  ok"


# ------------------------------------------------------------------ filters, limits ----

T0 = datetime(2025, 3, 10, 12, tzinfo=WIB)


@pytest.fixture
def window(use_db):
    """Complaints in March 2025 with known statuses and categories: (name -> id)."""
    e = use_db
    return {
        "open_road": add(e, created_at=T0, status="diteruskan"),
        "open_trash": add(e, created_at=T0 + timedelta(hours=1), status="baru", category="sampah"),
        "closed_road": add(e, created_at=T0 + timedelta(hours=2), status="selesai", outcome="selesai"),
        "closed_trash": add(e, created_at=T0 + timedelta(days=3), status="ditutup", category="sampah"),
        "uncategorised": add(e, created_at=T0 + timedelta(days=4), status="baru", category_id=None),
        "secret": add(e, created_at=T0 + timedelta(hours=3), confidential=True),
        "earlier": add(e, created_at=T0 - timedelta(days=30)),
    }


def ids_of(client, query: str) -> list[int]:
    resp = client.get(f"/open311/v2/requests.json?{query}")
    assert resp.status_code == 200, resp.get_json()
    return [int(r["service_request_id"]) for r in resp.get_json()]


def test_filters_work_and_combine(client, window):
    w = window
    span = "start_date=2025-03-10T00:00:00%2B07:00&end_date=2025-03-31T00:00:00Z"
    everything = ids_of(client, span)
    assert everything == [
        w[k] for k in ("uncategorised", "closed_trash", "closed_road", "open_trash", "open_road")
    ]
    assert ids_of(client, span + "&status=open") == [w["uncategorised"], w["open_trash"], w["open_road"]]
    assert ids_of(client, span + "&status=closed") == [w["closed_trash"], w["closed_road"]]
    assert ids_of(client, span + "&status=open,closed") == everything
    assert ids_of(client, span + "&service_code=sampah") == [w["closed_trash"], w["open_trash"]]
    assert ids_of(client, span + "&service_code=sampah,tidak_diketahui&status=open") == [
        w["uncategorised"], w["open_trash"]
    ]  # fmt: skip
    assert ids_of(client, span + "&status=closed&service_code=jalan_rusak") == [w["closed_road"]]
    # Both dates are inclusive, to the second; a "+" lost to form encoding is read as one.
    exact = "start_date=2025-03-10T13:00:00 07:00&end_date=2025-03-10T14:00:00%2B07:00"
    assert ids_of(client, exact) == [w["closed_road"], w["open_trash"]]
    # Only an end date: the 90 days before it.
    assert w["earlier"] in ids_of(client, "end_date=2025-03-10T11:00:00Z")
    # Ids override every other argument (the spec), and never reveal a Rahasia one.
    listed = f"service_request_id={w['earlier']},{w['secret']},{w['open_road']}&status=closed"
    assert ids_of(client, listed) == [w["open_road"], w["earlier"]]


BAD = [
    ("start_date=2026-01-01", "start_date"),
    ("start_date=yesterday", "start_date"),
    ("end_date=2026-01-01T00:00:00", "end_date"),  # no time zone
    ("start_date=2026-01-01T00:00:00Z&end_date=2026-04-02T00:00:00Z", "end_date"),  # 91 days
    ("start_date=2026-02-01T00:00:00Z&end_date=2026-01-01T00:00:00Z", "end_date"),
    ("status=pending", "status"),
    ("status=open,selesai", "status"),
    ("service_code=jalan_rusak,nope", "service_code"),
    ("service_code=x' OR 1=1 --", "service_code"),
    ("service_request_id=12,abc", "service_request_id"),
    ("service_request_id=99999999999999999999", "service_request_id"),
]


@pytest.mark.parametrize(("query", "name"), BAD)
def test_bad_parameters_are_a_400_naming_them(client, query, name):
    resp = client.get(f"/open311/v2/requests.json?{query}")
    assert resp.status_code == 400 and resp.headers["Access-Control-Allow-Origin"] == "*"
    (error,) = resp.get_json()
    assert error["code"] == 400 and error["description"].startswith(f"{name}:")
    xml = client.get(f"/open311/v2/requests.xml?{query}")
    root = ET.fromstring(xml.data)
    assert xml.status_code == 400 and root.tag == "errors" and root.find("error/code").text == "400"


def test_more_than_1000_matching_gives_the_1000_newest_through_an_index(client, use_db):
    seed(use_db, complaints=3000, days=60, seed=5, append=True)
    now = datetime.now(UTC)
    with use_db.connect() as conn:
        public = conn.execute(
            select(Complaint.id)
            .where(not_(Complaint.confidential), Complaint.created_at.between(now - timedelta(days=90), now))
            .order_by(Complaint.created_at.desc(), Complaint.id.desc())
        ).scalars().all()  # fmt: skip
    assert len(public) > 1000
    body = client.get("/open311/v2/requests.json").get_json()
    assert len(body) == 1000
    assert [int(r["service_request_id"]) for r in body] == public[:1000]
    moments = [datetime.fromisoformat(r["requested_datetime"]) for r in body]
    assert moments == sorted(moments, reverse=True)
    assert len(parse_xml(client.get("/open311/v2/requests.xml").data)) == 1000

    statements: list[tuple[str, object]] = []

    def capture(_conn, _cursor, statement, parameters, _context, _many):
        if "FROM complaint" in statement:
            statements.append((statement, parameters))

    # Status and service filters must not lure the planner away from the day index: read through
    # ix_complaint_status, "open" would mean every open complaint ever made, sorted.
    query = RequestQuery(
        start=now - timedelta(days=30),
        end=now,
        statuses=("baru", "diteruskan"),
        service_codes=("sampah", "pju"),
    )
    event.listen(use_db, "before_cursor_execute", capture)
    try:
        assert 0 < len(find_requests(use_db, query)) <= 1000
    finally:
        event.remove(use_db, "before_cursor_execute", capture)
    ((sql, params),) = statements
    assert "LIMIT" in sql.upper()
    with use_db.connect() as conn:
        if conn.dialect.name == "sqlite":
            plan = " | ".join(r[-1] for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params))
            assert "SEARCH complaint USING INDEX ix_complaint_day_kec" in plan, plan
            assert "SCAN complaint" not in plan, plan
        else:
            conn.execute(text("SET LOCAL enable_seqscan = off"))
            plan = " | ".join(r[0] for r in conn.exec_driver_sql("EXPLAIN " + sql, params))
            assert "Index" in plan and "Seq Scan on complaint" not in plan, plan


# -------------------------------------------------------------------- round trip ----


@pytest.fixture
def live_url(use_db):
    """The blueprint served over real HTTP on loopback."""
    server = make_server("127.0.0.1", 0, make_app(), threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/open311/v2"
    server.shutdown()
    thread.join(timeout=5)


def expected_status(status: str, outcome: str | None) -> tuple[str, str | None]:
    # GeoReport has only open/closed: "closed, fixed" reads back as our selesai status.
    return (
        ("selesai", "selesai")
        if outcome == "selesai" and status in ("selesai", "ditutup")
        else (status, outcome)
    )


def test_our_open311_client_reads_our_output_back(live_url, use_db, seeded):
    seed(use_db, complaints=2500, days=40, seed=7, append=True)
    now = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=1)
    start = now - timedelta(days=45)
    client = Open311Client(live_url, "", 10.0, 2, backoff_s=0.01)
    try:
        services = client.services()
        raws = [raw for batch in client.iter_requests(start, now) for raw in batch]
    finally:
        client.close()
    with use_db.connect() as conn:
        stored = {
            str(r.id): r
            for r in conn.execute(
                select(Complaint).where(
                    not_(Complaint.confidential), Complaint.created_at.between(start, now)
                )
            )
        }
    assert len(raws) == len(stored) > 2000 and {r["external_id"] for r in raws} == set(stored)
    assert client.splits >= 1  # more than 1,000 in the window: the client had to narrow it
    assert "jalan_rusak" in {s["service_code"] for s in services}
    for canary in CANARIES:
        assert canary not in json.dumps(raws, default=str)
    ctx = NormalizeContext.from_reference("salt")
    for raw in raws:
        row = stored[raw["external_id"]]
        assert (raw["status"], raw["outcome"]) == expected_status(row.status, row.outcome), raw
        assert datetime.fromisoformat(raw["created_at"]) == row.created_at.replace(microsecond=0)
        record = validate(raw, "open311", ctx)
        assert not isinstance(record, Rejection), record
        assert record.kecamatan_code == row.kecamatan_code
        if row.kelurahan_code:
            assert record.kelurahan_code == row.kelurahan_code
