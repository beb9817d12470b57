"""Reads of ``presswatch reprocess``: the current version of each release, with what
re-extraction needs to rebuild the crawl's context. The write is
``storage.releases.add_reprocessed_version``.

A reprocessed version is our parser's change, not the office's: it gets ``source =
'reprocess'``, no run, no ``changes`` row, and keeps the page's original ``fetched_at`` and
``raw_sha256`` (the bytes are the same ones the crawl fetched).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlite_utils import Database

from storage.db import fetch_one
from storage.releases import add_reprocessed_version

__all__ = ["add_reprocessed_version", "iter_current_versions", "release_ids"]

# The release's current version, with what re-extraction needs to rebuild the crawl's context.
_CURRENT = """
SELECT r.id AS release_id, r.bioguide_id, r.url, r.family, r.current_version_id,
       v.version, v.content_hash, v.extractor_version, v.raw_sha256, v.title, v.published,
       v.date_source, v.fetched_at, v.fetched_url, v.run_id
FROM releases r JOIN release_versions v ON v.id = r.current_version_id
WHERE r.id = ?
"""


def release_ids(db: Database, members: list[str] | None = None) -> list[int]:
    """Ids of the releases that have a crawled current version, optionally of some members
    only."""
    # Imported versions (source 'import') have no stored page to re-read: left out.
    sql = ("SELECT r.id FROM releases r JOIN release_versions v ON v.id = r.current_version_id"
           " WHERE v.source != 'import'")
    params: list[Any] = []
    if members:
        sql += f" AND r.bioguide_id IN ({', '.join('?' * len(members))})"
        params += members
    return [int(row[0]) for row in db.conn.execute(sql + " ORDER BY r.id", params)]


def iter_current_versions(db: Database, ids: list[int]) -> Iterator[dict[str, Any]]:
    """The current version of each release (one query each: the caller may write in between)."""
    for release_id in ids:
        row = fetch_one(db, _CURRENT, (release_id,))
        if row is not None:
            yield row
