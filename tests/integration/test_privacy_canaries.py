"""PII canaries (names, phone numbers, e-mails, NIK, exact points of Anonim reports, reporter hashes)
never appear in any public answer of the real app nor in any report export.

The canaries went in through the real import (scrubbed at ingest) AND raw into the complaint
table (tests/security_world.py): what is checked here is the output side. Public answers are
enumerated at run time: every callback an anonymous caller may run, every open-data table, every
Open311 resource in JSON and XML, the public snapshot routes' headers.
"""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook

from config import get_settings
from store.calendar import WIB
from store.db import get_engine
from store.reports_archive import ReportRequest, queue_report
from tests.conftest import missing_tool, new_database_url
from tests.integration.test_security_callbacks import body_for, initial, layout_values
from tests.security_world import (
    ANON_POINTS,
    RAHASIA_TITLE,
    RAW_TITLE,
    app_env,
    build,
    canary_marks,
    find_leaks,
)

CALLBACK = "/_dash-update-component"


@pytest.fixture(scope="module")
def sec(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("privacy-canaries")
    url, cleanup = new_database_url(tmp)
    try:
        with app_env(url, tmp):
            world = build(url, tmp)
            import app

            app.server.test_client().get("/masuk")
            yield app, world
    finally:
        cleanup()


def public_marks(world) -> list[str]:
    """What no public answer may hold: canaries, reporter hashes, complaint text, titles, ticket ids."""
    text = ["menumpuk, hubungi", RAW_TITLE, RAHASIA_TITLE, "KANARI-0", "RAW-TRK", "[telepon]", "[NIK]"]
    return canary_marks() + world.reporter_hashes + text


def export_marks(world, staff: bool) -> list[str]:
    """What no export may hold; staff exports show titles (Rahasia ones flagged), others none of those."""
    return canary_marks() + world.reporter_hashes + ([] if staff else [RAHASIA_TITLE])


def _today():
    return datetime.now(UTC).astimezone(WIB).date()


def _plain(resp) -> str:
    """The body as text a person would read: JSON re-encoded without escapes (Dash escapes "/")."""
    raw = resp.get_data(as_text=True)
    try:
        return json.dumps(json.loads(raw), ensure_ascii=False)
    except ValueError:
        return raw


def _anonymous_answers(app, world) -> dict[str, str]:
    """Every public answer of the app, by what was asked."""
    client = app.server.test_client()
    answers: dict[str, str] = {}
    start, end = _today() - timedelta(days=60), _today()
    period = {"dari": start.isoformat(), "sampai": end.isoformat()}
    for url in ("/transparansi", "/masuk", "/_dash-layout", "/_dash-dependencies"):
        answers[url] = _plain(client.get(url))
    values = layout_values(app, world)
    values[('"tr-f-dates"', "start_date")], values[('"tr-f-dates"', "end_date")] = str(start), str(end)
    for key, spec in app.app.callback_map.items():
        for trigger in {False, not initial(app, key)}:
            body = body_for(key, spec, values, trigger=trigger)
            if "_pages_content" in key:
                body["inputs"][0]["value"] = "/transparansi"
                body["inputs"][1]["value"] = f"?dari={start}&sampai={end}"
            resp = client.post(CALLBACK, json=body)
            if resp.status_code != 403:
                answers[f"callback {key} trigger={trigger} HTTP {resp.status_code}"] = _plain(resp)
    assert any(k.startswith("callback ..tr-kpis") for k in answers), "the public callbacks were not reached"
    for name in ("kecamatan", "kategori", "opd"):
        for ext in ("csv", "json"):
            url = f"/data/transparansi/{name}.{ext}"
            answers[url] = _plain(client.get(url, query_string={**period, "kecamatan": "16.71.05"}))
            answers[url + " all"] = _plain(client.get(url, query_string=period))
    answers["schema"] = _plain(client.get("/data/transparansi/schema.json"))
    for ext in ("json", "xml"):
        answers[f"services.{ext}"] = _plain(client.get(f"/open311/v2/services.{ext}"))
        answers[f"requests.{ext}"] = _plain(client.get(f"/open311/v2/requests.{ext}"))
        ids = ",".join(str(i) for i in world.canary_ids)
        answers[f"requests.{ext} ids"] = _plain(
            client.get(f"/open311/v2/requests.{ext}?service_request_id={ids}")
        )
        for cid in world.canary_ids:
            answers[f"request {cid}.{ext}"] = _plain(client.get(f"/open311/v2/requests/{cid}.{ext}"))
    for code, cid in world.cameras.ids.items():
        resp = client.get(f"/snapshot/{cid}/latest.jpg")
        answers[f"snapshot {code}"] = json.dumps(dict(resp.headers)) + str(resp.status_code)
    return answers


def test_no_public_answer_holds_a_canary(sec):
    app, world = sec
    answers = _anonymous_answers(app, world)
    assert len(answers) > 60
    leaks = {
        what: found for what, body in answers.items() if (found := find_leaks(body, public_marks(world)))
    }
    assert leaks == {}, json.dumps(leaks, indent=1, ensure_ascii=False)[:4000]
    # The answers did carry the canary complaints as counts: they were there to leak.
    rows = json.loads(answers["/data/transparansi/kategori.json"])["rows"]
    assert any(r["complaints"] not in (0, None) for r in rows)
    listed = json.loads(answers["requests.json ids"])
    public = set(world.canary_ids) - set(world.rahasia_ids)
    assert {int(r["service_request_id"]) for r in listed} == public  # Rahasia ones left out


def test_rahasia_requests_are_404_and_anonim_points_are_coarsened(sec):
    app, world = sec
    client = app.server.test_client()
    for cid in world.rahasia_ids:
        assert client.get(f"/open311/v2/requests/{cid}.json").status_code == 404
    for cid in set(world.anon_ids) - set(world.rahasia_ids):
        row = client.get(f"/open311/v2/requests/{cid}.json").get_json()[0]
        # At a kelurahan or kecamatan centroid, never at (or next to) the reported point.
        assert all(
            abs(row["lat"] - lat) > 0.001 or abs(row["long"] - lon) > 0.001 for lat, lon in ANON_POINTS
        )


def test_open311_with_published_text_still_scrubs_numbers_and_addresses(sec):
    """The city may publish descriptions (a setting): names cannot be recognised, numbers and e-mails must."""
    app, world = sec
    client = app.server.test_client()
    marks = [m for m in canary_marks() if any(c.isdigit() for c in m) or "@" in m or "." in m]
    app.server.config["OPEN311_PUBLISH_TEXT"] = True
    try:
        for ext in ("json", "xml"):
            ids = ",".join(str(i) for i in world.canary_ids)
            body = _plain(client.get(f"/open311/v2/requests.{ext}?service_request_id={ids}"))
            assert "[telepon]" in body  # the text is published, scrubbed
            assert find_leaks(body, marks + world.reporter_hashes + [RAHASIA_TITLE]) == []
    finally:
        app.server.config["OPEN311_PUBLISH_TEXT"] = False


def _report_text(path) -> str:
    if path.suffix == ".pdf":
        out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True)
        return out.stdout.decode()
    if path.suffix == ".xlsx":
        wb = load_workbook(path, read_only=True)
        return "\n".join(
            " ".join("" if v is None else str(v) for v in row) for ws in wb.worksheets for row in ws.values
        )
    return path.read_text(encoding="utf-8-sig")


@pytest.mark.parametrize("staff", [True, False], ids=["staff", "non-staff"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx", "pdf"])
def test_no_export_holds_a_canary(sec, fmt, staff):
    from reports.generate import generate

    _app, world = sec
    if fmt == "pdf":
        for tool in ("pdftotext", "chromium"):
            if subprocess.run(["which", tool], capture_output=True).returncode:
                missing_tool(f"{tool} is not installed")
    engine, today = get_engine(), _today()
    req = ReportRequest(fmt, "id", "custom", today - timedelta(days=40), today, confidential=staff)
    path = generate(engine, get_settings(), queue_report(engine, req))
    text = _report_text(path)
    assert find_leaks(text, export_marks(world, staff)) == []
    # The rows are there (the canary complaints were exported, without their secrets); the PDF
    # lists titles only of complaints past their deadline, the raw rows among them.
    assert (RAHASIA_TITLE in text) == staff
    if fmt != "pdf":
        assert "Sampah menumpuk, hubungi [telepon] [telepon]" in text and RAW_TITLE in text
