"""Crawl runs (``crawl_runs``) and what each run did per member (``member_runs``)."""

from __future__ import annotations

import os
import socket
from typing import Any

from sqlite_utils import Database

from crawler.clock import parse_timestamp
from storage.db import StorageError, decode_json_columns, fetch_one, to_json, transaction

# interrupted: the run's processes died without closing it (found by the next crawl);
# aborted: deliberately cut off (SIGTERM / SIGINT, or crawl.max_run_minutes) and closed cleanly.
# The crawl process stamps crawl_runs.heartbeat_at this often; a run from another machine
# whose heartbeat is older than the stale limit is taken for dead.
HEARTBEAT_SECONDS = 5.0
HEARTBEAT_STALE_SECONDS = 60.0

RUN_STATUSES = ("running", "completed", "failed", "interrupted", "aborted")
FINAL_RUN_STATUSES = RUN_STATUSES[1:]
MEMBER_RUN_STATUSES = ("ok", "empty", "blocked", "error", "skipped")
MEMBER_RUN_FIELDS = frozenset(
    {
        "status", "listing_url", "listing_found_by", "template", "releases_found",
        "releases_new", "pages_fetched", "articles_failed", "http_status", "error",
        "started_at", "finished_at", "parser", "rows_undated", "articles_short", "disagreements",
        "discovery_path",
        "releases_not_saved",
        "urls_refused", "articles_deferred",
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
    """Open a run (status ``running``, first heartbeat now); host and pid are for people."""
    with transaction(db):
        cursor = db.conn.execute(
            "INSERT INTO crawl_runs (started_at, status, options, host, pid, heartbeat_at)"
            " VALUES (?, 'running', ?, ?, ?, ?)",
            (now, to_json(options), socket.gethostname(), os.getpid(), now),
        )
    return int(cursor.lastrowid)


def beat(db: Database, run_id: int, now: str) -> None:
    """The crawl process is alive and working on this run."""
    with transaction(db):
        db.conn.execute(
            "UPDATE crawl_runs SET heartbeat_at = ? WHERE id = ? AND status = 'running'",
            (now, run_id),
        )


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
    db: Database, now: str, *, stale_after_seconds: float = HEARTBEAT_STALE_SECONDS
) -> list[int]:
    """Close the runs a crash left ``running``; returns their ids. Call it holding the crawl
    lock (storage.lock).

    A run of this machine is dead for sure: its processes would still hold the lock. A run of
    another machine (a shared file) is dead when its heartbeat stopped ``stale_after_seconds``
    ago; until then it may still be writing and is left alone (see ``runs_alive_elsewhere``).
    """
    stale = [run["id"] for run in _running(db)
             if run["host"] == socket.gethostname()
             or _seconds_between(_last_sign_of_life(run), now) > stale_after_seconds]
    for run_id in stale:
        finish_run(db, run_id, "interrupted", now, error="the crawl process ended unfinished")
    return stale


def runs_alive_elsewhere(
    db: Database, now: str, *, stale_after_seconds: float = HEARTBEAT_STALE_SECONDS
) -> list[dict[str, Any]]:
    """Running runs of another machine whose heartbeat is still fresh."""
    return [run for run in _running(db)
            if run["host"] != socket.gethostname()
            and _seconds_between(_last_sign_of_life(run), now) <= stale_after_seconds]


def list_runs(db: Database, limit: int = 10) -> list[dict[str, Any]]:
    """The latest runs, newest first."""
    cursor = db.conn.execute("SELECT * FROM crawl_runs ORDER BY id DESC LIMIT ?", (limit,))
    names = [d[0] for d in cursor.description]
    return [decode_json_columns(dict(zip(names, row, strict=True)), ("options",))
            for row in cursor]


def _running(db: Database) -> list[dict[str, Any]]:
    cursor = db.conn.execute(
        "SELECT id, started_at, heartbeat_at, host, pid FROM crawl_runs WHERE status = 'running'"
    )
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor]


def _last_sign_of_life(run: dict[str, Any]) -> str:
    return run["heartbeat_at"] or run["started_at"]


def _seconds_between(start: str, end: str) -> float:
    try:
        return (parse_timestamp(end) - parse_timestamp(start)).total_seconds()
    except ValueError:  # an unreadable timestamp can't prove the run is alive
        return float("inf")


def _require_run(db: Database, run_id: int) -> None:
    if db.conn.execute("SELECT 1 FROM crawl_runs WHERE id = ?", (run_id,)).fetchone() is None:
        raise StorageError(f"no crawl run {run_id} in the database")
