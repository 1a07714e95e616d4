"""Camera registry edits from the admin page (store/camera_admin.py) on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from data_sources.boundaries import make_locator
from data_sources.camera_registry import parse_yaml
from store import camera_admin as ca
from store import cameras as cam
from store.models import Camera

NOW = datetime(2026, 11, 29, 3, 0, tzinfo=UTC)
INTERVAL = 60.0
REGISTRY = """
- {code: rtsp-1, name: Simpang Charitas, lat: -2.9768, lon: 104.7543, scope: publik,
   url: 'rtsp://cam:rahasia@10.0.0.5:554/s1', agency: Diskominfo}
- {code: hls-1, name: Jembatan Ampera, lat: -2.9916, lon: 104.7635, scope: internal,
   url: 'http://10.0.0.6/cam1/index.m3u8'}
- {code: jpg-1, name: Masjid Agung, lat: -2.9886, lon: 104.7603, url: 'http://10.0.0.7/snap.jpg',
   enabled: false}
"""


def _import(engine) -> dict[str, int]:
    report = parse_yaml(REGISTRY, "t.yaml", make_locator(None))
    assert not report.errors, report.errors
    with engine.begin() as conn:
        cam.upsert_cameras(conn, report.specs, "t.yaml")
        return dict(conn.execute(select(Camera.code, Camera.id)).all())


@pytest.fixture
def ids(engine) -> dict[str, int]:
    return _import(engine)


def _due(engine, at=NOW) -> set[int]:
    with engine.connect() as conn:
        return {d.camera_id for d in cam.due_targets(conn, at)}


def test_the_list_holds_disabled_cameras_too_with_kind_scope_and_status(engine, ids):
    rows = {r["code"]: r for r in ca.camera_rows(engine, NOW, INTERVAL)}
    assert set(rows) == {"rtsp-1", "hls-1", "jpg-1"}
    assert rows["jpg-1"]["enabled"] is False and rows["rtsp-1"]["enabled"] is True
    assert (rows["rtsp-1"]["kind"], rows["hls-1"]["kind"]) == ("rtsp", "hls")
    assert (rows["rtsp-1"]["scope"], rows["hls-1"]["scope"]) == ("publik", "internal")
    assert {r["status"] for r in rows.values()} == {"unknown"}  # never tried yet
    assert rows["rtsp-1"]["kecamatan_name"]  # located by the (centroid) locator
    assert rows["rtsp-1"]["agency"]


def test_an_edit_changes_only_what_differs_and_says_what_it_changed(engine, ids):
    changes = ca.update_camera(
        engine,
        ids["hls-1"],
        name="  Jembatan   Ampera Hulu ",
        url="https://10.0.0.6/cam1/index.m3u8",
        scope="publik",
    )
    assert changes == {
        "name": ("Jembatan Ampera", "Jembatan Ampera Hulu"),
        "url": ("http://10.0.0.6/cam1/index.m3u8", "https://10.0.0.6/cam1/index.m3u8"),
        "scope": ("internal", "publik"),
    }
    again = ca.update_camera(engine, ids["hls-1"], name="Jembatan Ampera Hulu", scope="publik", enabled=True)
    assert again == {}
    stored = ca.get_camera(engine, ids["hls-1"])
    assert (stored["name"], stored["scope"], stored["url"]) == (
        "Jembatan Ampera Hulu",
        "publik",
        "https://10.0.0.6/cam1/index.m3u8",
    )


def test_disabling_takes_the_camera_out_of_the_next_cycle_and_enabling_brings_it_back(engine, ids):
    assert _due(engine) == {ids["rtsp-1"], ids["hls-1"]}
    ca.update_camera(engine, ids["rtsp-1"], enabled=False)
    ca.update_camera(engine, ids["jpg-1"], enabled=True)
    assert _due(engine) == {ids["hls-1"], ids["jpg-1"]}


def test_a_new_url_ends_the_backoff_of_a_failing_camera(engine, ids):
    outcomes = [
        cam.CheckOutcome(ids["hls-1"], NOW + timedelta(minutes=i), "offline", "refused", 5) for i in range(4)
    ]
    with engine.begin() as conn:
        for o in outcomes:
            cam.record_cycle(conn, [o], INTERVAL)
    later = NOW + timedelta(minutes=5)
    assert ids["hls-1"] not in _due(engine, later)  # backing off after four failures
    ca.update_camera(engine, ids["hls-1"], name="Ampera")  # a new name alone keeps the backoff
    assert ids["hls-1"] not in _due(engine, later)
    ca.update_camera(engine, ids["hls-1"], url="http://10.0.0.16/cam1/index.m3u8")
    assert ids["hls-1"] in _due(engine, later)


def test_a_new_url_forgets_the_old_urls_validator(engine, ids):
    jpg = ids["jpg-1"]
    frame = cam.CheckOutcome(jpg, NOW, "online", None, 5, validator='ETag: "v1"')
    with engine.begin() as conn:
        cam.record_cycle(conn, [frame], INTERVAL)

    def validator():
        with engine.connect() as conn:
            return {d.camera_id: d.validator for d in cam.due_targets(conn, NOW)}.get(jpg)

    ca.update_camera(engine, jpg, enabled=True, name="Masjid Agung SMB")
    assert validator() == 'ETag: "v1"'
    ca.update_camera(engine, jpg, url="http://10.0.0.8/snap.jpg")
    assert validator() is None  # the new URL is asked plainly: its 304 could not mean our frame


@pytest.mark.parametrize(
    ("code", "fields", "field", "error"),
    [
        ("rtsp-1", {"url": "http://10.0.0.5/s1"}, "url", "url_scheme"),
        ("hls-1", {"url": "rtsp://10.0.0.6/cam1"}, "url", "url_scheme"),
        ("jpg-1", {"url": "ftp://10.0.0.7/snap.jpg"}, "url", "url_scheme"),
        ("jpg-1", {"url": "javascript:alert(1)"}, "url", "url_scheme"),
        ("hls-1", {"url": "http:///cam1/index.m3u8"}, "url", "url_host"),
        ("hls-1", {"url": "http://10.0.0.6:port/x.m3u8"}, "url", "url_host"),
        ("hls-1", {"url": "http://10.0.0.6/cam 1/index.m3u8"}, "url", "url_space"),
        ("hls-1", {"url": "   "}, "url", "url_empty"),
        ("hls-1", {"url": "http://h/" + "x" * 500}, "url", "url_long"),
        ("hls-1", {"name": " \t "}, "name", "name_empty"),
        ("hls-1", {"name": "n" * 121}, "name", "name_long"),
        ("hls-1", {"scope": "rahasia"}, "scope", "scope_unknown"),
        # one bad field refuses the whole edit: the good name is not written either
        ("hls-1", {"name": "Nama Baru", "url": "rtsp://x/y"}, "url", "url_scheme"),
    ],
)
def test_a_bad_edit_is_refused_naming_the_field_and_nothing_is_written(
    engine, ids, code, fields, field, error
):
    before = ca.get_camera(engine, ids[code])
    with pytest.raises(ca.CameraEditError) as caught:
        ca.update_camera(engine, ids[code], **fields)
    assert (caught.value.field, caught.value.code) == (field, error)
    assert str(caught.value).startswith(f"{field}: ")
    assert ca.get_camera(engine, ids[code]) == before


def test_rtsps_and_https_are_accepted_for_their_kinds(engine, ids):
    assert ca.update_camera(engine, ids["rtsp-1"], url="rtsps://10.0.0.5:322/s1")
    assert ca.update_camera(engine, ids["jpg-1"], url="HTTPS://kamera.palembang.go.id/snap.jpg")


def test_an_unknown_camera_is_refused(engine, ids):
    with pytest.raises(ca.CameraEditError) as caught:
        ca.update_camera(engine, max(ids.values()) + 99, enabled=False)
    assert caught.value.code == "no_camera"


def test_a_registry_import_keeps_what_an_admin_edited_and_updates_the_rest(engine, ids):
    ca.update_camera(engine, ids["rtsp-1"], name="Diganti Admin", enabled=False)
    with engine.begin() as conn:  # the registry moves the camera meanwhile (a field the admin left)
        conn.execute(
            Camera.__table__.update().where(Camera.id == ids["rtsp-1"]).values(lat=-2.5, scope="internal")
        )
    _import(engine)
    stored = ca.get_camera(engine, ids["rtsp-1"])
    assert (stored["name"], stored["enabled"]) == ("Diganti Admin", False)  # the admin's edits stay
    assert stored["scope"] == "publik"  # not edited by an admin: the registry's value comes back
    with engine.connect() as conn:
        row = conn.execute(select(Camera.lat, Camera.admin_fields).where(Camera.id == ids["rtsp-1"])).one()
    assert row.lat != -2.5 and row.admin_fields == "enabled,name"
    specs = parse_yaml(REGISTRY, "t.yaml", make_locator(None)).specs
    with engine.begin() as conn:
        counts = cam.upsert_cameras(conn, specs, "t.yaml")
    assert (counts.kept, counts.updated) == (1, 0)  # reported as kept, and nothing left to update
