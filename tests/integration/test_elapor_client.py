"""The e-Lapor client against the real simulator (and a few hostile servers) over loopback."""

from __future__ import annotations

import socket
import threading
import time
from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest
import requests
from sqlalchemy import func, select

from data_sources.elapor import ElaporClient, FeedError
from demo.elapor_sim import running

WIB = timezone(timedelta(hours=7))
START = datetime(2026, 10, 1, tzinfo=WIB)
TOKEN = "s3cret-test-token"


@pytest.fixture
def sim():
    with running(complaints=300, seed=7, token=TOKEN, start=START, days=20) as (server, url):
        yield server, url


def client(url: str, **options) -> ElaporClient:
    settings = {"timeout_s": 0.5, "page_size": 50, "max_retries": 8}
    settings.update({k: options.pop(k) for k in list(options) if k in settings})
    return ElaporClient(
        url, options.pop("token", TOKEN), **settings, backoff_s=0.01, backoff_max_s=0.05, **options
    )


def set_faults(url: str, **faults) -> dict:
    resp = requests.post(f"{url}/_admin/faults", json=faults, timeout=5)
    assert resp.status_code == 200, resp.text
    return resp.json()


def truth(url: str) -> dict:
    return requests.get(f"{url}/_admin/truth", timeout=10).json()


def stats(url: str) -> dict:
    return requests.get(f"{url}/_admin/stats", timeout=5).json()


def delivered_ids(pages) -> list[str]:
    return [str(raw["external_id"]) for page in pages for raw in page.items]


def truth_ids(t: dict) -> set[str]:
    return {r["external_id"] for r in t["valid"]} | {
        r["external_id"] for r in t["invalid"] if r["external_id"]
    }


def newest(t: dict) -> datetime:
    return max(datetime.fromisoformat(r["updated_at"]) for r in t["valid"] + t["invalid"])


# ----------------------------------------------------------------------- paging ----


def test_pages_through_every_record_once_with_the_cursor(sim):
    _server, url = sim
    pages = list(client(url).iter_pages(None))
    t = truth(url)
    ids = delivered_ids(pages)
    assert len(pages) >= 6
    assert len(ids) == len(set(ids)) == 300
    assert set(ids) == truth_ids(t)
    assert [p.cursor is None for p in pages] == [False] * (len(pages) - 1) + [True]
    # Only the end of the pass carries a watermark: the newest change of everything read.
    assert all(p.max_updated_at is None for p in pages[:-1])
    assert pages[-1].max_updated_at == newest(t)


def test_trusting_the_page_order_gives_a_rising_watermark_on_every_page(sim):
    _server, url = sim
    pages = list(client(url, trust_page_order=True).iter_pages(None))
    marks = [p.max_updated_at for p in pages]
    assert None not in marks and marks == sorted(marks)
    assert marks[-1] == newest(truth(url))


def test_incremental_sync_reads_only_what_changed_since_the_watermark(sim):
    _server, url = sim
    c = client(url)
    first = list(c.iter_pages(None))
    watermark = first[-1].max_updated_at
    before = {r["external_id"]: r for r in truth(url)["valid"]}
    resp = requests.post(f"{url}/_admin/tick", json={"seconds": 12 * 3600}, timeout=5)
    assert resp.status_code == 200
    after = truth(url)
    second = list(c.iter_pages(watermark))
    ids = set(delivered_ids(second))

    expected = {
        r["external_id"] for r in after["valid"] if datetime.fromisoformat(r["updated_at"]) >= watermark
    }
    assert ids == expected
    assert len(ids) < 300  # not everything again
    new = {r["external_id"] for r in after["valid"]} - set(before)
    moved = {k for k, r in before.items() if k in ids and r["status"] != after_status(after, k)}
    assert new and new <= ids  # complaints that arrived meanwhile
    assert moved  # and old ones whose status moved on
    assert second[-1].max_updated_at > watermark


def after_status(t: dict, external_id: str) -> str:
    return next(r["status"] for r in t["valid"] if r["external_id"] == external_id)


def test_duplicate_and_out_of_order_pages_still_deliver_everything(sim):
    _server, url = sim
    set_faults(url, duplicate_page=0.3, out_of_order=0.5)
    pages = list(client(url).iter_pages(None))
    ids = delivered_ids(pages)
    injected = stats(url)["faults_injected"]
    assert injected.get("duplicate_page", 0) >= 1 and injected.get("out_of_order", 0) >= 1
    assert len(ids) > len(set(ids))  # duplicates arrived ...
    assert set(ids) == truth_ids(truth(url))  # ... and nothing is missing
    assert all(p.max_updated_at is None for p in pages[:-1])
    assert pages[-1].max_updated_at == newest(truth(url))


def test_items_that_are_not_objects_or_have_no_id_become_rejections(tmp_path):
    faults = {"missing_id": 0.1, "not_object": 0.1}
    with running(complaints=300, seed=3, token=TOKEN, start=START, faults=faults) as (_server, url):
        pages = list(client(url).iter_pages(None))
        t = truth(url)
    rejected = [r for p in pages for r in p.rejected]
    kinds = Counter(r["kind"] for r in t["invalid"])
    assert len(rejected) == kinds["missing_id"] + kinds["not_object"] > 0
    assert Counter(r.field for r in rejected) == {
        "external_id": kinds["missing_id"],
        None: kinds["not_object"],
    }
    for r in rejected:
        assert r.source == "elapor" and r.external_id is None and r.reason
        text = str(r.payload)
        # Identity never travels in a rejection: no reporter fields, no name from `pelapor`.
        assert "pelapor" not in text and "reporter" not in text
    assert any("encoded twice" in r.reason for r in rejected)


# ---------------------------------------------------------------------- retries ----


@pytest.mark.parametrize("fault", ["error_500", "malformed", "timeout"])
def test_transient_failures_are_retried_until_the_page_comes(sim, fault):
    _server, url = sim
    set_faults(url, **{fault: 0.5}, hang_s=1.0)
    c = client(url, timeout_s=0.3)
    pages = list(c.iter_pages(None))
    assert set(delivered_ids(pages)) == truth_ids(truth(url))
    injected = stats(url)["faults_injected"].get(fault, 0)
    assert injected >= 1
    assert c.stats["retries"] == injected


def test_gives_up_after_max_retries_with_a_feed_error_naming_the_url(sim):
    _server, url = sim
    set_faults(url, error_500=1.0)
    started = time.monotonic()
    with pytest.raises(FeedError) as caught:
        list(client(url, max_retries=2).iter_pages(datetime(2026, 9, 20, tzinfo=WIB)))
    message = str(caught.value)
    assert f"GET {url}/api/v1/complaints?limit=50&updated_since=2026-09-19T17%3A00%3A00%2B00%3A00" in message
    assert "HTTP 500" in message and "3 attempts" in message
    assert caught.value.status == 500 and caught.value.attempts == 3
    assert stats(url)["requests"]["GET /api/v1/complaints"] == 3
    assert time.monotonic() - started < 2


def test_429_waits_at_least_the_retry_after_it_was_given(sim):
    _server, url = sim
    set_faults(url, rate_limit=1.0, retry_after=0.4)
    started = time.monotonic()
    with pytest.raises(FeedError, match="HTTP 429"):
        list(client(url, max_retries=2).iter_pages(None))
    waited = time.monotonic() - started
    assert 0.8 <= waited < 0.8 + 1.0  # two waits of 0.4 s, not the 0.01 s backoff


def test_429_retry_after_as_an_http_date_is_honoured(sim):
    _server, url = sim
    set_faults(url, rate_limit=1.0, retry_after=1, retry_after_form="http-date")
    started = time.monotonic()
    with pytest.raises(FeedError, match="HTTP 429"):
        list(client(url, max_retries=1).iter_pages(None))
    # The date is rounded up to a whole second: between one and two seconds away.
    assert 0.95 <= time.monotonic() - started < 2.6


def test_429_retry_after_is_capped(sim):
    _server, url = sim
    set_faults(url, rate_limit=1.0, retry_after=600)
    started = time.monotonic()
    with pytest.raises(FeedError, match="HTTP 429"):
        list(client(url, max_retries=2, retry_after_cap_s=0.2).iter_pages(None))
    assert 0.4 <= time.monotonic() - started < 1.5


def test_sync_finishes_when_some_requests_are_rate_limited(sim):
    _server, url = sim
    set_faults(url, rate_limit=0.3, retry_after=0.1)
    c = client(url)
    started = time.monotonic()
    pages = list(c.iter_pages(None))
    assert set(delivered_ids(pages)) == truth_ids(truth(url))
    limited = c.stats["rate_limited"]
    assert limited >= 1
    assert time.monotonic() - started >= 0.1 * limited


# ------------------------------------------------------------------ time limits ----


def test_a_server_that_accepts_and_never_answers_fails_within_the_timeout_budget():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)  # the kernel accepts the connection; nobody ever answers
        url = f"http://127.0.0.1:{listener.getsockname()[1]}"
        started = time.monotonic()
        with pytest.raises(FeedError, match="timed out") as caught:
            list(client(url, timeout_s=0.3, max_retries=1).iter_pages(None))
    assert time.monotonic() - started < 0.3 * 2 + 0.6
    assert url in str(caught.value) and "2 attempts" in str(caught.value)


def test_a_server_that_trickles_its_body_is_cut_off_by_the_body_deadline():
    stop = threading.Event()
    listener = socket.create_server(("127.0.0.1", 0))

    def trickle() -> None:
        conn, _ = listener.accept()
        with conn:
            conn.sendall(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n"
            )
            # A byte every 0.1 s: no single read waits long enough to time out.
            while not stop.wait(0.1):
                try:
                    conn.sendall(b" ")
                except OSError:
                    return

    thread = threading.Thread(target=trickle, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    started = time.monotonic()
    try:
        with pytest.raises(FeedError, match=r"not finished within 0\.9 s"):
            list(client(url, timeout_s=0.3, max_retries=0).iter_pages(None))
        assert time.monotonic() - started < 2
    finally:
        stop.set()
        listener.close()
        thread.join(timeout=2)


def test_nothing_listening_is_a_connection_error_after_the_retries():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    with pytest.raises(FeedError, match="connection failed") as caught:
        list(client(f"http://127.0.0.1:{port}", max_retries=1).iter_pages(None))
    assert caught.value.attempts == 2


# ------------------------------------------------------------------------ token ----


def test_a_wrong_token_is_refused_at_once_with_a_clear_error(sim):
    _server, url = sim
    with pytest.raises(FeedError) as caught:
        list(client(url, token="wrong").iter_pages(None))
    message = str(caught.value)
    assert "HTTP 401" in message and "token was refused" in message and "ELAPOR_TOKEN" in message
    assert "wrong" not in message.split("refused", 1)[1]  # the token itself is never echoed
    assert caught.value.attempts == 1
    assert stats(url)["requests"]["unauthorised"] == 1  # no retries of a refused token


def test_no_token_configured_fails_before_any_request(sim):
    _server, url = sim
    with pytest.raises(FeedError, match="no e-Lapor token configured"):
        list(client(url, token="  ").iter_pages(None))
    assert "GET /api/v1/complaints" not in stats(url)["requests"]


def test_the_client_never_shows_its_token():
    c = ElaporClient("http://127.0.0.1:9", "very-secret", 1.0, 10, 0)
    assert "very-secret" not in repr(c)


# ------------------------------------------------------------------ into the DB ----


def test_a_sync_with_faults_stores_exactly_the_simulators_truth(engine):
    from jobs.sync_elapor import sync_elapor
    from store.models import Complaint, ComplaintEvent, RejectedRecord

    faults = {"error_500": 0.15, "malformed": 0.1, "duplicate_page": 0.2, "out_of_order": 0.2,
              "bad_date": 0.03, "wrong_type": 0.03, "missing_field": 0.03, "missing_id": 0.03,
              "not_object": 0.03, "unknown_kecamatan": 0.05}  # fmt: skip
    with running(complaints=400, seed=11, token=TOKEN, start=START, faults=faults) as (server, url):
        c = client(url, page_size=60)
        for _ in range(3):
            result = sync_elapor(engine, c, "elapor")
            assert result["status"] == "ok", result
            server.sim.tick(8 * 3600)
        result = sync_elapor(engine, c, "elapor")
        assert result["status"] == "ok", result
        t = server.sim.truth()

    with engine.connect() as conn:
        rows = {r.external_id: r for r in conn.execute(select(Complaint).where(Complaint.source == "elapor"))}
        events = Counter(
            conn.execute(
                select(Complaint.external_id).join(
                    ComplaintEvent, ComplaintEvent.complaint_id == Complaint.id
                )
            ).scalars()
        )
        quarantined = conn.execute(
            select(RejectedRecord.external_id, RejectedRecord.field).where(RejectedRecord.source == "elapor")
        ).all()
        total_q = conn.execute(select(func.count()).select_from(RejectedRecord)).scalar()
    valid = {r["external_id"]: r for r in t["valid"]}
    assert set(rows) == set(valid)
    for key, expected in valid.items():
        assert rows[key].status == expected["status"], key
        assert rows[key].kecamatan_code == expected["kecamatan_code"], key
        assert events[key] == len(expected["history"]), key
    with_id = {(r["external_id"], r["field"]) for r in t["invalid"] if r["external_id"]}
    assert {q for q in quarantined if q[0] is not None} == with_id
    assert total_q == len(t["invalid"])  # id-less ones too, each once
