"""e-Lapor HTTP JSON API client: pages of changed complaints since a watermark.

    GET {base}/api/v1/complaints?updated_since=ISO&limit=N[&cursor=C]
    Authorization: Bearer <token>
    -> {"data": [item, ...], "meta": {"next_cursor": str | null, "max_updated_at": ISO | null, ...}}

The shape is documented in docs/elapor-api.md; items are mapped to canonical raw dicts by
data_sources.mapping (the one place that knows field names). Each call has a timeout, transient
failures are retried with backoff and jitter, 429 waits for Retry-After (data_sources.http).

Watermarks. `updated_since` is inclusive, so records sharing the watermark's second are read
again (harmless: upserts are idempotent). A page's `max_updated_at` is the value that is SAFE
to store as the watermark once that page is committed: by default only the last page of a pass
carries it (the newest updated_at of the whole pass), because a feed may deliver pages out of
order and a watermark taken from a later page would skip the records of an earlier one still
to come. With `trust_page_order=True` (a feed that guarantees ascending order) every page
carries the running maximum, so a sync killed half-way resumes from its last page; a page that
breaks the promise is logged and the watermark then waits for the end of the pass.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from data_sources.dates import DateError, parse_datetime
from data_sources.http import FeedError, JsonFetcher, Transient, describe
from data_sources.mapping import ELAPOR_FIELDS, MappingError, elapor_to_raw
from data_sources.normalize import is_blank
from data_sources.privacy import safe_payload
from data_sources.records import Rejection, gc_paused

__all__ = ["API_PATH", "MAX_PAGE_SIZE", "ElaporClient", "ElaporPage", "FeedError"]

log = logging.getLogger("data_sources.elapor")

SOURCE = "elapor"
API_PATH = "/api/v1/complaints"
MAX_PAGE_SIZE = 5000
# A server that keeps answering with the cursor it was given is stuck, not slow.
MAX_SAME_CURSOR = 20
AUTH_HINT = "check ELAPOR_TOKEN / ELAPOR_TOKEN_FILE"


@dataclass
class ElaporPage:
    """One page: mapped items, items that could not be mapped, the safe watermark and the next cursor."""

    items: list[dict[str, Any]]
    rejected: list[Rejection]
    max_updated_at: datetime | None  # safe to store once this page is committed (see module doc)
    cursor: str | None  # the next page's cursor; None on the last page of the pass
    page_max_updated_at: datetime | None = None  # newest updated_at among this page's items
    number: int = 1
    url: str = ""
    notes: dict[str, int] = field(default_factory=dict)

    @property
    def is_last(self) -> bool:
        return self.cursor is None


def complaints_url(base_url: str) -> str:
    """The complaints endpoint for a base URL given with or without the API path."""
    base = base_url.rstrip("/")
    if base.endswith("/complaints"):
        return base
    if base.endswith("/api/v1"):
        return base + "/complaints"
    return base + API_PATH


class ElaporClient:
    """Reads e-Lapor complaints changed since a watermark, page by page, with retries."""

    def __init__(
        self,
        base_url: str,
        token: str,
        timeout_s: float,
        page_size: int,
        max_retries: int,
        *,
        source: str = SOURCE,
        trust_page_order: bool = False,
        backoff_s: float = 0.5,
        backoff_max_s: float = 30.0,
        retry_after_cap_s: float = 120.0,
        max_future: timedelta = timedelta(days=1),
        session: Any = None,
    ) -> None:
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ValueError(f"page_size must be 1..{MAX_PAGE_SIZE}, got {page_size}")
        self.url = complaints_url(base_url)
        self.source = source
        self.page_size = page_size
        self.trust_page_order = trust_page_order
        self.max_future = max_future
        self._token = (token or "").strip()
        self.fetcher = JsonFetcher(
            timeout_s=timeout_s,
            max_retries=max_retries,
            headers={"Authorization": f"Bearer {self._token}"},
            backoff_s=backoff_s,
            backoff_max_s=backoff_max_s,
            retry_after_cap_s=retry_after_cap_s,
            auth_hint=AUTH_HINT,
            what="e-Lapor",
            session=session,
        )

    def __repr__(self) -> str:  # never the token
        return f"ElaporClient({self.url!r}, page_size={self.page_size})"

    @property
    def stats(self) -> dict[str, Any]:
        """Requests, retries, rate-limit waits since this client was made."""
        return self.fetcher.stats.as_dict()

    def close(self) -> None:
        """Close pooled connections."""
        self.fetcher.close()

    def iter_pages(self, updated_since: datetime | None) -> Iterator[ElaporPage]:
        """Every page of complaints changed at or after `updated_since` (all when None), in one pass."""
        if not self._token:
            raise FeedError(
                f"GET {self.url}: no e-Lapor token configured (set ELAPOR_TOKEN or ELAPOR_TOKEN_FILE)",
                url=self.url,
            )
        cursor: str | None = None
        pass_max: datetime | None = None
        in_order = self.trust_page_order
        same = 0
        number = 0
        while True:
            number += 1
            page = self.fetch_page(updated_since, cursor, number=number)
            newest = page.page_max_updated_at
            if in_order and pass_max is not None and page.items and _oldest(page) < pass_max:
                log.warning(
                    "%s: page %d holds records older than an earlier page: the watermark waits "
                    "for the end of this pass",
                    self.url,
                    number,
                )
                in_order = False
            if newest is not None and (pass_max is None or newest > pass_max):
                pass_max = newest
            if page.cursor is not None and page.cursor == cursor:
                same += 1
                if same >= MAX_SAME_CURSOR:
                    raise FeedError(
                        f"{page.url}: the server answered {same} times with the cursor it was given; "
                        "paging is stuck",
                        url=page.url,
                    )
            else:
                same = 0
            page.max_updated_at = pass_max if (in_order or page.cursor is None) else None
            yield page
            if page.cursor is None:
                return
            cursor = page.cursor

    def fetch_page(
        self, updated_since: datetime | None, cursor: str | None, *, number: int = 1
    ) -> ElaporPage:
        """One page (raises FeedError when it still fails after the retries)."""
        params: dict[str, Any] = {"limit": self.page_size}
        if updated_since is not None:
            if updated_since.tzinfo is None:
                raise ValueError("updated_since must be timezone-aware")
            params["updated_since"] = updated_since.astimezone(UTC).isoformat()
        if cursor is not None:
            params["cursor"] = cursor
        body = self.fetcher.get_json(self.url, params, check=_check_page)
        meta = body.get("meta") or {}
        next_cursor = meta.get("next_cursor")
        page = ElaporPage(
            items=[],
            rejected=[],
            max_updated_at=None,
            cursor=None if is_blank(next_cursor) else str(next_cursor),
            number=number,
            url=describe("GET", self.url, params).split(" ", 1)[1],
        )
        latest = datetime.now(UTC) + self.max_future
        with gc_paused():
            for position, item in enumerate(body["data"], 1):
                self._take(page, position, item, latest)
        return page

    def _take(self, page: ElaporPage, position: int, item: Any, latest: datetime) -> None:
        if not isinstance(item, dict):
            page.rejected.append(_not_an_object(self.source, position, item))
            page.notes["not_object"] = page.notes.get("not_object", 0) + 1
            return
        try:
            raw = elapor_to_raw(item)
        except MappingError as exc:
            external_id = item.get(ELAPOR_FIELDS["external_id"][0])
            page.rejected.append(
                Rejection(
                    source=self.source,
                    external_id=None if is_blank(external_id) else str(external_id)[:64],
                    field=exc.field,
                    reason=exc.reason,
                    payload=_item_payload(item),
                )
            )
            page.notes["unmappable"] = page.notes.get("unmappable", 0) + 1
            return
        if is_blank(raw.get("external_id")):
            page.rejected.append(
                Rejection(
                    source=self.source,
                    external_id=None,
                    field="external_id",
                    reason=f"missing (the item has no {ELAPOR_FIELDS['external_id'][0]!r})",
                    payload=safe_payload(raw),
                )
            )
            page.notes["missing_id"] = page.notes.get("missing_id", 0) + 1
        else:
            page.items.append(raw)
        # Every item on the page is committed with it (upserted or quarantined), so each one's
        # updated_at counts for the watermark; an unreadable or far-future one does not.
        moment = _moment(raw.get("updated_at"))
        newest = page.page_max_updated_at
        if moment is not None and moment <= latest and (newest is None or moment > newest):
            page.page_max_updated_at = moment


def _check_page(body: Any) -> None:
    if not isinstance(body, dict):
        raise Transient(f"unexpected JSON: expected an object with a 'data' list, got {type(body).__name__}")
    if not isinstance(body.get("data"), list):
        raise Transient("unexpected JSON: the object has no 'data' list")
    meta = body.get("meta")
    if meta is not None and not isinstance(meta, dict):
        raise Transient(f"unexpected JSON: 'meta' is {type(meta).__name__}, not an object")
    cursor = (meta or {}).get("next_cursor")
    if cursor is not None and not isinstance(cursor, str | int):
        raise Transient(f"unexpected JSON: 'meta.next_cursor' is {type(cursor).__name__}")


def _moment(value: Any) -> datetime | None:
    if is_blank(value):
        return None
    try:
        return parse_datetime(value)
    except DateError:
        return None


def _oldest(page: ElaporPage) -> datetime:
    moments = [m for m in (_moment(raw.get("updated_at")) for raw in page.items) if m is not None]
    return min(moments) if moments else datetime.max.replace(tzinfo=UTC)


def _item_payload(item: dict[str, Any]) -> dict[str, Any]:
    # safe_payload drops canonical reporter_* keys; the e-Lapor reporter object goes here.
    reporter_key = ELAPOR_FIELDS["reporter_name"][0]
    return safe_payload({k: v for k, v in item.items() if k != reporter_key})


def _not_an_object(source: str, position: int, item: Any) -> Rejection:
    text = json.dumps(item, ensure_ascii=False, sort_keys=True, default=str)
    hint = ""
    if isinstance(item, str) and item.lstrip().startswith("{"):
        hint = " (a string holding JSON: encoded twice?)"
    # The item itself may carry a reporter's identity in a form no scrubber knows: the
    # quarantine keeps its fingerprint, not its content.
    return Rejection(
        source=source,
        external_id=None,
        field=None,
        reason=f"item {position} of the page is not a JSON object but {type(item).__name__}{hint}",
        payload={
            "type": type(item).__name__,
            "length": len(text),
            "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        },
    )
