"""Builds the Dash app and its shell; `python app.py` serves it on HOST:PORT.

Assembles only: pages register themselves under pages/, data is read per visit by each page's
layout function and callbacks. No scheduler here: jobs run in their own process.
"""

from __future__ import annotations

import logging
import sys

import dash
from dash import Dash, Input, Output, State, clientside_callback, html

import routes
from components.access import may_see
from components.i18n import current_lang
from components.shell import LANG_SINK_ID, LANG_TOGGLE_ID, navbar
from routes import guard

app = Dash(
    __name__,
    use_pages=True,
    title="Lawang Jabo",
    update_title=None,
    suppress_callback_exceptions=True,
    serve_locally=True,
)
server = app.server
routes.register(server)
# Logins and roles: every page visit and every callback is checked on the server (routes/guard.py).
guard.install(server)


def layout() -> html.Div:
    lang = current_lang()
    user, role = guard.current_user(), guard.current_role()
    pages = sorted(dash.page_registry.values(), key=lambda p: 99 if p.get("order") is None else p["order"])
    # Links only to what this visitor may open; the server enforces it regardless (routes/guard.py).
    shown = [p for p in pages if p.get("nav", True) and may_see(p, role)]
    name = (user.display_name or user.username) if user else None
    return html.Div(
        [
            navbar(shown, lang, user_name=name, accounts=True),
            html.Main(dash.page_container, className="container-fluid px-3 px-lg-4 pb-4"),
        ],
        lang=lang,
    )


app.layout = layout

# The language lives in a cookie so that every layout and callback of the visitor can read it
# server-side; switching reloads the page so that every label is rendered in the new language.
clientside_callback(
    "function(n, lang){ return window.lawangJabo.toggleLang(n, lang); }",
    Output(LANG_SINK_ID, "data"),
    Input(LANG_TOGGLE_ID, "n_clicks"),
    State(LANG_SINK_ID, "data"),
    prevent_initial_call=True,
)


def main() -> int:
    from config import ConfigError, get_settings

    try:
        settings = get_settings()
    except ConfigError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    # Audit lines (admin actions, refused callbacks) go to stderr with their time and source.
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # No reloader: a code change mid-request must not restart the server under a user (or a test).
    app.run(
        host=settings.host,
        port=settings.port,
        debug=settings.debug,
        use_reloader=False,
        dev_tools_disable_version_check=True,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
