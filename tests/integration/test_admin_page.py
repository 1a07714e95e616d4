"""The admin page's rules and actions on a real database: the last active admin, acting on oneself,
the signed-in caller, one-time passwords, camera edits and the audit lines.

Callbacks are called as functions inside a Flask request whose session holds the caller, the way
routes/auth.py signs a user in; routes.guard.current_user() reads it like in the running app.
"""

from __future__ import annotations

import logging
import threading

import pytest
from flask import Flask, session
from sqlalchemy.exc import OperationalError

from store import users
from tests.conftest import signed_in
from tests.integration.test_camera_admin import _import

AUDIT = "lawangjabo.admin"


@pytest.fixture
def app_db(app_engine):
    """The page's get_engine() pointed at the test database."""
    return app_engine


@pytest.fixture
def flask_app():
    app = Flask(__name__)
    app.secret_key = "test-secret"
    return app


def _as(flask_app, user: users.User | None):
    """A request context signed in as `user` (None: anonymous)."""
    ctx = flask_app.test_request_context("/_dash-update-component", method="POST")
    ctx.push()
    if user is not None:
        signed_in(session, user)
    return ctx


def _text(component) -> str:
    """All text of a Dash component tree."""
    if component is None:
        return ""
    if isinstance(component, str | int | float):
        return str(component)
    if isinstance(component, list | tuple):
        return " ".join(_text(c) for c in component)
    return _text(getattr(component, "children", None))


def _color(component) -> str:
    return getattr(component, "color", "")


# ---- store rules ----


def test_the_last_active_admin_can_be_neither_disabled_nor_demoted(engine):
    users.create_user(engine, "ani", "admin", "kata-sandi-ani")
    users.create_user(engine, "bayu", "admin", "kata-sandi-bayu")
    users.change_active(engine, "bayu", False, actor="ani")  # a disabled admin does not count
    for act, code in (
        (lambda: users.change_active(engine, "ani", False, actor=None), "last_admin_disabled"),
        (lambda: users.change_role(engine, "ani", "staf"), "last_admin_demoted"),
    ):
        with pytest.raises(users.UserError) as caught:
            act()
        assert caught.value.code == code and "last active admin" in str(caught.value)
    assert users.get_user(engine, "ani").role == "admin" and users.get_user(engine, "ani").active
    users.change_active(engine, "bayu", True, actor="ani")
    assert users.change_role(engine, "ani", "pimpinan").role == "pimpinan"  # bayu is admin now
    assert users.change_role(engine, "bayu", "admin").role == "admin"  # promoting is always fine


def test_nobody_can_disable_themselves_even_with_other_admins(engine):
    users.create_user(engine, "ani", "admin", "kata-sandi-ani")
    users.create_user(engine, "bayu", "admin", "kata-sandi-bayu")
    with pytest.raises(users.UserError) as caught:
        users.change_active(engine, "ANI", False, actor="ani")
    assert caught.value.code == "self_disable"
    assert users.change_active(engine, "ani", True, actor="ani").active  # enabling oneself is harmless


def test_two_admins_disabling_each_other_at_once_leave_one_active_admin(engine):
    for _ in range(5):
        for name in ("ani", "bayu"):
            if users.get_user(engine, name) is None:
                users.create_user(engine, name, "admin", f"kata-sandi-{name}")
            users.change_active(engine, name, True, actor=None)
        start = threading.Barrier(2)
        outcomes: list[str] = []

        def disable(target: str, actor: str, start=start, outcomes=outcomes) -> None:
            start.wait()
            try:
                users.change_active(engine, target, False, actor=actor)
                outcomes.append("done")
            except users.UserError as exc:
                outcomes.append(exc.code)
            except OperationalError:  # SQLite may refuse the second writer outright: also safe
                outcomes.append("busy")

        threads = [threading.Thread(target=disable, args=a) for a in (("bayu", "ani"), ("ani", "bayu"))]
        for th in threads:
            th.start()
        for th in threads:
            th.join(timeout=60)
        active_admins = [u for u in users.list_users(engine) if u.role == "admin" and u.active]
        assert len(active_admins) == 1 and outcomes.count("done") == 1, outcomes


def test_the_user_list_carries_created_and_last_login_but_no_hash(engine):
    users.create_user(engine, "siti", "staf", "kata-sandi-siti", "Siti Aminah")
    users.authenticate(engine, "siti", "kata-sandi-siti")
    (row,) = users.user_rows(engine)
    assert row["display_name"] == "Siti Aminah" and row["created_at"] and row["last_login_at"]
    assert "password_hash" not in row and not any("scrypt" in str(v) for v in row.values())


# ---- the page's actions ----


@pytest.fixture
def admin(app_db):
    return users.create_user(app_db, "ani", "admin", "kata-sandi-ani", "Ani Admin")


def test_without_a_signed_in_admin_every_action_is_refused(app_db, admin, flask_app, caplog):
    from pages.admin.callbacks import save_camera, user_action

    staf = users.create_user(app_db, "siti", "staf", "kata-sandi-siti")
    ids = _import(app_db)
    for who in (None, staf):
        ctx = _as(flask_app, who)
        try:
            form = {"username": "baru", "role": "staf", "password": "", "name": ""}
            shown, _ = user_action("create", None, None, form, "id")
            assert "belum masuk sebagai admin" in _text(shown) and _color(shown) == "danger"
            shown, _ = user_action("active", "ani", "off", {}, "id")
            assert _color(shown) == "danger"
            shown, field = save_camera(ids["hls-1"], "X", None, None, False, "id")
            assert _color(shown) == "danger" and field is None
        finally:
            ctx.pop()
    assert users.get_user(app_db, "baru") is None and users.get_user(app_db, "ani").active
    from store.camera_admin import get_camera

    assert get_camera(app_db, ids["hls-1"])["name"] == "Jembatan Ampera"


def test_creating_a_user_shows_a_generated_password_once_and_it_works(app_db, admin, flask_app, caplog):
    from pages.admin.callbacks import user_action

    caplog.set_level(logging.INFO, logger=AUDIT)
    ctx = _as(flask_app, admin)
    try:
        form = {"username": "Budi.S", "name": "Budi Santoso", "role": "pimpinan", "password": ""}
        shown, clear = user_action("create", None, None, form, "id")
    finally:
        ctx.pop()
    assert clear and _color(shown) == "success"
    text = _text(shown)
    assert "budi.s" in text and "hanya ditampilkan sekali" in text
    password = shown.children[1].children[1].children  # the <code> of password_once
    assert len(password) >= users.MIN_PASSWORD_LENGTH and password in text
    assert users.authenticate(app_db, "budi.s", password).role == "pimpinan"
    audit = [r.getMessage() for r in caplog.records if r.name == AUDIT]
    assert any("admin ani: create budi.s" in line and "generated" in line for line in audit)
    assert not any(password in line for line in caplog.messages)


def test_a_typed_password_follows_the_policy_and_is_never_shown_back(app_db, admin, flask_app, caplog):
    from pages.admin.callbacks import user_action

    caplog.set_level(logging.INFO, logger=AUDIT)
    ctx = _as(flask_app, admin)
    try:
        short, clear = user_action(
            "create", None, None, {"username": "dewi", "role": "staf", "password": "pendek"}, "id"
        )
        assert not clear and _color(short) == "danger"
        assert "Kata sandi: minimal 10 karakter" in _text(short)
        assert users.get_user(app_db, "dewi") is None
        typed = "sandi-yang-diketik-1"
        ok, clear = user_action(
            "create", None, None, {"username": "dewi", "role": "staf", "password": typed}, "en"
        )
        taken, _ = user_action(
            "create", None, None, {"username": "DEWI", "role": "staf", "password": typed}, "en"
        )
    finally:
        ctx.pop()
    assert clear and "the password you typed" in _text(ok) and typed not in _text(ok)
    assert "Username: dewi is taken already." in _text(taken)
    assert users.authenticate(app_db, "dewi", typed) is not None
    assert not any(typed in m for m in caplog.messages)


def test_a_reset_password_replaces_the_old_one_and_is_audited(app_db, admin, flask_app, caplog):
    from pages.admin.callbacks import user_action

    users.create_user(app_db, "siti", "staf", "kata-sandi-lama")
    caplog.set_level(logging.INFO, logger=AUDIT)
    ctx = _as(flask_app, admin)
    try:
        shown, _ = user_action("reset", "siti", None, {}, "id")
    finally:
        ctx.pop()
    password = shown.children[1].children[1].children
    assert users.authenticate(app_db, "siti", "kata-sandi-lama") is None
    assert users.authenticate(app_db, "siti", password).username == "siti"
    assert "admin ani: reset-password siti" in caplog.messages[-1] and password not in caplog.text


def test_the_page_refuses_disabling_yourself_and_demoting_the_last_admin_with_clear_words(
    app_db, admin, flask_app, caplog
):
    from pages.admin.callbacks import user_action

    users.create_user(app_db, "siti", "staf", "kata-sandi-siti")
    caplog.set_level(logging.INFO, logger=AUDIT)
    ctx = _as(flask_app, admin)
    try:
        myself, _ = user_action("active", "ani", "off", {}, "id")
        demote, _ = user_action("role", "ani", "staf", {}, "en")
        unchanged = user_action("role", "siti", "staf", {}, "id")  # a redrawn chooser, not a change
        off, _ = user_action("active", "siti", "off", {}, "id")
        role, _ = user_action("role", "siti", "admin", {}, "id")
    finally:
        ctx.pop()
    assert "tidak dapat menonaktifkan akun Anda sendiri" in _text(myself)
    assert "ani is the last active admin and cannot be demoted" in _text(demote)
    assert unchanged is None
    assert "siti dinonaktifkan" in _text(off) and "Peran siti sekarang Admin" in _text(role)
    siti = users.get_user(app_db, "siti")
    assert (siti.active, siti.role) == (False, "admin")
    lines = [r.getMessage() for r in caplog.records if r.name == AUDIT and r.levelno == logging.INFO]
    assert lines[-2:] == ["admin ani: disable siti", "admin ani: role siti before='staf' after='admin'"]


def test_a_camera_edit_names_the_bad_field_and_audits_the_url_without_its_password(
    app_db, admin, flask_app, caplog
):
    from pages.admin.callbacks import on_camera_clicked, save_camera

    ids = _import(app_db)
    caplog.set_level(logging.INFO, logger=AUDIT)
    ctx = _as(flask_app, admin)
    try:
        bad, field = save_camera(
            ids["rtsp-1"], "Simpang Charitas", "http://10.0.0.5/s1", "publik", True, "id"
        )
        ok, none = save_camera(
            ids["rtsp-1"], "Simpang Charitas", "rtsp://cam:baru-rahasia@10.0.0.9/s1", "internal", False, "id"
        )
        same, _ = save_camera(ids["rtsp-1"], "Simpang Charitas", None, "internal", False, "id")
        picked = on_camera_clicked({"rowId": "rtsp-1", "colId": "name"})
    finally:
        ctx.pop()
    assert field == "url" and "URL: kamera jenis rtsp memerlukan alamat rtsp:// / rtsps://" in _text(bad)
    assert none is None and "siklus pengambilan berikutnya" in _text(ok)
    assert "Kamera rtsp-1 disimpan: URL baru, cakupan Internal, dinonaktifkan." in _text(ok)
    assert "Tidak ada yang berubah" in _text(same)
    line = [r.getMessage() for r in caplog.records if r.name == AUDIT and r.levelno == logging.INFO][-1]
    assert line.startswith("admin ani: edit-camera rtsp-1") and "enabled=" in line and "scope=" in line
    assert "cam:***@10.0.0.9" in line and "rahasia" not in caplog.text
    assert picked[0] is True and picked[4] == "rtsp://cam:baru-rahasia@10.0.0.9/s1"  # the real URL


def test_the_layout_lists_users_and_cameras_and_hides_camera_passwords(app_db, admin, flask_app):
    import app  # noqa: F401  (dash.register_page needs the app)
    from pages.admin.admin import layout

    _import(app_db)
    ctx = _as(flask_app, admin)
    try:
        tree = layout()
    finally:
        ctx.pop()
    text = repr(tree)
    assert "Masuk sebagai ani" in _text(tree.children) and "ani" in text
    assert "Simpang Charitas" in text and "cam:***@10.0.0.5" in text and "rahasia" not in text
