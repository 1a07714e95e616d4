"""Login and logout: a plain HTML form (works without JavaScript), sessions in a signed cookie.

The cookie holds only the user id and a CSRF token; the role is read from the database on every
request (routes/guard.py), so disabling a user or changing a role takes effect at once. Failed
attempts are counted per username and per address in the database, so every worker agrees.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import Blueprint, Response, redirect, request, session
from markupsafe import escape

from components.i18n import current_lang, t
from store.db import get_engine
from store.users import User, authenticate, recent_failures, record_attempt

bp = Blueprint("auth", __name__)

LOGIN_PATH = "/masuk"
LOGOUT_PATH = "/keluar"
# Failures within LOCK_WINDOW that lock a username, or an address, for the rest of the window.
# An address gets more: a whole office behind one NAT must not be locked out by one person's typos,
# while one address guessing across many usernames is still stopped.
LOCK_AFTER = 5
LOCK_AFTER_IP = 30
LOCK_WINDOW = timedelta(minutes=15)

_PAGE = """<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · Lawang Jabo</title>
<link rel="stylesheet" href="/assets/00_bootstrap.min.css">
<link rel="stylesheet" href="/assets/lawangjabo.css">
</head><body class="bg-light">
<nav class="navbar navbar-dark bg-primary mb-4"><div class="container-fluid">
<a class="navbar-brand" href="/"><span class="fw-bold me-2">Lawang Jabo</span>
<small class="text-white-50">{subtitle}</small></a></div></nav>
<main class="container" style="max-width: 26rem">
<h1 class="h3 mb-3">{title}</h1>{message}
<form method="post" action="{action}" class="panel p-3" id="login-form">
<input type="hidden" name="csrf" value="{csrf}"><input type="hidden" name="next" value="{next}">
<div class="mb-3"><label class="form-label" for="login-username">{username_label}</label>
<input class="form-control" id="login-username" name="username" autocomplete="username" required
 value="{username}" autofocus></div>
<div class="mb-3"><label class="form-label" for="login-password">{password_label}</label>
<input class="form-control" id="login-password" name="password" type="password"
 autocomplete="current-password" required></div>
<button class="btn btn-primary w-100" type="submit" id="login-submit">{submit}</button>
</form>
<p class="mt-3"><a href="/transparansi">{public_link}</a></p>
</main></body></html>"""


def safe_next(target: str | None) -> str:
    """A local path to go back to after login; anything else (another host, a scheme) becomes "/"."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def password_stamp(user: User) -> str:
    """What a session remembers of the password it was opened with (when it was set, not a hash)."""
    return user.password_changed_at.isoformat() if user.password_changed_at else ""


def client_ip() -> str:
    """The caller's address (behind a proxy, configure it to set REMOTE_ADDR; headers are not trusted)."""
    return request.remote_addr or "?"


def _form(lang: str, message: str = "", username: str = "", status: int = 200) -> Response:
    session.setdefault("csrf", secrets.token_urlsafe(24))
    html = _PAGE.format(
        lang=lang,
        title=escape(t("auth.title", lang)),
        subtitle=escape(t("app.subtitle", lang)),
        message=message,
        action=LOGIN_PATH,
        csrf=escape(session["csrf"]),
        next=escape(safe_next(request.values.get("next"))),
        username_label=escape(t("auth.username", lang)),
        password_label=escape(t("auth.password", lang)),
        username=escape(username),
        submit=escape(t("auth.submit", lang)),
        public_link=escape(t("auth.public_link", lang)),
    )
    return Response(html, status=status, mimetype="text/html", headers={"Cache-Control": "no-store"})


def _alert(text: str, kind: str = "danger") -> str:
    return f'<div class="alert alert-{kind}" role="alert" id="login-message">{escape(text)}</div>'


@bp.get(LOGIN_PATH)
def login_form() -> Response:
    return _form(current_lang())


@bp.post(LOGIN_PATH)
def login() -> Response:
    lang = current_lang()
    username = (request.form.get("username") or "").strip()[:64]
    password = request.form.get("password") or ""
    expected = session.get("csrf")
    if not expected or not secrets.compare_digest(expected, request.form.get("csrf", "")):
        return _form(lang, _alert(t("auth.expired", lang)), username, status=400)
    engine, ip = get_engine(), client_ip()
    failures = recent_failures(engine, username, ip, LOCK_WINDOW)
    if failures.by_user >= LOCK_AFTER or failures.by_ip >= LOCK_AFTER_IP:
        # Locked: the password is not even checked, so guessing on gains nothing.
        record_attempt(engine, username, ip, ok=False)
        minutes = int(LOCK_WINDOW.total_seconds() // 60)
        return _form(lang, _alert(t("auth.locked", lang, minutes=minutes)), username, status=429)
    user = authenticate(engine, username, password)
    record_attempt(engine, username, ip, ok=user is not None)
    if user is None:
        return _form(lang, _alert(t("auth.wrong", lang)), username, status=401)
    target = safe_next(request.form.get("next"))
    session.clear()  # a new session on login: no fixation of a session id handed out before it
    session.permanent = True
    session["uid"] = user.id
    session["pwc"] = password_stamp(user)
    session["csrf"] = secrets.token_urlsafe(24)
    return redirect(target, code=303)


@bp.post(LOGOUT_PATH)
def logout() -> Response:
    session.clear()
    return redirect("/", code=303)
