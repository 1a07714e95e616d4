"""Server-side enforcement of the page roles, for page visits and for every Dash callback.

Protecting layouts but not callbacks is the classic hole in Dash apps: a callback can be posted
to /_dash-update-component by anyone, whatever the page shows. So each callback request is
checked here: every output id belongs to a page by its prefix (`id_prefix` in register_page), and
the caller's role must be allowed to see that page. Unknown ids are treated as staff-only.
Page visits by URL are checked too: an anonymous visitor is sent to the login page and back.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from urllib.parse import quote

import dash
from flask import Flask, Response, g, redirect, request, session
from markupsafe import escape

from components.access import PUBLIK, SHELL_PREFIX, STAFF, id_prefix, may_see, page_roles
from routes.auth import LOGIN_PATH, password_stamp
from store.db import get_engine
from store.users import User, get_user_by_id

log = logging.getLogger("lawangjabo.guard")

CALLBACK_PATH = "/_dash-update-component"
DEPENDENCIES_PATH = "/_dash-dependencies"
PUBLIC_LANDING = "/transparansi"
# _pages_dummy is Dash's clientside callback that sets the tab title from the page registry:
# without it in /_dash-dependencies every visitor's tab stays "Lawang Jabo".
ROUTER_IDS = ("_pages_content", "_pages_store", "_pages_dummy")
# Dash's own resources and the login itself never need a role; data routes check their own.
OPEN_PREFIXES = ("/_dash-", "/assets/", "/_favicon", "/_reload-hash", LOGIN_PATH, "/keluar")


def current_user() -> User | None:
    """The logged-in, active user of this request, or None (read once per request)."""
    if "user" not in g:
        uid = session.get("uid")
        user = get_user_by_id(get_engine(), uid) if isinstance(uid, int) else None
        # A disabled user, or a session from before the password was last set, is logged out.
        if user is not None and (not user.active or session.get("pwc") != password_stamp(user)):
            session.clear()
            user = None
        g.user = user
    return g.user


def current_role() -> str:
    """The caller's role: the user's, or "publik" for an anonymous visitor."""
    user = current_user()
    return user.role if user else PUBLIK


def page_for_path(path: str) -> dict | None:
    """The dash.page_registry entry served at `path`, or None."""
    path = "/" + path.strip("/") if path != "/" else "/"
    for page in dash.page_registry.values():
        if page.get("path") == path:
            return page
    return None


def _prefix_roles() -> dict[str, tuple[str, ...]]:
    return {p["id_prefix"]: page_roles(p) for p in dash.page_registry.values() if p.get("id_prefix")}


def _output_ids(outputs) -> Iterator[str | dict]:
    if isinstance(outputs, dict):
        if "id" in outputs:
            yield outputs["id"]
        return
    if isinstance(outputs, list):
        for item in outputs:
            yield from _output_ids(item)


def _key_ids(output: object) -> Iterator[str | dict]:
    """Component ids in a callback key such as "..a.children...b.figure.." or "c.data@<hash>"."""
    if not isinstance(output, str) or not output:
        return
    parts = output[2:-2].split("...") if output.startswith("..") and output.endswith("..") else [output]
    for part in parts:
        component, _, _prop = part.split("@", 1)[0].rpartition(".")
        if component.startswith("{"):
            try:
                yield json.loads(component)
            except ValueError:
                yield component  # unparseable: judged by its text, which no page prefix matches
        else:
            yield component


def callback_allowed(body: dict, role: str) -> tuple[bool, str]:
    """Whether `role` may run the callback of this request body; with the reason when not.

    Dash picks the function to run by the key in `output` and writes the answer to the ids in
    `outputs`; a forged request can make the two disagree, so the ids of both are checked.
    """
    prefixes = _prefix_roles()
    key_ids = list(_key_ids(body.get("output")))
    ids = key_ids + list(_output_ids(body.get("outputs")))
    if not key_ids:
        return False, "no callback key"
    for component_id in ids:
        if isinstance(component_id, str) and component_id in ROUTER_IDS:
            continue  # the page router: the page's layout is wrapped (see protect_layouts)
        prefix = id_prefix(component_id)
        if prefix == SHELL_PREFIX:
            continue
        roles = prefixes.get(prefix, STAFF)
        if role not in roles:
            return False, f"output {component_id!r} belongs to a page for {', '.join(roles)}"
    return True, ""


def require(roles: tuple[str, ...]) -> Response | None:
    """For Flask routes outside Dash: None when the caller's role is in `roles`, else a refusal.

    Data routes call this themselves (defence in depth: it holds even where the before_request
    guard is not installed, e.g. a blueprint mounted on another app).
    """
    role = current_role()
    if role in roles:
        return None
    if role == PUBLIK:
        return Response("Login required\n", status=401, mimetype="text/plain")
    return Response("Forbidden\n", status=403, mimetype="text/plain")


def _denied_page(role: str, path: str) -> Response:
    if role == PUBLIK and request.path == "/":
        return redirect(PUBLIC_LANDING, code=302)  # the public's front door is the Transparansi page
    if role == PUBLIK:
        return redirect(f"{LOGIN_PATH}?next={quote(path, safe='/?=&')}", code=302)
    from components.i18n import current_lang, t

    lang = current_lang()
    body = (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>403 · Lawang Jabo</title>'
        '<link rel="stylesheet" href="/assets/00_bootstrap.min.css"></head><body class="bg-light">'
        '<main class="container py-5" style="max-width:32rem">'
        '<div class="alert alert-warning" id="forbidden">'
        f'{escape(t("auth.forbidden", lang))}</div><a href="/">{escape(t("notfound.back", lang))}</a>'
        "</main></body></html>"
    )
    return Response(body, status=403, mimetype="text/html")


def guard() -> Response | None:
    """before_request hook: refuse callbacks and page visits the caller's role may not see."""
    path = request.path
    if path == CALLBACK_PATH and request.method == "POST":
        try:
            body = json.loads(request.get_data(cache=True) or b"{}")
        except ValueError:
            return Response("Bad callback request\n", status=400, mimetype="text/plain")
        role = current_role()
        ok, why = callback_allowed(body if isinstance(body, dict) else {}, role)
        if not ok:
            log.warning("callback refused for role %s: %s", role, why)
            return Response(json.dumps({"error": "forbidden"}), status=403, mimetype="application/json")
        return None
    if request.method != "GET" or path.startswith(OPEN_PREFIXES):
        return None
    page = page_for_path(path)
    if page is not None and not may_see(page, current_role()):
        full = request.full_path.rstrip("?")
        return _denied_page(current_role(), full)
    return None


def filter_dependencies(response: Response) -> Response:
    """after_request hook: /_dash-dependencies lists only the callbacks the caller may run.

    Dash's renderer fetches the whole callback graph on every page; unfiltered, it would show an
    anonymous visitor the component ids of every staff page. The callbacks themselves are refused
    anyway (guard); this keeps the structure of the internal pages private too.
    """
    if request.path != DEPENDENCIES_PATH or response.status_code != 200 or response.direct_passthrough:
        return response
    try:
        graph = json.loads(response.get_data())
    except ValueError:
        return response
    if not isinstance(graph, list):
        return response
    role = current_role()
    kept = [
        cb for cb in graph if isinstance(cb, dict) and callback_allowed({"output": cb.get("output")}, role)[0]
    ]
    response.set_data(json.dumps(kept))
    return response


def protect_layouts() -> None:
    """Wrap each registered page's layout so that it renders only for roles that may see it.

    The callback guard already lets the page router through for anyone (it serves the 404 page
    and the login prompt too); this is where a forbidden page yields a prompt instead of data.
    """
    from components.shell import login_prompt

    for page in dash.page_registry.values():
        layout = page.get("layout")
        if not callable(layout) or getattr(layout, "_guarded", False):
            continue

        def guarded(_layout=layout, _page=page, **kwargs):
            role = current_role()
            if may_see(_page, role):
                return _layout(**kwargs)
            return login_prompt(_page["path"], anonymous=role == PUBLIK)

        guarded._guarded = True
        page["layout"] = guarded


def install(server: Flask) -> None:
    """Logins on the Flask server: session cookie, /masuk and /keluar, the guard on every request.

    Called by app.py after Dash has registered the pages (the layouts are wrapped here).
    """
    from routes import session as session_cookie
    from routes.auth import bp as auth

    session_cookie.install(server)
    server.register_blueprint(auth)
    server.before_request(guard)
    server.after_request(filter_dependencies)
    protect_layouts()
