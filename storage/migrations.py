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


@MIGRATIONS(name="0014_outbox")
def outbox(db: Database) -> None:
    # One row per (subscriber, change) to deliver: marked sent only once the SMTP server
    # accepted the message, so a crash or an outage never loses an alert nor sends it twice.
    _script(
        db,
        """
        CREATE TABLE IF NOT EXISTS outbox (
            id INTEGER PRIMARY KEY,
            subscriber TEXT NOT NULL,
            change_id INTEGER NOT NULL REFERENCES changes (id),
            mode TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'pending',
            queued_at TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            last_attempt_at TEXT,
            next_attempt_at TEXT,
            last_error TEXT,
            sent_at TEXT,
            message_id TEXT,
            UNIQUE (subscriber, change_id)
        );
        CREATE INDEX IF NOT EXISTS outbox_status ON outbox (status, subscriber)
        """,
    )
    # alerts_queued_at: the run's changes were matched against the subscribers. Runs detected
    # before this step count as queued, so upgrading does not email the whole history.
    _add_column(db, "crawl_runs", "alerts_queued_at", "TEXT")
    db.conn.execute(
        "UPDATE crawl_runs SET alerts_queued_at = changes_detected_at"
        " WHERE alerts_queued_at IS NULL AND changes_detected_at IS NOT NULL"
    )


@MIGRATIONS(name="0014_release_listed")
def release_listed(db: Database) -> None:
    # The last run whose listing pages showed the release, and on which page: a release that
    # drops off a page it was on (same page range, listing read fine) is re-checked at once.
    _add_column(db, "releases", "listed_run_id", "INTEGER REFERENCES crawl_runs (id)")
    _add_column(db, "releases", "listed_page", "INTEGER")


@MIGRATIONS(name="0015_crawl_ownership")
def crawl_ownership(db: Database) -> None:
    # heartbeat_at: the crawl process stamps its run every few seconds, so a run whose writer is
    # gone (on another machine, where the lock file can't tell) is seen as interrupted.
    # releases_not_saved: releases fetched but not committed (database locked, disk full).
    _add_column(db, "crawl_runs", "heartbeat_at", "TEXT")
    _add_column(db, "member_runs", "releases_not_saved", "INTEGER NOT NULL DEFAULT 0")


@MIGRATIONS(name="0016_member_run_bounds")
def member_run_bounds(db: Database) -> None:
    # Issue 8: requests the URL policy refused (off-site or internal redirects, bad schemes)
    # and release pages a cap or time budget left for a later run.
    _add_column(db, "member_runs", "urls_refused", "INTEGER NOT NULL DEFAULT 0")
    _add_column(db, "member_runs", "articles_deferred", "INTEGER NOT NULL DEFAULT 0")


@MIGRATIONS(name="0017_fts_releases")
def release_search(db: Database) -> None:
    # FTS5 over the current title and body, laid out as sqlite-utils' enable_fts() does
    # (external content table releases_fts, content=releases), so `sqlite-utils search` and
    # Datasette's ?_search= find it. Written here rather than by enable_fts() because that
    # runs executescript() (which would COMMIT this migration half-way) and its update
    # trigger fires on every bookkeeping UPDATE (last_seen on each crawl), re-indexing bodies
    # that did not change; ours fires only when title or body_text change.
    exists = db.conn.execute(
        "SELECT 1 FROM sqlite_master WHERE name = 'releases_fts'"
    ).fetchone()
    # Statement by statement (trigger bodies contain ';', which _script splits on).
    for statement in FTS_STATEMENTS:
        db.conn.execute(statement)
    if not exists:  # index the releases stored before this step
        db.conn.execute("INSERT INTO releases_fts (releases_fts) VALUES ('rebuild')")


FTS_INSERT_TRIGGER = """
    CREATE TRIGGER IF NOT EXISTS releases_ai AFTER INSERT ON releases BEGIN
        INSERT INTO releases_fts (rowid, title, body_text)
        VALUES (new.id, new.title, new.body_text);
    END
"""
FTS_STATEMENTS = (
    """
    CREATE VIRTUAL TABLE IF NOT EXISTS releases_fts USING FTS5 (
        title, body_text,
        tokenize='porter unicode61 remove_diacritics 2',
        content=[releases]
    )
    """,
    FTS_INSERT_TRIGGER,
    """
    CREATE TRIGGER IF NOT EXISTS releases_ad AFTER DELETE ON releases BEGIN
        INSERT INTO releases_fts (releases_fts, rowid, title, body_text)
        VALUES ('delete', old.id, old.title, old.body_text);
    END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS releases_au AFTER UPDATE OF title, body_text ON releases
    BEGIN
        INSERT INTO releases_fts (releases_fts, rowid, title, body_text)
        VALUES ('delete', old.id, old.title, old.body_text);
        INSERT INTO releases_fts (rowid, title, body_text)
        VALUES (new.id, new.title, new.body_text);
    END
    """,
)


@MIGRATIONS(name="0017_imported_changes")
def imported_changes(db: Database) -> None:
    # Releases loaded by `presswatch import` from an archive: their `new` change is history,
    # recorded with alert = 0 and imported = 1 so it is never mailed.
    _add_column(db, "changes", "imported", "INTEGER NOT NULL DEFAULT 0")


@MIGRATIONS(name="0017_views")
def views(db: Database) -> None:
    # Views make the file readable cold (docs/schema.md, "Views"). DROP + CREATE so a later
    # step can redefine one by dropping it again; the columns are a public interface.
    for name, sql in VIEWS.items():
        db.conn.execute(f"DROP VIEW IF EXISTS {name}")
        db.conn.execute(f"CREATE VIEW {name} AS {sql}")


VIEWS: dict[str, str] = {
    "releases_with_members": """
        SELECT r.id, r.published, r.bioguide_id, m.name AS member_name, m.party, m.state,
               m.chamber, m.district, r.title, r.url, r.status, r.word_count, r.dateline,
               r.duplicate_of, r.first_seen, r.last_checked, r.removed_at,
               r.current_version_id, r.body_text
        FROM releases r LEFT JOIN members m ON m.bioguide_id = r.bioguide_id
    """,
    "change_log": """
        SELECT c.id, c.detected_at, c.kind, c.severity, c.summary, c.alert, c.imported,
               c.release_id, r.title, r.url, r.published, r.status AS release_status,
               c.bioguide_id, m.name AS member_name, m.party, m.state, m.chamber,
               c.fields_changed, c.old_version_id, c.new_version_id, c.run_id
        FROM changes c
        JOIN releases r ON r.id = c.release_id
        LEFT JOIN members m ON m.bioguide_id = c.bioguide_id
    """,
    "recent_changes": """
        SELECT * FROM change_log
        WHERE detected_at >= strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-30 days')
    """,
    "member_health": """
        SELECT m.bioguide_id, m.name, m.party, m.state, m.chamber, m.enabled,
               m.listing_url, m.listing_found_by, m.family, m.last_success_at,
               m.last_failure_at, m.consecutive_failures,
               CASE WHEN NOT m.enabled THEN 'disabled'
                    WHEN m.last_success_at IS NULL AND m.last_failure_at IS NULL
                         THEN 'never crawled'
                    WHEN m.consecutive_failures = 0 THEN 'ok'
                    WHEN m.consecutive_failures < 3 THEN 'failing'
                    ELSE 'broken' END AS health,
               lr.status AS last_run_status, lr.error AS last_run_error,
               lr.http_status AS last_run_http_status,
               (SELECT count(*) FROM releases r WHERE r.bioguide_id = m.bioguide_id)
                   AS releases,
               (SELECT max(published) FROM releases r WHERE r.bioguide_id = m.bioguide_id)
                   AS last_published
        FROM members m
        LEFT JOIN member_runs lr ON lr.id = (
            SELECT max(id) FROM member_runs x WHERE x.bioguide_id = m.bioguide_id)
    """,
}
