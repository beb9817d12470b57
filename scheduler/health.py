"""`presswatch health`: is each member's site still being read, and if not, why.

A verdict per member, from its last crawl and its recent releases:

- ``ok`` — the last crawl read the listing, and a release is recent enough;
- ``stale`` — crawls succeed but nothing new was stored for ``STALE_DAYS`` days (a moved
  listing, a site that stopped updating), or the member was never crawled successfully yet;
- ``empty`` — the listing page answered but no release could be read from it;
- ``javascript-only`` — empty, and the page builds its listing with JavaScript;
- ``blocked`` — 403 or a bot wall;
- ``broken`` — an error (network, HTTP status, refused URL, parse failure).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlite_utils import Database

from crawler.clock import format_timestamp
from storage.health import member_health_rows

WINDOW_DAYS = 30  # "releases seen in the last 30 days"
STALE_DAYS = 60
VERDICTS = ("ok", "stale", "empty", "javascript-only", "blocked", "broken")
JAVASCRIPT_NOTE = "JavaScript"  # what the spider's empty-listing message says for such pages
COLUMNS = ["bioguide_id", "verdict", "last_status", "last_success_at", "consecutive_failures",
           "releases_30d", "family", "parser", "last_error"]


def verdict(row: dict[str, Any], now: datetime) -> str:
    status = row["last_status"]
    if status == "blocked":
        return "blocked"
    if status == "error":
        return "broken"
    if status == "empty":
        return "javascript-only" if JAVASCRIPT_NOTE in (row["last_error"] or "") else "empty"
    if status != "ok" or not row["newest_release_at"]:
        return "stale"
    stale_before = format_timestamp(now - timedelta(days=STALE_DAYS))
    return "stale" if row["newest_release_at"] < stale_before else "ok"


def member_health(db: Database, now: datetime, member: str | None = None) -> list[dict[str, Any]]:
    since = format_timestamp(now - timedelta(days=WINDOW_DAYS))
    rows = member_health_rows(db, since, member)
    for row in rows:
        row["verdict"] = verdict(row, now)
    return rows
