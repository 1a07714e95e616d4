"""Capture against real streams on loopback: every kind gives a frame, every fault its reason in time."""

from __future__ import annotations

import pytest

from data_sources import image
from data_sources.camera_health import FROZEN_AFTER, judge
from data_sources.capture import REASONS, CaptureTarget, capture_many, capture_one
from tests.streams.fixtures import *  # noqa: F403 - pytest fixtures: camsim_url, rtsp_url, ...

TIMEOUT_S = 2.0
# A correctness bound, not a speed goal: an attempt must end near its timeout, never much later.
MARGIN_S = 1.5


def target(kind: str, url: str, code: str = "cam", **kw) -> CaptureTarget:
    return CaptureTarget(camera_id=1, code=code, kind=kind, url=url, **kw)


def assert_plausible_frame(result) -> None:
    assert result.ok, (result.reason, result.detail)
    assert result.reason is None and result.detail is None
    assert result.width >= 160 and result.height >= 120
    frame = image.decode_jpeg(result.jpeg)
    assert frame is not None and frame.shape[:2] == (result.height, result.width)
    thumb = image.decode_jpeg(result.thumb_jpeg)
    assert thumb is not None and thumb.shape[1] == min(image.THUMB_WIDTH, result.width)
    assert 20 < result.brightness < 235
    assert result.sharpness > 8
    assert len(result.signature) == image.SIGNATURE_SIZE[0] * image.SIGNATURE_SIZE[1]
    assert result.difference is None  # no previous signature was given
    assert result.started_at.tzinfo is not None and result.started_at.utcoffset().total_seconds() == 0
    assert judge(result, 0).status == "online"


@pytest.mark.parametrize(
    "kind,path", [("mjpeg", "good-mjpeg/stream.mjpg"), ("jpeg", "good-jpeg/snapshot.jpg")]
)
def test_http_kinds_yield_a_frame_with_plausible_figures(camsim_url, kind, path):
    assert_plausible_frame(capture_one(target(kind, f"{camsim_url}/cam/{path}"), TIMEOUT_S))


def test_hls_yields_a_frame_with_plausible_figures(hls_stream):
    url, _seen = hls_stream
    assert_plausible_frame(capture_one(target("hls", url), 5.0))


def test_rtsp_yields_a_frame_with_plausible_figures(rtsp_url):
    assert_plausible_frame(capture_one(target("rtsp", rtsp_url), 5.0))


def test_simulator_hls_camera_yields_a_frame(camsim_url):
    from tests.streams.servers import shutil

    if shutil.which("ffmpeg") is None:
        from tests.conftest import missing_tool

        missing_tool("ffmpeg not installed")
    assert_plausible_frame(capture_one(target("hls", f"{camsim_url}/cam/good-hls/index.m3u8"), 5.0))


def test_request_headers_reach_the_camera(hls_stream):
    url, seen = hls_stream
    before = len(seen)
    headers = {"Referer": "https://cctv.example.go.id/", "X-Uji": "lawang-jabo"}
    result = capture_one(target("hls", url, headers=headers), 5.0)
    assert result.ok, result.detail
    new = seen[before:]
    assert any(r["path"].endswith(".m3u8") for r in new) and any(r["path"].endswith(".ts") for r in new)
    # The probe (requests) and FFmpeg's own playlist and segment requests all carry them.
    assert all(r.get("referer") == headers["Referer"] and r.get("x-uji") == "lawang-jabo" for r in new), new


def _fault_url(kind: str, fault: str, ports: dict) -> str:
    scheme = "rtsp" if kind == "rtsp" else "http"
    path = {"rtsp": "/cam", "hls": "/index.m3u8", "mjpeg": "/stream.mjpg", "jpeg": "/snapshot.jpg"}[kind]
    return f"{scheme}://127.0.0.1:{ports[fault]}{path}"


@pytest.mark.parametrize("kind", ["rtsp", "hls", "mjpeg", "jpeg"])
@pytest.mark.parametrize(
    "fault,reason", [("hang", "timeout"), ("refused", "refused"), ("garbage", "decode_error")]
)
def test_socket_faults_end_in_their_reason_within_the_timeout(
    kind, fault, reason, hang_port, refused, garbage_port
):
    ports = {"hang": hang_port, "refused": refused, "garbage": garbage_port}
    result = capture_one(target(kind, _fault_url(kind, fault, ports)), TIMEOUT_S)
    assert (result.ok, result.reason) == (False, reason), result.detail
    assert result.detail
    assert result.jpeg is None and result.signature is None
    assert result.duration_ms / 1000 < TIMEOUT_S + MARGIN_S
    assert judge(result, 2) == ("offline", reason, 0)


@pytest.mark.parametrize(
    "kind,path,reason,detail",
    [
        ("mjpeg", "dead/stream.mjpg", "http_error", "HTTP 503"),
        ("jpeg", "closed/snapshot.jpg", "error", "connection closed"),
        ("jpeg", "hang/snapshot.jpg", "timeout", None),
        ("mjpeg", "stall/stream.mjpg", "stalled", None),
        ("jpeg", "nobody/snapshot.jpg", "not_found", "HTTP 404"),
    ],
)
def test_simulator_faults_end_in_their_reason_within_the_timeout(camsim_url, kind, path, reason, detail):
    result = capture_one(target(kind, f"{camsim_url}/cam/{path}"), TIMEOUT_S)
    assert (result.ok, result.reason) == (False, reason), result.detail
    if detail:
        assert detail in result.detail
    assert result.duration_ms / 1000 < TIMEOUT_S + MARGIN_S


def test_a_snapshot_cut_mid_body_is_stalled(camsim_url):
    from demo.camsim import CameraSim, SimCamera, running

    with running(CameraSim([SimCamera("s", "S", "jpeg", "stall")]), hls=False) as base:
        result = capture_one(target("jpeg", f"{base}/cam/s/snapshot.jpg"), TIMEOUT_S)
    assert result.reason == "stalled", result.detail
    assert result.duration_ms / 1000 < TIMEOUT_S + MARGIN_S


def test_rtsp_unknown_mount_is_not_found(rtsp_url):
    result = capture_one(target("rtsp", rtsp_url.rsplit("/", 1)[0] + "/tidak-ada"), TIMEOUT_S)
    assert (result.reason, result.detail) == ("not_found", "RTSP 404")


@pytest.mark.parametrize(
    "kind,url",
    [
        ("rtsp", "http://127.0.0.1/cam"),
        ("mjpeg", "rtsp://127.0.0.1/cam"),
        ("jpeg", "not a url"),
        ("jpeg", "http://127.0.0.1:notaport/x.jpg"),
        ("webcam", "http://127.0.0.1/x.jpg"),
    ],
)
def test_unusable_targets_are_invalid_url(kind, url):
    result = capture_one(target(kind, url), TIMEOUT_S)
    assert (result.ok, result.reason) == (False, "invalid_url")
    assert result.reason in REASONS


def test_frozen_camera_is_judged_frozen(camsim_url):
    url = f"{camsim_url}/cam/frozen/stream.mjpg"
    previous, identical, statuses = None, 0, []
    for _ in range(FROZEN_AFTER + 1):
        result = capture_one(target("mjpeg", url, previous_signature=previous), TIMEOUT_S)
        assert result.ok, result.detail
        verdict = judge(result, identical)
        previous, identical = result.signature, verdict.identical_count
        statuses.append(verdict.status)
    assert result.difference == 0.0
    assert statuses == ["online"] * FROZEN_AFTER + ["frozen"]


def test_dark_camera_is_judged_dark(camsim_url):
    result = capture_one(target("mjpeg", f"{camsim_url}/cam/dark/stream.mjpg"), TIMEOUT_S)
    assert result.ok, result.detail
    assert judge(result, 0).status == "dark"


def test_capture_many_returns_every_good_frame_and_the_hang_as_timeout(camsim_url, hang_port):
    good = [target("mjpeg", f"{camsim_url}/cam/good-mjpeg/stream.mjpg", code=f"m{i}") for i in range(3)]
    good += [target("jpeg", f"{camsim_url}/cam/good-jpeg/snapshot.jpg", code=f"j{i}") for i in range(3)]
    hung = target("jpeg", f"http://127.0.0.1:{hang_port}/snapshot.jpg", code="hang")
    targets = [*good[:3], hung, *good[3:]]
    targets = [CaptureTarget(i, t.code, t.kind, t.url) for i, t in enumerate(targets)]
    results = capture_many(targets, TIMEOUT_S, workers=3)
    assert [r.code for r in results] == [t.code for t in targets]
    assert [r.camera_id for r in results] == list(range(len(targets)))
    by_code = {r.code: r for r in results}
    assert by_code["hang"].reason == "timeout"
    assert by_code["hang"].duration_ms / 1000 < TIMEOUT_S + MARGIN_S
    assert all(r.ok for code, r in by_code.items() if code != "hang"), [(r.code, r.detail) for r in results]


def test_capture_many_with_rtsp_and_hls_beside_http(camsim_url, rtsp_url, hls_stream):
    targets = [
        CaptureTarget(1, "rtsp", "rtsp", rtsp_url),
        CaptureTarget(2, "hls", "hls", hls_stream[0]),
        CaptureTarget(3, "mjpeg", "mjpeg", f"{camsim_url}/cam/good-mjpeg/stream.mjpg"),
        CaptureTarget(4, "dead", "mjpeg", f"{camsim_url}/cam/dead/stream.mjpg"),
    ]
    results = capture_many(targets, 5.0, workers=2)
    assert [(r.code, r.ok, r.reason) for r in results] == [
        ("rtsp", True, None),
        ("hls", True, None),
        ("mjpeg", True, None),
        ("dead", False, "http_error"),
    ], [r.detail for r in results]


def test_capture_many_of_nothing_is_nothing():
    assert capture_many([], TIMEOUT_S, workers=4) == []


# -- conditional GET: a snapshot camera with no new frame answers 304 ------------------------------


@pytest.fixture
def nvr():
    from tests.integration.camera_http import CameraServer

    server = CameraServer()
    yield server
    server.close()


def test_a_snapshot_with_an_etag_yields_its_validator_and_a_304_yields_no_new_frame(nvr):
    url = f"{nvr.base_url}/still/nvr.jpg"
    first = capture_one(target("jpeg", url), TIMEOUT_S)
    assert first.ok and not first.not_modified and first.jpeg[:2] == b"\xff\xd8"
    assert first.validator == 'ETag: "nvr-v0"'
    assert "if-none-match" not in nvr.headers[-1]  # nothing known yet: a plain GET

    again = capture_one(target("jpeg", url, validator=first.validator), TIMEOUT_S)
    assert nvr.headers[-1]["if-none-match"] == '"nvr-v0"'
    assert (again.ok, again.not_modified, again.reason) == (True, True, None)
    assert again.jpeg is None and again.thumb_jpeg is None and again.signature is None
    assert again.brightness is None and again.validator == first.validator
    assert again.started_at.utcoffset().total_seconds() == 0

    nvr.versions["nvr"] = 1  # the recorder moves on: the old tag no longer matches
    moved = capture_one(target("jpeg", url, validator=first.validator), TIMEOUT_S)
    assert moved.ok and not moved.not_modified and moved.jpeg is not None
    assert moved.validator == 'ETag: "nvr-v1"'


def test_a_last_modified_date_is_sent_back_as_if_modified_since(nvr):
    url = f"{nvr.base_url}/dated/nvr.jpg"
    first = capture_one(target("jpeg", url), TIMEOUT_S)
    assert first.ok and first.validator == "Last-Modified: Sat, 28 Nov 2026 00:00:00 GMT"
    again = capture_one(target("jpeg", url, validator=first.validator), TIMEOUT_S)
    assert nvr.headers[-1]["if-modified-since"] == "Sat, 28 Nov 2026 00:00:00 GMT"
    assert "if-none-match" not in nvr.headers[-1]
    assert again.not_modified and again.jpeg is None


def test_a_camera_that_stops_sending_validators_gets_plain_gets(nvr):
    url = f"{nvr.base_url}/still/nvr.jpg"
    first = capture_one(target("jpeg", url), TIMEOUT_S)
    nvr.no_validators.add("nvr")
    answer = capture_one(target("jpeg", url, validator=first.validator), TIMEOUT_S)
    assert answer.ok and not answer.not_modified and answer.validator is None
    plain = capture_one(target("jpeg", url, validator=answer.validator), TIMEOUT_S)
    assert plain.ok and "if-none-match" not in nvr.headers[-1]


def test_a_304_that_nobody_asked_for_is_an_http_error(nvr):
    result = capture_one(target("jpeg", f"{nvr.base_url}/status/304"), TIMEOUT_S)
    assert (result.ok, result.not_modified, result.reason) == (False, False, "http_error")
    assert "304" in result.detail


def test_an_mjpeg_stream_has_no_validator(camsim_url):
    result = capture_one(target("mjpeg", f"{camsim_url}/cam/good-mjpeg/stream.mjpg"), TIMEOUT_S)
    assert result.ok and result.validator is None


def test_the_simulators_stale_camera_answers_304_after_its_first_frame():
    import requests

    from demo.camsim import CameraSim, SimCamera, running

    with running(CameraSim([SimCamera("s", "S", "jpeg", "stale")]), hls=False) as base:
        url = f"{base}/cam/s/snapshot.jpg"
        first = capture_one(target("jpeg", url), TIMEOUT_S)
        assert first.ok and first.jpeg[:2] == b"\xff\xd8" and first.validator.startswith('ETag: "')
        again = capture_one(target("jpeg", url, validator=first.validator), TIMEOUT_S)
        assert again.not_modified and again.validator == first.validator
        etag = first.validator.removeprefix("ETag: ")
        with requests.Session() as http:
            http.trust_env = False
            assert http.get(url, headers={"If-None-Match": etag}, timeout=TIMEOUT_S).status_code == 304
            assert http.get(url, headers={"If-None-Match": '"other"'}, timeout=TIMEOUT_S).status_code == 200


def test_the_no_new_frame_outcome_crosses_the_process_pool(nvr):
    url = f"{nvr.base_url}/still/nvr.jpg"
    first = capture_one(target("jpeg", url), TIMEOUT_S)
    targets = [
        CaptureTarget(1, "asked", "jpeg", url, validator=first.validator),
        CaptureTarget(2, "plain", "jpeg", url),
    ]
    asked, plain = capture_many(targets, TIMEOUT_S, workers=2)
    assert (asked.code, asked.ok, asked.not_modified, asked.validator) == (
        "asked",
        True,
        True,
        first.validator,
    )
    assert (plain.code, plain.not_modified, plain.validator) == ("plain", False, first.validator)
    assert plain.jpeg is not None
