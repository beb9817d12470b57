"""What each site repeats on its release pages: the per-host memory of chrome learning.

One row per (host, masked-paragraph key) the crawler decided is chrome on that host (see
``crawler.chrome.learn``). Rows are only ever added, so extraction given this table is
deterministic, and a re-check that fetches a single page strips what earlier crawls learned.
"""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from storage.db import transaction

_INSERT = """
INSERT INTO site_chrome (host, text_hash, pages, share, sample, first_seen, last_seen)
VALUES (?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (host, text_hash) DO UPDATE SET
    pages = max(site_chrome.pages, excluded.pages), last_seen = excluded.last_seen
"""


def load_site_chrome(db: Database, hosts: list[str]) -> dict[str, frozenset[str]]:
    """The chrome keys of each of ``hosts`` that has any."""
    out: dict[str, frozenset[str]] = {}
    for host in sorted(set(hosts)):
        keys = chrome_keys(db, host)
        if keys:
            out[host] = keys
    return out


def chrome_keys(db: Database, host: str) -> frozenset[str]:
    """The keys that are chrome on ``host``."""
    rows = db.conn.execute("SELECT text_hash FROM site_chrome WHERE host = ?", (host,))
    return frozenset(key for (key,) in rows)


def record_chrome(
    db: Database, host: str, learned: dict[str, tuple[int, float, str]], now: str
) -> None:
    """Remember what a crawl learned on ``host``: key → (pages, share of pages, sample)."""
    with transaction(db):
        for key, (pages, share, sample) in sorted(learned.items()):
            db.conn.execute(_INSERT, (host, key, pages, round(share, 3), sample[:200], now, now))


def site_chrome_rows(db: Database, host: str) -> list[dict[str, Any]]:
    """Every chrome key of a host, for ``presswatch inspect``."""
    return list(db.query(
        "SELECT text_hash, pages, share, sample, first_seen, last_seen FROM site_chrome "
        "WHERE host = ? ORDER BY sample", [host],
    ))
