"""Every Flask route of the real app, asked anonymously and as each role; path traversal on the file
routes; SQL-like filter values; the login lockout.

Routes are read from app.server.url_map at run time and each must match an entry of `cases()`:
a route added later fails here until someone says who may get what from it.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import dash
import pytest
from sqlalchemy import func, select, text

from components.access import ROLES, page_roles
from config import get_settings
from store.db import get_engine
from store.models import Complaint
from store.models_auth import AppUser
from store.reports_archive import ReportRequest, finish_report, queue_report
from store.users import get_user_by_id
from tests.conftest import new_database_url, signed_in
from tests.security_world import app_env, build

# Served to anyone, hold no data: Dash's bundles, our CSS/JS, Flask's static folder, the favicon.
STATIC_RULES = (
    "/static/<path:filename>",
    "/assets/<path:filename>",
    "/_dash-component-suites/<string:package_name>/<path:fingerprinted_path>",
    "/_favicon.ico",
    "/_reload-hash",
)
STAFF_ROLES = ("staf", "pimpinan", "admin")
JPEG = b"\xff\xd8"


@pytest.fixture(scope="module")
def sec(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("security-routes")
    url, cleanup = new_database_url(tmp)
    try:
        with app_env(url, tmp):
            world = build(url, tmp)
            world.report_ids = _reports(tmp)
            _cached_tile()
            import app

            app.server.test_client().get("/masuk")
            yield app, world
    finally:
        cleanup()


def _reports(tmp) -> dict[str, int]:
    """A finished CSV report (generated for real), and a row whose path leaves REPORT_DIR."""
    from reports.generate import generate

    engine, today = get_engine(), datetime.now(UTC).date()
    req = ReportRequest("csv", "id", "custom", today - timedelta(days=30), today)
    done = queue_report(engine, req)
    generate(engine, get_settings(), done)
    (tmp / "outside.csv").write_text("rahasia\n")
    outside = queue_report(engine, req)
    finish_report(engine, outside, "../outside.csv", 8, 1)
    return {"done": done, "outside": outside}


def _cached_tile() -> None:
    """Tile 0/0/0 in the tile cache, so that asking for it never reaches the real tile server."""
    from routes.tiles import blank_png, cache_path

    path = cache_path(get_settings(), 0, 0, 0)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(blank_png())


def client_for(app, world, role: str, addr: str = "127.0.0.1"):
    client = app.server.test_client()
    client.environ_base["REMOTE_ADDR"] = addr
    if role != "publik":
        with client.session_transaction() as sess:
            signed_in(sess, get_user_by_id(get_engine(), world.user_ids[role]))
    return client


def _everyone(status=200) -> dict[str, int]:
    return dict.fromkeys(ROLES, status)


def _staff(anonymous: int) -> dict[str, int]:
    return {"publik": anonymous, **dict.fromkeys(STAFF_ROLES, 200)}


def _page_expectation(page: dict) -> dict[str, int]:
    allowed = page_roles(page)
    return {r: 200 if r in allowed else (302 if r == "publik" else 403) for r in ROLES}


def cases(rule: str, methods: set[str], world) -> list[tuple[str, str, dict[str, int]]] | None:
    """(method, url, role -> status) for a url_map rule; None when the rule is not classified."""
    cams, reports = world.cameras, world.report_ids
    public_cam, internal_cam = cams.ids["cam-online-a"], cams.ids["cam-offline"]
    public_frame, internal_frame = cams.latest["cam-online-a"], cams.latest["cam-offline"]
    pages = {p["path"]: p for p in dash.page_registry.values()}
    if rule in ("/_dash-layout", "/_dash-dependencies"):
        return [("GET", rule, _everyone())]  # the shell and the callback list: no data
    if rule == "/_dash-update-component":
        # POSTs: test_security_callbacks.py; a GET falls through to the page route (the Dash shell).
        return [("GET", rule, _everyone())]
    if rule == "/":
        return [("GET", "/", _page_expectation(pages["/"]))]
    if rule == "/<path:path>":
        out = [("GET", path, _page_expectation(page)) for path, page in pages.items() if path != "/"]
        return [*out, ("GET", "/tidak-ada-halaman", _everyone())]  # Dash's own 404 page
    if rule.startswith("/snapshot/"):
        fill = {"camera_id": (public_cam, internal_cam), "snapshot_id": (public_frame, internal_frame)}
        name = re.search(r"<int:(\w+)>", rule).group(1)
        pub, internal = fill[name]
        url = re.sub(r"<int:\w+>", "{}", rule)
        return [("GET", url.format(pub), _everyone()), ("GET", url.format(internal), _staff(404))]
    if rule.startswith("/data/transparansi/"):
        urls = (
            [rule.replace("<dimension>", d) for d in ("kecamatan", "kategori", "opd")]
            if "<" in rule
            else [rule]
        )
        return [("GET", u, _everyone()) for u in urls]
    if rule.startswith("/tiles/"):
        # Public: the anonymous Transparansi page shows a map, and tiles hold no data of ours. The
        # tile 0/0/0 is in the cache (`sec`), so the tile server is not asked.
        return [("GET", "/tiles/0/0/0.png", _everyone()), ("GET", "/tiles/20/0/0.png", _everyone(404))]
    if rule == "/laporan/unduh/<int:report_id>":
        return [("GET", f"/laporan/unduh/{reports['done']}", _staff(401))]
    if rule.startswith("/open311/v2/"):
        public_id = min(set(world.canary_ids) - set(world.rahasia_ids))
        one = {"<req_id>": str(public_id), "<path:_rest>": "tidak-ada.json"}
        url = re.sub(r"<[^>]+>", lambda m: one[m.group(0)], rule)
        status = 404 if "_rest" in rule else 200
        return [(m, url, _everyone(status if m == "GET" else 405)) for m in sorted(methods)]
    if rule == "/masuk":
        return [("GET", "/masuk", _everyone())] if "GET" in methods else []  # POST: the lockout tests
    if rule == "/keluar":
        return [("POST", "/keluar", _everyone(303))]
    return None


def test_every_route_is_classified_and_answers_each_role_as_expected(sec):
    app, world = sec
    clients = {role: client_for(app, world, role) for role in ROLES}
    unclassified, problems, checked = [], [], 0
    for rule in app.server.url_map.iter_rules():
        if rule.rule in STATIC_RULES:
            continue
        methods = set(rule.methods) - {"HEAD", "OPTIONS"}
        found = cases(rule.rule, methods, world)
        if found is None:
            unclassified.append(f"{rule.rule} {sorted(methods)}")
            continue
        for method, url, expected in found:
            for role, status in expected.items():
                resp = clients[role].open(url, method=method)
                checked += 1
                if resp.status_code != status:
                    problems.append(f"{role} {method} {url}: HTTP {resp.status_code}, expected {status}")
                if role == "publik" and status in (401, 404) and resp.data.startswith(JPEG):
                    problems.append(f"{url}: image bytes in a refusal")
            if method == "POST" and url == "/keluar":
                clients = {role: client_for(app, world, role) for role in ROLES}  # logged out: new ones
    assert unclassified == [], "routes without an expectation (add them to cases()):\n" + "\n".join(
        unclassified
    )
    assert problems == [], "\n".join(problems)
    assert checked > 80


def test_internal_pages_send_anonymous_visitors_to_the_login_and_back(sec):
    app, world = sec
    anon = client_for(app, world, "publik")
    for page in dash.page_registry.values():
        path = page["path"]
        if "publik" in page_roles(page):
            continue
        query = "?dari=2026-01-01"
        resp = anon.get(path + query)
        assert resp.status_code == 302, path
        # The front page, with or without filters, is the public's door to Transparansi.
        want = "/transparansi" if path == "/" else f"/masuk?next={path}{query}"
        assert resp.headers["Location"] == want, (path, resp.headers["Location"])
        assert "react-entry-point" not in resp.get_data(as_text=True)
    assert anon.get("/transparansi").status_code == 200


def test_the_callback_graph_shows_each_role_only_its_own_pages(sec):
    app, world = sec
    prefixes = {p["id_prefix"]: page_roles(p) for p in dash.page_registry.values()}
    everything = list(app.app.callback_map)
    for role in ROLES:
        resp = client_for(app, world, role).get("/_dash-dependencies")
        assert resp.status_code == 200
        outputs = [cb["output"] for cb in resp.get_json()]
        assert any("shell-" in o for o in outputs), f"{role}: the shell's callbacks are missing"
        for prefix, roles in prefixes.items():
            shown = any(f"{prefix}-" in o for o in outputs)
            exists = any(f"{prefix}-" in o for o in everything)
            # Each role is shown exactly the callbacks of the pages it may open, no more, no less.
            assert shown == (exists and role in roles), (role, prefix)


@pytest.mark.parametrize(
    "bad",
    ["..%2F..%2F..%2Fetc%2Fpasswd", "%2e%2e%2f%2e%2e%2fetc%2fpasswd", "%2Fetc%2Fpasswd", "1%00", "1%2500",
     "..", "1%2F..%2F..%2Foutside", "%252e%252e%252f", "-1", "1.0", "99999999999999999999999"],
)  # fmt: skip
def test_path_traversal_on_file_routes_is_refused(sec, bad, tmp_path):
    app, world = sec
    routes = [
        r.rule
        for r in app.server.url_map.iter_rules()
        if r.rule.startswith(("/snapshot/", "/laporan/unduh/", "/tiles/"))
    ]
    assert len(routes) >= 6
    for role in ("publik", "admin"):
        client = client_for(app, world, role)
        for rule in routes:
            url = re.sub(r"<int[^>]*>", bad, rule)
            resp = client.get(url)
            body = resp.data
            assert not body.startswith(JPEG) and b"root:" not in body and b"rahasia" not in body, url
            # Flask's int converter refuses these, so the app's catch-all page route answers with
            # the Dash shell (a 200 without data); an anonymous download is refused (401) first.
            assert resp.status_code in (401, 404, 302) or b"react-entry-point" in body, (
                url,
                resp.status_code,
            )


def test_a_report_row_pointing_outside_the_report_folder_is_not_served(sec):
    app, world = sec
    resp = client_for(app, world, "admin").get(f"/laporan/unduh/{world.report_ids['outside']}")
    assert resp.status_code == 404 and b"rahasia" not in resp.data
    ok = client_for(app, world, "staf").get(f"/laporan/unduh/{world.report_ids['done']}")
    assert ok.status_code == 200 and ok.headers["Cache-Control"] == "private, no-store"


SQL = (
    "' OR 1=1 --",
    "16.71.01'; DROP TABLE complaint;--",
    '1" OR "1"="1',
    "x') UNION SELECT username FROM app_user--",
)


def _counts(engine) -> tuple[int, int]:
    with engine.connect() as conn:
        return (
            conn.execute(select(func.count()).select_from(Complaint)).scalar_one(),
            conn.execute(select(func.count()).select_from(AppUser)).scalar_one(),
        )


def test_sql_like_filter_values_change_nothing(sec):
    app, world = sec
    engine = get_engine()
    before = _counts(engine)
    anon = client_for(app, world, "publik")
    plain = {
        d: json.loads(anon.get(f"/data/transparansi/{d}.json").data)["rows"] for d in ("kecamatan", "opd")
    }
    for value in SQL:
        for dim in ("kecamatan", "opd"):
            for param in ("kecamatan", "kategori", "opd", "dari", "sampai"):
                resp = anon.get(f"/data/transparansi/{dim}.json", query_string={param: value})
                assert resp.status_code == 400 and param in resp.get_json()["error"], (param, value)
            # A parameter nobody reads: the same numbers as without it.
            same = anon.get(f"/data/transparansi/{dim}.json", query_string={"q": value})
            assert json.loads(same.data)["rows"] == plain[dim]
        for param in ("service_code", "status", "start_date", "service_request_id"):
            resp = anon.get("/open311/v2/requests.json", query_string={param: value})
            assert resp.status_code == 400 and resp.get_json()[0]["description"].startswith(param), param
        resp = anon.get("/open311/v2/requests/" + value.replace("/", "") + ".json")
        assert resp.status_code == 404
    for path, prefix, role in (("/transparansi", "tr", "publik"), ("/statistik", "stat", "staf")):
        for value in SQL:
            body = _layout(app, client_for(app, world, role), path, f"?kecamatan={value}&kategori={value}")
            assert f'"{prefix}-bad-filter"' in body and "Traceback" not in body, (path, value)
    assert _counts(engine) == before
    with engine.connect() as conn:  # the tables are all there and readable
        assert conn.execute(text("SELECT count(*) FROM complaint")).scalar_one() == before[0]


def _layout(app, client, path: str, search: str) -> str:
    router = next(k for k in app.app.callback_map if "_pages_content.children" in k)
    body = {
        "output": router,
        "outputs": [
            {"id": "_pages_content", "property": "children"},
            {"id": "_pages_store", "property": "data"},
        ],
        "inputs": [
            {"id": "_pages_location", "property": "pathname", "value": path},
            {"id": "_pages_location", "property": "search", "value": search},
        ],
        "changedPropIds": ["_pages_location.pathname"],
        "state": [],
    }
    resp = client.post("/_dash-update-component", json=body)
    assert resp.status_code == 200, (path, resp.status_code)
    return json.dumps(resp.get_json(), ensure_ascii=False)


def _login(client, username: str, password: str):
    form = client.get("/masuk").get_data(as_text=True)
    csrf = re.search(r'name="csrf" value="([^"]+)"', form).group(1)
    return client.post("/masuk", data={"username": username, "password": password, "csrf": csrf, "next": "/"})


def test_ten_wrong_passwords_lock_the_user_but_not_the_address(sec):
    app, world = sec
    client = client_for(app, world, "publik", addr="10.9.8.7")
    username, password = world.users["staf"]
    codes = [_login(client, username, f"salah-{i:02d}-sekali").status_code for i in range(10)]
    assert codes == [401] * 5 + [429] * 5
    assert _login(client, username, password).status_code == 429  # locked, even for the right one
    # Eleven failures from this address so far: below the per-address threshold of 30.
    other, other_password = world.users["pimpinan"]
    assert _login(client, other, "salah-lagi-sekali").status_code == 401
    assert _login(client, other, other_password).status_code == 303
    # Another address is not affected by this one's failures, but the locked user stays locked.
    assert _login(client_for(app, world, "publik", addr="10.9.8.6"), username, password).status_code == 429


def test_thirty_failures_from_one_address_lock_the_address(sec):
    app, world = sec
    client = client_for(app, world, "publik", addr="10.7.7.7")
    codes = [_login(client, f"tebak{i:02d}", "salah-sekali-123").status_code for i in range(30)]
    assert set(codes) == {401}  # each username failed once only
    admin, password = world.users["admin"]
    assert _login(client, admin, password).status_code == 429
    assert _login(client_for(app, world, "publik", addr="10.7.7.8"), admin, password).status_code == 303
