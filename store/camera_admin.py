"""Camera registry edits from the admin page: the list with health, and checked updates of one camera.

The snapshot job reads the registry from the database every cycle (store/cameras.py due_targets),
so an edit here takes effect on the next cycle. An edit that should make the job try the camera
again soon (a new URL, re-enabling it) also clears the camera's backoff, so an admin who fixes a
dead camera's link does not wait up to ten intervals for the next try.

Each edited field is remembered in camera.admin_fields; the registry import (`python -m
jobs.import_cameras`, store.cameras.upsert_cameras) keeps those fields and updates the rest, so
an import never quietly re-enables a camera an admin switched off or puts back a corrected URL.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Engine, select, update

from store.camera_read import SCOPES, effective_status
from store.cameras import admin_field_set
from store.models import Agency, Camera, Kecamatan
from store.models_cameras import CameraState

NAME_MAX = 120  # camera.name
URL_MAX = 500  # camera.url
# The capture of each kind speaks one family of protocols (data_sources/capture*.py).
SCHEMES = {
    "rtsp": ("rtsp", "rtsps"),
    "hls": ("http", "https"),
    "mjpeg": ("http", "https"),
    "jpeg": ("http", "https"),
}


class CameraEditError(ValueError):
    """An edit was refused; `field` names the input, `code` and `params` give the words (adm.cam.err.*)."""

    def __init__(self, field: str, code: str, message: str, **params: object) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.code = code
        self.params = params


def camera_rows(engine: Engine, now: datetime, interval_s: float) -> list[dict[str, Any]]:
    """Every camera of the registry, enabled or not, with kecamatan, agency and shown status."""
    stmt = (
        select(
            Camera.id,
            Camera.code,
            Camera.name,
            Camera.kecamatan_code,
            Kecamatan.common_name.label("kecamatan_name"),
            Camera.kind,
            Camera.url,
            Camera.scope,
            Agency.short_name.label("agency"),
            Camera.enabled,
            Camera.registry_source,
            CameraState.status.label("stored_status"),
            CameraState.reason,
            CameraState.last_attempt_at,
            CameraState.last_success_at,
        )
        .outerjoin(Kecamatan, Kecamatan.code == Camera.kecamatan_code)
        .outerjoin(Agency, Agency.id == Camera.agency_id)
        .outerjoin(CameraState, CameraState.camera_id == Camera.id)
        .order_by(Camera.name, Camera.code)
    )
    stale_before = now - timedelta(seconds=2 * interval_s)
    with engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(stmt)]
    for r in rows:
        r["status"] = effective_status(
            r.pop("stored_status"), r["last_attempt_at"], r["last_success_at"], stale_before
        )
    return rows


def check_name(name: str | None) -> str:
    """The trimmed camera name, or CameraEditError naming the field."""
    text = " ".join((name or "").split())
    if not text:
        raise CameraEditError("name", "name_empty", "the name is empty")
    if len(text) > NAME_MAX:
        raise CameraEditError("name", "name_long", f"longer than {NAME_MAX} characters", n=NAME_MAX)
    return text


def check_url(kind: str, url: str | None) -> str:
    """The URL if it suits the camera's kind (rtsp:// for rtsp, else http(s)://); else CameraEditError."""
    text = (url or "").strip()
    if not text:
        raise CameraEditError("url", "url_empty", "the URL is empty")
    if len(text) > URL_MAX:
        raise CameraEditError("url", "url_long", f"longer than {URL_MAX} characters", n=URL_MAX)
    if any(c.isspace() or ord(c) < 32 for c in text):
        raise CameraEditError("url", "url_space", "the URL contains spaces or control characters")
    schemes = SCHEMES.get(kind, ("http", "https"))
    try:
        parts = urlsplit(text)
        host = parts.hostname
        parts.port  # noqa: B018  (raises ValueError on a port that is not a number)
    except ValueError:
        raise CameraEditError("url", "url_host", "the URL has no valid host") from None
    if parts.scheme.lower() not in schemes:
        raise CameraEditError(
            "url",
            "url_scheme",
            f"a {kind} camera needs a {' or '.join(schemes)} URL",
            kind=kind,
            schemes=" / ".join(f"{s}://" for s in schemes),
        )
    if not host:
        raise CameraEditError("url", "url_host", "the URL has no host")
    return text


def update_camera(
    engine: Engine,
    camera_id: int,
    *,
    name: str | None = None,
    url: str | None = None,
    scope: str | None = None,
    enabled: bool | None = None,
) -> dict[str, tuple[Any, Any]]:
    """Apply the given fields (None: unchanged) after checking them; returns {field: (old, new)} changed."""
    with engine.begin() as conn:
        row = conn.execute(
            select(
                Camera.id,
                Camera.kind,
                Camera.name,
                Camera.url,
                Camera.scope,
                Camera.enabled,
                Camera.admin_fields,
            )
            .where(Camera.id == camera_id)
            .with_for_update()
        ).first()
        if row is None:
            raise CameraEditError("camera", "no_camera", f"no camera with id {camera_id}", id=camera_id)
        wanted: dict[str, Any] = {}
        if name is not None:
            wanted["name"] = check_name(name)
        if url is not None:
            wanted["url"] = check_url(row.kind, url)
        if scope is not None:
            if scope not in SCOPES:
                raise CameraEditError(
                    "scope", "scope_unknown", f"{scope!r} is not one of {', '.join(SCOPES)}"
                )
            wanted["scope"] = scope
        if enabled is not None:
            wanted["enabled"] = bool(enabled)
        changes = {k: (getattr(row, k), v) for k, v in wanted.items() if getattr(row, k) != v}
        if not changes:
            return {}
        # Remember which fields an admin set: a later registry import keeps them (store/cameras.py).
        kept = admin_field_set(row.admin_fields) | set(changes)
        values = {k: v for k, (_, v) in changes.items()}
        conn.execute(
            update(Camera)
            .where(Camera.id == camera_id)
            .values({**values, "admin_fields": ",".join(sorted(kept))})
        )
        state: dict[str, Any] = {}
        if "url" in changes or changes.get("enabled", (None, False))[1] is True:
            state["next_attempt_at"] = None
        if "url" in changes:
            # The old URL's ETag or date must not let the new one answer 304 for a frame we never had.
            state["http_validator"] = None
        if state:
            conn.execute(update(CameraState).where(CameraState.camera_id == camera_id).values(state))
    return changes


def get_camera(engine: Engine, camera_id: int) -> dict[str, Any] | None:
    """One camera's editable fields (id, code, name, kind, url, scope, enabled), or None."""
    cols = (Camera.id, Camera.code, Camera.name, Camera.kind, Camera.url, Camera.scope, Camera.enabled)
    with engine.connect() as conn:
        row = conn.execute(select(*cols).where(Camera.id == camera_id)).first()
    return dict(row._mapping) if row else None
