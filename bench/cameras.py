"""Benchmark of a capture cycle: 200 simulated cameras of mixed kinds, 10% of them hanging.

    .venv/bin/python bench/cameras.py [--cameras 200] [--hanging 0.1] [--timeout 5] [--workers 8,16]
        [--cycles 2] [--no-serial] [--no-rtsp]

Starts the camera simulator (demo/camsim.py, its own process: MJPEG, JPEG and live HLS through
ffmpeg) and, when GStreamer's RTSP server is installed, one RTSP server whose shared stream several
cameras point at. Then prints, for the same cameras in one run: serial capture (capture_one in a
loop, the baseline) and capture_many cycles per worker count, with the cycle time, frames per
second and the outcome counts. Hanging cameras accept the connection and never answer, so each
costs its full timeout; the target is a cycle of at most 15 s on 2 cores. Asserts nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import requests
import yaml

from data_sources.capture import CaptureTarget, capture_many, capture_one
from demo.run import _die_with_parent
from tests.streams.servers import ToolMissing, free_port, hang_server, rtsp_server

ROOT = Path(__file__).resolve().parent.parent
TARGET_CYCLE_S = 15.0
# Shares of the working cameras by kind (RTSP's share goes to MJPEG when no RTSP server is installed).
MIX = (("mjpeg", 0.40), ("jpeg", 0.35), ("hls", 0.15), ("rtsp", 0.10))


def plan(n: int, hanging: float, rtsp: bool) -> list[tuple[str, str, str]]:
    """(code, kind, behaviour) for n cameras: kinds by MIX, every 1/hanging-th camera hanging."""
    mix = [(k, s) for k, s in MIX if rtsp or k != "rtsp"]
    total = sum(s for _, s in mix)
    kinds: list[str] = []
    for kind, share in mix:
        kinds += [kind] * round(n * share / total)
    kinds = (kinds + ["mjpeg"] * n)[:n]
    # Interleave so that the hanging ones and the kinds are spread over the list, as in a registry.
    kinds = [kinds[(i * 7) % n] for i in range(n)] if n % 7 else kinds
    step = max(1, round(1 / hanging)) if hanging > 0 else n + 1
    return [
        (f"cam{i:03d}", kind, "hang" if i % step == step - 1 else "normal") for i, kind in enumerate(kinds)
    ]


@contextlib.contextmanager
def simulator(cameras: list[tuple[str, str, str]]):
    """The camera simulator in its own process, serving `cameras`; yields its base URL."""
    with tempfile.TemporaryDirectory(prefix="bench-cameras-") as tmp:
        path = Path(tmp) / "cameras.yaml"
        entries = [{"code": c, "name": f"Kamera Uji {c}", "kind": k, "behaviour": b} for c, k, b in cameras]
        path.write_text(yaml.safe_dump({"cameras": [e for e in entries if e["kind"] != "rtsp"]}))
        port = free_port()
        proc = subprocess.Popen(
            [sys.executable, "-m", "demo.camsim", f"--port={port}", f"--cameras={path}"],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            start_new_session=True,
            preexec_fn=_die_with_parent,  # a benchmark killed mid-run must not leave 30 encoders running
        )
        base = f"http://127.0.0.1:{port}"
        try:
            hls = [c for c, k, b in cameras if k == "hls" and b == "normal"]
            deadline = time.monotonic() + 60
            while True:
                if proc.poll() is not None:
                    raise RuntimeError("the camera simulator stopped")
                with contextlib.suppress(requests.RequestException):
                    if requests.get(f"{base}/health", timeout=1).ok and all(
                        requests.get(f"{base}/cam/{c}/index.m3u8", timeout=1).ok for c in hls
                    ):
                        break
                if time.monotonic() > deadline:
                    raise RuntimeError("the camera simulator did not get ready in 60 s")
                time.sleep(0.2)
            yield base
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def targets_for(cameras, base: str, rtsp_url: str | None, hang_port: int) -> list[CaptureTarget]:
    files = {"mjpeg": "stream.mjpg", "jpeg": "snapshot.jpg", "hls": "index.m3u8"}
    out = []
    for i, (code, kind, behaviour) in enumerate(cameras):
        if kind == "rtsp":
            url = rtsp_url if behaviour == "normal" else f"rtsp://127.0.0.1:{hang_port}/cam"
        else:
            url = f"{base}/cam/{code}/{files[kind]}"
        out.append(CaptureTarget(i + 1, code, kind, url))
    return out


def summarise(label: str, workers: int, seconds: float, results) -> str:
    frames = sum(r.ok for r in results)
    reasons = Counter(r.reason for r in results if not r.ok)
    other = ", ".join(f"{k} {v}" for k, v in sorted(reasons.items()) if k != "timeout") or "-"
    return (
        f"{label:<26} {workers:>7} {seconds:>8.1f} {frames:>7} {frames / seconds:>7.1f}"
        f" {reasons.get('timeout', 0):>9}   {other}"
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cameras", type=int, default=200)
    ap.add_argument("--hanging", type=float, default=0.10)
    ap.add_argument("--timeout", type=float, default=5.0)
    ap.add_argument("--workers", default="8,16,32", help="comma-separated worker counts for capture_many")
    ap.add_argument("--cycles", type=int, default=2, help="capture_many cycles per worker count")
    ap.add_argument("--no-serial", action="store_true", help="skip the serial baseline (it takes minutes)")
    ap.add_argument("--no-rtsp", action="store_true")
    args = ap.parse_args()
    workers = [int(w) for w in args.workers.split(",") if w.strip()]

    with contextlib.ExitStack() as stack:
        rtsp_url = None
        if not args.no_rtsp:
            try:
                rtsp_url = stack.enter_context(rtsp_server())
            except ToolMissing as exc:
                print(f"no RTSP cameras: {exc}", file=sys.stderr)
        cameras = plan(args.cameras, args.hanging, rtsp_url is not None)
        hang_port = stack.enter_context(hang_server())
        base = stack.enter_context(simulator(cameras))
        targets = targets_for(cameras, base, rtsp_url, hang_port)

        kinds = Counter(k for _, k, _ in cameras)
        hung = sum(b == "hang" for *_, b in cameras)
        print(
            f"{len(targets)} cameras ({', '.join(f'{v} {k}' for k, v in kinds.most_common())}), "
            f"{hung} hanging; timeout {args.timeout:g} s; {os.cpu_count()} CPUs; "
            f"target: a cycle <= {TARGET_CYCLE_S:g} s"
        )
        head = ("mode", "workers", "cycle_s", "frames", "fps", "timeouts")
        print(
            f"{head[0]:<26} {head[1]:>7} {head[2]:>8} {head[3]:>7} {head[4]:>7} {head[5]:>9}   other failures"
        )
        if not args.no_serial:
            t0 = time.monotonic()
            results = [capture_one(t, args.timeout) for t in targets]
            print(summarise("serial (capture_one loop)", 1, time.monotonic() - t0, results), flush=True)
        for w in workers:
            for cycle in range(1, args.cycles + 1):
                t0 = time.monotonic()
                results = capture_many(targets, args.timeout, w)
                seconds = time.monotonic() - t0
                print(summarise(f"capture_many, cycle {cycle}", w, seconds, results), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
