"""The schema, as named steps of sqlite-utils' ``Migrations`` (recorded in ``_sqlite_migrations``).

Rules: a step, once released, never changes; schema changes are new steps appended at the end.
Every step is idempotent on its own (``IF NOT EXISTS``), so a file whose bookkeeping table was
lost can still be brought up to date. docs/schema.md documents the result: keep them in step.

Enumerated values (statuses, ``listing_found_by``) are validated in Python rather than with CHECK
constraints, because SQLite can only change a CHECK by rebuilding the table.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

MIGRATIONS = Migrations("presswatch")


def _script(db: Database, sql: str) -> None:
    # Statement by statement: executescript() would COMMIT the migration's transaction.
    for statement in sql.split(";"):
        if statement.strip():
            db.conn.execute(statement)


@MIGRATIONS(name="0001_members")
def members(db: Database) -> None:
    _script(
        db,
        """
        CREATE TABLE IF NOT EXISTS members (
            bioguide_id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            chamber TEXT NOT NULL,
            state TEXT,
            district INTEGER,
            party TEXT,
            homepage TEXT,
            press_url TEXT,
            press_url_source TEXT,
            rss_url TEXT,
            template_hint TEXT,
            enabled INTEGER NOT NULL DEFAULT 1,
            listing_url TEXT,
            listing_found_by TEXT,
            family TEXT,
            last_success_at TEXT,
            last_failure_at TEXT,
            consecutive_failures INTEGER NOT NULL DEFAULT 0,
            updated_at TEXT
        )
        """,
    )


@MIGRATIONS(name="0002_crawl_runs")
def crawl_runs(db: Database) -> None:
    _script(
        db,
        """
        CREATE TABLE IF NOT EXISTS crawl_runs (
            id INTEGER PRIMARY KEY,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            status TEXT NOT NULL DEFAULT 'running',
            options TEXT NOT NULL DEFAULT '{}',
            members_total INTEGER NOT NULL DEFAULT 0,
            members_ok INTEGER NOT NULL DEFAULT 0,
            members_empty INTEGER NOT NULL DEFAULT 0,
            members_blocked INTEGER NOT NULL DEFAULT 0,
            members_error INTEGER NOT NULL DEFAULT 0,
            members_skipped INTEGER NOT NULL DEFAULT 0,
            releases_found INTEGER NOT NULL DEFAULT 0,
            releases_seen INTEGER NOT NULL DEFAULT 0,
            releases_new INTEGER NOT NULL DEFAULT 0,
            releases_edited INTEGER NOT NULL DEFAULT 0,
            versions_new INTEGER NOT NULL DEFAULT 0,
            pages_fetched INTEGER NOT NULL DEFAULT 0,
            error TEXT,
            host TEXT,
            pid INTEGER
        );
        CREATE INDEX IF NOT EXISTS crawl_runs_status ON crawl_runs (status)
        """,
    )


@MIGRATIONS(name="0003_raw_pages")
def raw_pages(db: Database) -> None:
    _script(
        db,
        """
        CREATE TABLE IF NOT EXISTS raw_pages (
            sha256 TEXT PRIMARY KEY,
            html_gz BLOB NOT NULL,
            size INTEGER NOT NULL,
            first_seen TEXT NOT NULL
        )
        """,
    )


@MIGRATIONS(name="0004_releases")
def releases(db: Database) -> None:
    _script(
        db,
        """
        CREATE TABLE IF NOT EXISTS releases (
            id INTEGER PRIMARY KEY,
            bioguide_id TEXT NOT NULL REFERENCES members (bioguide_id),
            url TEXT NOT NULL UNIQUE,
            title TEXT,
            published TEXT,
            date_source TEXT,
            dateline TEXT,
            body_text TEXT,
            word_count INTEGER,
            attachments TEXT NOT NULL DEFAULT '[]',
            first_seen TEXT NOT NULL,
            last_seen TEXT NOT NULL,
            last_checked TEXT,
            current_version_id INTEGER REFERENCES release_versions (id),
            status TEXT NOT NULL DEFAULT 'active',
            duplicate_of INTEGER REFERENCES releases (id),
            body_hash TEXT,
            content_hash TEXT,
            etag TEXT,
            last_modified TEXT,
            http_status INTEGER,
            listing_url TEXT,
            family TEXT,
            first_run_id INTEGER REFERENCES crawl_runs (id),
            last_run_id INTEGER REFERENCES crawl_runs (id),
            gone_since TEXT,
            gone_checks INTEGER NOT NULL DEFAULT 0,
            removed_at TEXT
        )
        """,
    )


@MIGRATIONS(name="0005_release_versions")
def release_versions(db: Database) -> None:
    _script(
        db,
        """
        CREATE TABLE IF NOT EXISTS release_versions (
            id INTEGER PRIMARY KEY,
            release_id INTEGER NOT NULL REFERENCES releases (id),
            version INTEGER NOT NULL,
            content_hash TEXT NOT NULL,
            title TEXT,
            published TEXT,
            date_source TEXT,
            dateline TEXT,
            body_text TEXT,
            paragraphs TEXT NOT NULL DEFAULT '[]',
            attachments TEXT NOT NULL DEFAULT '[]',
            word_count INTEGER,
            extractor_version TEXT,
            raw_sha256 TEXT REFERENCES raw_pages (sha256),
            fetched_at TEXT NOT NULL,
            run_id INTEGER REFERENCES crawl_runs (id),
            fetched_url TEXT,
            UNIQUE (release_id, version)
        )
        """,
    )


@MIGRATIONS(name="0006_member_runs")
def member_runs(db: Database) -> None:
    _script(
        db,
        """
        CREATE TABLE IF NOT EXISTS member_runs (
            id INTEGER PRIMARY KEY,
            run_id INTEGER NOT NULL REFERENCES crawl_runs (id),
            bioguide_id TEXT NOT NULL REFERENCES members (bioguide_id),
            status TEXT,
            listing_url TEXT,
            listing_found_by TEXT,
            template TEXT,
            releases_found INTEGER NOT NULL DEFAULT 0,
            releases_new INTEGER NOT NULL DEFAULT 0,
            pages_fetched INTEGER NOT NULL DEFAULT 0,
            articles_failed INTEGER NOT NULL DEFAULT 0,
            http_status INTEGER,
            error TEXT,
            started_at TEXT,
            finished_at TEXT,
            UNIQUE (run_id, bioguide_id)
        )
        """,
    )


@MIGRATIONS(name="0007_indexes")
def indexes(db: Database) -> None:
    # Each index serves a query that runs every crawl or that users run all the time; the
    # UNIQUE constraints above already index releases.url, member_runs(run_id, bioguide_id)
    # and release_versions(release_id, version).
    _script(
        db,
        """
        CREATE INDEX IF NOT EXISTS releases_member_published
            ON releases (bioguide_id, published);
        CREATE INDEX IF NOT EXISTS releases_published ON releases (published);
        CREATE INDEX IF NOT EXISTS releases_member_body_hash ON releases (bioguide_id, body_hash);
        CREATE INDEX IF NOT EXISTS releases_first_run ON releases (first_run_id);
        CREATE INDEX IF NOT EXISTS releases_last_run ON releases (last_run_id);
        CREATE INDEX IF NOT EXISTS releases_status ON releases (status);
        CREATE INDEX IF NOT EXISTS releases_duplicate_of ON releases (duplicate_of);
        CREATE INDEX IF NOT EXISTS release_versions_release_hash
            ON release_versions (release_id, content_hash);
        CREATE INDEX IF NOT EXISTS release_versions_run ON release_versions (run_id);
        CREATE INDEX IF NOT EXISTS release_versions_raw ON release_versions (raw_sha256);
        CREATE INDEX IF NOT EXISTS member_runs_member ON member_runs (bioguide_id, run_id)
        """,
    )


def _add_column(db: Database, table: str, column: str, declaration: str) -> None:
    # ALTER TABLE ADD COLUMN has no IF NOT EXISTS: check first, so a step stays idempotent.
    existing = {row[1] for row in db.conn.execute(f"PRAGMA table_info({table})")}
    if column not in existing:
        db.conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {declaration}")


@MIGRATIONS(name="0008_changes")
def changes(db: Database) -> None:
    # One row per change event (new / edited / removed / restored). bioguide_id repeats the
    # release's member so "this member's changes since X" needs no join.
    _script(
        db,
        """
        CREATE TABLE IF NOT EXISTS changes (
            id INTEGER PRIMARY KEY,
            release_id INTEGER NOT NULL REFERENCES releases (id),
            bioguide_id TEXT NOT NULL REFERENCES members (bioguide_id),
            kind TEXT NOT NULL,
            detected_at TEXT NOT NULL,
            run_id INTEGER REFERENCES crawl_runs (id),
            old_version_id INTEGER REFERENCES release_versions (id),
            new_version_id INTEGER REFERENCES release_versions (id),
            fields_changed TEXT NOT NULL DEFAULT '[]',
            summary TEXT NOT NULL DEFAULT '',
            severity TEXT,
            diff_text TEXT,
            diff_html TEXT,
            diff_unified TEXT,
            alert INTEGER NOT NULL DEFAULT 1,
            revert_of_version_id INTEGER REFERENCES release_versions (id),
            alerted_at TEXT
        );
        CREATE INDEX IF NOT EXISTS changes_detected_at ON changes (detected_at);
        CREATE INDEX IF NOT EXISTS changes_release ON changes (release_id);
        CREATE INDEX IF NOT EXISTS changes_member_detected_at ON changes (bioguide_id, detected_at);
        CREATE INDEX IF NOT EXISTS changes_kind ON changes (kind)
        """,
    )


@MIGRATIONS(name="0009_version_source")
def version_source(db: Database) -> None:
    # 'reprocess' marks versions made by re-extracting stored HTML with a newer extractor:
    # our parser changed, not the page, so they never count as edits.
    _add_column(db, "release_versions", "source", "TEXT NOT NULL DEFAULT 'crawl'")


@MIGRATIONS(name="0010_run_change_counts")
def run_change_counts(db: Database) -> None:
    # changes_detected_at stays NULL until change detection has run for the crawl, so a crash
    # between crawl and detection leaves the run visibly pending.
    _add_column(db, "crawl_runs", "changes_detected_at", "TEXT")
    for kind in ("new", "edited", "removed", "restored"):
        _add_column(db, "crawl_runs", f"changes_{kind}", "INTEGER NOT NULL DEFAULT 0")


@MIGRATIONS(name="0011_member_run_extraction")
def member_run_extraction(db: Database) -> None:
    # How each member's extraction went, so doubtful sites show instead of hiding in silence.
    _add_column(db, "member_runs", "parser", "TEXT")
    for column in ("rows_undated", "articles_short", "disagreements"):
        _add_column(db, "member_runs", column, "INTEGER NOT NULL DEFAULT 0")


@MIGRATIONS(name="0012_member_run_discovery_path")
def member_run_discovery_path(db: Database) -> None:
    # The candidates discovery tried and what each answered, so a member whose listing moved
    # can be debugged from the database.
    _add_column(db, "member_runs", "discovery_path", "TEXT")


@MIGRATIONS(name="0013_site_chrome")
def site_chrome(db: Database) -> None:
    # Paragraphs (digits masked, hashed) a site repeats on most of its release pages: chrome.
    # Kept across runs so a re-check that fetches one page extracts the same body as the crawl
    # that learned it (see docs/extraction.md).
    _script(
        db,
        """
        CREATE TABLE IF NOT EXISTS site_chrome (
            host TEXT NOT NULL,
            text_hash TEXT NOT NULL,
            pages INTEGER NOT NULL,
            share REAL NOT NULL,
            sample TEXT NOT NULL DEFAULT '',
            first_seen TEXT NOT NULL,
            last_seen TEXT NOT NULL,
            PRIMARY KEY (host, text_hash)
        )
        """,
    )
    # The chrome lines dropped from each version's page, for debugging (JSON array).
    _add_column(db, "release_versions", "stripped", "TEXT NOT NULL DEFAULT '[]'")
