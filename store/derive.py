"""Fields derived on write, so that reads on SQLite and PostgreSQL need only plain SQL."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from store.calendar import WorkCalendar, wib_day
from store.vocab import RESOLVED_OUTCOME, SLA_FORWARD_WORKDAYS, SLA_RESPONSE_WORKDAYS


def derive_fields(row: dict[str, Any], cal: WorkCalendar) -> dict[str, Any]:
    """Add created_day, hours_to_resolve and the two SLA deadlines to a complaint row (in place)."""
    created: datetime = row["created_at"]
    row["created_day"] = wib_day(created)
    forward_due = cal.deadline(created, SLA_FORWARD_WORKDAYS)
    row["forward_due_at"] = forward_due
    # Until a report is forwarded, the agency's clock is counted from the forwarding deadline:
    # a late admin must not hide an overdue follow-up.
    forwarded = row.get("forwarded_at") or (forward_due - timedelta(seconds=1))
    row["response_due_at"] = cal.deadline(forwarded, SLA_RESPONSE_WORKDAYS)
    resolved = row.get("resolved_at")
    if resolved is not None and row.get("outcome") == RESOLVED_OUTCOME:
        row["hours_to_resolve"] = round((resolved - created).total_seconds() / 3600.0, 3)
    else:
        row["hours_to_resolve"] = None
    return row
