"""e-Lapor API simulator: complaints arrive and move through their LAPOR! lifecycle as time passes.

    python -m demo.elapor_sim [--port 8062] [--seed 1] [--complaints 3000] [--days 30]
        [--arrivals-per-day N] [--clock wall|manual] [--speed 1] [--start ISO|-12h|-2d]
        [--token T] [--faults timeout=0.05,error_500=0.05,...|all=0.02] [--prebuild] [--verbose]

Serves on 127.0.0.1 the API that data_sources.elapor reads (docs/elapor-api.md):
    GET  /api/v1/complaints?updated_since=ISO&cursor=C&limit=N   (Bearer token; 401 otherwise)
    GET  /api/v1/complaints/{id}                                  (one complaint as it is now)
    GET  /health                                                  (no token; for launchers)
and, for tests and demos, without a token (loopback only):
    GET  /_admin/faults, POST /_admin/faults {"error_500": 0.1, ...}  (demo/elapor_sim_faults.py)
    POST /_admin/tick {"seconds": 3600}     move the clock (manual clock: the only way it moves)
    GET  /_admin/truth                      valid records with status and full history, invalid ids
    GET  /_admin/stats                      requests, injected faults by kind, records by kind
The world is generated once (demo/elapor_sim_world.py) from --seed and the start time: the same
seed and start give the same complaints, lifecycles, record faults and (requests made in the
same order) the same transport faults. The wall clock (`make run`) runs at --speed from --start
and never passes real time, so no record is ever dated in the future.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import re
import signal
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from demo.elapor_sim_api import (
    DEFAULT_TICK_S,
    BadRequest,
    ElaporSim,
    Response,
    SimClock,
    error,
    json_response,
)
from demo.elapor_sim_faults import Faults, parse_cli
from demo.elapor_sim_items import iso
from demo.elapor_sim_world import WIB, SimWorld

log = logging.getLogger("demo.elapor_sim")

API_PATH = "/api/v1/complaints"
DEMO_TOKEN = "demo-token"


# ---------------------------------------------------------------------- HTTP ----


class ElaporSimServer(ThreadingHTTPServer):
    """ThreadingHTTPServer carrying the simulator; stop() also releases hanging requests."""

    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], sim: ElaporSim, verbose: bool = False) -> None:
        super().__init__(address, _Handler)
        self.sim = sim
        self.verbose = verbose
        self.released = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> ElaporSimServer:
        # A short poll interval makes stop() quick; idle polling costs nothing worth measuring.
        self._thread = threading.Thread(
            target=self.serve_forever, kwargs={"poll_interval": 0.05}, name="elapor-sim", daemon=True
        )
        self._thread.start()
        return self

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients that time out or drop a kept-alive connection are part of the game here.
        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return
        log.exception("request from %s failed", client_address)

    def stop(self) -> None:
        """Stop serving, wake any request hanging on purpose, close the socket."""
        self.released.set()
        if self._thread is not None:  # shutdown() waits for serve_forever: only when it runs
            self.shutdown()
            self._thread.join(timeout=5)
        self.server_close()


_ONE = re.compile(rf"^{API_PATH}/([^/]+)$")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: ElaporSimServer
    server_version = "ElaporSim/1.0"

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.verbose:
            super().log_message(format, *args)

    def do_GET(self) -> None:
        self._route("GET")

    def do_POST(self) -> None:
        self._route("POST")

    def _route(self, method: str) -> None:
        sim = self.server.sim
        parts = urlsplit(self.path)
        path, query = parts.path.rstrip("/") or "/", parse_qs(parts.query)
        with sim.lock:
            sim.requests[f"{method} {path if not _ONE.match(path) else API_PATH + '/{id}'}"] += 1
        try:
            response = self._dispatch(method, path, query)
        except BadRequest as exc:
            response = error(400, "bad_request", str(exc))
        except Exception as exc:  # a simulator bug must still answer, and say what broke
            response = error(500, "simulator_bug", f"{type(exc).__name__}: {exc}")
        self._send(response)

    def _dispatch(self, method: str, path: str, query: dict[str, list[str]]) -> Response:
        sim = self.server.sim
        if method == "GET" and path == "/health":
            return json_response(200, {"status": "ok", "now": iso(sim.now())})
        if path.startswith("/_admin/"):
            return self._admin(method, path)
        if path == API_PATH or _ONE.match(path):
            if method != "GET":
                return error(405, "method_not_allowed", f"{method} {path} is not supported")
            if not sim.authorised(self.headers.get("Authorization")):
                with sim.lock:
                    sim.requests["unauthorised"] += 1
                return error(401, "unauthorized", "missing or wrong bearer token",
                              {"WWW-Authenticate": 'Bearer realm="e-Lapor"'})  # fmt: skip
            if path == API_PATH:
                return sim.complaints(query)
            return sim.one(_ONE.match(path).group(1))
        return error(404, "not_found", f"no route {method} {path}")

    def _admin(self, method: str, path: str) -> Response:
        sim = self.server.sim
        if path == "/_admin/faults" and method == "GET":
            return json_response(200, sim.faults.as_dict())
        if path == "/_admin/faults" and method == "POST":
            try:
                return json_response(200, sim.set_faults(self._json_body()).as_dict())
            except ValueError as exc:
                raise BadRequest(str(exc)) from None
        if path == "/_admin/tick" and method == "POST":
            body = self._json_body() or {}
            seconds = body.get("seconds", DEFAULT_TICK_S) if isinstance(body, dict) else None
            if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds < 0:
                raise BadRequest(f"tick: 'seconds' must be a number >= 0, got {seconds!r}")
            now = sim.tick(float(seconds))
            return json_response(200, {"now": iso(now), "now_ts": now})
        if path == "/_admin/truth" and method == "GET":
            return json_response(200, sim.truth())
        if path == "/_admin/stats" and method == "GET":
            return json_response(200, sim.stats())
        return error(404, "not_found", f"no admin route {method} {path}")

    def _json_body(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if not raw.strip():
            return {}
        try:
            return json.loads(raw)
        except ValueError:
            raise BadRequest("the request body is not JSON") from None

    def _send(self, response: Response) -> None:
        if response.hang == "before":
            self.server.released.wait(self.server.sim.faults.hang_s)
            self.close_connection = True
            return
        body = response.body
        self.send_response(response.status)
        self.send_header("Content-Type", f"{response.content_type}; charset=utf-8")
        self.send_header("Content-Length", str(len(body) if response.hang is None else 4096))
        for key, value in response.headers.items():
            self.send_header(key, value)
        self.end_headers()
        if response.hang == "mid-body":
            with contextlib.suppress(OSError):
                self.wfile.write(b'{"data":[' + b" " * 100)
                self.wfile.flush()
            self.server.released.wait(self.server.sim.faults.hang_s)
            self.close_connection = True
            return
        with contextlib.suppress(OSError):  # the client gave up (timed out): nothing to tell it
            self.wfile.write(body)


# ---------------------------------------------------------------------- start ----


def build_sim(
    *,
    complaints: int = 500,
    seed: int = 1,
    token: str = "test-token",
    faults: Faults | dict[str, Any] | None = None,
    start: datetime | None = None,
    clock: str = "manual",
    speed: float = 1.0,
    days: int = 30,
    arrivals_per_day: float | None = None,
    horizon_days: int = 120,
    prebuild: bool = False,
) -> ElaporSim:
    """A simulator (not yet serving). Manual clock by default, starting at `start` (default: now).

    `prebuild` renders every visible record up front, so that even the first sync of a large
    backlog is served at full speed (benchmarks).
    """
    faults = faults if isinstance(faults, Faults) else Faults().update(faults or {})
    start_ts = int((start or datetime.now(UTC)).timestamp())
    world = SimWorld(
        complaints, seed, start_ts, days=days, arrivals_per_day=arrivals_per_day, horizon_days=horizon_days,
        record_faults=faults.record_probabilities(),
    )  # fmt: skip
    sim = ElaporSim(world, SimClock(start_ts, clock, speed), token, faults, seed)
    if prebuild:
        world.prebuild(sim.now())
    return sim


def start_in_process(*, host: str = "127.0.0.1", port: int = 0, verbose: bool = False, **options: Any
                     ) -> tuple[ElaporSimServer, str]:  # fmt: skip
    """Serve a simulator from a thread of this process on a free port; returns (server, base URL).

    `options` go to build_sim. Stop it with server.stop().
    """
    server = ElaporSimServer((host, port), build_sim(**options), verbose).start()
    return server, server.url


@contextlib.contextmanager
def running(**options: Any) -> Iterator[tuple[ElaporSimServer, str]]:
    """start_in_process as a context manager: stopped on exit."""
    server, url = start_in_process(**options)
    try:
        yield server, url
    finally:
        server.stop()


def parse_start(text: str | None, now: datetime | None = None) -> datetime | None:
    """--start: an ISO date-time (WIB when it has no offset), or relative "-12h" / "-2d" / "-30m"."""
    if not text:
        return None
    now = now or datetime.now(UTC)
    m = re.fullmatch(r"-(\d+(?:\.\d+)?)([mhd])", text.strip())
    if m:
        unit = {"m": "minutes", "h": "hours", "d": "days"}[m.group(2)]
        return now - timedelta(**{unit: float(m.group(1))})
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=WIB)


_RELATIVE = re.compile(r"-\d+(?:\.\d+)?[mhd]")


def _args(argv: list[str] | None) -> argparse.Namespace:
    argv = list(sys.argv[1:] if argv is None else argv)
    # argparse reads "--start -2d" as two options; join a relative start to its flag.
    for i in range(len(argv) - 1):
        if argv[i] == "--start" and _RELATIVE.fullmatch(argv[i + 1]):
            argv[i : i + 2] = [f"--start={argv[i + 1]}", ""]
    argv = [a for a in argv if a != ""]
    ap = argparse.ArgumentParser(prog="python -m demo.elapor_sim", description=__doc__.splitlines()[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=None, help="default: ELAPOR_SIM_PORT (8062)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--complaints", type=int, default=3000, help="backlog before the start (default 3000)")
    ap.add_argument("--days", type=int, default=30, help="days the backlog covers (default 30)")
    ap.add_argument("--arrivals-per-day", type=float, default=None, help="default: complaints / days")
    ap.add_argument("--horizon-days", type=int, default=120, help="how far lifecycles are drawn ahead")
    ap.add_argument("--clock", choices=("wall", "manual"), default="wall")
    ap.add_argument("--speed", type=float, default=1.0, help="simulated seconds per real second (wall clock)")
    ap.add_argument("--start", default=None, help="ISO date-time, or -12h / -2d before now (default: now)")
    ap.add_argument(
        "--token", default=None, help="default: ELAPOR_TOKEN / ELAPOR_TOKEN_FILE, else demo-token"
    )
    ap.add_argument("--faults", default="", help="NAME=P,... (see demo/elapor_sim_faults.py); all=P sets all")
    ap.add_argument("--prebuild", action="store_true", help="render every record before serving (benchmarks)")
    ap.add_argument("--verbose", action="store_true", help="log every request")
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _args(argv)
    from config import ConfigError, get_settings

    try:
        settings = get_settings()
        faults = Faults().update(parse_cli(args.faults))
        start = parse_start(args.start)
        port = settings.elapor_sim_port if args.port is None else args.port
        token = args.token or settings.elapor_token or DEMO_TOKEN
        began = time.perf_counter()
        sim = build_sim(
            complaints=args.complaints, seed=args.seed, token=token, faults=faults, start=start,
            clock=args.clock, speed=args.speed, days=args.days, arrivals_per_day=args.arrivals_per_day,
            horizon_days=args.horizon_days, prebuild=args.prebuild,
        )  # fmt: skip
        server = ElaporSimServer((args.host, port), sim, args.verbose)
    except (ConfigError, ValueError, OSError) as exc:
        print(f"demo.elapor_sim: {exc}", file=sys.stderr)
        return 2
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print(
            f"demo.elapor_sim: warning: {args.host} is not loopback and /_admin/ has no token",
            file=sys.stderr,
        )
    counts = sim.world.counts(sim.now())
    later = counts["total"] - counts["visible"]
    print(
        f"demo.elapor_sim: http://{args.host}:{server.server_address[1]}{API_PATH} - "
        f"{counts['visible']:,} complaints now, {later:,} more to come, clock {args.clock} "
        f"x{args.speed:g} at {iso(sim.now())}, built in {time.perf_counter() - began:.1f} s"
        + (" [token: demo-token]" if token == DEMO_TOKEN else ""),
        flush=True,
    )
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown, daemon=True).start())
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.released.set()
        server.server_close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
