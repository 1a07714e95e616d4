"""What every adapter produces: validated complaint records, or rejections with a reason.

Adapters (e-Lapor API, Open311, CSV/XLSX files) map their input to a plain dict of raw fields
(see data_sources/mapping.py), then data_sources.validate turns each into a ComplaintRecord
(normalised, identity removed, free text scrubbed) or a Rejection. store.ingest writes both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class StatusChange:
    at: datetime  # aware UTC
    status: str  # store.vocab.STATUSES
    note: str | None = None


@dataclass
class ComplaintRecord:
    """One complaint ready to upsert by (source, external_id); all datetimes aware UTC."""

    source: str
    external_id: str
    report_type: str
    title: str
    description: str
    channel: str
    status: str
    created_at: datetime
    updated_at: datetime
    tracking_id: str | None = None
    category_code: str = "tidak_diketahui"
    agency_code: str = "tidak_diketahui"
    kecamatan_code: str | None = None
    kelurahan_code: str | None = None
    lat: float | None = None
    lon: float | None = None
    anonymous: bool = False
    confidential: bool = False
    reporter_hash: str | None = None
    verified_at: datetime | None = None
    forwarded_at: datetime | None = None
    first_response_at: datetime | None = None
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    outcome: str | None = None
    # Status history as the source reports it (oldest first); may be empty.
    history: list[StatusChange] = field(default_factory=list)


@dataclass
class Rejection:
    """An input record that could not be accepted, with the field and reason, identity removed."""

    source: str
    external_id: str | None
    field: str | None
    reason: str
    payload: dict[str, Any] | None = None
    row: int | None = None  # for file imports: 1-based data row number
