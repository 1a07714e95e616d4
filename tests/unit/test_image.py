"""Pure image functions: the health figures mean what camera_health assumes they mean."""

from __future__ import annotations

import numpy as np
import pytest

from data_sources import image


def flat(value: int, w: int = 640, h: int = 360) -> np.ndarray:
    return np.full((h, w, 3), value, dtype=np.uint8)


def checkerboard(w: int = 640, h: int = 360, cell: int = 8) -> np.ndarray:
    ys, xs = np.indices((h, w))
    board = (((ys // cell) + (xs // cell)) % 2 * 255).astype(np.uint8)
    return np.dstack([board] * 3)


def test_brightness_runs_from_black_to_white():
    assert image.brightness(flat(0)) == 0.0
    assert image.brightness(flat(255)) == 255.0
    assert image.brightness(flat(100)) == pytest.approx(100.0)


def test_sharpness_is_zero_for_a_flat_picture_and_high_for_edges():
    assert image.sharpness(flat(128)) == 0.0
    assert image.sharpness(checkerboard()) > 1000


def test_figures_do_not_depend_on_resolution():
    small, large = checkerboard(320, 180, 4), checkerboard(1280, 720, 16)
    assert image.brightness(small) == pytest.approx(image.brightness(large), abs=2)
    assert image.sharpness(small) == pytest.approx(image.sharpness(large), rel=0.2)


def test_signature_is_a_tiny_grey_thumbnail_and_difference_compares_two():
    a, b = image.signature(flat(10)), image.signature(flat(40))
    assert len(a) == image.SIGNATURE_SIZE[0] * image.SIGNATURE_SIZE[1]
    assert image.difference(a, a) == 0.0
    assert image.difference(a, b) == pytest.approx(30.0)
    assert image.difference(None, a) is None
    assert image.difference(a, a[:-1]) is None  # a signature of another size is not comparable


def test_jpeg_round_trip_and_thumbnail_width():
    frame = checkerboard(1280, 720)
    decoded = image.decode_jpeg(image.encode_jpeg(frame))
    assert decoded.shape == frame.shape
    assert image.thumbnail(frame).shape[:2] == (180, 320)
    small = flat(50, 200, 100)
    assert image.thumbnail(small) is small  # never enlarged


@pytest.mark.parametrize("data", [b"", b"not an image", b"\xff\xd8\xff\xe0 truncated"])
def test_decode_of_non_images_is_none(data):
    assert image.decode_jpeg(data) is None


def test_grey_frames_are_measured_too():
    grey = np.full((90, 160), 77, dtype=np.uint8)
    assert image.brightness(grey) == pytest.approx(77)
    assert len(image.signature(grey)) == 576
