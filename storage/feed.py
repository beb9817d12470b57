"""Reads of ``presswatch feed``: the latest change events with what an Atom entry shows."""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from storage.changes import CHANGE_KINDS

# Imported history (``changes.imported = 1``) is left out: a feed announces what presswatch
# saw happen, as alerts do.
_SQL = """
SELECT c.id, c.kind, c.detected_at, c.summary, c.severity, c.diff_html, c.release_id,
       c.bioguide_id, m.name AS member_name, m.party, m.state, r.title, r.url, r.published
FROM changes c
JOIN releases r ON r.id = c.release_id
LEFT JOIN members m ON m.bioguide_id = c.bioguide_id
WHERE NOT c.imported {filters}
ORDER BY c.detected_at DESC, c.id DESC
LIMIT ?
"""


def feed_changes(
    db: Database, kinds: list[str] | None = None, member: str | None = None, limit: int = 50
) -> list[dict[str, Any]]:
    """The latest ``limit`` changes (of ``kinds``, of ``member``), newest first."""
    filters, params = "", []
    if kinds:
        bad = [k for k in kinds if k not in CHANGE_KINDS]
        if bad:
            raise ValueError(f"change kind must be one of {CHANGE_KINDS}, not {bad!r}")
        filters += f" AND c.kind IN ({', '.join('?' * len(kinds))})"
        params += kinds
    if member:
        filters += " AND c.bioguide_id = ?"
        params.append(member.upper())
    cursor = db.conn.execute(_SQL.format(filters=filters), [*params, int(limit)])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor]
