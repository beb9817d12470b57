"""When a known release is due for a re-check.

Edits don't show on listing pages, so known release pages are fetched again on a decaying
schedule (config ``crawl.recheck``): every run while a release is fresh, then daily, then
weekly. On top of that an archive sweep re-checks every release, whatever its age, once per
``archive_days``: each release has a fixed slot in that repeating window (from its id, spread
by the golden ratio), and the first run at or after its slot re-checks it unless something
else checked it since. Runs of any frequency thus each take about ``1/runs-per-window`` of the
archive, and an old release quietly edited or deleted is seen within the window. A release
found gone once is re-checked every run until the removal is confirmed or it answers again.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from crawler.clock import parse_timestamp

# A little slack, so a crawl that runs every 24 h does not miss "daily" by a few minutes.
DAILY = timedelta(hours=20)
WEEKLY = timedelta(days=6.5)
# Slots are counted from a fixed epoch, so they don't move from run to run.
SWEEP_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
GOLDEN = 0.6180339887498949  # consecutive ids land far apart: an even spread at any size


def is_due(release: dict[str, Any], now: datetime, schedule: dict[str, int]) -> bool:
    """``release`` has ``id``, ``born`` (its published date, or first seen if earlier/unknown),
    ``last_checked``, ``gone_since``."""
    if release.get("gone_since"):
        return True
    if not release.get("born") or not release.get("last_checked"):
        return True
    last = parse_timestamp(release["last_checked"])
    return decay_due(parse_timestamp(release["born"]), last, now, schedule) or sweep_due(
        release["id"], last, now, schedule.get("archive_days", 0))


def decay_due(born: datetime, last: datetime, now: datetime, schedule: dict[str, int]) -> bool:
    """The decaying schedule of young releases: every run, then daily, then weekly."""
    age = now - born
    since = now - last
    if age <= timedelta(days=schedule["every_run_days"]):
        return True
    if age <= timedelta(days=schedule["daily_until_days"]):
        return since >= DAILY
    if age <= timedelta(days=schedule["weekly_until_days"]):
        return since >= WEEKLY
    return False


def sweep_due(release_id: int, last: datetime, now: datetime, archive_days: float) -> bool:
    """The archive sweep: due when the release's slot came round since its last check."""
    if archive_days <= 0:
        return False
    return last < sweep_slot(release_id, now, timedelta(days=archive_days))


def sweep_slot(release_id: int, now: datetime, window: timedelta) -> datetime:
    """The latest moment at or before ``now`` that is this release's slot in the window."""
    phase = window * ((release_id * GOLDEN) % 1.0)
    start = SWEEP_EPOCH + phase
    return start + window * ((now - start) // window)
