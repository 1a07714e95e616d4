"""Fields derived on write, so that reads on SQLite and PostgreSQL need only plain SQL."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from store.calendar import WorkCalendar, wib_day
from store.vocab import RESOLVED_OUTCOME, SLA_FORWARD_WORKDAYS, SLA_RESPONSE_WORKDAYS

_SECOND = timedelta(seconds=1)


def derived_values(
    created: datetime,
    forwarded: datetime | None,
    resolved: datetime | None,
    outcome: str | None,
    cal: WorkCalendar,
) -> tuple[date, float | None, datetime, datetime]:
    """(created_day, hours_to_resolve, forward_due_at, response_due_at) of a complaint."""
    forward_due = cal.deadline(created, SLA_FORWARD_WORKDAYS)
    # Until a report is forwarded, the agency's clock is counted from the forwarding deadline:
    # a late admin must not hide an overdue follow-up.
    response_due = cal.deadline(forwarded or (forward_due - _SECOND), SLA_RESPONSE_WORKDAYS)
    if resolved is not None and outcome == RESOLVED_OUTCOME:
        hours = round((resolved - created).total_seconds() / 3600.0, 3)
    else:
        hours = None
    return wib_day(created), hours, forward_due, response_due


def derive_fields(row: dict[str, Any], cal: WorkCalendar) -> dict[str, Any]:
    """Add created_day, hours_to_resolve and the two SLA deadlines to a complaint row (in place)."""
    day, hours, forward_due, response_due = derived_values(
        row["created_at"], row.get("forwarded_at"), row.get("resolved_at"), row.get("outcome"), cal
    )
    row["created_day"] = day
    row["forward_due_at"] = forward_due
    row["response_due_at"] = response_due
    row["hours_to_resolve"] = hours
    return row
