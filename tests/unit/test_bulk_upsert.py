"""store.bulk_upsert: parameters converted by hand exactly as SQLAlchemy's types would store them."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta, timezone

import pytest

from store import bulk_upsert
from store.bulk_upsert import _sqlite_datetime


def _moments() -> list[datetime]:
    rng = random.Random(11)
    base = datetime(2025, 1, 1, tzinfo=UTC)
    out = [
        datetime(1, 1, 1, tzinfo=UTC), datetime(999, 12, 31, 23, 59, 59, tzinfo=UTC),
        datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC), datetime(2026, 2, 28, 17, 0, tzinfo=UTC),
        datetime(2026, 1, 2, 14, 30, 5, 120, tzinfo=timezone(timedelta(hours=7))),
    ]  # fmt: skip
    for _ in range(3000):
        moment = base + timedelta(seconds=rng.randrange(0, 400 * 86400))
        if rng.random() < 0.3:
            moment = moment.replace(microsecond=rng.randrange(1_000_000))
        out.append(moment)
    return out


def test_sqlite_datetime_text_is_the_utc_isoformat_with_microseconds():
    # First from empty caches, then from full ones: the day and time-of-day caches must give
    # the text a plain isoformat of the UTC moment gives.
    for cache in (bulk_upsert._SQLITE_TEXT, bulk_upsert._DAY_TEXT, bulk_upsert._CLOCK_TEXT):
        cache.clear()
    for _ in range(2):
        for moment in _moments():
            expected = moment.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
            assert _sqlite_datetime(moment) == expected
        bulk_upsert._SQLITE_TEXT.clear()
    assert _sqlite_datetime(None) is None


def test_a_naive_datetime_is_refused():
    with pytest.raises(ValueError, match="naive"):
        _sqlite_datetime(datetime(2026, 1, 2, 14, 30))
