"""Change events (``changes``): what change detection found after each crawl.

Change *detection* (deciding new / edited / removed / restored) lives in the scheduler; this
module only records its findings and reads them back. Timestamps are stored in one form,
``YYYY-MM-DDTHH:MM:SSZ``, whatever ISO form the caller passed, so ``--since`` filters (text
comparisons) are exact.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from crawler.clock import format_timestamp, parse_timestamp
from storage.db import StorageError, fetch_one, to_json, transaction
from storage.runs import FINAL_RUN_STATUSES, get_run

CHANGE_KINDS = ("new", "edited", "removed", "restored")
SEVERITIES = ("minor", "major")
CHANGE_FIELDS = ("title", "date", "dateline", "body", "attachments")

_INSERT = """
INSERT INTO changes (
    release_id, bioguide_id, kind, detected_at, run_id, old_version_id, new_version_id,
    fields_changed, summary, severity, diff_text, diff_html, diff_unified, alert,
    revert_of_version_id
) VALUES (
    :release_id, :bioguide_id, :kind, :detected_at, :run_id, :old_version_id, :new_version_id,
    :fields_changed, :summary, :severity, :diff_text, :diff_html, :diff_unified, :alert,
    :revert_of_version_id
)
"""
# The same event of the same run recorded twice (detection re-run after a crash before
# mark_run_detected) must not become two alerts.
_SAME_EVENT = """
SELECT id FROM changes
WHERE release_id = :release_id AND run_id = :run_id AND kind = :kind
  AND old_version_id IS :old_version_id AND new_version_id IS :new_version_id
"""
# Everything but the three diff renderings, which can be large: list views don't need them.
_LIST_COLUMNS = """
c.id, c.detected_at, c.kind, c.severity, c.bioguide_id, m.name AS member_name, c.release_id,
r.title, r.url, r.published, c.summary, c.fields_changed, c.run_id, c.old_version_id,
c.new_version_id, c.alert, c.revert_of_version_id, c.alerted_at
"""
_FROM = """
FROM changes c
JOIN releases r ON r.id = c.release_id
LEFT JOIN members m ON m.bioguide_id = c.bioguide_id
"""
_COUNT_BY_KIND = """
SELECT kind, count(*) FROM changes WHERE run_id = ? GROUP BY kind
"""


def to_timestamp(value: str | datetime) -> str:
    """Any ISO 8601 timestamp (``Z``, an offset, or none = UTC) in the stored form."""
    return format_timestamp(value if isinstance(value, datetime) else parse_timestamp(value))


def record_change(
    db: Database,
    *,
    release_id: int,
    kind: str,
    detected_at: str,
    run_id: int | None,
    old_version_id: int | None = None,
    new_version_id: int | None = None,
    fields_changed: Iterable[str] = (),
    summary: str = "",
    severity: str | None = None,
    diff_text: str | None = None,
    diff_html: str | None = None,
    diff_unified: str | None = None,
    alert: bool = True,
    revert_of_version_id: int | None = None,
) -> int:
    """Store one change event and return its id.

    ``bioguide_id`` is copied from the release. Recording the same event of the same run again
    (same release, kind and versions) returns the existing id instead of a second row.
    """
    fields = _check_event(kind, severity, fields_changed)
    params = {
        "release_id": release_id, "kind": kind, "detected_at": to_timestamp(detected_at),
        "run_id": run_id, "old_version_id": old_version_id, "new_version_id": new_version_id,
        "fields_changed": to_json(fields), "summary": " ".join(summary.split()),
        "severity": severity, "diff_text": diff_text, "diff_html": diff_html,
        "diff_unified": diff_unified, "alert": int(bool(alert)),
        "revert_of_version_id": revert_of_version_id,
    }
    with transaction(db):
        params["bioguide_id"] = _release_member(db, release_id)
        _check_versions(db, release_id, old_version_id, new_version_id, revert_of_version_id)
        if run_id is not None:
            existing = db.conn.execute(_SAME_EVENT, params).fetchone()
            if existing:
                return int(existing[0])
        return int(db.conn.execute(_INSERT, params).lastrowid)


def _check_event(kind: str, severity: str | None, fields: Iterable[str]) -> list[str]:
    if kind not in CHANGE_KINDS:
        raise ValueError(f"change kind must be one of {CHANGE_KINDS}, not {kind!r}")
    if severity is not None and severity not in SEVERITIES:
        raise ValueError(f"severity must be one of {SEVERITIES} or None, not {severity!r}")
    fields = list(fields)
    unknown = [f for f in fields if f not in CHANGE_FIELDS]
    if unknown:
        raise ValueError(f"fields_changed must be among {CHANGE_FIELDS}, not {unknown!r}")
    return fields


def _release_member(db: Database, release_id: int) -> str:
    row = db.conn.execute("SELECT bioguide_id FROM releases WHERE id = ?", (release_id,)).fetchone()
    if row is None:
        raise StorageError(f"no release {release_id} in the database")
    return str(row[0])


def _check_versions(db: Database, release_id: int, *version_ids: int | None) -> None:
    """A change may only point at versions of its own release (the FK alone can't say that)."""
    wanted = {v for v in version_ids if v is not None}
    if not wanted:
        return
    marks = ", ".join("?" * len(wanted))
    found = {
        row[0]
        for row in db.conn.execute(
            f"SELECT id FROM release_versions WHERE release_id = ? AND id IN ({marks})",
            (release_id, *wanted),
        )
    }
    if wanted - found:
        missing = ", ".join(str(v) for v in sorted(wanted - found))
        raise StorageError(f"version(s) {missing} are not versions of release {release_id}")


def get_change(db: Database, change_id: int) -> dict[str, Any] | None:
    """One change with its diffs and the release's url / title; None if unknown."""
    row = fetch_one(
        db,
        f"SELECT {_LIST_COLUMNS}, c.diff_text, c.diff_html, c.diff_unified {_FROM}"
        " WHERE c.id = ?",
        (change_id,),
    )
    return _decoded(row) if row else None


def list_changes(
    db: Database,
    *,
    since: str | None = None,
    kinds: Iterable[str] | None = None,
    member: str | None = None,
    limit: int | None = None,
    release_id: int | None = None,
) -> list[dict[str, Any]]:
    """Changes, newest first, with the release's url, title, published and the member's name.

    ``since`` is inclusive and may be any ISO timestamp or date; the diff renderings are left
    out (see :func:`get_change`).
    """
    where, params = _filters(since, kinds, member, release_id)
    sql = f"SELECT {_LIST_COLUMNS} {_FROM}"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY c.detected_at DESC, c.id DESC"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(int(limit))
    cursor = db.conn.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [_decoded(dict(zip(names, row, strict=True))) for row in cursor]


def _filters(
    since: str | None, kinds: Iterable[str] | None, member: str | None, release_id: int | None
) -> tuple[list[str], list[Any]]:
    where: list[str] = []
    params: list[Any] = []
    if since is not None:
        where.append("c.detected_at >= ?")
        params.append(to_timestamp(since))
    if kinds is not None:
        kinds = list(kinds)
        bad = [k for k in kinds if k not in CHANGE_KINDS]
        if bad:
            raise ValueError(f"change kind must be one of {CHANGE_KINDS}, not {bad!r}")
        where.append(f"c.kind IN ({', '.join('?' * len(kinds))})" if kinds else "0")
        params += kinds
    if member is not None:
        where.append("c.bioguide_id = ?")
        params.append(member)
    if release_id is not None:
        where.append("c.release_id = ?")
        params.append(release_id)
    return where, params


def _decoded(row: dict[str, Any]) -> dict[str, Any]:
    row["fields_changed"] = json.loads(row["fields_changed"] or "[]")
    return row


def mark_run_detected(db: Database, run_id: int, now: str) -> dict[str, Any]:
    """Change detection is done for this run: stamp it and store its counts per kind.

    Counts come from the ``changes`` rows of the run, so they are right whatever the detector
    reported. Returns the updated ``crawl_runs`` row.
    """
    with transaction(db):
        get_run(db, run_id)  # StorageError for an unknown run
        counts = dict.fromkeys(CHANGE_KINDS, 0)
        counts.update(db.conn.execute(_COUNT_BY_KIND, (run_id,)).fetchall())
        db.conn.execute(
            "UPDATE crawl_runs SET changes_detected_at = ?, changes_new = ?, changes_edited = ?,"
            " changes_removed = ?, changes_restored = ? WHERE id = ?",
            (to_timestamp(now), *(counts[k] for k in CHANGE_KINDS), run_id),
        )
    return get_run(db, run_id)


def runs_pending_detection(db: Database) -> list[int]:
    """Finished runs (completed, failed or interrupted) not yet through change detection,
    oldest first."""
    marks = ", ".join("?" * len(FINAL_RUN_STATUSES))
    rows = db.conn.execute(
        f"SELECT id FROM crawl_runs WHERE status IN ({marks}) AND changes_detected_at IS NULL"
        " ORDER BY id",
        FINAL_RUN_STATUSES,
    )
    return [int(row[0]) for row in rows]
