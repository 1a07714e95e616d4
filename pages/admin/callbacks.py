"""Callbacks of the admin page. Every change is made on behalf of the signed-in admin and audited.

routes/guard.py already refuses these callbacks to any role but admin; the caller is checked here
again because a change needs a name to be audited under, and with no signed-in admin (the guard
not wired, a session that ended) nothing is changed at all. The audit goes to the logger
"lawangjabo.admin": who, what, on whom, never a password.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

from dash import ALL, Input, Output, Patch, State, callback, ctx, no_update

from components.access import ADMIN
from components.i18n import current_lang, fmt_datetime_wib, t
from config import get_settings
from pages.admin.views import (
    P,
    camera_grid_rows,
    message,
    password_once,
    role_label,
    safe_url,
    url_help,
    users_table,
)
from routes.guard import current_user
from store import users
from store.camera_admin import CameraEditError, camera_rows, get_camera, update_camera
from store.camera_read import camera_by_code
from store.db import get_engine

log = logging.getLogger("lawangjabo.admin")


def audit(actor: str, action: str, target: str, **details: object) -> None:
    """One audit line: `admin <actor>: <action> <target> key=value ...` (values repr'd)."""
    _ensure_handler()
    extra = "".join(f" {k}={v!r}" for k, v in details.items())
    log.info("admin %s: %s %s%s", actor, action, target, extra)


def _ensure_handler() -> None:
    # The web process may run without logging configured; an audit line must not vanish into
    # Python's last-resort handler (warnings only). Steps aside once anyone configures logging.
    if not log.hasHandlers():
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
        log.addHandler(handler)
    if log.getEffectiveLevel() > logging.INFO:
        log.setLevel(logging.INFO)


def caller() -> str | None:
    """The username of the signed-in admin making this request, or None (then nothing may change)."""
    user = current_user()
    return user.username if user is not None and user.active and user.role == ADMIN else None


def _refusal(exc: users.UserError | CameraEditError, lang: str, prefix: str) -> str:
    key = f"{prefix}.{exc.code}"
    text = t(key, lang, **exc.params)
    return str(exc) if text == key else text


# ---- users ----


def user_action(action: str, target: str | None, value: Any, form: dict[str, Any], lang: str):
    """Carry out one user action for the caller; returns (message, clear the form) or None (nothing to do).

    action: "create" (form: username, name, role, password), "reset", "active" (value "on"/"off"),
    "role" (value: the new role).
    """
    engine = get_engine()
    actor = caller()
    if action == "role":
        current = users.get_user(engine, target or "")
        if current is not None and current.role == value:
            return None  # the table was redrawn: its role choosers report their own value
    if actor is None:
        log.warning("admin action refused without a signed-in admin: %s %s", action, target or "")
        return message(t("adm.err.no_caller", lang), "danger"), False
    try:
        if action == "create":
            typed = (form.get("password") or "").strip()
            password = typed or users.generate_password()
            user = users.create_user(
                engine, form.get("username") or "", form.get("role") or "", password, form.get("name") or ""
            )
            audit(actor, "create", user.username, role=user.role, password="typed" if typed else "generated")
            key = "adm.ok.created_typed" if typed else "adm.ok.created"
            text = t(key, lang, user=user.username, role=role_label(user.role, lang))
            return message(text, extra=None if typed else password_once(user.username, password, lang)), True
        if action == "reset":
            password = users.generate_password()
            user = users.set_password(engine, target or "", password)
            audit(actor, "reset-password", user.username)
            return message(
                t("adm.ok.reset", lang, user=user.username),
                extra=password_once(user.username, password, lang),
            ), False
        if action == "active":
            user = users.change_active(engine, target or "", value == "on", actor)
            audit(actor, "enable" if user.active else "disable", user.username)
            return message(
                t("adm.ok.enabled" if user.active else "adm.ok.disabled", lang, user=user.username)
            ), False
        if action == "role":
            before = users.get_user(engine, target or "")
            user = users.change_role(engine, target or "", str(value))
            audit(actor, "role", user.username, before=before.role if before else None, after=user.role)
            return message(
                t("adm.ok.role", lang, user=user.username, role=role_label(user.role, lang))
            ), False
    except users.UserError as exc:
        log.warning("admin %s: %s %s refused: %s", actor, action, target or form.get("username"), exc)
        return message(_refusal(exc, lang, "adm.err"), "danger"), False
    return None


def _trigger() -> tuple[str, str | None, Any] | None:
    """(action, user, value) of the input that really changed; None when the redrawn table fired."""
    for item in ctx.triggered:
        prop_id, value = item.get("prop_id", ""), item.get("value")
        component = prop_id.rpartition(".")[0]
        if component == f"{P}-new-submit" and value:
            return "create", None, None
        if not component.startswith("{") or not value:
            continue
        cid = json.loads(component)
        kind = str(cid.get("type", "")).removeprefix(f"{P}-")
        if kind == "reset":
            return "reset", cid["user"], None
        if kind == "active":
            return "active", cid["user"], cid["to"]
        if kind == "role":
            return "role", cid["user"], value
    return None


@callback(
    Output(f"{P}-users", "children"),
    Output(f"{P}-user-msg", "children"),
    Output(f"{P}-new-username", "value"),
    Output(f"{P}-new-name", "value"),
    Output(f"{P}-new-password", "value"),
    Input(f"{P}-new-submit", "n_clicks"),
    Input({"type": f"{P}-reset", "user": ALL}, "n_clicks"),
    Input({"type": f"{P}-active", "user": ALL, "to": ALL}, "n_clicks"),
    Input({"type": f"{P}-role", "user": ALL}, "value"),
    State(f"{P}-new-username", "value"),
    State(f"{P}-new-name", "value"),
    State(f"{P}-new-role", "value"),
    State(f"{P}-new-password", "value"),
    prevent_initial_call=True,
)
def on_user_action(_create, _resets, _actives, _roles, username, name, role, password):
    trigger = _trigger()
    if trigger is None:
        return (no_update,) * 5
    lang = current_lang()
    form = {"username": username, "name": name, "role": role, "password": password}
    outcome = user_action(*trigger, form=form, lang=lang)
    if outcome is None:
        return (no_update,) * 5
    shown, clear = outcome
    table = users_table(users.user_rows(get_engine()), lang, caller())
    # The typed password is cleared whatever happened: it must not linger in the form.
    if clear:
        return table, shown, "", "", ""
    return table, shown, no_update, no_update, "" if trigger[0] == "create" else no_update


# ---- cameras ----


def camera_list(lang: str) -> tuple[list[dict], str]:
    """Grid rows of every camera and the as-of line."""
    now = datetime.now(UTC)
    rows = camera_rows(get_engine(), now, get_settings().snapshot_interval_s)
    return camera_grid_rows(rows, lang), t("adm.asof", lang, when=fmt_datetime_wib(now, lang))


def save_camera(
    camera_id: int | None,
    name: str | None,
    url: str | None,
    scope: str | None,
    enabled: bool | None,
    lang: str,
):
    """Save the editor for the caller; returns (message, field in error or None)."""
    actor = caller()
    if actor is None:
        log.warning("admin camera edit refused without a signed-in admin: camera %s", camera_id)
        return message(t("adm.err.no_caller", lang), "danger"), None
    if camera_id is None:
        return message(t("adm.cam.pick", lang), "warning"), None
    before = get_camera(get_engine(), int(camera_id))
    code = before["code"] if before else str(camera_id)
    try:
        changes = update_camera(
            get_engine(), int(camera_id), name=name, url=url, scope=scope, enabled=enabled
        )
    except CameraEditError as exc:
        log.warning("admin %s: edit camera %s refused: %s", actor, code, exc)
        return message(_refusal(exc, lang, "adm.cam.err"), "danger"), exc.field
    if not changes:
        return message(t("adm.cam.ok.nochange", lang, code=code), "secondary"), None
    # URLs are audited without their password.
    shown = {k: tuple(safe_url(v) if k == "url" else v for v in pair) for k, pair in changes.items()}
    audit(actor, "edit-camera", code, **{k: f"{a!r} -> {b!r}" for k, (a, b) in shown.items()})
    fields = ", ".join(_change_words(k, new, lang) for k, (_, new) in changes.items())
    return message(t("adm.cam.ok.saved", lang, code=code, fields=fields)), None


def _change_words(field: str, new: Any, lang: str) -> str:
    if field == "enabled":
        return t("adm.cam.chg.enabled.on" if new else "adm.cam.chg.enabled.off", lang)
    if field == "scope":
        return t("adm.cam.chg.scope", lang, scope=t(f"cam.scope.{new}", lang))
    return t(f"adm.cam.chg.{field}", lang)


@callback(
    Output(f"{P}-cam-modal", "is_open"),
    Output(f"{P}-cam-id", "data"),
    Output(f"{P}-cam-title", "children"),
    Output(f"{P}-cam-name", "value"),
    Output(f"{P}-cam-url", "value"),
    Output(f"{P}-cam-url-label", "children"),
    Output(f"{P}-cam-url-help", "children"),
    Output(f"{P}-cam-scope", "value"),
    Output(f"{P}-cam-enabled", "value"),
    Output(f"{P}-cam-msg", "children", allow_duplicate=True),
    Output(f"{P}-cam-name", "invalid", allow_duplicate=True),
    Output(f"{P}-cam-url", "invalid", allow_duplicate=True),
    Input(f"{P}-cam-grid", "cellClicked"),
    prevent_initial_call=True,
)
def on_camera_clicked(cell):
    """Open the editor on the clicked row's camera (row ids are camera codes)."""
    lang = current_lang()
    found = camera_by_code(get_engine(), str((cell or {}).get("rowId") or ""))
    cam = get_camera(get_engine(), int(found["id"])) if found else None
    if cam is None:
        return (no_update,) * 12
    # The full URL (it may carry the camera's password) goes only to a signed-in admin.
    url = cam["url"] if caller() else safe_url(cam["url"])
    return (
        True,
        cam["id"],
        t("adm.cam.edit", lang, code=cam["code"]),
        cam["name"],
        url,
        t("adm.cam.url", lang, kind=cam["kind"]),
        url_help(cam["kind"], lang),
        cam["scope"],
        bool(cam["enabled"]),
        None,
        False,
        False,
    )


@callback(
    Output(f"{P}-cam-msg", "children"),
    Output(f"{P}-cam-grid", "rowData"),
    Output(f"{P}-cam-asof", "children"),
    Output(f"{P}-cam-name", "invalid"),
    Output(f"{P}-cam-url", "invalid"),
    Input(f"{P}-cam-save", "n_clicks"),
    State(f"{P}-cam-id", "data"),
    State(f"{P}-cam-name", "value"),
    State(f"{P}-cam-url", "value"),
    State(f"{P}-cam-scope", "value"),
    State(f"{P}-cam-enabled", "value"),
    prevent_initial_call=True,
)
def on_camera_save(n_clicks, camera_id, name, url, scope, enabled):
    if not n_clicks:
        return (no_update,) * 5
    lang = current_lang()
    shown, bad_field = save_camera(camera_id, name, url, scope, enabled, lang)
    rows, asof = camera_list(lang)
    return shown, rows, asof, bad_field == "name", bad_field == "url"


@callback(
    Output(f"{P}-cam-grid", "dashGridOptions"),
    Input(f"{P}-cam-search", "value"),
    prevent_initial_call=True,
)
def on_camera_search(text):
    patch = Patch()
    patch["quickFilterText"] = text or ""
    return patch
