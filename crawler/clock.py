"""The current time, in one place, so tests and replays can pin it.

``PRESSWATCH_NOW`` (an ISO timestamp, e.g. ``2026-04-02T06:00:00Z``) overrides the clock; it is
meant for tests and for re-running a crawl "as of" a past moment.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime


def now() -> datetime:
    pinned = os.environ.get("PRESSWATCH_NOW")
    if pinned:
        moment = datetime.fromisoformat(pinned.replace("Z", "+00:00"))
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return datetime.now(UTC)


def now_iso() -> str:
    """UTC timestamp as stored in the database: ``2026-04-02T06:00:00Z``."""
    return now().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def today() -> date:
    return now().date()
