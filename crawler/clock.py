"""The current time, in one place, so tests and replays can pin it.

``PRESSWATCH_NOW`` (an ISO timestamp, e.g. ``2026-04-02T06:00:00Z``) overrides the clock; it is
meant for tests and for re-running a crawl "as of" a past moment.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime


def now() -> datetime:
    pinned = os.environ.get("PRESSWATCH_NOW")
    return parse_timestamp(pinned) if pinned else datetime.now(UTC)


def parse_timestamp(value: str) -> datetime:
    """An ISO 8601 date or timestamp (``Z``, an offset, or none = UTC) as an aware datetime."""
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"not an ISO 8601 timestamp: {value!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def now_iso() -> str:
    """UTC timestamp as stored in the database: ``2026-04-02T06:00:00Z``."""
    return format_timestamp(now())


def format_timestamp(moment: datetime) -> str:
    """The stored form of a moment (naive means UTC): one format, so stored timestamps
    compare as text."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def today() -> date:
    return now().date()
