"""Rows for ``presswatch export``: releases with their member, read as a stream.

The cursor is iterated row by row (never ``fetchall``), so an export of 700,000 releases holds
one row in memory at a time. The column order is fixed by ``EXPORT_COLUMNS``; new columns are
only ever appended.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlite_utils import Database

# The columns of the releases_with_members view, in export order (a public interface: append only).
EXPORT_COLUMNS = ("id", "published", "bioguide_id", "member_name", "party", "state", "chamber",
                  "district", "title", "url", "status", "word_count", "dateline", "duplicate_of",
                  "first_seen", "last_checked", "removed_at", "current_version_id", "body_text")


def iter_releases(
    db: Database,
    since: str | None = None,
    until: str | None = None,
    members: list[str] | None = None,
) -> Iterator[tuple[Any, ...]]:
    """Releases (published between ``since`` and ``until``, inclusive dates; of ``members``)
    as tuples in ``EXPORT_COLUMNS`` order, by id."""
    where: list[str] = []
    params: list[Any] = []
    if since:
        where.append("published >= ?")
        params.append(since)
    if until:
        where.append("published <= ?")
        params.append(until)
    if members:
        where.append(f"bioguide_id IN ({', '.join('?' * len(members))})")
        params += [m.upper() for m in members]
    sql = f"SELECT {', '.join(EXPORT_COLUMNS)} FROM releases_with_members"
    if where:
        sql += " WHERE " + " AND ".join(where)
    # A separate cursor: the caller may run other statements on the connection meanwhile.
    cursor = db.conn.cursor()
    cursor.arraysize = 100
    cursor.execute(sql + " ORDER BY id", params)
    try:
        while batch := cursor.fetchmany():
            yield from batch
    finally:
        cursor.close()
