"""The alert outbox (``outbox``): each (subscriber, change) to deliver, and whether it was.

A row is queued once (unique on subscriber and change), stays ``pending`` through any number of
failed attempts, and becomes ``sent`` only after the SMTP server accepted the message that
carried it. Rows of a subscriber no longer in the config become ``dropped``. Deciding *what* to
queue (filters) and composing / sending messages live in the scheduler; this module only stores.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlite_utils import Database

from storage.db import decode_json_columns, transaction

OUTBOX_STATUSES = ("pending", "sent", "dropped")

# The changes of runs whose detection finished but whose alerts were not queued yet.
_RUNS_TO_QUEUE = """
SELECT id FROM crawl_runs
WHERE changes_detected_at IS NOT NULL AND alerts_queued_at IS NULL ORDER BY id
"""
# What filters and emails need of a change: the member (for state / chamber / party filters and
# grouping), the release (title, link, date) and the versions' text (keywords, first lines).
_CHANGE_DETAILS = """
SELECT c.id, c.kind, c.severity, c.summary, c.detected_at, c.run_id, c.alert,
       c.fields_changed, c.diff_text, c.diff_html, c.release_id, c.bioguide_id,
       c.old_version_id, c.new_version_id,
       r.url, r.title, r.published, r.body_text,
       m.name AS member_name, m.chamber, m.state, m.party,
       ov.title AS old_title, ov.published AS old_published, ov.dateline AS old_dateline,
       ov.paragraphs AS old_paragraphs, ov.attachments AS old_attachments,
       nv.title AS new_title, nv.published AS new_published, nv.dateline AS new_dateline,
       nv.paragraphs AS new_paragraphs, nv.attachments AS new_attachments
FROM changes c
JOIN releases r ON r.id = c.release_id
LEFT JOIN members m ON m.bioguide_id = c.bioguide_id
LEFT JOIN release_versions ov ON ov.id = c.old_version_id
LEFT JOIN release_versions nv ON nv.id = c.new_version_id
"""
_JSON_COLUMNS = ("fields_changed", "old_paragraphs", "old_attachments", "new_paragraphs",
                 "new_attachments")


def runs_to_queue(db: Database) -> list[int]:
    """Runs through change detection whose changes were not yet matched to subscribers."""
    return [int(row["id"]) for row in db.query(_RUNS_TO_QUEUE)]


def alertable_changes(db: Database, run_id: int) -> list[dict[str, Any]]:
    """The run's changes that alert (reverts and baseline ``new`` changes have ``alert = 0``)."""
    sql = _CHANGE_DETAILS + " WHERE c.run_id = ? AND c.alert = 1 ORDER BY c.id"
    return [_decoded(row) for row in db.query(sql, [run_id])]


def change_details(db: Database, change_ids: Iterable[int]) -> list[dict[str, Any]]:
    """The changes with these ids, with member, release and version text, oldest first."""
    ids = list(change_ids)
    sql = _CHANGE_DETAILS + " WHERE c.id IN (SELECT value FROM json_each(?)) ORDER BY c.id"
    return [_decoded(row) for row in db.query(sql, [json.dumps(ids)])]


def _decoded(row: dict[str, Any]) -> dict[str, Any]:
    row = decode_json_columns(dict(row), _JSON_COLUMNS)
    for column in _JSON_COLUMNS:
        row[column] = row[column] or []
    return row


def queue_run(db: Database, run_id: int, entries: Iterable[tuple[str, int, str]],
              now: str) -> int:
    """Queue (subscriber, change_id, mode) entries of one run and stamp the run as queued, in
    one transaction: a crash queues all of them or none. Returns the rows added."""
    added = 0
    with transaction(db):
        for subscriber, change_id, mode in entries:
            cursor = db.conn.execute(
                "INSERT OR IGNORE INTO outbox (subscriber, change_id, mode, queued_at)"
                " VALUES (?, ?, ?, ?)",
                (subscriber, change_id, mode, now),
            )
            added += cursor.rowcount
        db.conn.execute("UPDATE crawl_runs SET alerts_queued_at = ? WHERE id = ?", (now, run_id))
    return added


def pending_count(db: Database) -> int:
    """Outbox rows not yet delivered (for ``presswatch status``)."""
    row = db.conn.execute("SELECT count(*) FROM outbox WHERE status = 'pending'").fetchone()
    return int(row[0])


def due_rows(db: Database, now: str, *, modes: Iterable[str] | None = None,
             retries_only_for: Iterable[str] = (), ignore_backoff: bool = False,
             ) -> list[dict[str, Any]]:
    """Pending rows to deliver now, oldest first.

    ``modes`` limits them to subscribers of those modes (None: all). Rows of the modes in
    ``retries_only_for`` are included only when an earlier attempt failed (a retry). Rows
    waiting out a backoff (``next_attempt_at`` after ``now``) are left unless
    ``ignore_backoff``.
    """
    rows = db.query(
        "SELECT id, subscriber, change_id, mode, attempts, next_attempt_at FROM outbox"
        " WHERE status = 'pending' ORDER BY id"
    )
    wanted = None if modes is None else set(modes)
    retry_modes = set(retries_only_for)
    due = []
    for row in rows:
        retry = row["attempts"] > 0
        if wanted is not None and row["mode"] not in wanted:
            if not (retry and row["mode"] in retry_modes):
                continue
        if not ignore_backoff and row["next_attempt_at"] and row["next_attempt_at"] > now:
            continue
        due.append(dict(row))
    return due


def waiting_count(db: Database, now: str) -> int:
    """Pending rows held back by a backoff after a failed attempt."""
    row = db.conn.execute(
        "SELECT count(*) FROM outbox WHERE status = 'pending' AND next_attempt_at > ?", (now,)
    ).fetchone()
    return int(row[0])


def mark_sent(db: Database, row_ids: list[int], now: str, message_id: str) -> None:
    """The SMTP server accepted the message carrying these rows."""
    with transaction(db):
        for row_id in row_ids:
            db.conn.execute(
                "UPDATE outbox SET status = 'sent', sent_at = ?, message_id = ?,"
                " attempts = attempts + 1, last_attempt_at = ?, next_attempt_at = NULL"
                " WHERE id = ? AND status = 'pending'",
                (now, message_id, now, row_id),
            )
            db.conn.execute(
                "UPDATE changes SET alerted_at = ? WHERE alerted_at IS NULL"
                " AND id = (SELECT change_id FROM outbox WHERE id = ?)",
                (now, row_id),
            )


def mark_failed(db: Database, row_ids: list[int], now: str, error: str,
                next_attempt_at: str) -> None:
    """An attempt failed: the rows stay pending, to be tried again after ``next_attempt_at``."""
    with transaction(db):
        for row_id in row_ids:
            db.conn.execute(
                "UPDATE outbox SET attempts = attempts + 1, last_attempt_at = ?,"
                " next_attempt_at = ?, last_error = ? WHERE id = ? AND status = 'pending'",
                (now, next_attempt_at, error[:500], row_id),
            )


def mark_dropped(db: Database, subscriber: str) -> int:
    """A subscriber left the config: their pending rows will never be delivered."""
    with transaction(db):
        cursor = db.conn.execute(
            "UPDATE outbox SET status = 'dropped' WHERE subscriber = ? AND status = 'pending'",
            (subscriber,),
        )
    return cursor.rowcount


def pending_subscribers(db: Database) -> list[str]:
    return [row["subscriber"] for row in
            db.query("SELECT DISTINCT subscriber FROM outbox WHERE status = 'pending'")]


def failing_members(db: Database, min_failures: int) -> list[dict[str, Any]]:
    """Enabled members whose last ``min_failures`` or more crawls failed (error or blocked),
    with their latest run's status and error, worst first."""
    sql = """
    SELECT m.bioguide_id, m.name, m.consecutive_failures, m.last_success_at,
           mr.status, mr.error, mr.http_status
    FROM members m
    LEFT JOIN member_runs mr ON mr.id = (
        SELECT id FROM member_runs WHERE bioguide_id = m.bioguide_id ORDER BY run_id DESC LIMIT 1)
    WHERE m.enabled AND m.consecutive_failures >= ?
    ORDER BY m.consecutive_failures DESC, m.bioguide_id
    """
    return [dict(row) for row in db.query(sql, [min_failures])]
