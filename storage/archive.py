"""Writes of ``presswatch import``: historical releases from an archive, stored as history.

An imported release gets a ``releases`` row, a version 1 with ``source = 'import'`` (no raw
page, no run) and a ``new`` change with ``alert = 0`` and ``imported = 1``: it is recorded, and
never alerted. A URL already in the database is left untouched, so importing the same file
twice changes nothing. Batches are written with ``executemany`` in one transaction each; the
FTS index is filled once per batch (see ``_insert_batch``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple
from urllib.parse import urlsplit

from sqlite_utils import Database

from crawler.fingerprint import fingerprints_and_json
from crawler.items import Article
from storage.db import transaction
from storage.migrations import FTS_INSERT_TRIGGER
from storage.releases import find_originals

IMPORT_SOURCE = "import"
# The extractor that made an imported version: the archive's, not ours.
IMPORT_EXTRACTOR = "archive"
IMPORT_CACHE_KIB = 64 * 1024
IMPORT_FTS_HASHSIZE = 64 * 1024 * 1024
FTS_DEFAULT_HASHSIZE = 1024 * 1024


class ImportRow(NamedTuple):
    """One archive release as it is stored: plain values, computed in the parsing process and
    cheap to send to the writing one (a pickled Article costs the writer more to unpickle than
    its rows cost to insert)."""

    bioguide_id: str
    url: str  # canonical
    title: str
    published: str | None
    date_source: str | None
    body_text: str
    paragraphs_json: str
    word_count: int
    # When the archive collected it (stored timestamp form): the release's first_seen,
    # last_seen, last_checked and its change's detected_at, so the history keeps its dates
    # and the re-check schedule treats it like a release last fetched then.
    seen_at: str
    content_hash: str
    body_hash: str | None  # None for an empty body, as in crawls


def import_row(bioguide_id: str, article: Article, seen_at: str) -> ImportRow:
    """The row of an archive release; ``article.url`` canonical, its paragraphs single-spaced."""
    content, body, paragraphs_json = fingerprints_and_json(article)
    body_text, paragraphs = article.body_text, article.paragraphs
    # A single-spaced paragraph has one word more than spaces: Article.word_count, faster.
    word_count = body_text.count(" ") + len(paragraphs) if all(paragraphs) \
        else article.word_count
    return ImportRow(bioguide_id, article.url, article.title, article.published,
                     article.date_source, body_text, paragraphs_json, word_count, seen_at,
                     content, body if paragraphs else None)


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


def import_batch(db: Database, records: list[ImportRow]) -> ImportCounts:
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


def _insert_batch(db: Database, records: list[ImportRow], counts: ImportCounts) -> None:
    fresh = _new_records(db, records, counts)
    if not fresh:
        return
    (next_release,) = db.conn.execute("SELECT coalesce(max(id), 0) + 1 FROM releases")\
        .fetchone()
    (next_version,) = db.conn.execute(
        "SELECT coalesce(max(id), 0) + 1 FROM release_versions").fetchone()
    releases, versions, changes = [], [], []
    originals = find_originals(db, {(r.bioguide_id, r.body_hash) for r in fresh
                                    if r.body_hash})
    for offset, row in enumerate(fresh):
        release_id, version_id = next_release + offset, next_version + offset
        key = (row.bioguide_id, row.body_hash)
        duplicate_of = originals.get(key) if row.body_hash else None
        if row.body_hash and duplicate_of is None:  # later ones in the batch point here
            originals[key] = release_id
        releases.append((
            release_id, row.bioguide_id, row.url, row.title, row.published, row.date_source,
            row.body_text, row.word_count, row.seen_at, row.seen_at, row.seen_at, version_id,
            duplicate_of, row.body_hash, row.content_hash,
        ))
        versions.append((
            version_id, release_id, row.content_hash, row.title, row.published,
            row.date_source, row.body_text, row.paragraphs_json, row.word_count, row.seen_at,
            row.url,
        ))
        if duplicate_of is None:  # a second URL of the same text is not news, as in crawls
            changes.append((release_id, row.bioguide_id, row.seen_at, version_id,
                            " ".join(row.title.split())))
        else:
            counts.duplicates += 1
        counts.by_member[row.bioguide_id] = counts.by_member.get(row.bioguide_id, 0) + 1
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


def _new_records(db: Database, records: list[ImportRow], counts: ImportCounts
                 ) -> list[ImportRow]:
    """The records whose URL is not stored yet (the first of each URL within the batch)."""
    urls = [r.url for r in records]
    known: set[str] = set()
    for start in range(0, len(urls), 500):  # stay under SQLite's variable limit
        chunk = urls[start:start + 500]
        marks = ", ".join("?" * len(chunk))
        known.update(row[0] for row in db.conn.execute(
            f"SELECT url FROM releases WHERE url IN ({marks})", chunk))
    fresh = []
    for record in records:
        if record.url in known:
            counts.already_known += 1
            continue
        known.add(record.url)
        fresh.append(record)
    return fresh
