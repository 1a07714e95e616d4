"""python -m jobs.import_cameras on SQLite and PostgreSQL: files, a portal URL on loopback, re-imports."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from data_sources.boundaries import make_locator
from data_sources.camera_registry import RegistryError
from jobs.import_cameras import import_cameras
from store.models import Agency, Camera, JobRun
from tests.integration.camera_http import CameraServer

ROOT = Path(__file__).resolve().parents[2]
LOCATE = make_locator(None)


@pytest.fixture
def server():
    s = CameraServer()
    yield s
    s.close()


def _cameras(engine) -> dict[str, dict]:
    with engine.connect() as conn:
        rows = conn.execute(select(Camera.__table__).order_by(Camera.code)).mappings().all()
    return {r["code"]: dict(r) for r in rows}


def _portal(*items) -> bytes:
    return json.dumps({"data": list(items)}).encode()


def _item(i, link, lonlat=(104.7402, -2.9555), opd="Dinas Perhubungan"):
    return {
        "cctv_id": i,
        "cctv_title": f"CCTV {i}",
        "cctv_scope": "publik",
        "cctv_status": "aktif",
        "location": {"coordinates": list(lonlat)},
        "cctv_link": link,
        "cctv_opd": {"nama_opd": opd},
    }


def test_the_repository_registry_imports_and_a_second_import_changes_nothing(engine):
    first = import_cameras(engine, ROOT / "cameras.yaml", locate=LOCATE)
    assert (first.rows, first.inserted, first.updated, first.unchanged, first.rejected) == (41, 41, 0, 0, 0)
    before = _cameras(engine)
    again = import_cameras(engine, str(ROOT / "cameras.yaml"), locate=LOCATE)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 41)
    assert _cameras(engine) == before
    assert before["bkb"]["registry_source"] == str(ROOT / "cameras.yaml")
    assert sum(r["scope"] == "publik" for r in before.values()) == 30
    with engine.connect() as conn:
        runs = conn.execute(select(JobRun.job_id, JobRun.status, JobRun.inserted, JobRun.unchanged)).all()
    assert [tuple(r) for r in runs] == [("import_cameras", "ok", 41, 0), ("import_cameras", "ok", 0, 41)]


def test_the_seeder_and_the_import_agree(engine):
    from demo.seed import seed

    assert seed(engine, complaints=0, salt="s", extra_holidays=())["cameras"] == 41
    report = import_cameras(engine, ROOT / "cameras.yaml", locate=LOCATE)
    assert (report.inserted, report.updated, report.unchanged) == (0, 0, 41)


def test_a_portal_list_over_http_imports_valid_rows_and_names_bad_ones(engine, server):
    server.files["cctv"] = (
        "application/json",
        _portal(
            _item(2, "https://stream.example.go.id/cam2/index.m3u8"),
            _item(8, "rtsp://10.0.0.8/live", opd="Kominfo"),
            _item(9, "http://10.0.0.9/snap.jpg", lonlat=(106.82, -6.17)),
            _item(10, "https://portal/cam10"),
        ),
    )
    url = f"{server.base_url}/file/cctv"
    report = import_cameras(engine, url, timeout_s=5, locate=LOCATE)
    assert (report.format, report.rows, report.inserted, report.rejected) == ("portal", 4, 2, 2)
    assert [(e.row, e.field) for e in report.errors] == [(3, "lat/lon"), (4, "kind")]
    cams = _cameras(engine)
    assert set(cams) == {"cctv-2", "cctv-8"}
    with engine.connect() as conn:
        agencies = dict(conn.execute(select(Agency.id, Agency.code)).all())
    assert (cams["cctv-2"]["kind"], cams["cctv-2"]["external_id"], agencies[cams["cctv-2"]["agency_id"]]) == (
        "hls",
        "2",
        "dishub",
    )
    assert (cams["cctv-8"]["kind"], agencies[cams["cctv-8"]["agency_id"]]) == ("rtsp", "diskominfo")
    assert cams["cctv-2"]["kecamatan_code"] == "16.71.09" and cams["cctv-2"]["registry_source"] == url
    again = import_cameras(engine, url, timeout_s=5, locate=LOCATE)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 2)
    assert _cameras(engine) == cams


def test_an_unreadable_url_is_named_and_recorded_as_a_failed_run(engine, server):
    with pytest.raises(RegistryError, match="HTTP 503"):
        import_cameras(engine, f"{server.base_url}/status/503", timeout_s=5, locate=LOCATE)
    with pytest.raises(RegistryError, match="cannot fetch"):
        import_cameras(engine, f"{server.base_url}/hang", timeout_s=0.5, locate=LOCATE)
    with engine.connect() as conn:
        runs = conn.execute(select(JobRun.status, JobRun.error)).all()
    assert [r.status for r in runs] == ["failed", "failed"] and "HTTP 503" in runs[0].error
    assert _cameras(engine) == {}


def _cli(db_url: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": db_url, "DATA_DIR": str(tmp_path / "data"), "PYTHONPATH": str(ROOT)}
    env.pop("BOUNDARIES_PATH", None)
    return subprocess.run(
        [sys.executable, "-m", "jobs.import_cameras", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_command_line_prints_problems_and_uses_exit_codes(engine, db_url, tmp_path):
    registry = tmp_path / "kamera.csv"
    registry.write_text(
        "code,name,lat,lon,url\n"
        "a,Simpang A,-2.9555,104.7402,http://10.0.0.1/a.jpg\n"
        "b,Simpang B,-6.2,106.8,http://10.0.0.2/b.jpg\n"
    )
    done = _cli(db_url, tmp_path, str(registry))
    assert done.returncode == 0, done.stderr
    assert "     3  lat/lon       b" in done.stdout and "outside Palembang" in done.stdout
    assert "2 cameras: 1 inserted, 0 updated, 0 unchanged, 1 rejected" in done.stdout
    assert set(_cameras(engine)) == {"a"}

    missing = _cli(db_url, tmp_path, str(tmp_path / "nope.yaml"))
    assert missing.returncode == 2 and "cannot read" in missing.stderr
    default = _cli(db_url, tmp_path)  # CAMERAS_FILE: the repository's cameras.yaml
    assert default.returncode == 0 and "41 cameras: 41 inserted" in default.stdout, default.stderr


def test_command_line_on_a_database_without_tables_exits_1(db_url, tmp_path):
    done = _cli(db_url, tmp_path, str(ROOT / "cameras.yaml"))
    assert done.returncode == 1 and "error:" in done.stderr
