"""Open311 GeoReport v2 client: service list and service requests by date window.

    GET {base}/services.json[?jurisdiction_id=J]
    GET {base}/requests.json?start_date=...&end_date=...[&jurisdiction_id=J][&api_key=K]

The spec lets a server refuse windows longer than 90 days and return at most 1,000 requests
per call (newest first), silently dropping the rest. So a range is read in windows of at most
90 days, and a window whose answer is at the limit is split in halves until each answer is
below it. Windows share their boundary second (the spec's dates are inclusive): a request seen
twice in one call is passed on once. Dates go out as W3C/ISO 8601 UTC ("...Z"), as the spec
asks; the responses' own offsets are kept for validation. Status mapping: data_sources.mapping.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from data_sources.http import FeedError, JsonFetcher, Transient, describe
from data_sources.mapping import MappingError, open311_to_raw
from data_sources.normalize import is_blank

__all__ = ["FeedError", "Open311Client"]

log = logging.getLogger("data_sources.open311")

SOURCE = "open311"
MAX_WINDOW = timedelta(days=90)
PAGE_LIMIT = 1000


def w3c(moment: datetime) -> str:
    """A timezone-aware datetime as the spec writes it: 2026-01-02T03:04:05Z."""
    if moment.tzinfo is None:
        raise ValueError("Open311 dates must be timezone-aware")
    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


class Open311Client:
    """Reads a GeoReport v2 endpoint: services, and requests in narrowing date windows."""

    def __init__(
        self,
        base_url: str,
        jurisdiction_id: str,
        timeout_s: float,
        max_retries: int,
        *,
        api_key: str | None = None,
        page_limit: int = PAGE_LIMIT,
        max_window: timedelta = MAX_WINDOW,
        min_window: timedelta = timedelta(seconds=1),
        backoff_s: float = 0.5,
        backoff_max_s: float = 30.0,
        retry_after_cap_s: float = 120.0,
        source: str = SOURCE,
        session: Any = None,
    ) -> None:
        if not base_url:
            raise ValueError("Open311 base URL is empty (set OPEN311_URL)")
        if max_window <= timedelta(0) or max_window > MAX_WINDOW:
            raise ValueError("max_window must be positive and at most 90 days (GeoReport v2)")
        self.base_url = base_url.rstrip("/")
        self.jurisdiction_id = (jurisdiction_id or "").strip()
        self.api_key = api_key
        self.page_limit = page_limit
        self.max_window = max_window
        self.min_window = min_window
        self.source = source
        self.fetcher = JsonFetcher(
            timeout_s=timeout_s,
            max_retries=max_retries,
            backoff_s=backoff_s,
            backoff_max_s=backoff_max_s,
            retry_after_cap_s=retry_after_cap_s,
            auth_hint="check the Open311 api_key / jurisdiction",
            what="Open311",
            session=session,
        )
        self._services: dict[str, str] | None = None
        self.windows_read = 0
        self.splits = 0

    def __repr__(self) -> str:
        return f"Open311Client({self.base_url!r}, jurisdiction={self.jurisdiction_id!r})"

    @property
    def stats(self) -> dict[str, Any]:
        """Requests, retries, windows read and split since this client was made."""
        return {**self.fetcher.stats.as_dict(), "windows": self.windows_read, "splits": self.splits}

    def close(self) -> None:
        """Close pooled connections."""
        self.fetcher.close()

    def _params(self, **extra: Any) -> dict[str, Any]:
        params: dict[str, Any] = {}
        if self.jurisdiction_id:
            params["jurisdiction_id"] = self.jurisdiction_id
        if self.api_key:
            params["api_key"] = self.api_key
        params.update(extra)
        return params

    def services(self) -> list[dict[str, Any]]:
        """The service list (services.json) as the server gives it."""
        body = self.fetcher.get_json(f"{self.base_url}/services.json", self._params(), check=_check_list)
        services = [s for s in body if isinstance(s, dict)]
        self._services = {
            str(s["service_code"]): str(s["service_name"])
            for s in services
            if not is_blank(s.get("service_code")) and not is_blank(s.get("service_name"))
        }
        return services

    def iter_requests(self, start: datetime, end: datetime) -> Iterator[list[dict[str, Any]]]:
        """Canonical raw dicts of the requests made in [start, end], one list per window read."""
        if start.tzinfo is None or end.tzinfo is None:
            raise ValueError("start and end must be timezone-aware")
        if end < start:
            raise ValueError(f"end {end.isoformat()} is before start {start.isoformat()}")
        seen: set[str] = set()
        begin = start
        while begin <= end:
            stop = min(end, begin + self.max_window)
            yield from self._window(begin, stop, seen)
            if stop >= end:
                return
            begin = stop

    def _window(self, start: datetime, end: datetime, seen: set[str]) -> Iterator[list[dict[str, Any]]]:
        params = self._params(start_date=w3c(start), end_date=w3c(end))
        url = f"{self.base_url}/requests.json"
        body = self.fetcher.get_json(url, params, check=_check_list)
        self.windows_read += 1
        if len(body) >= self.page_limit:
            if end - start <= self.min_window:
                raise FeedError(
                    f"{describe('GET', url, params)}: {len(body)} requests (the per-call limit) inside "
                    f"{(end - start).total_seconds():g} s; the window cannot be narrowed further",
                    url=url,
                )
            self.splits += 1
            middle = start + (end - start) / 2
            # Whole seconds: the dates on the wire have no fractions.
            middle = middle.replace(microsecond=0)
            if middle <= start:
                middle = start + timedelta(seconds=1)
            log.debug("%s: %d requests in %s..%s: splitting", url, len(body), w3c(start), w3c(end))
            yield from self._window(start, middle, seen)
            yield from self._window(middle, end, seen)
            return
        out: list[dict[str, Any]] = []
        for item in body:
            try:
                raw = open311_to_raw(item, self._services)
            except MappingError as exc:
                # A request that is not even an object has no id to quarantine it by; it is
                # passed on as a raw dict without one, and validation rejects it with a reason.
                raw = {"external_id": None, "description": f"unreadable Open311 item: {exc.reason}"}
            key = raw.get("external_id")
            if not is_blank(key):
                if str(key) in seen:
                    continue
                seen.add(str(key))
            out.append(raw)
        if out:
            yield out


def _check_list(body: Any) -> None:
    if isinstance(body, dict) and ("errors" in body or "error" in body):
        raise Transient(f"the server answered with an error object: {str(body)[:200]}")
    if not isinstance(body, list):
        raise Transient(f"unexpected JSON: expected a list, got {type(body).__name__}")
