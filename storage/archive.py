"""Writes of ``presswatch import``: historical releases from an archive, stored as history.

An imported release gets a ``releases`` row, a version 1 with ``source = 'import'`` (no raw
page, no run) and a ``new`` change with ``alert = 0`` and ``imported = 1``: it is recorded, and
never alerted. A URL already in the database is left untouched, so importing the same file
twice changes nothing. Batches are written with ``executemany`` in one transaction each; the
FTS index is filled once per batch (see ``_insert_batch``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit

from sqlite_utils import Database

from crawler.fingerprint import fingerprints
from crawler.items import Article
from storage.db import to_json, transaction
from storage.migrations import FTS_INSERT_TRIGGER
from storage.releases import find_original

IMPORT_SOURCE = "import"
# The extractor that made an imported version: the archive's, not ours.
IMPORT_EXTRACTOR = "archive"
IMPORT_CACHE_KIB = 64 * 1024
IMPORT_FTS_HASHSIZE = 64 * 1024 * 1024
FTS_DEFAULT_HASHSIZE = 1024 * 1024


@dataclass(frozen=True)
class ImportRecord:
    """One archive release, checked and canonicalized by the caller."""

    bioguide_id: str
    article: Article  # url canonical, paragraphs split
    # When the archive collected it (stored timestamp form): the release's first_seen,
    # last_seen, last_checked and its change's detected_at, so the history keeps its dates
    # and the re-check schedule treats it like a release last fetched then.
    seen_at: str
    # Filled by prepared() (in the parsing process, so the writing one only writes).
    content_hash: str | None = None
    body_hash: str | None = None  # None for an empty body, as in crawls
    paragraphs_json: str | None = None
    body_text: str = ""
    word_count: int = 0


def prepared(record: ImportRecord) -> ImportRecord:
    """The record with its fingerprints, body and paragraphs' JSON computed."""
    content, body = fingerprints(record.article)
    return replace(record, content_hash=content,
                   body_hash=body if record.article.paragraphs else None,
                   paragraphs_json=to_json(record.article.paragraphs),
                   body_text=record.article.body_text, word_count=record.article.word_count)


@dataclass
class ImportCounts:
    imported: int = 0
    already_known: int = 0  # URL already in the database (earlier import or a crawl)
    duplicates: int = 0  # same text as an earlier release of the member, under another URL
    by_member: dict[str, int] = field(default_factory=dict)


_INSERT_RELEASE = """
INSERT INTO releases (
    id, bioguide_id, url, title, published, date_source, dateline, body_text, word_count,
    attachments, first_seen, last_seen, last_checked, current_version_id, status, duplicate_of,
    body_hash, content_hash
) VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?, '[]', ?, ?, ?, ?, 'active', ?, ?, ?)
"""
_INSERT_VERSION = f"""
INSERT INTO release_versions (
    id, release_id, version, content_hash, title, published, date_source, dateline, body_text,
    paragraphs, attachments, word_count, extractor_version, raw_sha256, fetched_at, run_id,
    fetched_url, source
) VALUES (?, ?, 1, ?, ?, ?, ?, NULL, ?, ?, '[]', ?, '{IMPORT_EXTRACTOR}', NULL, ?, NULL, ?,
          '{IMPORT_SOURCE}')
"""
_INSERT_CHANGE = """
INSERT INTO changes (
    release_id, bioguide_id, kind, detected_at, run_id, old_version_id, new_version_id,
    fields_changed, summary, alert, imported
) VALUES (?, ?, 'new', ?, NULL, NULL, ?, '[]', ?, 0, 1)
"""


def known_members(db: Database) -> set[str]:
    return {row[0] for row in db.conn.execute("SELECT bioguide_id FROM members")}


def member_hosts(db: Database) -> dict[str, str]:
    """Website host → bioguide id, for hosts that belong to exactly one member."""
    owners: dict[str, set[str]] = {}
    for bioguide_id, homepage in db.conn.execute("SELECT bioguide_id, homepage FROM members"):
        host = (urlsplit(homepage or "").hostname or "").removeprefix("www.")
        if host:
            owners.setdefault(host, set()).add(bioguide_id)
    return {host: ids.pop() for host, ids in owners.items() if len(ids) == 1}


def import_batch(db: Database, records: list[ImportRecord]) -> ImportCounts:
    """Store one batch of archive releases in one transaction; see the module docstring."""
    counts = ImportCounts()
    # A release and its version point at each other (current_version_id, release_id), so one
    # of the two rows always comes first. Foreign keys are off for the batch (the pragma only
    # takes effect outside a transaction): the ids are assigned here under the write lock and
    # members were checked by the caller. Alternatives cost more: an UPDATE afterwards
    # rewrites each release row with its body; deferred keys make SQLite scan releases for
    # every version inserted (no index on current_version_id).
    db.conn.execute("PRAGMA foreign_keys = OFF")
    # The url and body_hash indexes are updated at random places: a 64 MB page cache (default
    # 2 MB) keeps their pages in memory across batches of an archive of 700,000 releases.
    db.conn.execute(f"PRAGMA cache_size = {-IMPORT_CACHE_KIB}")
    try:
        with transaction(db):
            _insert_batch(db, records, counts)
    finally:
        db.conn.execute("PRAGMA foreign_keys = ON")
    return counts


def _insert_batch(db: Database, records: list[ImportRecord], counts: ImportCounts) -> None:
    fresh = _new_records(db, records, counts)
    if not fresh:
        return
    (next_release,) = db.conn.execute("SELECT coalesce(max(id), 0) + 1 FROM releases")\
        .fetchone()
    (next_version,) = db.conn.execute(
        "SELECT coalesce(max(id), 0) + 1 FROM release_versions").fetchone()
    releases, versions, changes = [], [], []
    originals: dict[tuple[str, str], int] = {}
    for offset, record in enumerate(fresh):
        release_id, version_id = next_release + offset, next_version + offset
        if record.content_hash is None:
            record = prepared(record)
        article, content, body_hash = record.article, record.content_hash, record.body_hash
        duplicate_of = _original(db, originals, record.bioguide_id, body_hash)
        if body_hash and duplicate_of is None:
            originals[(record.bioguide_id, body_hash)] = release_id
        body_text, word_count = record.body_text, record.word_count
        releases.append((
            release_id, record.bioguide_id, article.url, article.title, article.published,
            article.date_source, body_text, word_count, record.seen_at, record.seen_at,
            record.seen_at, version_id, duplicate_of, body_hash, content,
        ))
        versions.append((
            version_id, release_id, content, article.title, article.published,
            article.date_source, body_text, record.paragraphs_json, word_count,
            record.seen_at, article.url,
        ))
        if duplicate_of is None:  # a second URL of the same text is not news, as in crawls
            changes.append((release_id, record.bioguide_id, record.seen_at, version_id,
                            " ".join(article.title.split())))
        else:
            counts.duplicates += 1
        counts.by_member[record.bioguide_id] = counts.by_member.get(record.bioguide_id, 0) + 1
    # The FTS insert trigger indexes one row at a time between the inserts of big rows; one
    # INSERT … SELECT of the whole batch does the same indexing in 40 % less time. The trigger
    # is dropped and re-created inside this transaction, so no other writer (a crawl) ever
    # inserts while it is missing, and readers never see it gone.
    db.conn.execute("DROP TRIGGER IF EXISTS releases_ai")
    db.conn.executemany(_INSERT_RELEASE, releases)
    # FTS5 writes its pending terms out as a new segment (later merged) every `hashsize`
    # bytes, 1 MB by default: a batch's 15 MB of text in 64 MB steps cuts that work by 13 %.
    # The setting is stored in the index, so the default is put back for other writers.
    _fts_hashsize(db, IMPORT_FTS_HASHSIZE)
    db.conn.execute("INSERT INTO releases_fts (rowid, title, body_text) "
                    "SELECT id, title, body_text FROM releases WHERE id >= ?", (next_release,))
    _fts_hashsize(db, FTS_DEFAULT_HASHSIZE)
    db.conn.execute(FTS_INSERT_TRIGGER)
    db.conn.executemany(_INSERT_VERSION, versions)
    db.conn.executemany(_INSERT_CHANGE, changes)
    counts.imported = len(fresh)


def _fts_hashsize(db: Database, size: int) -> None:
    db.conn.execute("INSERT INTO releases_fts (releases_fts, rank) VALUES ('hashsize', ?)",
                    (size,))


def _new_records(db: Database, records: list[ImportRecord], counts: ImportCounts
                 ) -> list[ImportRecord]:
    """The records whose URL is not stored yet (the first of each URL within the batch)."""
    urls = [r.article.url for r in records]
    known: set[str] = set()
    for start in range(0, len(urls), 500):  # stay under SQLite's variable limit
        chunk = urls[start:start + 500]
        marks = ", ".join("?" * len(chunk))
        known.update(row[0] for row in db.conn.execute(
            f"SELECT url FROM releases WHERE url IN ({marks})", chunk))
    fresh = []
    for record in records:
        if record.article.url in known:
            counts.already_known += 1
            continue
        known.add(record.article.url)
        fresh.append(record)
    return fresh


def _original(db: Database, originals: dict[tuple[str, str], int], bioguide_id: str,
              body_hash: str | None) -> int | None:
    """The member's earlier release with this body (stored, or earlier in this batch)."""
    if body_hash is not None and (bioguide_id, body_hash) in originals:
        return originals[(bioguide_id, body_hash)]
    return find_original(db, bioguide_id, body_hash)
