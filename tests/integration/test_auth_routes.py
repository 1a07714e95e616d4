"""Login form, lockout after repeated failures, safe redirects, and the callback rule of the guard.

The guard is not installed in app.py yet (issue 6); these tests pin down its parts on their own.
"""

from __future__ import annotations

import json
import re

import dash
import pytest
from flask import Flask

from components.access import EVERYONE
from config import get_settings
from store import users


@pytest.fixture
def client(app_engine):
    engine = app_engine
    users.create_user(engine, "siti", "staf", "kata-sandi-benar")
    users.create_user(engine, "budi", "pimpinan", "kata-sandi-budi")
    from routes.auth import bp

    app = Flask(__name__)
    app.secret_key = "test-secret"
    app.register_blueprint(bp)
    return app.test_client()


def _login(client, username, password, next_path="/statistik"):
    form = client.get(f"/masuk?next={next_path}")
    csrf = re.search(r'name="csrf" value="([^"]+)"', form.get_data(as_text=True)).group(1)
    return client.post(
        "/masuk", data={"username": username, "password": password, "csrf": csrf, "next": next_path}
    )


def test_a_right_password_logs_in_and_goes_back_to_the_page(client):
    resp = _login(client, "siti", "kata-sandi-benar")
    assert resp.status_code == 303 and resp.headers["Location"] == "/statistik"
    with client.session_transaction() as sess:
        assert isinstance(sess["uid"], int)


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(client):
    resp = _login(client, "siti", "salah-sekali-123")
    assert resp.status_code == 401
    assert "Nama pengguna atau kata sandi salah" in resp.get_data(as_text=True)
    assert _login(client, "tidak-ada", "salah-sekali-123").get_data(as_text=True).count("salah") >= 1


def test_ten_wrong_passwords_lock_the_account_even_for_the_right_one(client):
    codes = [_login(client, "siti", f"salah-{i:02d}-xxxx").status_code for i in range(10)]
    assert codes[:5] == [401] * 5 and set(codes[5:]) == {429}
    locked = _login(client, "siti", "kata-sandi-benar")
    assert locked.status_code == 429 and "Terlalu banyak percobaan" in locked.get_data(as_text=True)


def test_a_post_without_the_form_token_is_refused(client):
    resp = client.post("/masuk", data={"username": "siti", "password": "kata-sandi-benar"})
    assert resp.status_code == 400


@pytest.mark.parametrize(
    "target", ["//evil.example/x", "https://evil.example/", "javascript:alert(1)", "/\\evil"]
)
def test_the_return_address_never_leaves_the_site(client, target):
    resp = _login(client, "budi", "kata-sandi-budi", next_path=target)
    assert resp.status_code == 303 and resp.headers["Location"] == "/"


def test_a_callback_is_allowed_only_when_every_output_belongs_to_a_page_the_role_may_see(monkeypatch):
    from routes.guard import callback_allowed

    registry = {
        "pages.transparansi": {"path": "/transparansi", "id_prefix": "pub", "roles": EVERYONE},
        "pages.kesehatan": {"path": "/kesehatan", "id_prefix": "kes", "roles": ("staf", "admin")},
        "pages.statistik": {"path": "/statistik", "id_prefix": "stat"},  # no roles: staff only
    }
    monkeypatch.setattr(dash, "page_registry", registry)

    def key(i):
        return (
            json.dumps(i, separators=(",", ":"), sort_keys=True) if isinstance(i, dict) else i
        ) + ".children"

    def body(*ids):
        output = key(ids[0]) if len(ids) == 1 else ".." + "...".join(key(i) for i in ids) + ".."
        return {"output": output, "outputs": [{"id": i, "property": "children"} for i in ids]}

    assert callback_allowed(body("pub-table"), "publik")[0]
    assert callback_allowed(body("shell-stale-flag"), "publik")[0]
    assert not callback_allowed(body("kes-runs"), "publik")[0]
    assert not callback_allowed(body("kes-runs"), "pimpinan")[0]
    assert callback_allowed(body("kes-runs"), "staf")[0]
    assert not callback_allowed(body("stat-g-trend"), "publik")[0]
    assert callback_allowed(body("stat-g-trend"), "pimpinan")[0]
    # One forbidden output spoils the request; pattern-matching ids count by their type.
    assert not callback_allowed(body("pub-table", {"type": "kes-tile", "index": 1}), "publik")[0]
    assert not callback_allowed(body("mystery-output"), "publik")[0]  # unknown ids: staff only
    assert not callback_allowed({"outputs": []}, "admin")[0]
    # A forged body: an allowed id in "outputs" while the key in "output" (which Dash uses to pick
    # the function to run) names a staff callback.
    forged = {
        "output": "..stat-g-trend.figure...stat-g-kecamatan.figure..",
        "outputs": body("pub-table")["outputs"],
    }
    assert not callback_allowed(forged, "publik")[0]
    assert not callback_allowed({**body("pub-table"), "output": "kes-runs.rowData@9f2c"}, "publik")[0]
    assert callback_allowed({**body("pub-table"), "output": "pub-table.children@9f2c"}, "publik")[0]
    pattern = {"output": '{"cam":["ALL"],"type":"kes-img"}.src', "outputs": body("pub-table")["outputs"]}
    assert not callback_allowed(pattern, "publik")[0]


def _session_app() -> Flask:
    """A Flask app with the real session cookie and login routes (as routes.guard.install sets up)."""
    from routes import session as session_cookie
    from routes.auth import bp

    app = Flask(__name__)
    session_cookie.install(app)
    app.register_blueprint(bp)
    return app


def test_the_session_cookie_is_httponly_lax_and_set_only_when_the_session_changes(app_engine, monkeypatch):
    monkeypatch.setenv("COOKIE_SECURE", "true")
    users.create_user(app_engine, "siti", "staf", "kata-sandi-benar")
    app = _session_app()
    app.add_url_rule("/data/publik.json", "publik", lambda: {"n": 1})
    client = app.test_client()
    login = _login(client, "siti", "kata-sandi-benar")
    cookie = login.headers["Set-Cookie"]
    assert cookie.startswith("lawangjabo_session=")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie
    assert "Set-Cookie" not in client.get("/data/publik.json").headers  # public answers carry no cookie
    assert app.secret_key == get_settings().secret_key  # the key came from the settings


def test_a_new_password_or_a_disabled_account_ends_the_sessions_opened_before(app_engine):
    from routes import guard

    engine = app_engine
    users.create_user(engine, "siti", "staf", "kata-sandi-benar")
    app = _session_app()
    app.add_url_rule("/siapa", "siapa", lambda: guard.current_role())
    client = app.test_client()
    assert _login(client, "siti", "kata-sandi-benar").status_code == 303
    assert client.get("/siapa").get_data(as_text=True) == "staf"
    users.set_password(engine, "siti", "kata-sandi-baru-1")  # e.g. an admin's reset
    assert client.get("/siapa").get_data(as_text=True) == "publik"  # the old session is over
    assert _login(client, "siti", "kata-sandi-baru-1").status_code == 303
    assert client.get("/siapa").get_data(as_text=True) == "staf"
    users.set_active(engine, "siti", False)
    assert client.get("/siapa").get_data(as_text=True) == "publik"
