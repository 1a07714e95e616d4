"""One typed settings object, read from the environment (a `.env` file is allowed).

Every setting is listed in README.md. A bad value stops the program at start with one line
naming the setting and what is wrong (`ConfigError`), never a traceback deep in a request.
Secrets may come from a file: `SECRET_KEY_FILE` wins over `SECRET_KEY` (healthchecks style).
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent

_DB_SCHEMES = ("sqlite", "postgresql", "postgresql+psycopg")
OSM_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'


class ConfigError(ValueError):
    """A setting is missing or malformed; the message names the setting."""


@dataclass(frozen=True)
class Settings:
    database_url: str
    data_dir: Path
    host: str
    port: int
    debug: bool
    default_lang: str
    cuti_bersama: tuple[date, ...]
    secret_key: str = field(repr=False)
    seed_complaints: int
    tile_url: str  # the tile server behind our tile proxy (routes/tiles.py)
    tile_cache_days: int  # a cached map tile is fetched again after this many days
    tile_attribution: str  # HTML credit shown in the map corner (the tile data's licence)
    open_beyond_sla_warn: int
    elapor_url: str
    elapor_token: str = field(repr=False)
    elapor_timeout_s: float
    elapor_page_size: int
    elapor_max_retries: int
    sync_interval_min: int
    open311_url: str
    open311_jurisdiction: str
    reporter_hash_salt: str = field(repr=False)
    elapor_sim_port: int
    # cameras (issue 4)
    cameras_file: Path
    camera_sim_port: int
    camera_timeout_s: float
    camera_workers: int
    snapshot_interval_s: int
    snapshot_dir: Path
    snapshot_retention_days: int
    snapshot_max_mb: int
    boundaries_path: Path | None
    live_refresh_s: int  # how often the map, tiles and wall pages poll for new frames
    # reports (issue 5)
    report_dir: Path
    # logins (issue 6)
    cookie_secure: bool  # session cookie only over HTTPS: true behind a TLS proxy
    session_hours: int  # a login lasts this long
    # deployment and caching (issue 7)
    web_workers: int  # gunicorn worker processes of `make serve`
    web_threads: int  # threads per worker (callbacks waiting on the database overlap)
    redis_url: str = field(repr=False)  # shared statistics cache; empty: one cache per worker
    cache_timeout_s: int  # longest a cached figure is served; 0 turns the cache off

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def _env(environ: dict[str, str], name: str, default: str) -> str:
    value = environ.get(name)
    return default if value is None or value.strip() == "" else value.strip()


def _number(environ: dict[str, str], name: str, default: float, lo: float, hi: float, parse, what: str):
    raw = _env(environ, name, str(default))
    try:
        value = parse(raw)
    except ValueError:
        raise ConfigError(f"{name}: expected {what}, got {raw!r}") from None
    if not lo <= value <= hi:
        raise ConfigError(f"{name}: {value} is outside {lo}..{hi}")
    return value


def _int(environ: dict[str, str], name: str, default: int, lo: int, hi: int) -> int:
    return _number(environ, name, default, lo, hi, int, "a whole number")


def _float(environ: dict[str, str], name: str, default: float, lo: float, hi: float) -> float:
    return _number(environ, name, default, lo, hi, float, "a number")


def _bool(environ: dict[str, str], name: str, default: bool) -> bool:
    raw = _env(environ, name, "1" if default else "0").lower()
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name}: expected true or false, got {raw!r}")


def _dates(environ: dict[str, str], name: str) -> tuple[date, ...]:
    raw = _env(environ, name, "")
    out = []
    for part in filter(None, (p.strip() for p in raw.split(","))):
        try:
            out.append(date.fromisoformat(part))
        except ValueError:
            raise ConfigError(f"{name}: {part!r} is not a date in YYYY-MM-DD form") from None
    return tuple(sorted(out))


def _writable_dir(name: str, raw: str) -> Path:
    path = Path(raw)
    if not path.is_absolute():
        path = ROOT / path
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"{name}: cannot create folder {path} ({exc.strerror})") from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise ConfigError(f"{name}: folder {path} is not writable")
    return path


def _database_url(environ: dict[str, str], data_dir: Path) -> str:
    default = f"sqlite:///{data_dir / 'lawangjabo.db'}"
    url = _env(environ, "DATABASE_URL", default)
    scheme = url.split("://", 1)[0] if "://" in url else ""
    if scheme not in _DB_SCHEMES:
        raise ConfigError(
            f"DATABASE_URL: unknown scheme {scheme or url!r} (expected one of {', '.join(_DB_SCHEMES)})"
        )
    if scheme == "postgresql":
        # Only psycopg 3 is installed; name the driver so SQLAlchemy does not look for psycopg2.
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    if scheme == "sqlite" and url not in ("sqlite://", "sqlite:///:memory:"):
        db_path = Path(url.split(":///", 1)[1]) if ":///" in url else None
        if db_path is not None:
            _writable_dir(
                "DATABASE_URL", str(db_path.parent if db_path.is_absolute() else ROOT / db_path.parent)
            )
    return url


def _file_secret(environ: dict[str, str], name: str, default: str) -> str:
    """NAME_FILE (a path, wins) or NAME; secrets stay out of the process listing that way."""
    path = _env(environ, f"{name}_FILE", "")
    if path:
        try:
            return Path(path).read_text().strip()
        except OSError as exc:
            raise ConfigError(f"{name}_FILE: cannot read {path} ({exc.strerror})") from None
    return _env(environ, name, "") or default


def _local_secret(data_dir: Path) -> str:
    path = data_dir / "secret_key"
    if not path.exists():
        # Written beside, then hard-linked into place: two workers starting at once both end up
        # reading the one key that won, never a half-written file.
        tmp = data_dir / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_hex(32))
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_text().strip()


def _url(environ: dict[str, str], name: str, default: str) -> str:
    raw = _env(environ, name, default)
    if raw and not raw.startswith(("http://", "https://")):
        raise ConfigError(f"{name}: expected an http:// or https:// URL, got {raw!r}")
    return raw.rstrip("/")


def _tile_url(environ: dict[str, str]) -> str:
    # Fetched by the server (routes/tiles.py), never by the browser: it must be a full http(s) URL.
    raw = _env(environ, "TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
    if not raw.startswith(("http://", "https://")):
        raise ConfigError(f"TILE_URL: expected an http:// or https:// URL template, got {raw!r}")
    if "{z}" not in raw or "{x}" not in raw or ("{y}" not in raw and "{-y}" not in raw):
        raise ConfigError(f"TILE_URL: the template needs {{z}}, {{x}} and {{y}}, got {raw!r}")
    return raw


def _redis_url(environ: dict[str, str]) -> str:
    # May carry a password (redis://:secret@host), hence REDIS_URL_FILE like the other secrets.
    raw = _file_secret(environ, "REDIS_URL", "")
    if raw and not raw.startswith(("redis://", "rediss://", "unix://")):
        raise ConfigError("REDIS_URL: expected a redis://, rediss:// or unix:// URL")
    return raw


def _optional_file(environ: dict[str, str], name: str) -> Path | None:
    raw = _env(environ, name, "")
    if not raw:
        return None
    path = Path(raw)
    if not path.is_absolute():
        path = ROOT / path
    if not path.is_file():
        raise ConfigError(f"{name}: no file at {path}")
    return path


def _existing_file(environ: dict[str, str], name: str, default: str) -> Path:
    path = _optional_file(environ, name)
    return path if path is not None else ROOT / default


def load(environ: dict[str, str] | None = None) -> Settings:
    """Build the settings from `environ` (default: the process environment plus `.env`)."""
    if environ is None:
        from dotenv import dotenv_values

        environ = {**{k: v for k, v in dotenv_values(ROOT / ".env").items() if v is not None}, **os.environ}
    data_dir = _writable_dir("DATA_DIR", _env(environ, "DATA_DIR", "var"))
    lang = _env(environ, "DEFAULT_LANG", "id")
    if lang not in ("id", "en"):
        raise ConfigError(f"DEFAULT_LANG: expected 'id' or 'en', got {lang!r}")
    return Settings(
        database_url=_database_url(environ, data_dir),
        data_dir=data_dir,
        host=_env(environ, "HOST", "127.0.0.1"),
        port=_int(environ, "PORT", 8050, 1, 65535),
        debug=_bool(environ, "DEBUG", False),
        default_lang=lang,
        cuti_bersama=_dates(environ, "CUTI_BERSAMA"),
        # Session cookies are signed with it: every web worker and restart needs the same key, so
        # without a configured one a random key is kept in DATA_DIR/secret_key (mode 0600).
        secret_key=_file_secret(environ, "SECRET_KEY", "") or _local_secret(data_dir),
        seed_complaints=_int(environ, "SEED_COMPLAINTS", 50_000, 0, 10_000_000),
        tile_url=_tile_url(environ),
        tile_cache_days=_int(environ, "TILE_CACHE_DAYS", 30, 1, 3650),
        tile_attribution=_env(environ, "TILE_ATTRIBUTION", OSM_ATTRIBUTION),
        open_beyond_sla_warn=_int(environ, "ATTENTION_MIN_OPEN_BEYOND_SLA", 10, 0, 1_000_000),
        elapor_url=_url(environ, "ELAPOR_URL", "http://127.0.0.1:8062"),
        elapor_token=_file_secret(environ, "ELAPOR_TOKEN", ""),
        elapor_timeout_s=_float(environ, "ELAPOR_TIMEOUT_S", 10.0, 0.1, 300.0),
        elapor_page_size=_int(environ, "ELAPOR_PAGE_SIZE", 500, 1, 10_000),
        elapor_max_retries=_int(environ, "ELAPOR_MAX_RETRIES", 5, 0, 50),
        sync_interval_min=_int(environ, "SYNC_INTERVAL_MIN", 5, 1, 1440),
        open311_url=_url(environ, "OPEN311_URL", ""),
        open311_jurisdiction=_env(environ, "OPEN311_JURISDICTION", ""),
        # Without a configured salt, reporter hashes would not be comparable across restarts.
        reporter_hash_salt=_file_secret(environ, "REPORTER_HASH_SALT", "lawang-jabo-demo-salt"),
        elapor_sim_port=_int(environ, "ELAPOR_SIM_PORT", 8062, 1, 65535),
        cameras_file=_existing_file(environ, "CAMERAS_FILE", "cameras.yaml"),
        camera_sim_port=_int(environ, "CAMERA_SIM_PORT", 8061, 1, 65535),
        camera_timeout_s=_float(environ, "CAMERA_TIMEOUT_S", 5.0, 0.2, 120.0),
        camera_workers=_int(environ, "CAMERA_WORKERS", 16, 1, 256),
        snapshot_interval_s=_int(environ, "SNAPSHOT_INTERVAL_S", 60, 5, 86_400),
        snapshot_dir=_writable_dir(
            "SNAPSHOT_DIR", _env(environ, "SNAPSHOT_DIR", str(data_dir / "snapshots"))
        ),
        snapshot_retention_days=_int(environ, "SNAPSHOT_RETENTION_DAYS", 7, 1, 3650),
        snapshot_max_mb=_int(environ, "SNAPSHOT_MAX_MB", 2048, 10, 10_000_000),
        boundaries_path=_optional_file(environ, "BOUNDARIES_PATH"),
        live_refresh_s=_int(environ, "LIVE_REFRESH_S", 30, 1, 3600),
        report_dir=_writable_dir("REPORT_DIR", _env(environ, "REPORT_DIR", str(data_dir / "reports"))),
        cookie_secure=_bool(environ, "COOKIE_SECURE", False),
        session_hours=_int(environ, "SESSION_HOURS", 12, 1, 24 * 30),
        web_workers=_int(environ, "WEB_WORKERS", 2, 1, 64),
        web_threads=_int(environ, "WEB_THREADS", 4, 1, 64),
        redis_url=_redis_url(environ),
        cache_timeout_s=_int(environ, "CACHE_TIMEOUT_S", 300, 0, 86_400),
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return load()
