"""Every Dash callback of the real app, posted anonymously and as each role, is refused or answered
by the role rules of the page that owns its outputs (issue 6: layouts AND callbacks).

Nothing here lists callbacks or pages: they are read at run time from app.callback_map and
dash.page_registry, so a page or callback added later is covered (and a page that forgets its id
prefix fails). Bodies are built as the Dash renderer builds them, from each callback's own spec.
"""

from __future__ import annotations

import json
import re

import dash
import pytest
from sqlalchemy import func, select

from components.access import EVERYONE, ROLES, SHELL_PREFIX, page_roles
from store.db import get_engine
from store.models_reports import ReportArchive
from store.users import get_user_by_id
from tests.conftest import new_database_url, signed_in
from tests.security_world import app_env, build

CALLBACK = "/_dash-update-component"
# Dash's own page router ids (dash/_pages.py): they carry no data of their own; the page layout
# they deliver is judged separately below.
DASH_IDS = ("_pages_content", "_pages_store", "_pages_dummy", "_pages_location")


@pytest.fixture(scope="module")
def sec(tmp_path_factory):
    """(app module, world) on a migrated, seeded database; the in-process app points at it."""
    tmp = tmp_path_factory.mktemp("security-callbacks")
    url, cleanup = new_database_url(tmp)
    try:
        with app_env(url, tmp):
            world = build(url, tmp)
            import app

            assert app.server.test_client().get("/masuk").status_code == 200  # Dash registers callbacks
            assert app.app.callback_map, "no callbacks registered"
            yield app, world
    finally:
        cleanup()


def client_for(app, world, role: str):
    client = app.server.test_client()
    if role != "publik":
        with client.session_transaction() as sess:
            signed_in(sess, get_user_by_id(get_engine(), world.user_ids[role]))
    return client


# ------------------------------------------------------------ reading the callback map ----


def split_key(key: str) -> list[tuple[str | dict, str]]:
    """(component id, property) of every output of a callback_map key ("..a.p...b.q.." or "a.p@h")."""
    parts = key[2:-2].split("...") if key.startswith("..") and key.endswith("..") else [key]
    out = []
    for part in parts:
        cid, _, prop = part.split("@", 1)[0].rpartition(".")
        out.append((json.loads(cid) if cid.startswith("{") else cid, prop))
    return out


def prefix_of(cid: str | dict) -> str:
    text = str(cid.get("type", "")) if isinstance(cid, dict) else cid
    return text if text in DASH_IDS else text.split("-", 1)[0]


def prefix_roles() -> dict[str, tuple[str, ...]]:
    table = {p["id_prefix"]: page_roles(p) for p in dash.page_registry.values() if p.get("id_prefix")}
    return {**table, SHELL_PREFIX: EVERYONE, **{i: EVERYONE for i in DASH_IDS}}


def expected_roles(key: str) -> tuple[str, ...]:
    """Roles that may run the callback: those allowed on every page its outputs belong to."""
    table = prefix_roles()
    allowed = set(ROLES)
    for cid, _prop in split_key(key):
        allowed &= set(table.get(prefix_of(cid), ()))
    return tuple(r for r in ROLES if r in allowed)


def _concrete(cid, wildcard_value=1):
    """A pattern id with MATCH/ALLSMALLER replaced by a value; None for an ALL id (an empty list)."""
    if not isinstance(cid, dict):
        return cid
    if any(v == ["ALL"] for v in cid.values()):
        return None
    return {k: (wildcard_value if isinstance(v, list) else v) for k, v in cid.items()}


def _arg(spec: dict, values: dict):
    cid = json.loads(spec["id"]) if spec["id"].startswith("{") else spec["id"]
    concrete = _concrete(cid)
    if concrete is None:
        return []  # ALL over no components, as on a page with none of them yet
    value = values.get((json.dumps(concrete, sort_keys=True), spec["property"]))
    return {"id": concrete, "property": spec["property"], "value": value}


def layout_values(app, world) -> dict[tuple[str, str], object]:
    """(id, prop) -> the value every page's layout (and the shell) declares, rendered as admin."""
    from flask import g

    from store.db import get_engine
    from store.users import get_user_by_id

    values: dict[tuple[str, str], object] = {}
    with app.server.test_request_context("/"):
        g.user = get_user_by_id(get_engine(), world.user_ids["admin"])
        trees = [app.app.layout()] + [
            p["layout"]() for p in dash.page_registry.values() if callable(p["layout"])
        ]
        for tree in trees:
            for node in [tree, *tree._traverse()] if hasattr(tree, "_traverse") else []:
                cid = getattr(node, "id", None)
                if cid is None:
                    continue
                for prop in node._prop_names:
                    value = getattr(node, prop, None)
                    if value is not None and not hasattr(value, "_traverse"):
                        values[(json.dumps(cid, sort_keys=True), prop)] = value
    return values


def initial(app, key: str) -> bool:
    """Whether the renderer calls this callback on load (else only when an input changes)."""
    return not any(c["output"] == key and c.get("prevent_initial_call") for c in app.app._callback_list)


def body_for(key: str, spec: dict, values: dict | None = None, trigger: bool = False) -> dict:
    """The request the renderer sends: on a page's first load, inputs and state as the layout set
    them; or, with `trigger`, its first input changed and the State empty (a form's fields are
    State: an action such as "generate a report" or "create a user" must fail, not run)."""
    values = values or {}
    changed = [f"{i['id']}.{i['property']}" for i in spec["inputs"] if "ALL" not in i["id"]][:1]
    outs = []
    for cid, prop in split_key(key):
        concrete = _concrete(cid)
        outs.append([] if concrete is None else {"id": concrete, "property": prop})
    return {
        "output": key,
        "outputs": outs if key.startswith("..") else outs[0],
        "inputs": [_arg(s, values) for s in spec["inputs"]],
        "state": [_arg(s, {} if trigger else values) for s in spec.get("state", [])],
        "changedPropIds": changed if trigger else [],
    }


def post(client, body) -> tuple[int, dict | str]:
    resp = (
        client.post(CALLBACK, json=body)
        if not isinstance(body, bytes | str)
        else client.post(CALLBACK, data=body, content_type="application/json")
    )
    text = resp.get_data(as_text=True)
    try:
        return resp.status_code, json.loads(text)
    except ValueError:
        return resp.status_code, text


def _server_side(spec: dict) -> bool:
    return callable(spec.get("callback")) and not spec.get("clientside_function")


# ------------------------------------------------------------------------------- tests ----


def test_every_page_declares_roles_and_a_prefix_of_its_own():
    import app  # noqa: F401  (registers the pages)

    prefixes = [p.get("id_prefix") for p in dash.page_registry.values()]
    missing = [
        p["module"] for p in dash.page_registry.values() if not p.get("id_prefix") or not p.get("roles")
    ]
    assert missing == [], f"pages without roles= or id_prefix=: {missing}"
    assert len(prefixes) == len(set(prefixes)), f"two pages share an id prefix: {prefixes}"
    assert SHELL_PREFIX not in prefixes and not any("-" in p for p in prefixes)


def test_every_callback_output_belongs_to_a_registered_page_or_the_shell(sec):
    app, _world = sec
    known = prefix_roles()
    orphans = [
        f"{key}: {cid!r}"
        for key in app.app.callback_map
        for cid, _prop in split_key(key)
        if prefix_of(cid) not in known
    ]
    assert orphans == [], "outputs whose id prefix is no page's (add the page's prefix):\n" + "\n".join(
        orphans
    )
    pages = {p["id_prefix"] for p in dash.page_registry.values()}
    owners = {prefix_of(cid) for key in app.app.callback_map for cid, _ in split_key(key)}
    assert {"tr", "stat", "adm"} <= owners & pages  # the enumeration sees the public, staff and admin pages


def test_every_callback_is_refused_to_the_roles_its_page_does_not_allow(sec):
    app, world = sec
    clients = {role: client_for(app, world, role) for role in ROLES}
    values = layout_values(app, world)
    refused, answered, problems = 0, 0, []
    for key, spec in app.app.callback_map.items():
        allowed, body = expected_roles(key), body_for(key, spec, values, trigger=not initial(app, key))
        for role in ROLES:
            status, answer = post(clients[role], body)
            if role not in allowed:
                refused += 1
                if status != 403 or answer != {"error": "forbidden"}:
                    problems.append(f"{role} ran {key}: HTTP {status} {str(answer)[:200]}")
            elif status == 403 and _server_side(spec):  # a clientside one never reaches the server
                problems.append(f"{role} refused {key}, which its pages allow")
            elif _server_side(spec):
                answered += 1
                # 204 is PreventUpdate: a first load with nothing chosen yet may legitimately do nothing.
                if status not in (200, 204):
                    problems.append(f"{role} {key}: HTTP {status} {str(answer)[:300]}")
    assert problems == [], "\n".join(problems)
    with get_engine().connect() as conn:  # an action posted with empty fields must have done nothing
        assert conn.execute(select(func.count()).select_from(ReportArchive)).scalar_one() == 0
    assert refused >= 30 and answered >= 30, (refused, answered)


def test_a_real_login_through_the_form_gets_the_same_answers(sec):
    """pimpinan (Sekda) logged in with the form: statistics yes, the Kominfo health page no."""
    app, world = sec
    client = app.server.test_client()
    form = client.get("/masuk?next=/statistik").get_data(as_text=True)
    csrf = re.search(r'name="csrf" value="([^"]+)"', form).group(1)
    username, password = world.users["pimpinan"]
    resp = client.post("/masuk", data={"username": username, "password": password, "csrf": csrf, "next": "/"})
    assert resp.status_code == 303
    for key, spec in app.app.callback_map.items():
        status, _answer = post(client, body_for(key, spec))
        assert (status == 403) == ("pimpinan" not in expected_roles(key)), (key, status)
    client.post("/keluar")
    stat = next(k for k in app.app.callback_map if k.startswith("..stat-g-"))
    assert post(client, body_for(stat, app.app.callback_map[stat]))[0] == 403  # logged out again


def test_the_page_router_delivers_a_page_layout_only_to_roles_that_may_see_it(sec):
    app, world = sec
    router = next(k for k in app.app.callback_map if "_pages_content.children" in k)
    spec = app.app.callback_map[router]
    for page in dash.page_registry.values():
        path, prefix = page["path"], page["id_prefix"]
        for variant in {path, path.rstrip("/") + "/", path.upper()}:
            body = body_for(router, spec)
            body["inputs"][0]["value"], body["inputs"][1]["value"] = variant, ""
            for role in ROLES:
                status, answer = post(client_for(app, world, role), body)
                assert status == 200, (variant, role, status)
                text = json.dumps(answer)
                shows = f'"id": "{prefix}-' in text or f'"type": "{prefix}-' in text
                if role not in page_roles(page):
                    assert not shows, f"{role} got the layout of {path} through {variant!r}"


def _key_of(app, start: str) -> str:
    return next(k for k in app.app.callback_map if k.startswith(start) or k.startswith(".." + start))


def test_forged_bodies_are_refused(sec):
    app, world = sec
    anon = client_for(app, world, "publik")
    public = _key_of(app, "tr-kpis")
    staff = _key_of(app, "stat-g-")
    admin = _key_of(app, "adm-users")
    pub_body = body_for(public, app.app.callback_map[public])
    staff_body = body_for(staff, app.app.callback_map[staff])
    # Allowed "outputs", forbidden "output" key (the one Dash runs): the staff function must not run.
    assert post(anon, {**staff_body, "outputs": pub_body["outputs"]}) == (403, {"error": "forbidden"})
    # And the reverse: an allowed function whose answer would be written to staff ids.
    assert post(anon, {**pub_body, "outputs": staff_body["outputs"]})[0] == 403
    # A staff id appended to a public key, an unknown key, keys of the wrong type, no key at all.
    for output in (
        public[:-2] + "...stat-g-trend.figure..",
        "zz-nothing.children",
        12,
        ["tr-kpis.children"],
        None,
    ):
        assert post(anon, {**pub_body, "output": output})[0] == 403, output
    assert post(anon, {k: v for k, v in pub_body.items() if k != "output"})[0] == 403
    assert post(anon, [pub_body])[0] == 403
    # The admin page's callbacks: not for staf or pimpinan, however the body is dressed.
    admin_body = body_for(admin, app.app.callback_map[admin])
    for role in ("staf", "pimpinan"):
        assert post(client_for(app, world, role), {**admin_body, "outputs": pub_body["outputs"]})[0] == 403
    # An unknown key for someone who passes the guard: an error, never data.
    status, answer = post(client_for(app, world, "admin"), {**pub_body, "output": "zz-nothing.children"})
    assert status >= 400 and "response" not in str(answer)


@pytest.mark.parametrize("raw", ["{not json", '{"output": "tr-kpis.children",', "\x00\xff", "[1, 2"])
def test_malformed_json_is_a_400(sec, raw):
    app, world = sec
    for role in ("publik", "admin"):
        status, answer = post(client_for(app, world, role), raw)
        assert status == 400 and "response" not in str(answer), (role, status)
