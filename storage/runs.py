"""Crawl runs (``crawl_runs``) and what each run did per member (``member_runs``)."""

from __future__ import annotations

import os
import socket
from typing import Any

from sqlite_utils import Database

from crawler.clock import parse_timestamp
from storage.db import StorageError, decode_json_columns, fetch_one, to_json, transaction

RUN_STATUSES = ("running", "completed", "failed", "interrupted")
FINAL_RUN_STATUSES = RUN_STATUSES[1:]
MEMBER_RUN_STATUSES = ("ok", "empty", "blocked", "error", "skipped")
MEMBER_RUN_FIELDS = frozenset(
    {
        "status", "listing_url", "listing_found_by", "template", "releases_found",
        "releases_new", "pages_fetched", "articles_failed", "http_status", "error",
        "started_at", "finished_at", "parser", "rows_undated", "articles_short", "disagreements",
        "discovery_path",
    }
)

# All counts come from the rows the run left behind, so they are right even when the crawler
# forgot to report one. member_runs.releases_new is made authoritative first, from releases.
_RECOUNT_MEMBER_NEW = """
UPDATE member_runs SET releases_new = (
    SELECT count(*) FROM releases r
    WHERE r.first_run_id = member_runs.run_id AND r.bioguide_id = member_runs.bioguide_id
) WHERE run_id = :run
"""
_COUNTS = """
SELECT
    (SELECT count(*) FROM member_runs WHERE run_id = :run) AS members_total,
    (SELECT count(*) FROM member_runs WHERE run_id = :run AND status = 'ok') AS members_ok,
    (SELECT count(*) FROM member_runs WHERE run_id = :run AND status = 'empty') AS members_empty,
    (SELECT count(*) FROM member_runs WHERE run_id = :run AND status = 'blocked')
        AS members_blocked,
    (SELECT count(*) FROM member_runs WHERE run_id = :run AND status = 'error') AS members_error,
    (SELECT count(*) FROM member_runs WHERE run_id = :run AND status = 'skipped')
        AS members_skipped,
    (SELECT coalesce(sum(releases_found), 0) FROM member_runs WHERE run_id = :run)
        AS releases_found,
    (SELECT count(*) FROM releases WHERE last_run_id = :run) AS releases_seen,
    (SELECT count(*) FROM releases WHERE first_run_id = :run) AS releases_new,
    (SELECT count(*) FROM release_versions WHERE run_id = :run AND version > 1)
        AS releases_edited,
    (SELECT count(*) FROM release_versions WHERE run_id = :run) AS versions_new,
    (SELECT coalesce(sum(pages_fetched), 0) FROM member_runs WHERE run_id = :run)
        AS pages_fetched
"""


def start_run(db: Database, options: dict[str, Any], now: str) -> int:
    """Open a run (status ``running``); host and pid let a later start spot it if we crash."""
    with transaction(db):
        cursor = db.conn.execute(
            "INSERT INTO crawl_runs (started_at, status, options, host, pid)"
            " VALUES (?, 'running', ?, ?, ?)",
            (now, to_json(options), socket.gethostname(), os.getpid()),
        )
    return int(cursor.lastrowid)


def finish_run(
    db: Database, run_id: int, status: str, now: str, error: str | None = None
) -> dict[str, Any]:
    """Close a run: store its final status and the counts computed from its rows."""
    if status not in FINAL_RUN_STATUSES:
        raise ValueError(f"a run finishes as one of {FINAL_RUN_STATUSES}, not {status!r}")
    with transaction(db):
        _require_run(db, run_id)
        db.conn.execute(_RECOUNT_MEMBER_NEW, {"run": run_id})
        counts = fetch_one(db, _COUNTS, {"run": run_id}) or {}
        assignments = ", ".join(f"{column} = :{column}" for column in counts)
        db.conn.execute(
            f"UPDATE crawl_runs SET {assignments}, status = :status, finished_at = :now,"
            " error = :error WHERE id = :run",
            {**counts, "status": status, "now": now, "error": error, "run": run_id},
        )
    return get_run(db, run_id)


_EXTRACTION = """
SELECT bioguide_id, parser, rows_undated, articles_short, disagreements
FROM member_runs WHERE run_id = ? ORDER BY bioguide_id
"""


def extraction_report(db: Database, run_id: int) -> dict[str, Any]:
    """How extraction went in a run: members per listing parser, totals of undated rows, short
    bodies and disagreements, and the members that had any of these (to look at first)."""
    parsers: dict[str, int] = {}
    totals = {"rows_undated": 0, "articles_short": 0, "disagreements": 0}
    attention = []
    for row in db.query(_EXTRACTION, (run_id,)):
        if row["parser"]:
            parsers[row["parser"]] = parsers.get(row["parser"], 0) + 1
        for key in totals:
            totals[key] += row[key] or 0
        if row["articles_short"] or row["disagreements"] or row["rows_undated"]:
            attention.append(row["bioguide_id"])
    return {"parsers": parsers, **totals, "attention": attention}


def record_member_run(db: Database, run_id: int, bioguide_id: str, **fields: Any) -> None:
    """Insert the (run, member) row, or update just the given fields of it."""
    unknown = set(fields) - MEMBER_RUN_FIELDS
    if unknown:  # column names go into the SQL text, so only known ones may pass
        raise TypeError(f"unknown member_runs field(s): {', '.join(sorted(unknown))}")
    status = fields.get("status")
    if status is not None and status not in MEMBER_RUN_STATUSES:
        raise ValueError(f"member_runs.status must be one of {MEMBER_RUN_STATUSES}, not {status!r}")
    columns = ["run_id", "bioguide_id", *fields]
    updates = ", ".join(f"{c} = excluded.{c}" for c in fields) or "run_id = excluded.run_id"
    sql = (
        f"INSERT INTO member_runs ({', '.join(columns)})"
        f" VALUES ({', '.join(':' + c for c in columns)})"
        f" ON CONFLICT (run_id, bioguide_id) DO UPDATE SET {updates}"
    )
    with transaction(db):
        db.conn.execute(sql, {"run_id": run_id, "bioguide_id": bioguide_id, **fields})


def get_run(db: Database, run_id: int) -> dict[str, Any]:
    """The ``crawl_runs`` row, with ``options`` decoded; StorageError if there is none."""
    row = fetch_one(db, "SELECT * FROM crawl_runs WHERE id = ?", (run_id,))
    if row is None:
        raise StorageError(f"no crawl run {run_id} in the database")
    return decode_json_columns(row, ("options",))


def list_member_runs(db: Database, run_id: int) -> list[dict[str, Any]]:
    cursor = db.conn.execute(
        "SELECT * FROM member_runs WHERE run_id = ? ORDER BY bioguide_id", (run_id,)
    )
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor]


def mark_stale_runs_interrupted(
    db: Database, now: str, *, max_age_hours: float = 24.0
) -> list[int]:
    """Close the runs a crash left ``running``; returns their ids.

    A run is stale when its process, on this host, is gone — or, when that can't be checked
    (another host, no pid), when it started more than ``max_age_hours`` ago. A crawl that is
    still running in another process is left alone.
    """
    running = db.conn.execute(
        "SELECT id, started_at, host, pid FROM crawl_runs WHERE status = 'running'"
    ).fetchall()
    stale = [
        run_id
        for run_id, started_at, host, pid in running
        if _is_stale(started_at, host, pid, now, max_age_hours)
    ]
    for run_id in stale:
        finish_run(db, run_id, "interrupted", now, error="the crawl process ended unfinished")
    return stale


def _is_stale(started_at: str, host: str | None, pid: int | None, now: str, max_age: float) -> bool:
    if host == socket.gethostname() and pid:
        return not _process_alive(pid)
    return _hours_between(started_at, now) > max_age


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def _hours_between(start: str, end: str) -> float:
    try:
        return (parse_timestamp(end) - parse_timestamp(start)).total_seconds() / 3600
    except ValueError:  # an unreadable timestamp can't prove the run is alive
        return float("inf")


def _require_run(db: Database, run_id: int) -> None:
    if db.conn.execute("SELECT 1 FROM crawl_runs WHERE id = ?", (run_id,)).fetchone() is None:
        raise StorageError(f"no crawl run {run_id} in the database")
