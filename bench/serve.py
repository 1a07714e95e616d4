"""Benchmark of the web tier under load: Dash callbacks against gunicorn on loopback (prints figures;
asserts nothing).

    .venv/bin/python bench/serve.py [--complaints 1000000 | --quick] [--clients 25] [--requests 100]
                                    [--cold-requests 40] [--database-url URL [--seeded]]

Seeds N complaints (demo.seed) into a fresh SQLite database in a temporary folder, or into the
given URL (an empty PostgreSQL database; with --seeded, one seeded before, which saves minutes
while tuning), adds one staff user, then starts gunicorn with the
command line of `make serve` (deploy.serve.web_argv: WEB_WORKERS x WEB_THREADS, gthread) on a free
loopback port. Each mix sends a fixed number of requests from C concurrent clients (threads, one
requests.Session each: logged in through the real /masuk form, or anonymous for the public page):

    /masuk (GET)             the trivial route under the same load: the floor of the web tier
    statistik, 1 client      the Statistik page's main callback alone: the floor of the callback
    statistik                the same callback, C clients, varied filters
    ringkasan                the Ringkasan page as the page router delivers it (?periode=7/30/90/365)
    transparansi             the public page's filter callback, anonymous, varied filters

Bodies are those the Dash renderer sends, built from app.callback_map (in this process, after a
GET) by the security tests' helper. Filters are drawn from a pool per mix, so some requests repeat
an earlier body: the "repeat" column is an upper bound on the share the statistics cache could
answer (each worker keeps its own cache unless REDIS_URL is set; the server does not say which
requests hit). A second pass restarts gunicorn with CACHE_TIMEOUT_S=0 for the cold figures.
Per mix: p50, p95, p99 latency of the answered requests and requests/s, beside the targets
(callbacks p95 <= 250 ms, p50 <= 100 ms); then each worker's RSS and peak RSS (VmRSS, VmHWM)
against the 300 MB target. Every request has a timeout; errors are counted and printed.
Ctrl-C or an error stops gunicorn (by its pid) and removes the temporary folder.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import secrets
import signal
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import requests  # noqa: E402

from bench.serve_gunicorn import Gunicorn, report_memory, server_env  # noqa: E402

QUICK_COMPLAINTS = 50_000
TARGET_P50_MS, TARGET_P95_MS = 100, 250
USER = (
    f"bench_staf_{secrets.token_hex(3)}",
    secrets.token_urlsafe(12),
)  # a throwaway user (--seeded reuses a database)
CALLBACK = "/_dash-update-component"


# ------------------------------------------------------------------ the bodies ----


@dataclass
class Mix:
    name: str
    method: str  # GET or POST
    path: str
    bodies: list  # one per request (None for a GET)
    warm: object  # the warm-up body
    clients: int
    logged_in: bool
    check: object = None  # callable(text) -> bool: the answer is the page's, not an error message
    callback: bool = True
    times: list[float] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)
    example: dict[str, str] = field(default_factory=dict)  # error -> the first one's message
    wall_s: float = 0.0


def callback_specs(env: dict[str, str]) -> dict[str, dict]:
    """app.callback_map of the real app, read in this process after a GET (Dash registers then)."""
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "DATA_DIR", "HOST", "PORT")})
    import app

    if app.server.test_client().get("/masuk").status_code != 200:
        raise RuntimeError("GET /masuk failed in process: the callbacks are not registered")
    return app.app.callback_map


def _key(specs: dict, part: str) -> str:
    return next(k for k in specs if part in k)


def _values(pairs: dict[tuple[str, str], object]) -> dict[tuple[str, str], object]:
    # The helper's lookup form: (json of the id, property).
    return {(json.dumps(cid, sort_keys=True), prop): v for (cid, prop), v in pairs.items()}


def _period(rng: random.Random, today: date) -> tuple[str, str]:
    days = rng.choice((7, 30, 90, 90, 180, 365, 730))
    end = today - timedelta(days=rng.choice((0, 0, 0, 7, 30, 60)))
    return (end - timedelta(days=days - 1)).isoformat(), end.isoformat()


def _some(rng: random.Random, share: float, choices: list[str], most: int = 1) -> list[str]:
    return rng.sample(choices, rng.randint(1, most)) if choices and rng.random() < share else []


def stat_values(rng: random.Random, today: date, opts: dict[str, list[str]]) -> dict:
    from components.filters import SELECT_FIELDS, field_id
    from store.vocab import CHANNELS, OPEN_STATUSES, REPORT_TYPES

    start, end = _period(rng, today)
    chosen = {
        "kecamatan": _some(rng, 0.4, opts["kecamatan"], 3),
        "category": _some(rng, 0.3, opts["category"]),
        "agency": _some(rng, 0.2, opts["agency"]),
        "channel": _some(rng, 0.2, list(CHANNELS), 2),
        "report_type": _some(rng, 0.1, list(REPORT_TYPES)),
        "status": list(OPEN_STATUSES) if rng.random() < 0.2 else [],
    }
    pairs = {("stat-f-dates", "start_date"): start, ("stat-f-dates", "end_date"): end}
    pairs.update({(field_id("stat", n), "value"): chosen[n] for n in SELECT_FIELDS})
    days = (date.fromisoformat(end) - date.fromisoformat(start)).days + 1
    pairs[("stat-freq", "value")] = "W" if days > 120 else "D"
    return _values(pairs)


def tr_values(rng: random.Random, today: date, opts: dict[str, list[str]]) -> dict:
    start, end = _period(rng, today)
    return _values(
        {
            ("tr-f-dates", "start_date"): start,
            ("tr-f-dates", "end_date"): end,
            ("tr-f-kecamatan", "value"): _some(rng, 0.4, opts["kecamatan"], 3),
            ("tr-f-category", "value"): _some(rng, 0.3, opts["category"]),
        }
    )


def pooled(rng: random.Random, n: int, make) -> list:
    """n bodies drawn from a pool of about n/2 distinct ones: some repeat, as real visitors do."""
    pool = [make() for _ in range(max(1, n // 2))]
    return [rng.choice(pool) for _ in range(n)]


def _answer_ok(prefix: str):
    def check(text: str) -> bool:
        answer = json.loads(text).get("response", {})
        return bool(answer) and answer.get(f"{prefix}-message", {}).get("is_open") is False

    return check


def build_mixes(specs: dict, opts: dict, args, seed: int) -> list[Mix]:
    from store.calendar import WIB
    from tests.integration.test_security_callbacks import body_for

    rng = random.Random(seed)
    today = datetime.now(UTC).astimezone(WIB).date()
    stat_key, tr_key = _key(specs, "..stat-g-kecamatan.figure"), _key(specs, "..tr-kpis.children")
    router_key = _key(specs, "_pages_content.children")

    def stat() -> dict:
        return body_for(stat_key, specs[stat_key], stat_values(rng, today, opts), trigger=True)

    def tr() -> dict:
        return body_for(tr_key, specs[tr_key], tr_values(rng, today, opts), trigger=True)

    def ringkasan() -> dict:
        search = f"?periode={rng.choice((7, 30, 90, 365))}"
        values = _values({("_pages_location", "pathname"): "/", ("_pages_location", "search"): search})
        return body_for(router_key, specs[router_key], values)

    n, c = args.requests, args.clients
    one = max(10, n // 5)
    stat_ok, tr_ok = _answer_ok("stat"), _answer_ok("tr")
    # Each mix warms up with a body of its own drawing, outside the pool it is timed on.
    return [
        Mix("/masuk (GET)", "GET", "/masuk", [None] * n, None, c, False, callback=False),
        Mix("statistik, 1 client", "POST", CALLBACK, pooled(rng, one, stat), stat(), 1, True, stat_ok),
        Mix("statistik", "POST", CALLBACK, pooled(rng, n, stat), stat(), c, True, stat_ok),
        Mix("ringkasan", "POST", CALLBACK, pooled(rng, n, ringkasan), ringkasan(), c, True, _ringkasan_ok),
        Mix("transparansi (anon)", "POST", CALLBACK, pooled(rng, n, tr), tr(), c, False, tr_ok),
    ]


def _ringkasan_ok(text: str) -> bool:
    return '"ringkasan-' in text


# ------------------------------------------------------------------ the clients ----


def session(base: str, logged_in: bool, timeout_s: float) -> requests.Session:
    s = requests.Session()
    s.trust_env = False  # loopback: no proxy from the environment
    if logged_in:
        form = s.get(base + "/masuk", timeout=timeout_s)
        csrf = re.search(r'name="csrf" value="([^"]+)"', form.text)
        if not csrf:
            raise RuntimeError(f"no login form at {base}/masuk (HTTP {form.status_code})")
        data = {"username": USER[0], "password": USER[1], "csrf": csrf.group(1), "next": "/"}
        resp = s.post(base + "/masuk", data=data, allow_redirects=False, timeout=timeout_s)
        if resp.status_code != 303:
            raise RuntimeError(f"login failed: HTTP {resp.status_code}")
    return s


def run(mix: Mix, base: str, timeout_s: float) -> None:
    """Send every body of the mix from mix.clients threads; record latencies and errors."""
    sessions = [session(base, mix.logged_in, timeout_s) for _ in range(mix.clients)]
    todo = list(enumerate(mix.bodies))
    lock = threading.Lock()

    def worker(s: requests.Session) -> None:
        while True:
            with lock:
                if not todo:
                    return
                _i, body = todo.pop(0)
            t0 = time.perf_counter()
            try:
                resp = s.request(mix.method, base + mix.path, json=body, timeout=timeout_s)
                elapsed = time.perf_counter() - t0
                if resp.status_code != 200:
                    error = f"HTTP {resp.status_code}"
                elif mix.check is not None and not mix.check(resp.text):
                    error = "answer without the page's output"
                else:
                    error = None
            except requests.Timeout:
                error = f"timeout ({timeout_s:g} s)"
            except (requests.RequestException, ValueError) as exc:
                error = type(exc).__name__
                with lock:
                    mix.example.setdefault(error, str(exc)[:200])
            with lock:
                if error:
                    mix.errors[error] += 1
                else:
                    mix.times.append(elapsed)

    threads = [threading.Thread(target=worker, args=(s,), daemon=True) for s in sessions]
    t0 = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        while th.is_alive():  # a join with a timeout lets Ctrl-C through
            th.join(0.5)
    mix.wall_s = time.perf_counter() - t0
    for s in sessions:
        s.close()


def warm_up(base: str, timeout_s: float, mixes: list[Mix], workers: int) -> None:
    """Import-time and first-query costs out of the figures: each mix a few times per worker."""
    for mix in mixes:
        warm = Mix(mix.name, mix.method, mix.path, [mix.warm] * 2 * workers, None, workers, mix.logged_in)
        run(warm, base, timeout_s)
        for error, n in warm.errors.items():
            print(f"  warm-up {mix.name}: {n} x {error}")


# ------------------------------------------------------------------ the report ----


def repeat_share(bodies: list) -> float:
    seen, repeats = set(), 0
    for body in bodies:
        key = json.dumps(body, sort_keys=True)
        repeats += key in seen
        seen.add(key)
    return repeats / len(bodies)


def report(title: str, mixes: list[Mix]) -> None:
    print(f"\n{title} (latency of the answered requests; errors counted apart)")
    print(
        f"  {'mix':<22}{'clients':>8}{'sent':>6}{'errors':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
        f"{'req/s':>8}{'repeat':>8}  target (p50 <= {TARGET_P50_MS}, p95 <= {TARGET_P95_MS} ms)"
    )
    for mix in mixes:
        errors = sum(mix.errors.values())
        if mix.times:
            p50, p95, p99 = (float(np.percentile(mix.times, q)) * 1000 for q in (50, 95, 99))
            stats = f"{p50:>9.0f}{p95:>9.0f}{p99:>9.0f}"
            verdict = (
                ("met" if p50 <= TARGET_P50_MS and p95 <= TARGET_P95_MS else "MISSED")
                if mix.callback
                else "(baseline)"
            )
        else:
            stats, verdict = f"{'-':>9}{'-':>9}{'-':>9}", "no answers"
        rate = len(mix.times) / mix.wall_s if mix.wall_s else 0.0
        digits = 2 if rate < 10 else 1
        repeat = f"{repeat_share(mix.bodies):>7.0%}" if mix.callback else f"{'':>8}"
        print(
            f"  {mix.name:<22}{mix.clients:>8}{len(mix.bodies):>6}{errors:>7}{stats}{rate:>8.{digits}f}"
            f"{repeat:>8}  {verdict}"
        )
        for error, n in mix.errors.most_common():
            print(
                f"      error: {n} x {error}"
                + (f" (first: {mix.example[error]})" if error in mix.example else "")
            )


def one_pass(title: str, env: dict, tmp: Path, specs: dict, opts: dict, args, requests_n: int) -> None:
    from config import load

    settings = load(env)
    server = Gunicorn(env, tmp / "gunicorn.log")
    try:
        t0 = time.perf_counter()
        server.start()
        workers = server.workers()
        print(
            f"\n{title}: gunicorn {settings.web_workers} workers x {settings.web_threads} threads "
            f"on {server.base} (ready in {time.perf_counter() - t0:.1f} s), cache "
            f"{'off' if settings.cache_timeout_s == 0 else ('redis' if settings.redis_url else 'per worker')}"
            f" (CACHE_TIMEOUT_S={settings.cache_timeout_s})"
        )
        local = argparse.Namespace(**{**vars(args), "requests": requests_n})
        # The same seed in both passes: the cold pass draws its filters the same way.
        mixes = build_mixes(specs, opts, local, seed=7)
        t0 = time.perf_counter()
        warm_up(server.base, args.timeout, mixes, len(workers))
        print(f"  warmed up in {time.perf_counter() - t0:.1f} s")
        for mix in mixes:
            t0 = time.perf_counter()
            run(mix, server.base, args.timeout)
            print(f"  {mix.name}: {len(mix.bodies)} requests in {time.perf_counter() - t0:.1f} s", flush=True)
        report(title, mixes)
        report_memory(server)
        if any(mix.errors for mix in mixes):  # what the server said about them
            lines = [ln for ln in server.log_tail(400).splitlines() if "INFO" not in ln or "orker" in ln]
            print("  gunicorn log (errors, worker starts and exits):\n    " + "\n    ".join(lines[-25:]))
    finally:
        server.stop()


# ------------------------------------------------------------------ main ----


def prepare(url: str, complaints: int, seeded: bool = False) -> dict[str, list[str]]:
    """Migrate, seed (unless `seeded`), add the bench user; the codes the filters may choose."""
    from demo.seed import seed
    from store.db import make_engine
    from store.migrate import upgrade
    from store.queries import options
    from store.users import create_user

    engine = make_engine(url)
    try:
        upgrade(engine)
        t0 = time.perf_counter()
        if seeded:
            print(f"reusing the complaints already in the database ({engine.dialect.name})")
        else:
            seed(engine, complaints=complaints, days=730, seed=42)
            took = time.perf_counter() - t0
            print(f"seeded {complaints:,} complaints ({engine.dialect.name}) in {took:.1f} s")
        create_user(engine, USER[0], "staf", USER[1], display_name="Bench")
        choices = options(engine)
        return {k: [o["value"] for o in v] for k, v in choices.items()}
    finally:
        engine.dispose()


def _stop(_signum, _frame) -> None:
    raise KeyboardInterrupt


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--complaints", type=int, default=1_000_000)
    ap.add_argument("--quick", action="store_true", help=f"smoke run: {QUICK_COMPLAINTS:,} complaints")
    ap.add_argument("--clients", type=int, default=25, help="concurrent clients (default 25)")
    ap.add_argument("--requests", type=int, default=100, help="requests per mix, cached pass (default 100)")
    ap.add_argument("--cold-requests", type=int, default=40, help="requests per mix, CACHE_TIMEOUT_S=0 pass")
    ap.add_argument("--timeout", type=float, default=120.0, help="per request, seconds (default 120)")
    ap.add_argument(
        "--database-url", default=None, help="an empty database (default: SQLite in a temp folder)"
    )
    ap.add_argument("--seeded", action="store_true", help="--database-url already holds seeded complaints")
    args = ap.parse_args()
    complaints = QUICK_COMPLAINTS if args.quick else args.complaints
    # SIGINT too: a shell starts a background job with it ignored, and Python keeps that.
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, _stop)
    tmp = tempfile.TemporaryDirectory(prefix="lj-bench-serve-")
    try:
        path = Path(tmp.name)
        url = args.database_url or f"sqlite:///{path / 'bench.sqlite'}"
        env = server_env(url, path / "data", None)
        (path / "data").mkdir()
        os.environ.update({k: env[k] for k in ("DATABASE_URL", "DATA_DIR")})
        if args.seeded and not args.database_url:
            ap.error("--seeded needs --database-url")
        opts = prepare(url, complaints, args.seeded)
        specs = callback_specs(env)
        print(f"{os.cpu_count()} CPUs; {args.clients} clients; request timeout {args.timeout:g} s")
        one_pass("pass 1: statistics cache as configured", env, path, specs, opts, args, args.requests)
        cold = server_env(url, path / "data", 0)
        one_pass("pass 2: cold (CACHE_TIMEOUT_S=0)", cold, path, specs, opts, args, args.cold_requests)
        return 0
    except KeyboardInterrupt:
        print("\ninterrupted: gunicorn stopped, temporary folder removed", file=sys.stderr)
        return 130
    finally:
        tmp.cleanup()


if __name__ == "__main__":
    raise SystemExit(main())
