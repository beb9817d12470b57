"""When a known release is due for a re-check.

Edits don't show on listing pages, so known release pages are fetched again on a decaying
schedule (config ``crawl.recheck``): every run while a release is fresh, then daily, then
weekly, then never. A release found gone once is re-checked every run until the removal is
confirmed or it answers again.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from crawler.clock import parse_timestamp

# A little slack, so a crawl that runs every 24 h does not miss "daily" by a few minutes.
DAILY = timedelta(hours=20)
WEEKLY = timedelta(days=6.5)


def is_due(release: dict[str, Any], now: datetime, schedule: dict[str, int]) -> bool:
    """``release`` has ``born`` (its published date, or first seen if earlier/unknown),
    ``last_checked``, ``gone_since``."""
    if release.get("gone_since"):
        return True
    if not release.get("born") or not release.get("last_checked"):
        return True
    born = parse_timestamp(release["born"])
    last = parse_timestamp(release["last_checked"])
    age = now - born
    since = now - last
    if age <= timedelta(days=schedule["every_run_days"]):
        return True
    if age <= timedelta(days=schedule["daily_until_days"]):
        return since >= DAILY
    if age <= timedelta(days=schedule["weekly_until_days"]):
        return since >= WEEKLY
    return False
