"""The simulator's scene and camera list: deterministic, moving, and every behaviour represented."""

from __future__ import annotations

from data_sources import image
from data_sources.camera_health import DARK_BRIGHTNESS, FROZEN_EPSILON
from demo.cameras import BEHAVIOUR, CCTV_2017, DEMO_CAMERAS
from demo.camsim import (
    BEHAVIOURS,
    CameraSim,
    SimCamera,
    default_cameras,
    etag_matches,
    etag_of,
    load_cameras,
)
from demo.camsim_scene import render, scene_for

T0 = 1_780_000_000.0


def test_the_scene_is_the_same_for_a_code_and_moves_with_time():
    a, b = scene_for("sp-polda", "Simpang Polda"), scene_for("sp-polda", "Simpang Polda")
    assert (render(a, T0) == render(b, T0)).all()
    for gap in (1.0, 60.0, 3600.0):
        d = image.difference(image.signature(render(a, T0)), image.signature(render(a, T0 + gap)))
        assert d > 2 * FROZEN_EPSILON, gap


def test_a_dark_frame_is_dark_and_a_normal_one_is_not():
    scene = scene_for("x", "X")
    assert image.brightness(render(scene, T0, dark=True)) < DARK_BRIGHTNESS
    assert 40 < image.brightness(render(scene, T0)) < 200


def test_frozen_camera_serves_the_same_bytes_forever():
    sim = CameraSim([SimCamera("f", "F", "mjpeg", "frozen"), SimCamera("n", "N")])
    assert sim.jpeg("f", T0) == sim.jpeg("f", T0 + 3600)
    assert sim.jpeg("n", T0) != sim.jpeg("n", T0 + 60)


def test_stale_camera_serves_one_picture_under_one_etag():
    sim = CameraSim([SimCamera("s", "S", "jpeg", "stale")])
    assert sim.jpeg("s", T0) == sim.jpeg("s", T0 + 3600)
    tag = etag_of(sim.jpeg("s", T0))
    assert tag.startswith('"') and tag.endswith('"') and tag == etag_of(sim.jpeg("s", T0 + 60))


def test_if_none_match_is_compared_weakly_and_star_matches_anything():
    assert etag_matches('"a"', '"a"') and etag_matches('W/"a"', '"a"') and etag_matches('"b", "a"', '"a"')
    assert etag_matches("*", '"a"')
    assert not etag_matches('"b"', '"a"') and not etag_matches(None, '"a"') and not etag_matches("", '"a"')


def test_the_demo_stale_camera_is_a_snapshot_camera():
    # Only a snapshot URL is asked conditionally: an MJPEG or HLS camera could never answer 304.
    stale = [c for c in default_cameras() if c.behaviour == "stale"]
    assert [c.kind for c in stale] == ["jpeg"]


def test_default_list_is_the_41_demo_cameras_with_every_behaviour():
    cams = default_cameras()
    assert len(cams) == len(CCTV_2017) + len(DEMO_CAMERAS) == 41
    codes = {c.code for c in cams}
    assert set(BEHAVIOUR) <= codes
    assert set(BEHAVIOUR.values()) | {"normal"} == set(BEHAVIOURS)


def test_load_cameras_reads_the_registry_file(tmp_path):
    path = tmp_path / "cameras.yaml"
    path.write_text(
        "cameras:\n"
        "  - {code: sp-km12, name: Km 12, url: 'http://127.0.0.1:8061/cam/sp-km12/stream.mjpg'}\n"
        "  - {code: a, name: A, url: 'http://127.0.0.1:8061/cam/a/index.m3u8'}\n"
        "  - {code: b, name: B, kind: jpeg, behaviour: hang}\n"
    )
    assert load_cameras(path) == [
        SimCamera("sp-km12", "Km 12", "mjpeg", BEHAVIOUR["sp-km12"]),
        SimCamera("a", "A", "hls", "normal"),
        SimCamera("b", "B", "jpeg", "hang"),
    ]
