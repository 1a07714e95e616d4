"""The Open311 GeoReport v2 client against a small real GeoReport server on loopback.

The server below follows the spec where it matters to a client: services.json, requests.json
filtered by start_date/end_date (refused without an offset or over 90 days), newest first, at
most 1,000 per call with the rest silently dropped, errors as a JSON list of {code, description}.
"""

from __future__ import annotations

import json
import random
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from data_sources.http import FeedError
from data_sources.open311 import Open311Client
from data_sources.records import Rejection
from data_sources.validate import NormalizeContext, validate

WIB = timezone(timedelta(hours=7))
JURISDICTION = "palembang.go.id"
SERVICES = [
    {"service_code": "JLN", "service_name": "Jalan Rusak", "group": "Infrastruktur", "type": "realtime"},
    {"service_code": "SMP", "service_name": "Sampah", "group": "Kebersihan", "type": "realtime"},
    {"service_code": "PJU", "service_name": "Lampu Jalan Mati", "group": "Infrastruktur", "type": "realtime"},
    {"service_code": "DRN", "service_name": "Drainase", "group": "Infrastruktur", "type": "realtime"},
]
AGENCIES = {"JLN": "Dinas PUPR", "SMP": "DLHK", "PJU": "Dinas Perkim", "DRN": "Dinas PUPR"}
# (status, status_notes) -> (our status, outcome)
CASES = [
    ("open", None, "baru", None),
    ("open", "Report received and acknowledged", "diverifikasi", None),
    ("open", "Assigned to Dinas PUPR", "diteruskan", None),
    ("open", "Crew scheduled for Thursday", "ditindaklanjuti", None),
    ("open", "Sedang ditangani petugas", "ditindaklanjuti", None),
    ("closed", "Pothole repaired", "selesai", "selesai"),
    ("closed", "Duplicate of an earlier request", "ditutup", "ditolak"),
    ("closed", "Not our jurisdiction: referred to the province", "ditutup", "bukan_wewenang"),
    ("closed", "Returned: insufficient information", "ditutup", "dikembalikan"),
    ("closed", None, "ditutup", None),
]
PLACES = [
    ("Jl. Merdeka No. 5, Kel. 20 Ilir D. I, Kec. Ilir Timur I", "16.71.05"),
    ("Jl. Ahmad Yani, Kelurahan Dua-belas Ulu, Kecamatan Seberang Ulu II", "16.71.03"),
    ("Jl. Soekarno-Hatta, Kec. Alang-Alang Lebar", "16.71.15"),
]


def make_requests(n_burst: int = 1500, n_spread: int = 1100, seed: int = 1) -> list[dict]:
    """Requests over Jan..Sep 2026, with a storm day (10 June) holding more than the per-call limit."""
    rng = random.Random(seed)
    moments = [
        datetime(2026, 6, 10, 6, tzinfo=WIB) + timedelta(seconds=rng.randrange(16 * 3600))
        for _ in range(n_burst)
    ]
    first = datetime(2026, 1, 1, tzinfo=WIB)
    moments += [first + timedelta(seconds=rng.randrange(272 * 86400)) for _ in range(n_spread)]
    out = []
    for i, requested in enumerate(moments):
        service = SERVICES[i % len(SERVICES)]
        status, notes, _ours, _outcome = CASES[i % len(CASES)]
        address, _kec = PLACES[i % len(PLACES)]
        out.append(
            {
                "service_request_id": f"PLG-311-{i:05d}",
                "status": status,
                "status_notes": notes,
                "service_name": service["service_name"],
                "service_code": service["service_code"],
                "description": f"Laporan warga nomor {i}: mohon dicek. Hubungi 0812-3456-{i % 10000:04d}.",
                "agency_responsible": AGENCIES[service["service_code"]],
                "service_notice": None,
                "requested_datetime": requested.isoformat(),
                "updated_datetime": (requested + timedelta(hours=1 + i % 50)).isoformat(),
                "expected_datetime": (requested + timedelta(days=5)).isoformat(),
                "address": address,
                "address_id": None,
                "zipcode": "30111",
                "lat": -2.99 + (i % 100) * 0.0005,
                "long": 104.75 + (i % 100) * 0.0005,
                "media_url": None,
            }
        )
    return out


class GeoReportServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, data: list[dict], limit: int = 1000, fail_first: int = 0) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.data = sorted(data, key=lambda r: r["requested_datetime"], reverse=True)
        self.moments = [datetime.fromisoformat(r["requested_datetime"]) for r in self.data]
        self.limit = limit
        self.fail_first = fail_first
        self.calls: list[tuple[datetime, datetime, int]] = []
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/open311/v2"


class _Handler(BaseHTTPRequestHandler):
    server: GeoReportServer

    def log_message(self, *_args) -> None:
        pass

    def _send(self, status: int, payload) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _error(self, status: int, description: str) -> None:
        self._send(status, [{"code": status, "description": description}])

    def do_GET(self) -> None:
        srv = self.server
        parts = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        with srv.lock:
            if srv.fail_first > 0:
                srv.fail_first -= 1
                return self._error(500, "temporarily unavailable")
        if query.get("jurisdiction_id") != JURISDICTION:
            return self._error(400, f"jurisdiction_id {query.get('jurisdiction_id')!r} not found")
        if parts.path == "/open311/v2/services.json":
            return self._send(200, SERVICES)
        if parts.path != "/open311/v2/requests.json":
            return self._error(404, "no such resource")
        try:
            start = datetime.fromisoformat(query["start_date"])
            end = datetime.fromisoformat(query["end_date"])
        except (KeyError, ValueError):
            return self._error(400, "start_date and end_date must be W3C date-times")
        if start.tzinfo is None or end.tzinfo is None:
            return self._error(400, "start_date and end_date need a time zone offset")
        if end - start > timedelta(days=90):
            return self._error(400, "the date range may not span more than 90 days")
        found = [r for r, m in zip(srv.data, srv.moments, strict=True) if start <= m <= end][: srv.limit]
        with srv.lock:
            srv.calls.append((start, end, len(found)))
        self._send(200, found)


@pytest.fixture
def georeport():
    servers = []

    def start(data: list[dict] | None = None, **options) -> GeoReportServer:
        server = GeoReportServer(make_requests() if data is None else data, **options)
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def client(server: GeoReportServer, **options) -> Open311Client:
    return Open311Client(server.url, JURISDICTION, 2.0, 3, backoff_s=0.01, backoff_max_s=0.05, **options)


RANGE = (datetime(2026, 1, 1, tzinfo=WIB), datetime(2026, 10, 1, tzinfo=WIB))


def test_every_request_is_read_once_across_90_day_windows_and_the_1000_limit(georeport):
    server = georeport()
    c = client(server)
    batches = list(c.iter_requests(*RANGE))
    ids = [raw["external_id"] for batch in batches for raw in batch]
    assert len(ids) == len(set(ids)) == 2600
    assert set(ids) == {r["service_request_id"] for r in server.data}
    assert all(end - start <= timedelta(days=90) for start, end, _ in server.calls)
    assert max(count for *_, count in server.calls) == 1000  # the limit was hit ...
    assert c.splits >= 1  # ... and the window narrowed until answers fell below it
    assert all(count < 1000 for start, end, count in server.calls if (start, end) in _leaves(server.calls))


def _leaves(calls) -> set:
    windows = {(s, e) for s, e, _ in calls}
    return {
        (s, e)
        for s, e in windows
        if not any(s <= s2 and e2 <= e and (s2, e2) != (s, e) for s2, e2 in windows)
    }


def test_dates_go_out_as_utc_w3c_and_naive_ones_are_refused(georeport):
    server = georeport()
    batches = list(
        client(server).iter_requests(datetime(2026, 9, 1, tzinfo=WIB), datetime(2026, 9, 2, tzinfo=WIB))
    )
    assert server.calls[0][:2] == (
        datetime(2026, 8, 31, 17, tzinfo=UTC),
        datetime(2026, 9, 1, 17, tzinfo=UTC),
    )
    assert all(isinstance(b, list) for b in batches)
    with pytest.raises(ValueError, match="timezone-aware"):
        next(client(server).iter_requests(datetime(2026, 9, 1), datetime(2026, 9, 2)))


def test_open_closed_and_status_notes_map_onto_our_statuses(georeport):
    server = georeport()
    raws = {raw["external_id"]: raw for batch in client(server).iter_requests(*RANGE) for raw in batch}
    seen = Counter()
    for i in range(len(server.data)):
        _status, _notes, ours, outcome = CASES[i % len(CASES)]
        raw = raws[f"PLG-311-{i:05d}"]
        assert (raw["status"], raw["outcome"]) == (ours, outcome), raw
        seen[ours] += 1
        if ours in ("selesai", "ditutup"):
            assert raw["closed_at"] == raw["updated_at"]
    assert set(seen) == {"baru", "diverifikasi", "diteruskan", "ditindaklanjuti", "selesai", "ditutup"}


def test_mapped_requests_pass_validation_with_places_from_the_address(georeport):
    server = georeport(make_requests(n_burst=0, n_spread=120))
    ctx = NormalizeContext.from_reference("salt")
    records = []
    for batch in client(server).iter_requests(*RANGE):
        for raw in batch:
            result = validate(raw, "open311", ctx)
            assert not isinstance(result, Rejection), result
            records.append(result)
    assert len(records) == 120
    by_id = {r.external_id: r for r in records}
    for i, source in enumerate(sorted(server.data, key=lambda r: r["service_request_id"])):
        record = by_id[source["service_request_id"]]
        assert record.source == "open311"
        assert record.created_at == datetime.fromisoformat(source["requested_datetime"])
        assert record.created_at.tzinfo is not None
        assert record.kecamatan_code == PLACES[i % len(PLACES)][1]
        assert record.category_code in ("jalan_rusak", "sampah", "pju", "banjir_drainase")
        assert "0812-3456" not in record.description  # phone numbers scrubbed by validation
    assert Counter(r.agency_code for r in records)["pupr"] > 0


def test_services_come_from_services_json(georeport):
    server = georeport()
    c = client(server)
    services = c.services()
    assert [s["service_code"] for s in services] == ["JLN", "SMP", "PJU", "DRN"]
    # A request without a service_name is named from the service list.
    data = make_requests(n_burst=0, n_spread=4)
    for r in data:
        r["service_name"] = None
    c2 = client(georeport(data))
    c2.services()
    names = {raw["category"] for batch in c2.iter_requests(*RANGE) for raw in batch}
    assert names == {"Jalan Rusak", "Sampah", "Lampu Jalan Mati", "Drainase"}


def test_a_transient_server_error_is_retried(georeport):
    server = georeport(make_requests(n_burst=0, n_spread=50), fail_first=2)
    c = client(server)
    ids = {raw["external_id"] for batch in c.iter_requests(*RANGE) for raw in batch}
    assert len(ids) == 50
    assert c.stats["retries"] == 2


def test_a_wrong_jurisdiction_fails_with_the_servers_description(georeport):
    server = georeport(make_requests(n_burst=0, n_spread=5))
    c = Open311Client(server.url, "elsewhere.example", 2.0, 3)
    with pytest.raises(FeedError, match=r"HTTP 400.*jurisdiction_id 'elsewhere.example' not found") as caught:
        c.services()
    assert caught.value.attempts == 1  # a 4xx is not retried


def test_more_requests_in_one_second_than_the_limit_is_an_error_not_a_silent_loss(georeport):
    moment = datetime(2026, 5, 5, 10, 0, tzinfo=WIB).isoformat()
    data = make_requests(n_burst=0, n_spread=30)
    for r in data:
        r["requested_datetime"] = moment
    server = georeport(data, limit=20)
    with pytest.raises(FeedError, match="cannot be narrowed"):
        list(client(server, page_limit=20).iter_requests(*RANGE))
