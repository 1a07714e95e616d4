"""The e-Lapor simulator: its lifecycle, determinism, admin switches, and agreement with validation."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
import requests

from data_sources.elapor import ElaporClient
from data_sources.mapping import elapor_to_raw
from data_sources.records import Rejection
from data_sources.validate import NormalizeContext, validate
from demo.elapor_sim import build_sim, parse_start, running
from demo.elapor_sim_api import SimClock
from demo.elapor_sim_faults import RECORD_FAULTS, TRANSPORT_FAULTS, Faults

WIB = timezone(timedelta(hours=7))
START = datetime(2026, 10, 1, tzinfo=WIB)
TOKEN = "sim-test-token"
ROOT = Path(__file__).resolve().parents[2]


def get(url: str, path: str, token: str | None = TOKEN, **params) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.get(url + path, params=params, headers=headers, timeout=10)


def read_all(url: str, since: datetime | None = None) -> list:
    c = ElaporClient(url, TOKEN, 2.0, 500, 3, backoff_s=0.01)
    return list(c.iter_pages(since))


def test_the_same_seed_and_start_give_the_same_world():
    one, two = build_sim(complaints=200, seed=4, start=START), build_sim(complaints=200, seed=4, start=START)
    other = build_sim(complaints=200, seed=5, start=START)
    assert one.truth() == two.truth()
    assert one.complaints({"limit": ["100"]}).body == two.complaints({"limit": ["100"]}).body
    assert one.truth()["valid"] != other.truth()["valid"]


def test_complaints_arrive_and_move_through_their_lifecycle_as_time_passes():
    sim = build_sim(complaints=300, seed=2, start=START, days=20)
    before = {r["external_id"]: r for r in sim.truth()["valid"]}
    for _ in range(4):
        sim.tick(6 * 3600)
    after = {r["external_id"]: r for r in sim.truth()["valid"]}
    assert len(after) > len(before)  # new complaints
    moved = [k for k, r in before.items() if after[k]["status"] != r["status"]]
    assert moved
    for k in moved:
        old, new = before[k]["history"], after[k]["history"]
        assert new[: len(old)] == old and len(new) > len(old)  # history grows, never rewritten
        assert new[-1]["status"] == after[k]["status"]
        assert after[k]["updated_at"] > before[k]["updated_at"]
    order = ["baru", "diverifikasi", "diteruskan", "ditindaklanjuti"]
    for r in after.values():
        statuses = [h["status"] for h in r["history"]]
        assert statuses[0] == "baru"
        assert [s for s in statuses if s in order] == sorted(
            (s for s in statuses if s in order), key=order.index
        )
        assert (r["outcome"] is None) == (r["status"] in order)
        assert [h["at"] for h in r["history"]] == sorted(h["at"] for h in r["history"])


def test_items_look_like_an_elapor_export():
    with running(complaints=150, seed=1, token=TOKEN, start=START) as (_server, url):
        body = get(url, "/api/v1/complaints", limit=150).json()
    item = body["data"][0]
    keys = ("id", "nomor_tiket", "jenis_laporan", "judul", "isi", "kategori", "instansi_tujuan",
            "kecamatan", "kelurahan", "lokasi", "kanal", "anonim", "rahasia", "pelapor", "status", "hasil",
            "tanggal_dibuat", "tanggal_diperbarui", "riwayat")  # fmt: skip
    assert set(keys) <= set(item)
    assert item["tanggal_dibuat"].endswith("+07:00")
    assert set(item["pelapor"]) == {"nama", "telepon", "email", "nik"}
    assert {"waktu", "status", "catatan"} <= set(item["riwayat"][0])
    assert body["meta"]["next_cursor"] is None and body["meta"]["count"] == 150
    labels = Counter(i["status"] for i in body["data"])
    assert "Belum Terverifikasi" in labels or "Terverifikasi" in labels
    assert any("@" in i["isi"] or "08" in i["isi"] for i in body["data"])  # some text carries contact details


def test_the_truth_is_what_validation_makes_of_the_feed():
    faults = {name: 0.05 for name in RECORD_FAULTS}
    with running(complaints=1500, seed=9, token=TOKEN, start=START, faults=faults) as (server, url):
        server.sim.tick(24 * 3600)
        pages = read_all(url)
        truth = server.sim.truth()
    ctx = NormalizeContext.from_reference("salt")
    records, rejected = {}, [r for p in pages for r in p.rejected]
    for raw in (raw for p in pages for raw in p.items):
        result = validate(raw, "elapor", ctx)
        if isinstance(result, Rejection):
            rejected.append(result)
        else:
            records[result.external_id] = result
    valid = {r["external_id"]: r for r in truth["valid"]}
    assert set(records) == set(valid)
    for key, expected in valid.items():
        got = records[key]
        assert got.status == expected["status"] and got.outcome == expected["outcome"], key
        assert [(h.at.isoformat(), h.status) for h in got.history] == [
            (h["at"], h["status"]) for h in expected["history"]
        ], key
        assert (got.kecamatan_code, got.kelurahan_code) == (
            expected["kecamatan_code"],
            expected["kelurahan_code"],
        )
    kinds = Counter(r["kind"] for r in truth["invalid"])
    assert set(kinds) == set(RECORD_FAULTS) - {"unknown_kecamatan"}  # every invalid kind occurred
    assert any(
        r["faults"] == ["unknown_kecamatan"] for r in truth["valid"]
    )  # valid, place from the kelurahan
    by_id = {r.external_id: r for r in rejected if r.external_id}
    assert len(rejected) == len(truth["invalid"])
    for expected in truth["invalid"]:
        if expected["external_id"]:
            assert by_id[expected["external_id"]].field == expected["field"], expected


def test_record_faults_changed_at_run_time_apply_to_new_records_only():
    with running(complaints=200, seed=6, token=TOKEN, start=START) as (_server, url):
        before = requests.get(url + "/_admin/truth", timeout=10).json()
        resp = requests.post(url + "/_admin/faults", json={"records": 1.0}, timeout=5)
        assert resp.status_code == 200 and resp.json()["bad_date"] == 1.0
        requests.post(url + "/_admin/tick", json={"seconds": 48 * 3600}, timeout=5)
        after = requests.get(url + "/_admin/truth", timeout=10).json()
    assert before["invalid"] == []
    old = {r["external_id"] for r in before["valid"]}
    assert old <= {r["external_id"] for r in after["valid"]}  # existing records keep their validity
    assert after["invalid"] and all(r["sim_id"] not in old for r in after["invalid"])


def test_admin_switches_are_checked_and_named():
    with running(complaints=50, seed=1, token=TOKEN, start=START) as (_server, url):
        bad = requests.post(url + "/_admin/faults", json={"eror_500": 0.5}, timeout=5)
        assert bad.status_code == 400 and "'eror_500'" in bad.json()["message"]
        bad = requests.post(url + "/_admin/faults", json={"error_500": 1.5}, timeout=5)
        assert bad.status_code == 400 and "probability" in bad.json()["message"]
        good = requests.post(url + "/_admin/faults", json={"transport": 0.25, "hang_s": 2}, timeout=5).json()
        assert all(good[name] == 0.25 for name in TRANSPORT_FAULTS) and good["hang_s"] == 2.0
        assert requests.get(url + "/_admin/faults", timeout=5).json() == good
        tick = requests.post(url + "/_admin/tick", json={"seconds": -1}, timeout=5)
        assert tick.status_code == 400


def test_the_api_checks_the_token_and_its_parameters():
    with running(complaints=50, seed=1, token=TOKEN, start=START) as (_server, url):
        assert get(url, "/api/v1/complaints", token=None).status_code == 401
        refused = get(url, "/api/v1/complaints", token="nope")
        assert refused.status_code == 401 and refused.headers["WWW-Authenticate"].startswith("Bearer")
        assert get(url, "/health", token=None).json()["status"] == "ok"
        naive = get(url, "/api/v1/complaints", updated_since="2026-09-01T00:00:00")
        assert naive.status_code == 400 and "offset" in naive.json()["message"]
        assert get(url, "/api/v1/complaints", cursor="garbage!").status_code == 400
        assert get(url, "/api/v1/complaints", limit="0").status_code == 400
        assert get(url, "/api/v1/complaints", limit="99999").json()["meta"]["limit"] == 5000
        first = get(url, "/api/v1/complaints", limit=1).json()["data"][0]
        one = get(url, f"/api/v1/complaints/{first['id']}")
        assert one.status_code == 200 and one.json()["id"] == first["id"]
        assert get(url, "/api/v1/complaints/42").status_code == 404


def test_updated_since_is_inclusive():
    with running(complaints=200, seed=8, token=TOKEN, start=START) as (_server, url):
        data = get(url, "/api/v1/complaints", limit=200).json()["data"]
        newest = max(datetime.fromisoformat(i["tanggal_diperbarui"]) for i in data)
        again = get(url, "/api/v1/complaints", updated_since=newest.isoformat()).json()["data"]
    assert again and all(datetime.fromisoformat(i["tanggal_diperbarui"]) == newest for i in again)


def test_a_timeout_fault_hangs_longer_than_the_client_waits():
    with running(complaints=50, seed=1, token=TOKEN, start=START, faults={"timeout": 1.0, "hang_s": 1.0}) as (
        server,
        url,
    ):
        started = time.monotonic()
        with pytest.raises(requests.exceptions.RequestException):
            requests.get(
                url + "/api/v1/complaints", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=0.3
            )
        assert time.monotonic() - started < 1.0
        assert server.sim.stats()["faults_injected"]["timeout"] == 1


def test_malformed_answers_are_not_the_promised_json():
    sim = build_sim(complaints=50, seed=1, start=START, faults={"malformed": 1.0})
    bodies = [sim.complaints({"limit": ["50"]}).body for _ in range(12)]
    for body in bodies:
        try:
            decoded = json.loads(body)
        except ValueError:
            continue
        assert not isinstance(decoded.get("data"), list)
    assert sim.stats()["faults_injected"]["malformed"] == 12


def test_the_wall_clock_never_runs_past_real_time():
    clock = SimClock(int(time.time()) - 3600, "wall", speed=10_000)
    assert clock.now() <= time.time()
    manual = SimClock(int(time.time()) - 3600, "manual")
    assert manual.advance(10 * 3600) <= time.time()
    assert manual.now() >= int(time.time()) - 1


def test_parse_start_reads_relative_and_absolute_times():
    now = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
    assert parse_start("-12h", now) == now - timedelta(hours=12)
    assert parse_start("-2d", now) == now - timedelta(days=2)
    assert parse_start("2026-11-01T08:00:00", now) == datetime(2026, 11, 1, 8, 0, tzinfo=WIB)
    assert parse_start(None) is None
    with pytest.raises(ValueError):
        Faults().update({"retry_after_form": "weeks"})


def test_a_large_backlog_is_served_in_pages_of_5000():
    sim = build_sim(complaints=12_000, seed=1, start=START, arrivals_per_day=0, prebuild=True)
    started = time.perf_counter()
    seen, cursor, pages = 0, None, 0
    while True:
        query = {"limit": ["5000"], **({"cursor": [cursor]} if cursor else {})}
        body = json.loads(sim.complaints(query).body)
        seen += len(body["data"])
        pages += 1
        cursor = body["meta"]["next_cursor"]
        if cursor is None:
            break
    assert (seen, pages) == (12_000, 3)
    assert time.perf_counter() - started < 10  # ~1 s on a quiet laptop


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_command_line_serves_until_sigterm(tmp_path):
    port = _free_port()
    env = {**os.environ, "ELAPOR_TOKEN": "cli-token", "DATA_DIR": str(tmp_path)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "demo.elapor_sim", "--port", str(port), "--complaints", "100", "--seed", "3",
         "--start", "-1d", "--faults", "error_500=0.0"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            assert proc.poll() is None, proc.stderr.read()
            assert time.monotonic() < deadline, "the simulator did not come up"
            time.sleep(0.1)
        page = requests.get(
            f"http://127.0.0.1:{port}/api/v1/complaints",
            headers={"Authorization": "Bearer cli-token"},
            timeout=5,
        )
        assert page.status_code == 200 and page.json()["data"]
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=10)
    assert proc.returncode == 0, err
    assert f"http://127.0.0.1:{port}/api/v1/complaints" in out


def test_the_command_line_names_a_bad_fault_switch():
    proc = subprocess.run(
        [sys.executable, "-m", "demo.elapor_sim", "--faults", "timeout=lots"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 2 and "timeout must be a number" in proc.stderr


def test_elapor_items_map_without_loss():
    sim = build_sim(complaints=30, seed=1, start=START)
    for text in (json.loads(sim.complaints({"limit": ["30"]}).body))["data"]:
        raw = elapor_to_raw(text)
        assert raw["external_id"] == text["id"] and raw["reporter_name"] == text["pelapor"]["nama"]
        assert len(raw["history"]) == len(text["riwayat"])
