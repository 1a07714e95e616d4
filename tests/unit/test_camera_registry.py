"""Camera registry parsing: our YAML and CSV, a city portal's JSON list, and row-level problems."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from data_sources.boundaries import make_locator
from data_sources.camera_registry import (
    RegistryError,
    infer_kind,
    load_registry,
    parse_csv,
    parse_portal,
    parse_registry,
    parse_yaml,
)
from demo.cameras import CCTV_2017, DEMO_CAMERAS, camera_url

ROOT = Path(__file__).resolve().parents[2]
LOCATE = make_locator(None)


def _portal_item(i, **over):
    item = {
        "cctv_id": i,
        "cctv_title": f"Simpang {i}",
        "cctv_scope": "publik",
        "cctv_status": "aktif",
        "location": {"type": "Point", "coordinates": [104.75434, -2.976768]},
        "cctv_link": f"https://cctv.example.go.id/cam{i}/index.m3u8",
        "cctv_opd": {"nama_opd": "Dinas Perhubungan Kota Palembang"},
    }
    item.update(over)
    return item


def test_the_repository_registry_is_the_demo_camera_list():
    report = load_registry(ROOT / "cameras.yaml", LOCATE)
    assert report.errors == [] and report.format == "yaml" and report.rows == 41
    by_code = {s.code: s for s in report.specs}
    refs = {r.code: r for r in (*CCTV_2017, *DEMO_CAMERAS)}
    assert set(by_code) == set(refs)
    for code, ref in refs.items():
        spec = by_code[code]
        assert (spec.name, spec.lat, spec.lon, spec.kecamatan_code) == (
            ref.name,
            ref.lat,
            ref.lon,
            ref.kecamatan_code,
        )
        assert (spec.kind, spec.scope, spec.agency_code) == (ref.kind, ref.scope, ref.agency_code)
        assert spec.url == camera_url(code, ref.kind) and spec.enabled
        assert spec.is_demo == (ref not in CCTV_2017)
    assert sum(s.scope == "publik" for s in report.specs) == 30


def test_yaml_rows_are_checked_one_by_one_and_good_rows_survive():
    text = """
cameras:
  - {code: ok-1, name: Simpang Satu, lat: -2.9768, lon: 104.7543, url: "rtsp://10.0.0.5/live", agency: Dishub}
  - {code: "Bad Code!", name: X, lat: -2.97, lon: 104.75, url: "http://h/a.jpg"}
  - {code: far, name: Monas, lat: -6.1754, lon: 106.8272, url: "http://h/a.jpg"}
  - {code: swapped, name: Y, lat: 104.75, lon: -2.97, url: "http://h/a.jpg"}
  - {code: nokind, name: Z, lat: -2.97, lon: 104.75, url: "http://h/stream"}
  - {code: ok-1, name: Again, lat: -2.97, lon: 104.75, url: "http://h/a.jpg"}
  - {code: scope, name: S, lat: -2.97, lon: 104.75, url: "http://h/a.jpg", scope: rahasia, enabled: mungkin}
  - {code: ftp, name: F, lat: -2.97, lon: 104.75, url: "ftp://h/a.jpg"}
  - {code: ref, name: R, lat: -2.97, lon: 104.75, url: "http://h/a.jpg", headers: {Referer: "https://p/"}}
"""
    report = parse_yaml(text, "t.yaml", LOCATE)
    assert [s.code for s in report.specs] == ["ok-1", "ref"]
    ok = report.specs[0]
    assert (ok.kind, ok.scope, ok.agency_code, ok.kecamatan_code) == ("rtsp", "publik", "dishub", "16.71.05")
    assert report.specs[1].headers == {"Referer": "https://p/"}
    problems = {(e.row, e.field) for e in report.errors}
    assert problems == {
        (2, "code"),
        (3, "lat/lon"),
        (4, "lat/lon"),
        (5, "kind"),
        (6, "code"),
        (7, "scope"),
        (7, "enabled"),
        (8, "url"),
    }
    reasons = {e.row: e.reason for e in report.errors}
    assert "outside Palembang" in reasons[3] and "swapped" in reasons[4] and "twice" in reasons[6]


def test_unknown_agency_becomes_tidak_diketahui_and_kecamatan_may_be_named():
    text = (
        "- {code: a, name: A, lat: -2.97, lon: 104.75, url: 'http://h/a.jpg', agency: Dinas Antah Berantah}\n"
    )
    text += "- {code: b, name: B, lat: -2.97, lon: 104.75, url: 'http://h/a.jpg', kecamatan: Bukitkecil}\n"
    text += "- {code: c, name: C, lat: -2.97, lon: 104.75, url: 'http://h/a.jpg', kecamatan: Atlantis}\n"
    report = parse_yaml(text, "t.yaml", LOCATE)
    a, b = report.specs
    assert a.agency_code == "tidak_diketahui" and a.agency_text == "Dinas Antah Berantah"
    assert b.kecamatan_code == "16.71.11"
    assert [(e.row, e.field) for e in report.errors] == [(3, "kecamatan")]


def test_csv_registry_reports_line_numbers_and_reads_headers_text():
    text = (
        "code;name;lat;lon;url;scope;agency;enabled;headers\n"
        "c1;Simpang Polda;-2,9555;104,7402;http://h/c1.mjpg;internal;Kominfo;ya;Referer: https://p/\n"
        "c2;Tanpa Koordinat;;104.74;http://h/c2.jpg;publik;;;\n"
        "c3;Mati;-2.9555;104.7402;http://h/c3.jpg;publik;;tidak;\n"
    )
    report = parse_csv(text, "r.csv", LOCATE)
    assert [s.code for s in report.specs] == ["c1", "c3"]
    c1, c3 = report.specs
    assert (c1.lat, c1.kind, c1.scope, c1.agency_code, c1.headers) == (
        -2.9555,
        "mjpeg",
        "internal",
        "diskominfo",
        {"Referer": "https://p/"},
    )
    assert c3.enabled is False
    assert [(e.row, e.field, e.reason) for e in report.errors] == [(3, "lat", "missing")]


def test_csv_without_the_needed_columns_is_refused_whole():
    with pytest.raises(RegistryError, match="lacks code"):
        parse_csv("nama,lat,lon,url\nx,1,2,http://h\n", "r.csv", LOCATE)


def test_portal_list_maps_fields_infers_kinds_and_reports_bad_rows():
    data = {
        "data": [
            _portal_item(2),
            _portal_item(
                8, cctv_link="rtsp://10.1.1.8:554/stream1", cctv_scope="internal", cctv_status="nonaktif"
            ),
            _portal_item(9, cctv_link="http://10.1.1.9/video.mjpg", cctv_opd={"nama_opd": "Kominfo"}),
            _portal_item(10, cctv_link="http://10.1.1.10/snap.jpeg", location={"coordinates": [106.8, -6.2]}),
            _portal_item(11, cctv_link="https://portal/cam11", location=None),
            _portal_item(None),
            "not an object",
            _portal_item("A/12", cctv_link="http://h/a.JPG", cctv_opd=None),
        ]
    }
    report = parse_portal(data, "portal.json", LOCATE)
    specs = {s.code: s for s in report.specs}
    assert list(specs) == ["cctv-2", "cctv-8", "cctv-9", "cctv-a-12"]
    assert (specs["cctv-2"].kind, specs["cctv-2"].external_id, specs["cctv-2"].agency_code) == (
        "hls",
        "2",
        "dishub",
    )
    assert (specs["cctv-8"].kind, specs["cctv-8"].scope, specs["cctv-8"].enabled) == (
        "rtsp",
        "internal",
        False,
    )
    assert (specs["cctv-9"].kind, specs["cctv-9"].agency_code) == ("mjpeg", "diskominfo")
    assert (specs["cctv-a-12"].kind, specs["cctv-a-12"].agency_code) == ("jpeg", "tidak_diketahui")
    assert all(s.kecamatan_code == "16.71.05" for s in report.specs)
    errors = {(e.row, e.field) for e in report.errors}
    assert errors == {(4, "lat/lon"), (5, "lat"), (5, "lon"), (5, "kind"), (6, "code"), (7, "-")}
    assert report.rows == 8


def test_portal_json_is_recognised_by_content_and_a_bad_document_named():
    body = json.dumps({"data": [_portal_item(3)]}).encode()
    assert parse_registry(body, "https://portal/api/cctv", LOCATE).format == "portal"
    with pytest.raises(RegistryError, match="not valid JSON"):
        parse_registry(b"{broken", "x.json", LOCATE)
    with pytest.raises(RegistryError, match="expected a list of cameras"):
        parse_registry(b"cameras: 3\n", "x.yaml", LOCATE)
    with pytest.raises(RegistryError, match="cannot read"):
        load_registry("/nonexistent/cameras.yaml", LOCATE)


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("https://stream.palembang.go.id/cam2/index.m3u8", "hls"),
        ("rtsp://user:pw@10.0.0.1:554/Streaming/Channels/101", "rtsp"),
        ("http://10.0.0.2/axis-cgi/mjpg/video.cgi", "mjpeg"),
        ("http://10.0.0.3/stream.mjpeg?fps=2", "mjpeg"),
        ("http://10.0.0.4/snapshot.JPG", "jpeg"),
        ("https://portal/cam5", None),
    ],
)
def test_kind_is_inferred_from_the_link(url, kind):
    assert infer_kind(url) == kind
