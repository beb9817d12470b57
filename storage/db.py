"""Open the presswatch SQLite file: checks, pragmas, migrations, transactions.

Every write in ``storage/`` goes through :func:`transaction`. sqlite-utils 4's ``db.execute``
commits each write on its own when no transaction is open (so ``with db.conn:`` does *not* make
several ``db.execute`` calls atomic); an explicit ``BEGIN IMMEDIATE`` does.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlite_utils

from crawler.clock import now_iso

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 10_000


class StorageError(RuntimeError):
    """The database cannot be used; the message says which file and why, on one line."""


def open_db(
    path: str | Path,
    *,
    create: bool = True,
    busy_timeout_ms: int = BUSY_TIMEOUT_MS,
    raw_path: str | Path | None = None,
) -> sqlite_utils.Database:
    """Open (or create) the database, set WAL and the other pragmas, apply migrations.

    ``":memory:"`` gives a throw-away in-memory database (no WAL there). ``raw_path`` (config
    ``raw_database``) is a second file for the raw HTML of pages, attached as schema ``raw``;
    see :func:`storage.releases.get_raw_html` for how both layouts are read.
    """
    in_memory = str(path) == ":memory:"
    if in_memory:
        conn = sqlite3.connect(":memory:")
    else:
        file = Path(path).expanduser()
        _check_path(file, create)
        conn = _connect(file, create)
    try:
        db = sqlite_utils.Database(conn)
        _configure(db, busy_timeout_ms, wal=not in_memory)
        _migrate(db)
        if raw_path is not None:
            _attach_raw(db, Path(raw_path).expanduser(), create)
    except sqlite3.Error as exc:
        conn.close()
        raise StorageError(f"cannot open database {path}: {_describe(exc)}") from exc
    except StorageError:
        conn.close()
        raise
    return db


def open_db_read_only(path: str | Path) -> sqlite_utils.Database:
    """Open an existing database for reading only: nothing is written, not even a migration.

    Works on a read-only file (``chmod 444``) and in a read-only directory, as docs/schema.md
    promises readers. SQLite's ``mode=ro`` still needs the ``-shm`` file of a WAL database;
    where that cannot be created the directory is read-only, so no writer can be working on
    the file either, and it is opened as ``immutable``.
    """
    file = Path(path).expanduser()
    if file.is_dir():
        raise StorageError(f"cannot open database {file}: it is a directory")
    if not file.exists():
        raise StorageError(f"cannot open database {file}: no such file")
    _check_header(file)
    base = file.resolve().as_uri()
    conn: sqlite3.Connection | None = None
    queries = ["mode=ro"]
    if not os.access(file.parent, os.W_OK):  # no writer can be at work on it either
        queries.append("mode=ro&immutable=1")
    for query in queries:
        try:
            conn = sqlite3.connect(f"{base}?{query}", uri=True)
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            break
        except sqlite3.Error as exc:
            if conn is not None:
                conn.close()
                conn = None
            error = exc
    if conn is None:
        raise StorageError(f"cannot open database {file}: {_describe(error)}")
    db = sqlite_utils.Database(conn)
    from storage.migrations import MIGRATIONS

    if MIGRATIONS.pending(db):
        conn.close()
        raise StorageError(
            f"database {file} was written by an older presswatch: run `presswatch crawl` "
            "(or any writing command) on it once to upgrade it"
        )
    return db


RAW_SCHEMA = "raw"
_RAW_TABLE = """
CREATE TABLE IF NOT EXISTS raw.raw_pages (
    sha256 TEXT PRIMARY KEY,
    html_gz BLOB NOT NULL,
    size INTEGER NOT NULL,
    first_seen TEXT NOT NULL
)
"""


def _attach_raw(db: sqlite_utils.Database, file: Path, create: bool) -> None:
    """The raw HTML file: one table, raw_pages, as in the main file (whose rows then keep the
    sha256 and size with an empty html_gz, so foreign keys and queries still hold)."""
    _check_path(file, create)
    mode = "rwc" if create else "rw"
    try:
        db.conn.execute(f"ATTACH DATABASE ? AS {RAW_SCHEMA}",
                        (f"{file.resolve().as_uri()}?mode={mode}",))
    except sqlite3.Error as exc:
        raise StorageError(f"cannot open raw database {file}: {_describe(exc)}") from exc
    db.conn.execute(f"PRAGMA {RAW_SCHEMA}.journal_mode = WAL").fetchone()
    db.conn.execute(f"PRAGMA {RAW_SCHEMA}.synchronous = NORMAL")
    db.conn.execute(_RAW_TABLE)


def has_raw_file(db: sqlite_utils.Database) -> bool:
    """Whether a raw HTML file is attached (config ``raw_database``)."""
    return any(row[1] == RAW_SCHEMA for row in db.conn.execute("PRAGMA database_list"))


def _check_path(file: Path, create: bool) -> None:
    """Fail early, with a clear message, on what SQLite would report as 'unable to open'."""
    if file.is_dir():
        raise StorageError(f"cannot open database {file}: it is a directory")
    if not file.exists():
        if not create:
            raise StorageError(f"cannot open database {file}: no such file")
        parent = file.parent
        if not parent.is_dir():
            raise StorageError(f"cannot create database {file}: directory {parent} does not exist")
        if not os.access(parent, os.W_OK):
            raise StorageError(f"cannot create database {file}: directory {parent} is read-only")
        return
    _check_header(file)
    if not os.access(file, os.W_OK):
        raise StorageError(f"cannot open database {file}: the file is read-only")
    if not os.access(file.parent, os.W_OK | os.X_OK):
        # WAL mode needs to create <name>-wal and <name>-shm next to the file.
        raise StorageError(
            f"cannot open database {file}: directory {file.parent} is read-only "
            "(SQLite needs to create its -wal file there)"
        )


def _check_header(file: Path) -> None:
    """Refuse a non-SQLite file before SQLite touches it, so it stays byte-identical."""
    try:
        with file.open("rb") as fh:
            header = fh.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise StorageError(f"cannot read database {file}: {exc.strerror or exc}") from exc
    if header and header != SQLITE_HEADER:
        raise StorageError(f"cannot open database {file}: not a SQLite database (left untouched)")


def _connect(file: Path, create: bool) -> sqlite3.Connection:
    # A URI with mode=rw never creates a file behind our back (create=False).
    mode = "rwc" if create else "rw"
    uri = f"{file.resolve().as_uri()}?mode={mode}"
    try:
        return sqlite3.connect(uri, uri=True)
    except sqlite3.Error as exc:
        raise StorageError(f"cannot open database {file}: {_describe(exc)}") from exc


def _configure(db: sqlite_utils.Database, busy_timeout_ms: int, *, wal: bool) -> None:
    # busy_timeout first: switching to WAL itself needs a lock another process may hold.
    db.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    # Reading the schema fails here, before any write, when the file is not a database.
    db.execute("SELECT count(*) FROM sqlite_master").fetchone()
    if wal:
        db.execute("PRAGMA journal_mode = WAL").fetchone()
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute("PRAGMA foreign_keys = ON")


def _migrate(db: sqlite_utils.Database) -> None:
    from storage.migrations import MIGRATIONS

    if not MIGRATIONS.pending(db):
        return
    # One write lock around all steps: two processes opening a fresh file at once must not
    # both run the same step (the second would then re-check and find nothing pending).
    with transaction(db):
        MIGRATIONS.apply(db)


def _describe(exc: sqlite3.Error) -> str:
    text = str(exc)
    if "locked" in text or "busy" in text:
        return f"{text} (another process holds a lock on it)"
    return text


@contextmanager
def transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """All writes inside commit together or not at all.

    ``BEGIN IMMEDIATE`` takes the write lock up front, so a read-then-write transaction can't
    fail half-way with SQLITE_BUSY when another process wrote in between (busy_timeout covers
    waiting for the lock). Nested use becomes a savepoint of the outer transaction.
    """
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException as exc:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        if isinstance(exc, sqlite3.IntegrityError) and "FOREIGN KEY" in str(exc):
            raise StorageError(
                "a row refers to a member or crawl run that is not in the database "
                "(call upsert_members / start_run first)"
            ) from exc
        raise
    try:
        db.conn.execute("COMMIT")
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise


def utc_now() -> str:
    """The current time as stored: ISO 8601, UTC, seconds, ``Z`` (one format, so timestamps
    written by different modules compare as text)."""
    return now_iso()


def to_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def decode_json_columns(row: dict[str, Any], columns: tuple[str, ...]) -> dict[str, Any]:
    """Turn the JSON text columns of a fetched row back into Python values."""
    for column in columns:
        if isinstance(row.get(column), str):
            row[column] = json.loads(row[column])
    return row


def fetch_one(db: sqlite_utils.Database, sql: str, params: tuple | list = ()) -> dict | None:
    """The first row of a SELECT as a dict, or None."""
    cursor = db.conn.execute(sql, params)
    row = cursor.fetchone()
    if row is None:
        return None
    return dict(zip([d[0] for d in cursor.description], row, strict=True))
