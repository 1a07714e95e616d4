"""The e-Lapor sync job against the real simulator over loopback HTTP, on the configured back end.

The simulator (demo/elapor_sim.py) runs in a thread of the test process on a free port with a
manual clock that starts in the past, so a test moves time forward to make complaints arrive and
change, switches faults on and off, and compares the database with the simulator's own truth.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from data_sources.elapor import ElaporClient
from demo.elapor_sim import running
from jobs.sync_elapor import STOPPED, sync_elapor
from store.models import Complaint, ComplaintEvent, JobRun, RejectedRecord
from store.watermarks import get_watermark

TOKEN = "test-token"
SOURCE = "elapor"


def _ts(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def db_state(engine: Engine, source: str = SOURCE) -> dict[str, dict[str, Any]]:
    """Every complaint of `source` with its status, times, places and event history."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                Complaint.id,
                Complaint.external_id,
                Complaint.status,
                Complaint.outcome,
                Complaint.updated_at,
                Complaint.created_at,
                Complaint.kecamatan_code,
                Complaint.kelurahan_code,
            ).where(Complaint.source == source)
        ).all()
        events: dict[int, list[tuple[datetime, str]]] = {}
        for cid, at, status in conn.execute(
            select(ComplaintEvent.complaint_id, ComplaintEvent.at, ComplaintEvent.to_status)
            .join(Complaint, Complaint.id == ComplaintEvent.complaint_id)
            .where(Complaint.source == source)
            .order_by(ComplaintEvent.complaint_id, ComplaintEvent.at, ComplaintEvent.id)
        ):
            events.setdefault(cid, []).append((at, status))
    out: dict[str, dict[str, Any]] = {}
    for r in rows:
        assert r.external_id not in out, f"complaint {r.external_id} stored twice"
        out[r.external_id] = {**r._asdict(), "history": events.get(r.id, [])}
    return out


def quarantined(engine: Engine, source: str = SOURCE) -> list[Any]:
    with engine.connect() as conn:
        return conn.execute(
            select(RejectedRecord.external_id, RejectedRecord.field, RejectedRecord.reason).where(
                RejectedRecord.source == source
            )
        ).all()


def assert_matches_truth(engine: Engine, truth: dict[str, Any], source: str = SOURCE) -> None:
    """The database holds exactly the simulator's valid records, each once, each with its latest
    status and full status history; every invalid record is in quarantine with its reason."""
    stored = db_state(engine, source)
    valid = {v["external_id"]: v for v in truth["valid"]}
    missing, extra = sorted(set(valid) - set(stored)), sorted(set(stored) - set(valid))
    assert not missing and not extra, f"missing {missing[:10]} ({len(missing)}), extra {extra[:10]}"
    wrong = []
    for ext, want in valid.items():
        got = stored[ext]
        history = [(_ts(h["at"]), h["status"]) for h in want["history"]]
        if (
            got["status"] != want["status"]
            or got["outcome"] != want["outcome"]
            or got["updated_at"] != _ts(want["updated_at"])
            or got["created_at"] != _ts(want["created_at"])
            or got["kecamatan_code"] != want["kecamatan_code"]
            or got["kelurahan_code"] != want["kelurahan_code"]
            or got["history"] != history
        ):
            wrong.append((ext, {k: got[k] for k in ("status", "updated_at", "history")}, want))
    assert not wrong, f"{len(wrong)} records differ from the feed, first: {wrong[0]}"

    rows = quarantined(engine, source)
    by_id = {r.external_id: r for r in rows if r.external_id is not None}
    assert not set(by_id) & set(valid), "a valid record is still in quarantine"
    invalid = truth["invalid"]
    followed = [i for i in invalid if i["external_id"] is not None]
    for item in followed:
        row = by_id.get(item["external_id"])
        assert row is not None, f"invalid record {item} is not in quarantine"
        assert row.reason, f"quarantined {item['external_id']} has no reason"
        if item["field"] is not None:
            assert row.field == item["field"], (item, row)
    assert set(by_id) == {i["external_id"] for i in followed}
    # Records without an id are kept once each, by a hash of their content.
    frozen = [i for i in invalid if i["external_id"] is None]
    assert sum(1 for r in rows if r.external_id is None) == len(frozen)


def client_for(url: str, **options: Any) -> ElaporClient:
    defaults: dict[str, Any] = dict(timeout_s=2.0, page_size=40, max_retries=4, backoff_s=0.01)
    defaults.update(options)
    return ElaporClient(
        url,
        TOKEN,
        defaults.pop("timeout_s"),
        defaults.pop("page_size"),
        defaults.pop("max_retries"),
        **defaults,
    )


@pytest.fixture
def sim() -> Iterator[Any]:
    """A simulator with 300 complaints over the 30 days before a start 10 days ago (manual clock)."""
    start = datetime.now(UTC) - timedelta(days=10)
    with running(complaints=300, seed=11, token=TOKEN, start=start, days=30) as (server, url):
        server.base_url = url
        yield server


def runs(engine: Engine) -> list[JobRun]:
    with Session(engine) as session:
        return list(session.scalars(select(JobRun).order_by(JobRun.id)))


def test_first_sync_inserts_everything_and_records_the_run(engine, sim):
    result = sync_elapor(engine, client_for(sim.base_url))

    truth = sim.sim.truth()
    assert result["status"] == "ok" and result["error"] is None
    assert result["inserted"] == len(truth["valid"]) == result["fetched"]
    assert (result["updated"], result["unchanged"], result["rejected"]) == (0, 0, 0)
    assert_matches_truth(engine, truth)
    (run,) = runs(engine)
    assert (run.job_id, run.status, run.fetched, run.inserted) == ("sync_elapor", "ok", result["fetched"],
                                                                    result["inserted"])  # fmt: skip
    assert run.finished_at >= run.started_at and run.detail["pages"] == result["pages"] > 1
    assert run.detail["http"]["requests"] == result["pages"]
    newest = max(_ts(v["updated_at"]) for v in truth["valid"])
    assert get_watermark(engine, SOURCE) == newest


def test_a_second_sync_without_changes_changes_nothing(engine, sim):
    client = client_for(sim.base_url)
    sync_elapor(engine, client)
    before = db_state(engine)

    again = sync_elapor(engine, client)

    assert again["status"] == "ok"
    assert again["fetched"] >= 1  # updated_since is inclusive: the newest second comes again
    assert (again["inserted"], again["updated"], again["rejected"]) == (0, 0, 0)
    assert again["unchanged"] == again["fetched"]
    assert db_state(engine) == before


def test_lifecycle_changes_arrive_as_updates_with_new_status_events(engine, sim):
    client = client_for(sim.base_url)
    sync_elapor(engine, client)
    before = db_state(engine)
    with engine.connect() as conn:
        events_before = conn.execute(select(func.count()).select_from(ComplaintEvent)).scalar_one()

    sim.sim.tick(3 * 86400)
    result = sync_elapor(engine, client)

    truth = sim.sim.truth()
    assert result["status"] == "ok"
    moved = [v for v in truth["valid"] if v["external_id"] in before
             and _ts(v["updated_at"]) > before[v["external_id"]]["updated_at"]]  # fmt: skip
    arrived = [v for v in truth["valid"] if v["external_id"] not in before]
    assert moved and arrived
    assert result["updated"] == len(moved) and result["inserted"] == len(arrived)
    assert result["detail"]["events"] > 0
    with engine.connect() as conn:
        events_after = conn.execute(select(func.count()).select_from(ComplaintEvent)).scalar_one()
    assert events_after - events_before == result["detail"]["events"]
    assert_matches_truth(engine, truth)


def test_invalid_records_go_to_quarantine_with_their_reason(engine, sim):
    sim.sim.set_faults({"records": 0.1})
    sim.sim.tick(9 * 86400)  # records created from now on may carry a fault

    result = sync_elapor(engine, client_for(sim.base_url))

    truth = sim.sim.truth()
    kinds = {i["kind"] for i in truth["invalid"]}
    assert {"bad_date", "missing_field", "wrong_type", "missing_id", "not_object"} <= kinds, kinds
    assert result["status"] == "ok"
    assert result["rejected"] == len(truth["invalid"])
    assert_matches_truth(engine, truth)
    assert any(v["faults"] == ["unknown_kecamatan"] for v in truth["valid"])  # valid, placed by kelurahan


def test_transient_faults_are_retried_and_the_run_still_succeeds(engine, sim):
    sim.sim.set_faults(
        {"error_500": 0.2, "rate_limit": 0.1, "retry_after": 0.02, "malformed": 0.15, "timeout": 0.05}
        | {"hang_s": 1.0, "duplicate_page": 0.15, "out_of_order": 0.15}
    )
    client = client_for(sim.base_url, timeout_s=0.3, page_size=15, max_retries=10)

    result = sync_elapor(engine, client)

    assert result["status"] == "ok", result["error"]
    http = result["detail"]["http"]
    assert http["retries"] > 0 and http["requests"] > result["pages"]
    injected = sim.sim.stats()["faults_injected"]
    assert {"error_500", "rate_limit", "malformed", "duplicate_page", "out_of_order"} <= set(injected)
    sim.sim.set_faults({"transport": 0.0})
    sync_elapor(engine, client)  # the pass above was complete; this one only confirms
    assert_matches_truth(engine, sim.sim.truth())


def test_a_feed_that_keeps_failing_ends_the_run_failed_and_a_later_run_recovers(engine, sim):
    client = client_for(sim.base_url, page_size=25, max_retries=2)
    sync_elapor(engine, client)
    watermark = get_watermark(engine, SOURCE)
    sim.sim.tick(2 * 86400)
    sim.sim.set_faults({"error_500": 1.0})

    failed = sync_elapor(engine, client)

    assert failed["status"] == "failed"
    assert gc.isenabled()  # the collector, paused page by page, is back after a failure too
    assert "HTTP 500" in failed["error"] and "gave up after 3 attempts" in failed["error"]
    assert sim.base_url in failed["error"]
    assert get_watermark(engine, SOURCE) == watermark  # nothing committed, nothing skipped
    last = runs(engine)[-1]
    assert (last.status, last.error) == ("failed", failed["error"])

    sim.sim.set_faults({"error_500": 0.0})
    recovered = sync_elapor(engine, client)

    assert recovered["status"] == "ok" and recovered["inserted"] + recovered["updated"] > 0
    assert_matches_truth(engine, sim.sim.truth())


class _DiesAfter:
    """A client whose pass breaks after `pages` pages, as if the process died there."""

    def __init__(self, client: ElaporClient, pages: int, error: Exception) -> None:
        self.client, self.pages, self.error = client, pages, error
        self.stats = client.stats

    def iter_pages(self, updated_since):
        for n, page in enumerate(self.client.iter_pages(updated_since), 1):
            if n > self.pages:
                raise self.error
            yield page


def _committed_up_to(engine: Engine, truth: dict[str, Any], watermark: datetime | None) -> None:
    """Every valid record last changed before the watermark is stored as it is now."""
    if watermark is None:
        return
    stored = db_state(engine)
    for v in truth["valid"]:
        if _ts(v["updated_at"]) < watermark:
            assert v["external_id"] in stored, f"{v['external_id']} is behind the watermark but not stored"
            assert stored[v["external_id"]]["updated_at"] == _ts(v["updated_at"])


@pytest.mark.parametrize("trust_order", [True, False], ids=["per-page-watermark", "per-pass-watermark"])
def test_the_watermark_never_passes_what_was_committed(engine, sim, trust_order):
    client = client_for(sim.base_url, page_size=20, trust_page_order=trust_order)
    sync_elapor(engine, client)
    sim.sim.tick(5 * 86400)
    before = get_watermark(engine, SOURCE)

    broken = sync_elapor(engine, _DiesAfter(client, 3, RuntimeError("disk full")))

    assert broken["status"] == "failed" and "unexpected RuntimeError: disk full" in broken["error"]
    assert broken["pages"] == 3
    after = get_watermark(engine, SOURCE)
    truth = sim.sim.truth()
    if trust_order:  # ascending pages: the watermark follows each committed page
        assert after > before
    else:  # pages may come out of order: the watermark waits for the end of the pass
        assert after == before
    _committed_up_to(engine, truth, after)

    assert sync_elapor(engine, client)["status"] == "ok"
    assert_matches_truth(engine, truth)


def test_a_stop_request_ends_the_run_between_pages(engine, sim):
    calls = []

    def stop() -> bool:
        calls.append(1)
        return len(calls) >= 2

    result = sync_elapor(engine, client_for(sim.base_url, page_size=20), should_stop=stop)

    assert (result["status"], result["error"], result["pages"]) == ("failed", STOPPED, 2)
    assert gc.isenabled()
    assert runs(engine)[-1].status == "failed"
    sync_elapor(engine, client_for(sim.base_url, page_size=20))
    assert_matches_truth(engine, sim.sim.truth())


def test_a_wrong_token_fails_at_once_with_a_clear_error(engine, sim):
    client = ElaporClient(sim.base_url, "wrong", 2.0, 50, 5, backoff_s=0.01)

    result = sync_elapor(engine, client)

    assert result["status"] == "failed" and "401" in result["error"] and "ELAPOR_TOKEN" in result["error"]
    assert result["detail"]["http"]["requests"] == 1  # no retry can fix a refused token


def test_an_unreachable_feed_is_a_failed_run_not_an_exception(engine):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once the socket closes
    result = sync_elapor(engine, client_for(f"http://127.0.0.1:{port}", max_retries=1))
    assert result["status"] == "failed" and "connection failed" in result["error"]
    assert f"127.0.0.1:{port}" in result["error"]


# ------------------------------------------------------------------------ Open311 ----


class _GeoReport:
    """A minimal GeoReport v2 server: services.json, and requests.json filtered by requested_datetime."""

    def __init__(self) -> None:
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        from urllib.parse import parse_qs, urlsplit

        self.requests: list[dict[str, Any]] = []
        self.windows: list[tuple[datetime, datetime]] = []
        self.fail = False
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
                if outer.fail:
                    return self._send(500, {"errors": "down"})
                if parts.path.endswith("/services.json"):
                    return self._send(200, [{"service_code": "PJU", "service_name": "Lampu Jalan Mati"}])
                start, end = _ts(query["start_date"]), _ts(query["end_date"])
                outer.windows.append((start, end))
                body = [r for r in outer.requests if start <= _ts(r["requested_datetime"]) <= end]
                return self._send(200, sorted(body, key=lambda r: r["requested_datetime"], reverse=True))

            def _send(self, status: int, payload: Any) -> None:
                import json

                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/open311/v2"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def add(self, n: int, requested: datetime, status: str = "open", notes: str = "", **extra: Any) -> None:
        self.requests.append(
            {
                "service_request_id": f"OS-{n}",
                "status": status,
                "status_notes": notes,
                "service_code": "PJU",
                "description": f"Lampu mati di gang {n}",
                "agency_responsible": "Dinas Perkim",
                "requested_datetime": requested.isoformat(),
                "updated_datetime": requested.isoformat(),
                "address": "Jl. Merdeka, Kelurahan Talang Semut, Kecamatan Bukit Kecil",
                "lat": -2.99,
                "long": 104.75,
                **extra,
            }
        )

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def georeport() -> Iterator[_GeoReport]:
    server = _GeoReport()
    yield server
    server.stop()


def test_open311_sync_reads_windows_of_90_days_upserts_and_follows_status_changes(engine, georeport):
    from data_sources.open311 import Open311Client
    from jobs.sync_elapor import sync_open311

    now = datetime.now(UTC).replace(microsecond=0)
    for n, days_ago in enumerate((300, 200, 100, 40, 2)):
        georeport.add(n, now - timedelta(days=days_ago))
    georeport.add(9, now - timedelta(days=5), lat="selatan")  # invalid: a word for a latitude
    client = Open311Client(georeport.url, "", 2.0, 2, backoff_s=0.01)

    first = sync_open311(engine, client, now=now)

    assert first["status"] == "ok", first["error"]
    assert (first["inserted"], first["rejected"]) == (5, 1)
    assert all(end - start <= timedelta(days=90) for start, end in georeport.windows)
    assert georeport.windows[0][0] == now - timedelta(days=365) and georeport.windows[-1][1] == now
    assert get_watermark(engine, "open311") == now
    assert set(db_state(engine, "open311")) == {f"OS-{n}" for n in range(5)}

    # The request from 40 days ago is closed: re-reading the 90-day look-back finds the change.
    later = now + timedelta(hours=1)
    closed = next(r for r in georeport.requests if r["service_request_id"] == "OS-3")
    closed.update(status="closed", status_notes="Lampu sudah diganti", updated_datetime=later.isoformat())
    georeport.windows.clear()

    second = sync_open311(engine, client, now=later)

    assert second["status"] == "ok"
    assert (second["inserted"], second["updated"]) == (0, 1) and second["unchanged"] >= 1
    assert georeport.windows[0][0] == later - timedelta(days=90)
    state = db_state(engine, "open311")["OS-3"]
    assert state["status"] in ("selesai", "ditutup") and state["history"][-1][1] == state["status"]


def test_open311_failure_keeps_the_watermark(engine, georeport):
    from data_sources.open311 import Open311Client
    from jobs.sync_elapor import sync_open311

    now = datetime.now(UTC).replace(microsecond=0)
    georeport.add(1, now - timedelta(days=3))
    client = Open311Client(georeport.url, "", 2.0, 1, backoff_s=0.01)
    assert sync_open311(engine, client, now=now)["status"] == "ok"
    georeport.fail = True

    failed = sync_open311(engine, client, now=now + timedelta(hours=1))

    assert failed["status"] == "failed" and "HTTP 500" in failed["error"]
    assert get_watermark(engine, "open311") == now
    assert runs(engine)[-1].job_id == "sync_open311"
