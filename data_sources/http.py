"""JSON over HTTP for the feed clients: a timeout on every call, retries with backoff, FeedError.

One GET is retried (tenacity: exponential backoff with jitter) on timeouts, connection errors,
HTTP 408/5xx and bodies that are not the JSON asked for (a proxy's HTML error page, a body cut
short); HTTP 429 waits what `Retry-After` asks (seconds or an HTTP date), capped. Anything else
(401/403, 404, other 4xx) fails at once: retrying cannot fix a wrong token or a wrong URL. When
the retries are used up the caller gets a FeedError whose message names the URL and the cause.

Time limits: the server must start answering within `timeout_s` (connect and each read) and
finish the whole body within `body_factor * timeout_s`, so a server that trickles bytes cannot
hold a sync forever either.
"""

from __future__ import annotations

import contextlib
import logging
import math
import random
import re
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import requests
from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt
from tenacity.wait import wait_exponential_jitter

from data_sources.records import decode_json

log = logging.getLogger("data_sources.http")

USER_AGENT = "LawangJabo/1.0 (+Command Center Kota Palembang)"
_EXCERPT = 200


class FeedError(RuntimeError):
    """A feed call failed for good (after retries, or at once for 4xx); the message names URL and cause."""

    def __init__(self, message: str, *, url: str | None = None, status: int | None = None, attempts: int = 0):
        super().__init__(message)
        self.url = url
        self.status = status
        self.attempts = attempts


class Transient(Exception):
    """A failure worth another try (raised inside an attempt; callers' checks may raise it too)."""

    def __init__(self, cause: str, *, status: int | None = None, retry_after: float | None = None):
        super().__init__(cause)
        self.cause = cause
        self.status = status
        self.retry_after = retry_after


@dataclass
class CallStats:
    """Counters over the life of one fetcher, for run details and tests."""

    requests: int = 0
    retries: int = 0
    rate_limited: int = 0
    waited_s: float = 0.0
    causes: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """The counters as a plain dict."""
        return {
            "requests": self.requests,
            "retries": self.retries,
            "rate_limited": self.rate_limited,
            "waited_s": round(self.waited_s, 3),
            "causes": dict(self.causes),
        }


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds (decimals accepted) or an HTTP date."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            moment = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if moment.tzinfo is None:  # RFC 9110 dates are GMT
            moment = moment.replace(tzinfo=UTC)
        seconds = (moment - (now or datetime.now(UTC))).total_seconds()
    if math.isnan(seconds) or math.isinf(seconds):
        return None
    return max(0.0, seconds)


def describe(method: str, url: str, params: dict[str, Any] | None) -> str:
    """ "GET http://host/path?a=1": the full URL a request goes to, for messages."""
    prepared = requests.Request(method, url, params=params).prepare()
    return f"{method} {prepared.url}"


class _Wait:
    """Retry-After when the server gave one (capped, never less), else exponential backoff with jitter."""

    def __init__(self, backoff_s: float, backoff_max_s: float, retry_after_cap_s: float) -> None:
        self.backoff = wait_exponential_jitter(multiplier=backoff_s, max=backoff_max_s, jitter=backoff_s)
        self.cap = retry_after_cap_s

    def __call__(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, Transient) and exc.retry_after is not None:
            asked = min(exc.retry_after, self.cap)
            # A little on top (never below what was asked) so that clients told the same
            # moment do not all come back in the same millisecond.
            return asked + random.uniform(0, min(0.25, 0.1 * asked + 0.01))
        return self.backoff(state)


class JsonFetcher:
    """GET JSON with a time limit on every call and retries on transient failures."""

    def __init__(
        self,
        *,
        timeout_s: float,
        max_retries: int,
        headers: dict[str, str] | None = None,
        backoff_s: float = 0.5,
        backoff_max_s: float = 30.0,
        retry_after_cap_s: float = 120.0,
        body_factor: float = 3.0,
        auth_hint: str = "",
        what: str = "feed",
        session: requests.Session | None = None,
    ) -> None:
        if timeout_s <= 0:
            raise ValueError("timeout_s must be > 0: every call needs a time limit")
        if max_retries < 0:
            raise ValueError("max_retries must be >= 0")
        self.timeout_s = float(timeout_s)
        self.max_retries = int(max_retries)
        self.headers = {"Accept": "application/json", "User-Agent": USER_AGENT, **(headers or {})}
        self.backoff_s = backoff_s
        self.backoff_max_s = backoff_max_s
        self.retry_after_cap_s = retry_after_cap_s
        self.body_factor = body_factor
        self.auth_hint = auth_hint
        self.what = what
        self.session = session or requests.Session()
        self.stats = CallStats()

    def close(self) -> None:
        """Close the pooled connections."""
        self.session.close()

    def get_json(
        self, url: str, params: dict[str, Any] | None = None, check: Callable[[Any], None] | None = None
    ) -> Any:
        """The decoded JSON of GET url?params; `check` may raise Transient for a body of the wrong shape."""
        target = describe("GET", url, params)
        retrying = Retrying(
            stop=stop_after_attempt(self.max_retries + 1),
            wait=_Wait(self.backoff_s, self.backoff_max_s, self.retry_after_cap_s),
            retry=retry_if_exception_type(Transient),
            before_sleep=lambda state: self._before_sleep(target, state),
            reraise=True,
        )
        try:
            return retrying(self._attempt, url, params, check, target)
        except Transient as exc:
            attempts = self.max_retries + 1
            tries = "attempt" if attempts == 1 else "attempts"
            raise FeedError(
                f"{target}: {exc.cause} (gave up after {attempts} {tries})",
                url=target.split(" ", 1)[1],
                status=exc.status,
                attempts=attempts,
            ) from exc

    def _before_sleep(self, target: str, state: RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome else None
        wait = state.next_action.sleep if state.next_action else 0.0
        self.stats.retries += 1
        self.stats.waited_s += wait
        if isinstance(exc, Transient):
            key = exc.cause.split(":")[0][:60]
            self.stats.causes[key] = self.stats.causes.get(key, 0) + 1
        log.warning(
            "%s %s: %s; retry %d/%d in %.2f s",
            self.what,
            target,
            getattr(exc, "cause", exc),
            state.attempt_number,
            self.max_retries,
            wait,
        )

    def _attempt(self, url: str, params: dict[str, Any] | None, check, target: str) -> Any:
        self.stats.requests += 1
        budget = self.body_factor * self.timeout_s
        deadline = time.monotonic() + budget
        try:
            timeout = (self.timeout_s, self.timeout_s)
            resp = self.session.get(url, params=params, headers=self.headers, timeout=timeout, stream=True)
        except requests.Timeout:
            raise Transient(f"timed out after {self.timeout_s:g} s waiting for the server") from None
        except requests.ConnectionError as exc:
            raise Transient(f"connection failed: {_short(exc)}") from None
        except requests.RequestException as exc:  # a malformed URL and the like: no retry helps
            raise FeedError(f"{target}: {_short(exc)}", url=target.split(" ", 1)[1]) from None
        try:
            status = resp.status_code
            if status == 429:
                self.stats.rate_limited += 1
                raise Transient(
                    "HTTP 429 Too Many Requests",
                    status=429,
                    retry_after=parse_retry_after(resp.headers.get("Retry-After")),
                )
            if status == 408 or 500 <= status <= 599:
                raise Transient(f"HTTP {status} {resp.reason or ''}".rstrip(), status=status)
            if status in (401, 403):
                hint = f": {self.auth_hint}" if self.auth_hint else ""
                raise FeedError(
                    f"{target}: HTTP {status} {resp.reason or ''}: the token was refused{hint}",
                    url=target.split(" ", 1)[1],
                    status=status,
                    attempts=1,
                )
            if status >= 400 or status < 200:
                body = _read_body(resp, deadline, self.timeout_s, budget, limit=4096)
                raise FeedError(
                    f"{target}: HTTP {status} {resp.reason or ''}: {_excerpt(body)}",
                    url=target.split(" ", 1)[1],
                    status=status,
                    attempts=1,
                )
            body = _read_body(resp, deadline, self.timeout_s, budget)
        finally:
            resp.close()
        try:
            data = decode_json(body)
        except ValueError as exc:
            raise Transient(f"malformed JSON ({exc}): {_excerpt(body)!r}", status=status) from None
        if check is not None:
            check(data)
        return data


def _read_body(
    resp: requests.Response, deadline: float, timeout_s: float, budget_s: float, limit: int | None = None
) -> bytes:
    # A read blocks until its chunk is full, so a deadline checked between chunks does not hold
    # against a server that trickles bytes: a timer shuts the socket down at the deadline,
    # which ends the blocked read at once.
    expired = threading.Event()
    watchdog = threading.Timer(max(0.0, deadline - time.monotonic()), _cut, (resp, expired))
    watchdog.daemon = True
    watchdog.start()
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in resp.iter_content(1 << 16):
            chunks.append(chunk)
            size += len(chunk)
            if limit is not None and size >= limit:
                break
            if time.monotonic() > deadline:
                expired.set()
                break
    except requests.Timeout:
        raise Transient(f"timed out after {timeout_s:g} s reading the body") from None
    except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError) as exc:
        if not expired.is_set():
            raise Transient(f"connection broke while reading the body: {_short(exc)}") from None
    except requests.exceptions.ContentDecodingError as exc:
        raise Transient(f"body could not be decoded: {_short(exc)}") from None
    finally:
        watchdog.cancel()
    if expired.is_set():
        raise Transient(f"timed out reading the body (not finished within {budget_s:g} s)")
    return b"".join(chunks)


def _cut(resp: requests.Response, expired: threading.Event) -> None:
    expired.set()
    sock = getattr(getattr(resp.raw, "_connection", None), "sock", None)
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


def _excerpt(body: bytes) -> str:
    text = body[: _EXCERPT * 2].decode("utf-8", "replace")
    text = " ".join(text.split())
    return text if len(text) <= _EXCERPT else text[: _EXCERPT - 1] + "…"


_ERRNO = re.compile(r"\[Errno -?\d+\][^'\")]*")


def _short(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    # urllib3 nests the whole pool description; the operating system's reason is what people need.
    found = _ERRNO.search(text)
    if found:
        return found.group(0).strip()
    if "Caused by" in text:
        text = text.split("Caused by", 1)[1].strip(" ()'\"")
    return text if len(text) <= 300 else text[:299] + "…"
