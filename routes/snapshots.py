"""Snapshot images: a camera's latest frame and any stored frame by id, with ETag and Cache-Control.

The file path comes only from the snapshot row, joined to SNAPSHOT_DIR and checked to stay inside
it; the request supplies integer ids and nothing else.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, request, send_file

from components.access import STAFF
from config import get_settings
from routes.files import file_inside
from routes.guard import current_role
from store.camera_read import SnapshotFile, latest_snapshot_file, snapshot_file
from store.db import get_engine

bp = Blueprint("snapshots", __name__)

PUBLIC_SCOPE = "publik"

# The latest frame changes every cycle: revalidate each time (cheap with the ETag).
LATEST_CACHE = "no-cache"
# A frame by id never changes: its bytes are fixed once written.
FRAME_CACHE = "public, max-age=31536000, immutable"
# Flask's int converter takes any length; past a BIGINT the database driver raises (a 500).
MAX_DB_ID = 2**63 - 1


def _serve(row: SnapshotFile | None, thumb: bool, cache_control: str) -> Response:
    # An internal camera's frames are for staff only; to anyone else it does not exist (a 404,
    # so that camera ids cannot be probed for which are internal).
    if row is None or (row.scope != PUBLIC_SCOPE and current_role() not in STAFF):
        abort(404)
    path = file_inside(get_settings().snapshot_dir, row.thumb_path if thumb else row.path)
    if path is None:
        abort(404)
    etag = f"{row.etag}-t" if thumb else row.etag
    if request.if_none_match.contains(etag):
        resp = Response(status=304)
    else:
        resp = send_file(path, mimetype="image/jpeg", conditional=False, etag=False, max_age=None)
    resp.set_etag(etag)
    # An internal frame must not sit in a shared cache where an anonymous request could hit it.
    if row.scope != PUBLIC_SCOPE:
        cache_control = (
            cache_control.replace("public", "private")
            if "public" in cache_control
            else f"private, {cache_control}"
        )
    resp.headers["Cache-Control"] = cache_control
    resp.last_modified = row.taken_at
    return resp


def _latest(camera_id: int) -> SnapshotFile | None:
    return latest_snapshot_file(get_engine(), camera_id) if camera_id <= MAX_DB_ID else None


def _frame(snapshot_id: int) -> SnapshotFile | None:
    return snapshot_file(get_engine(), snapshot_id) if snapshot_id <= MAX_DB_ID else None


@bp.get("/snapshot/<int:camera_id>/latest.jpg")
def latest(camera_id: int) -> Response:
    return _serve(_latest(camera_id), False, LATEST_CACHE)


@bp.get("/snapshot/<int:camera_id>/latest-thumb.jpg")
def latest_thumb(camera_id: int) -> Response:
    return _serve(_latest(camera_id), True, LATEST_CACHE)


@bp.get("/snapshot/frame/<int:snapshot_id>.jpg")
def frame(snapshot_id: int) -> Response:
    return _serve(_frame(snapshot_id), False, FRAME_CACHE)


@bp.get("/snapshot/frame/<int:snapshot_id>-thumb.jpg")
def frame_thumb(snapshot_id: int) -> Response:
    return _serve(_frame(snapshot_id), True, FRAME_CACHE)
