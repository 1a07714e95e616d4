"""The snapshot routes serve files named by database rows only, with ETag, 304 and cache headers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask import Flask
from sqlalchemy import select, update

from store import users
from store.models import Camera
from store.models_cameras import Snapshot
from tests.conftest import signed_in
from tests.fixtures import cameras_world


@pytest.fixture
def world(app_engine, tmp_path, monkeypatch):
    snap_dir = tmp_path / "snapshots"
    snap_dir.mkdir()
    monkeypatch.setenv("SNAPSHOT_DIR", str(snap_dir))  # read when the routes first ask for settings
    return cameras_world.build(app_engine, snap_dir, datetime.now(UTC))


def _client(engine, role: str | None):
    from routes.snapshots import bp

    app = Flask(__name__)
    app.secret_key = "test-secret"
    app.register_blueprint(bp)
    client = app.test_client()
    if role is not None:
        user = users.create_user(engine, f"user_{role}", role, "kata-sandi-panjang")
        with client.session_transaction() as sess:
            signed_in(sess, user)
    return client


@pytest.fixture
def client(world, engine):
    """A logged-in member of staff: sees every camera, public or internal."""
    return _client(engine, "staf")


@pytest.fixture
def anonymous(world, engine):
    return _client(engine, None)


def test_internal_cameras_frames_are_for_staff_only(client, anonymous, world, engine):
    with engine.connect() as conn:  # closed at once: an open transaction would block the schema's drop
        scopes = dict(conn.execute(select(Camera.code, Camera.scope)).all())
    internal = [code for code, scope in scopes.items() if scope == "internal" and code in world.ids]
    public = [code for code, scope in scopes.items() if scope == "publik" and code in world.ids]
    assert internal and public
    served = 0
    for code in internal:
        cid = world.ids[code]
        staff = client.get(f"/snapshot/{cid}/latest-thumb.jpg")
        if staff.status_code == 200:  # a camera that was never captured has nothing to hide
            served += 1
            assert staff.headers["Cache-Control"].startswith("private")
        assert anonymous.get(f"/snapshot/{cid}/latest-thumb.jpg").status_code == 404
        assert anonymous.get(f"/snapshot/{cid}/latest.jpg").status_code == 404
    assert served, "the world has no captured internal camera to test with"
    with engine.connect() as conn:
        sid = conn.execute(
            select(Snapshot.id).where(Snapshot.camera_id == world.ids[internal[0]]).limit(1)
        ).scalar()
    if sid is not None:
        assert anonymous.get(f"/snapshot/frame/{sid}.jpg").status_code == 404
        assert client.get(f"/snapshot/frame/{sid}.jpg").status_code == 200
    ok = [anonymous.get(f"/snapshot/{world.ids[code]}/latest-thumb.jpg").status_code for code in public]
    assert 200 in ok


def test_latest_frame_is_served_with_etag_and_no_cache(client, world):
    cid = world.ids["cam-online-a"]
    resp = client.get(f"/snapshot/{cid}/latest.jpg")
    assert resp.status_code == 200
    assert resp.mimetype == "image/jpeg"
    assert resp.data[:2] == b"\xff\xd8"  # a JPEG
    assert resp.headers["ETag"]
    assert "no-cache" in resp.headers["Cache-Control"]
    thumb = client.get(f"/snapshot/{cid}/latest-thumb.jpg")
    assert thumb.status_code == 200 and len(thumb.data) < len(resp.data)
    assert thumb.headers["ETag"] != resp.headers["ETag"]


def test_if_none_match_gives_304_without_a_body(client, world):
    sid = world.latest["cam-online-b"]
    first = client.get(f"/snapshot/frame/{sid}.jpg")
    assert first.status_code == 200
    assert (
        "immutable" in first.headers["Cache-Control"] and "max-age=31536000" in first.headers["Cache-Control"]
    )
    again = client.get(f"/snapshot/frame/{sid}.jpg", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.data == b""
    other = client.get(f"/snapshot/frame/{sid}.jpg", headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200


def test_offline_camera_keeps_serving_its_last_good_frame(client, world):
    resp = client.get(f"/snapshot/{world.ids['cam-offline']}/latest-thumb.jpg")
    assert resp.status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/snapshot/999999/latest.jpg",
        "/snapshot/frame/999999.jpg",
        "/snapshot/frame/999999-thumb.jpg",
        "/snapshot/abc/latest.jpg",
        "/snapshot/frame/..%2F..%2Fetc%2Fpasswd.jpg",
        "/snapshot/frame/../../etc/passwd",
        "/snapshot/frame/-1.jpg",
    ],
)
def test_unknown_or_malformed_ids_are_404(client, world, url):
    assert client.get(url).status_code == 404


def test_camera_never_captured_is_404(client, world):
    assert client.get(f"/snapshot/{world.ids['cam-unknown']}/latest.jpg").status_code == 404


@pytest.mark.parametrize(
    "bad_path",
    ["../../../../etc/passwd", "/etc/passwd", "cam-online-a/../../outside.jpg", "", "cam-online-a"],
)
def test_rows_pointing_outside_the_snapshot_folder_are_not_served(client, world, engine, tmp_path, bad_path):
    (tmp_path / "outside.jpg").write_bytes(b"\xff\xd8secret")
    sid = world.latest["cam-online-a"]
    with engine.begin() as conn:
        conn.execute(update(Snapshot).where(Snapshot.id == sid).values(path=bad_path, thumb_path=bad_path))
    assert client.get(f"/snapshot/frame/{sid}.jpg").status_code == 404
    assert client.get(f"/snapshot/frame/{sid}-thumb.jpg").status_code == 404
    assert client.get(f"/snapshot/{world.ids['cam-online-a']}/latest.jpg").status_code == 404


def test_row_whose_file_was_deleted_is_404(client, world):
    sid = world.latest["cam-dark"]
    for f in (world.snapshot_dir / "cam-dark").glob("*"):
        f.unlink()
    assert client.get(f"/snapshot/frame/{sid}.jpg").status_code == 404
