"""Where the writing side of `presswatch import` spends its time, statement by statement.

    .venv/bin/python benchmarks/import_breakdown.py DB ARCHIVE.jsonl [--limit 25000]
        [--releases-only] [--synchronous OFF]

DB is a database to add to (work on a copy: it is written), e.g. one `archive_benchmark.py`
built from 13 of its 14 files, and ARCHIVE one more archive file. Lines are parsed first (not
timed), then stored in batches as `presswatch import` does, with a timer around each SQL
statement and the commit. `--releases-only` skips the version and change rows, to measure what
the `releases` row and its FTS entry cost alone; `--synchronous OFF` shows the share of `fsync`.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import storage.archive as archive  # noqa: E402
from crawler.clock import now_iso  # noqa: E402
from scheduler.archive import BATCH_SIZE, _chunks, _Members, parse_chunk  # noqa: E402
from storage.db import open_db  # noqa: E402


class TimedConnection:
    """The sqlite3 connection, with the time of each statement added up by its first words."""

    def __init__(self, conn, skip: tuple[str, ...]) -> None:
        self.conn, self.skip, self.seconds = conn, skip, Counter()

    def _timed(self, method, sql: str, *args):
        if any(word in sql for word in self.skip):
            return None
        started = time.perf_counter()
        result = method(sql, *args)
        self.seconds[" ".join(sql.split())[:40]] += time.perf_counter() - started
        return result

    def execute(self, sql: str, *args):
        return self._timed(self.conn.execute, sql, *args)

    def executemany(self, sql: str, *args):
        return self._timed(self.conn.executemany, sql, *args)

    def __getattr__(self, name: str):
        return getattr(self.conn, name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("db", type=Path)
    parser.add_argument("archive", type=Path)
    parser.add_argument("--limit", type=int, default=25_000)
    parser.add_argument("--releases-only", action="store_true")
    parser.add_argument("--synchronous", choices=["NORMAL", "OFF"], default="NORMAL")
    args = parser.parse_args()
    gc.disable()  # as during an import
    db = open_db(args.db)
    db.conn.execute(f"PRAGMA synchronous = {args.synchronous}")
    members = _Members(archive.known_members(db), archive.member_hosts(db))
    batches, count = [], 0
    for chunk in _chunks(args.archive, BATCH_SIZE):
        batches.append([row for _, row, _, _ in parse_chunk(chunk, members, now_iso()) if row])
        count += len(batches[-1])
        if count >= args.limit:
            break
    skip = ("INTO release_versions", "INTO changes") if args.releases_only else ()
    conn = db.conn
    timed = TimedConnection(conn, skip)
    started = time.perf_counter()
    for batch in batches:
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute(f"PRAGMA cache_size = {-archive.IMPORT_CACHE_KIB}")
        conn.execute("BEGIN IMMEDIATE")
        db.conn = timed
        archive._insert_batch(db, batch, archive.ImportCounts())
        db.conn = conn
        commit = time.perf_counter()
        conn.execute("COMMIT")
        timed.seconds["COMMIT"] += time.perf_counter() - commit
    total = time.perf_counter() - started
    print(f"{count} releases stored: {total / count * 1e6:.0f} µs per release")
    for statement, seconds in timed.seconds.most_common():
        print(f"  {seconds / count * 1e6:7.1f} µs  {statement}")


if __name__ == "__main__":
    main()
