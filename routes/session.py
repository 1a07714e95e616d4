"""The session cookie: signed with the configured key, HttpOnly, SameSite=Lax, Secure as set.

The key and the cookie flags are read from the settings when the first request needs them, not
when app.py is imported (no I/O at import: reading the key may create DATA_DIR/secret_key).
"""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask.sessions import SecureCookieSessionInterface

from config import get_settings


class SettingsSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, configured from config.Settings on first use."""

    def get_signing_serializer(self, app: Flask):
        if not app.secret_key:
            settings = get_settings()
            app.secret_key = settings.secret_key
            # Also the signature's max age: an old cookie replayed after SESSION_HOURS is refused.
            app.permanent_session_lifetime = timedelta(hours=settings.session_hours)
        return super().get_signing_serializer(app)

    def get_cookie_secure(self, app: Flask) -> bool:
        return get_settings().cookie_secure

    def get_cookie_httponly(self, app: Flask) -> bool:
        return True  # no script ever needs the session cookie

    def get_cookie_samesite(self, app: Flask) -> str:
        # Lax: a link from elsewhere still arrives logged in; a cross-site POST carries no cookie.
        return "Lax"


def install(server: Flask) -> None:
    """Use the settings-driven session cookie on `server`."""
    server.session_interface = SettingsSessionInterface()
    server.config["SESSION_COOKIE_NAME"] = "lawangjabo_session"
    # Set the cookie only when the session changes (login, logout), not on every response: a
    # public, cacheable answer (open data, Open311) must not carry a logged-in user's cookie.
    # A login then lasts SESSION_HOURS from the moment of logging in.
    server.config["SESSION_REFRESH_EACH_REQUEST"] = False
