"""The synthetic street scene of one simulated camera: a road, moving vehicles, its name, a WIB clock.

A frame is a pure function of (camera code, time): the same code always shows the same road and
traffic pattern, and time moves the vehicles, so a frozen camera is just a fixed time and two
frames a minute apart always differ (the health check must see a live camera as live).
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

import cv2
import numpy as np

WIB = timezone(timedelta(hours=7), "WIB")
_COLOURS = [
    (40, 40, 200),
    (200, 200, 200),
    (30, 30, 30),
    (0, 160, 230),
    (180, 90, 20),
    (60, 140, 60),
    (220, 220, 90),
]


@dataclass(frozen=True)
class _Vehicle:
    lane: int
    length: float  # fraction of the frame width
    speed: float  # frame widths per second (signed: direction of the lane)
    phase: float
    colour: tuple[int, int, int]


@dataclass(frozen=True)
class Scene:
    """The fixed parts of one camera's picture, drawn again at every instant."""

    code: str
    name: str
    lanes: int
    sky: tuple[int, int, int]
    vehicles: tuple[_Vehicle, ...]


def scene_for(code: str, name: str) -> Scene:
    """The scene of camera `code`: the same every time (seeded from the code)."""
    rng = random.Random(int(hashlib.sha256(code.encode()).hexdigest()[:12], 16))
    lanes = rng.choice((2, 3, 4))
    vehicles = []
    for i in range(rng.randint(5, 9)):
        lane = i % lanes
        direction = 1 if lane < lanes / 2 else -1
        vehicles.append(
            _Vehicle(
                lane=lane,
                length=rng.uniform(0.08, 0.22),
                speed=direction * rng.uniform(0.05, 0.18),
                phase=rng.random(),
                colour=rng.choice(_COLOURS),
            )
        )
    sky = (rng.randint(150, 200), rng.randint(120, 170), rng.randint(60, 100))
    return Scene(code, name, lanes, sky, tuple(vehicles))


def _text(
    img: np.ndarray, text: str, org: tuple[int, int], scale: float, colour: tuple[int, int, int]
) -> None:
    thickness = max(1, round(scale * 2))
    cv2.putText(img, text, org, cv2.FONT_HERSHEY_SIMPLEX, scale, (0, 0, 0), thickness + 2, cv2.LINE_AA)
    cv2.putText(img, text, org, cv2.FONT_HERSHEY_SIMPLEX, scale, colour, thickness, cv2.LINE_AA)


def render(scene: Scene, t: float, width: int = 640, height: int = 360, *, dark: bool = False) -> np.ndarray:
    """The frame at unix time `t` as a BGR ndarray; `dark` draws what a camera with a dead sensor sends."""
    img = np.zeros((height, width, 3), dtype=np.uint8)
    scale = width / 640
    stamp = datetime.fromtimestamp(t, UTC).astimezone(WIB).strftime("%d-%m-%Y %H:%M:%S WIB")
    if dark:
        # A black picture; the camera still burns in its clock, faintly, like a real one at night.
        _text(img, stamp, (int(10 * scale), height - int(12 * scale)), 0.5 * scale, (38, 38, 38))
        return img
    horizon = int(height * 0.35)
    img[:horizon] = scene.sky
    img[horizon:] = (70, 120, 70)  # verges
    top, bottom = int(height * 0.45), int(height * 0.95)
    img[top:bottom] = (85, 85, 85)  # asphalt
    lane_h = (bottom - top) / scene.lanes
    for k in range(1, scene.lanes):
        y = int(top + k * lane_h)
        for x in range(0, width, int(60 * scale)):
            cv2.line(img, (x, y), (x + int(30 * scale), y), (230, 230, 230), max(1, int(2 * scale)))
    for v in scene.vehicles:
        span = 1.0 + v.length
        pos = ((v.phase + v.speed * t) % span) - v.length  # fraction of the width, wraps around
        x0 = int(pos * width)
        x1 = x0 + int(v.length * width)
        y0 = int(top + v.lane * lane_h + lane_h * 0.18)
        y1 = int(top + (v.lane + 1) * lane_h - lane_h * 0.18)
        cv2.rectangle(img, (x0, y0), (x1, y1), v.colour, -1)
        cv2.rectangle(img, (x0, y0), (x1, y1), (20, 20, 20), max(1, int(scale)))
        # windscreen on the side the vehicle drives to
        wx = x1 - int((x1 - x0) * 0.25) if v.speed > 0 else x0
        cv2.rectangle(img, (wx, y0 + 3), (wx + int((x1 - x0) * 0.25), y1 - 3), (120, 60, 30), -1)
    _text(img, scene.name[:48], (int(10 * scale), int(28 * scale)), 0.7 * scale, (255, 255, 255))
    _text(img, stamp, (int(10 * scale), height - int(12 * scale)), 0.6 * scale, (255, 255, 255))
    return img
