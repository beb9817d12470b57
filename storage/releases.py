"""Releases, their versions and the raw pages behind them.

``releases`` holds one row per canonical URL with its *current* content; ``release_versions``
holds every distinct content (by ``content_hash``) the URL has had. A re-fetch whose normalized
content is unchanged only updates bookkeeping columns; it never adds a version.
"""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from sqlite_utils import Database

from crawler.fingerprint import fingerprints_and_json
from crawler.items import Article, ReleaseItem
from storage.db import (
    RAW_SCHEMA,
    StorageError,
    decode_json_columns,
    fetch_one,
    has_raw_file,
    to_json,
    transaction,
)

RELEASE_STATUSES = ("active", "removed")
_EMPTY_BODY_HASH = hashlib.sha256(b"").hexdigest()


@dataclass(frozen=True)
class SaveResult:
    release_id: int
    version_id: int  # the release's current version after this save
    is_new_release: bool
    is_new_version: bool
    duplicate_of: int | None  # the earlier release with the same body (same member), if any
    previous_version_id: int | None  # the version this save superseded (new versions only)
    version: int = 1  # the current version's number
    reverts_version_id: int | None = None  # an earlier version with this very content (a flip)
    extractor_changed: bool = False  # the superseded version came from another extractor
    reactivated: bool = False  # the release was marked removed and answered again


@dataclass(frozen=True)
class _Record:
    """Everything save_release writes, computed once before the transaction starts."""

    item: ReleaseItem
    content_hash: str
    body_hash: str | None  # None for an empty body: empty bodies are not duplicates
    body_text: str
    word_count: int
    paragraphs_json: str
    attachments_json: str
    raw_sha256: str | None

    @classmethod
    def of(cls, item: ReleaseItem) -> _Record:
        article = item.article
        content, body, paragraphs_json = fingerprints_and_json(article)
        return cls(
            item=item,
            content_hash=content,
            body_hash=None if body == _EMPTY_BODY_HASH else body,
            body_text=article.body_text,
            word_count=article.word_count,
            paragraphs_json=paragraphs_json,
            attachments_json=to_json(article.attachments),
            raw_sha256=hashlib.sha256(item.raw_html).hexdigest() if item.raw_html else None,
        )


_CURRENT = """
SELECT r.id, r.content_hash, r.status, r.duplicate_of, r.current_version_id,
       v.version, v.extractor_version
FROM releases r LEFT JOIN release_versions v ON v.id = r.current_version_id
WHERE r.url = ?
"""
_INSERT_RELEASE = """
INSERT INTO releases (bioguide_id, url, first_seen, last_seen, status, duplicate_of, first_run_id)
VALUES (?, ?, ?, ?, 'active', ?, ?)
"""
_INSERT_VERSION = """
INSERT INTO release_versions (
    release_id, version, content_hash, title, published, date_source, dateline, body_text,
    paragraphs, attachments, word_count, extractor_version, raw_sha256, fetched_at, run_id,
    fetched_url, source, stripped
) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""
_SET_CONTENT = """
UPDATE releases SET current_version_id = ?, content_hash = ?, body_hash = ?, title = ?,
    published = ?, date_source = ?, dateline = ?, body_text = ?, word_count = ?, attachments = ?
WHERE id = ?
"""
# A successful fetch also ends any "gone" streak: the page answers again. removed_at stays set
# on a removed release that answers again, so change detection can report it as restored.
_TOUCH = """
UPDATE releases SET last_seen = ?, last_checked = ?, last_run_id = ?, etag = ?,
    last_modified = ?, http_status = ?, listing_url = coalesce(?, listing_url),
    family = coalesce(?, family), status = 'active', gone_since = NULL, gone_checks = 0
WHERE id = ?
"""


def save_release(
    db: Database, item: ReleaseItem, run_id: int, now: str, extractor_version: str
) -> SaveResult:
    """Store one fetched release in one transaction; see the module docstring for the rules."""
    _validate(item)
    record = _Record.of(item)
    with transaction(db):
        current = fetch_one(db, _CURRENT, (item.article.url,))
        if current is None:
            return _insert_release(db, record, run_id, now, extractor_version)
        _touch(db, current["id"], record, run_id, now)
        if current["content_hash"] == record.content_hash:
            return SaveResult(
                release_id=current["id"],
                version_id=current["current_version_id"],
                is_new_release=False,
                is_new_version=False,
                duplicate_of=current["duplicate_of"],
                previous_version_id=None,
                version=current["version"],
                reactivated=current["status"] == "removed",
            )
        return _add_version(db, current, record, run_id, now, extractor_version)


def _validate(item: ReleaseItem) -> None:
    if not item.article.url:
        raise ValueError("a release needs a canonical URL (item.article.url is empty)")
    if not item.bioguide_id:
        raise ValueError(f"release {item.article.url} has no bioguide_id")
    if item.http_status >= 400:  # an error page is a health event, never content
        raise ValueError(f"release {item.article.url} answered HTTP {item.http_status}: not saved")


def _insert_release(
    db: Database, record: _Record, run_id: int, now: str, extractor_version: str
) -> SaveResult:
    item = record.item
    duplicate_of = find_original(db, item.bioguide_id, record.body_hash)
    cursor = db.conn.execute(
        _INSERT_RELEASE, (item.bioguide_id, item.article.url, now, now, duplicate_of, run_id)
    )
    release_id = int(cursor.lastrowid)
    _touch(db, release_id, record, run_id, now)
    version_id = _insert_version(db, release_id, 1, record, run_id, now, extractor_version)
    return SaveResult(
        release_id=release_id,
        version_id=version_id,
        is_new_release=True,
        is_new_version=True,
        duplicate_of=duplicate_of,
        previous_version_id=None,
    )


def find_original(db: Database, bioguide_id: str, body: str | None) -> int | None:
    """The member's original release with this body; duplicates point at it, not at each other.

    Matching a duplicate (the original may have been edited since) leads to its original too.
    """
    if body is None:
        return None
    return find_originals(db, [(bioguide_id, body)]).get((bioguide_id, body))


# The stored original for each wanted (member, body hash), one query for all of them.
_ORIGINALS = """
WITH wanted (bioguide_id, body_hash) AS (VALUES {marks})
SELECT w.bioguide_id, w.body_hash, (
    SELECT coalesce(r.duplicate_of, r.id) FROM releases r
    WHERE r.bioguide_id = w.bioguide_id AND r.body_hash = w.body_hash ORDER BY r.id LIMIT 1)
FROM wanted w
"""


def find_originals(db: Database, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """``find_original`` of many (member, body hash) pairs: those with a stored original, each
    mapped to it (an archive import looks up a batch of 5,000 at once)."""
    keys = sorted(set(keys))
    found: dict[tuple[str, str], int] = {}
    for start in range(0, len(keys), 400):  # two variables each: under SQLite's limit
        chunk = keys[start:start + 400]
        sql = _ORIGINALS.format(marks=", ".join(["(?, ?)"] * len(chunk)))
        params = [value for key in chunk for value in key]
        found.update(((member, body), original) for member, body, original
                     in db.conn.execute(sql, params) if original is not None)
    return found


def _add_version(
    db: Database,
    current: dict[str, Any],
    record: _Record,
    run_id: int,
    now: str,
    extractor_version: str,
) -> SaveResult:
    release_id = current["id"]
    earlier = db.conn.execute(
        "SELECT id FROM release_versions WHERE release_id = ? AND content_hash = ?"
        " ORDER BY version DESC LIMIT 1",
        (release_id, record.content_hash),
    ).fetchone()
    (last,) = db.conn.execute(
        "SELECT coalesce(max(version), 0) FROM release_versions WHERE release_id = ?",
        (release_id,),
    ).fetchone()
    version_id = _insert_version(db, release_id, last + 1, record, run_id, now, extractor_version)
    return SaveResult(
        release_id=release_id,
        version_id=version_id,
        is_new_release=False,
        is_new_version=True,
        duplicate_of=current["duplicate_of"],
        previous_version_id=current["current_version_id"],
        version=last + 1,
        reverts_version_id=earlier[0] if earlier else None,
        extractor_changed=current["extractor_version"] != extractor_version,
        reactivated=current["status"] == "removed",
    )


def _insert_version(
    db: Database,
    release_id: int,
    version: int,
    record: _Record,
    run_id: int | None,
    fetched_at: str,
    extractor_version: str,
    source: str = "crawl",
) -> int:
    """Add a version and make it the release's current content."""
    item, article = record.item, record.item.article
    if item.raw_html:
        _store_raw(db, item.raw_html, record.raw_sha256, fetched_at)
    cursor = db.conn.execute(
        _INSERT_VERSION,
        (
            release_id, version, record.content_hash, article.title, article.published,
            article.date_source, article.dateline, record.body_text, record.paragraphs_json,
            record.attachments_json, record.word_count, extractor_version, record.raw_sha256,
            fetched_at, run_id, item.fetched_url, source, to_json(article.stripped),
        ),
    )
    version_id = int(cursor.lastrowid)
    db.conn.execute(
        _SET_CONTENT,
        (
            version_id, record.content_hash, record.body_hash, article.title, article.published,
            article.date_source, article.dateline, record.body_text, record.word_count,
            record.attachments_json, release_id,
        ),
    )
    return version_id


def add_reprocessed_version(
    db: Database, current: dict[str, Any], article: Article, extractor_version: str
) -> int | None:
    """Store a re-extraction of the current version's page as the release's new current
    version (``source = 'reprocess'``, no run, the page's own fetched_at and raw bytes).

    ``current`` is a row of ``storage.reprocess.iter_current_versions``. When the release got
    another version in the meantime (a crawl running alongside), nothing is written and None
    is returned: the crawl's newer content wins over a re-extraction of older bytes.
    """
    item = ReleaseItem(bioguide_id=current["bioguide_id"], article=article,
                       fetched_url=current["fetched_url"], listing_url=None,
                       family=current["family"])
    record = replace(_Record.of(item), raw_sha256=current["raw_sha256"])
    with transaction(db):
        (now_current,) = db.conn.execute(
            "SELECT current_version_id FROM releases WHERE id = ?", (current["release_id"],)
        ).fetchone()
        if now_current != current["current_version_id"]:
            return None
        (last,) = db.conn.execute(
            "SELECT max(version) FROM release_versions WHERE release_id = ?",
            (current["release_id"],),
        ).fetchone()
        return _insert_version(db, current["release_id"], last + 1, record, None,
                               current["fetched_at"], extractor_version, source="reprocess")


def _touch(db: Database, release_id: int, record: _Record, run_id: int, now: str) -> None:
    item = record.item
    db.conn.execute(
        _TOUCH,
        (
            now, now, run_id, item.etag, item.last_modified, item.http_status, item.listing_url,
            item.family, release_id,
        ),
    )


def _store_raw(db: Database, raw: bytes, sha256: str | None, now: str) -> None:
    """Content-addressed: identical bytes are stored (and compressed) once.

    Only pages that produced a stored version are kept, so re-checks of unchanged releases
    don't grow the file with pages that differ only in tokens or ads. With a raw HTML file
    (config ``raw_database``) the bytes go there and the main file keeps the row with an empty
    ``html_gz`` (a gzip stream is never empty, so the two cannot be confused).
    """
    if sha256 is None:
        return
    exists = db.conn.execute("SELECT 1 FROM raw_pages WHERE sha256 = ?", (sha256,)).fetchone()
    if exists:
        return
    compressed = gzip.compress(raw, compresslevel=6, mtime=0)
    if has_raw_file(db):
        db.conn.execute(
            f"INSERT OR IGNORE INTO {RAW_SCHEMA}.raw_pages (sha256, html_gz, size, first_seen)"
            " VALUES (?, ?, ?, ?)",
            (sha256, compressed, len(raw), now),
        )
        compressed = b""
    db.conn.execute(
        "INSERT OR IGNORE INTO main.raw_pages (sha256, html_gz, size, first_seen)"
        " VALUES (?, ?, ?, ?)",
        (sha256, compressed, len(raw), now),
    )


def mark_release_checked(
    db: Database,
    url: str,
    now: str,
    run_id: int,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    http_status: int = 304,
) -> int | None:
    """A conditional re-check answered 'not modified': bookkeeping only. Returns the id."""
    with transaction(db):
        row = db.conn.execute("SELECT id FROM releases WHERE url = ?", (url,)).fetchone()
        if row is None:
            return None
        db.conn.execute(
            "UPDATE releases SET last_seen = ?, last_checked = ?, last_run_id = ?,"
            " etag = coalesce(?, etag), last_modified = coalesce(?, last_modified),"
            " http_status = ?, status = 'active', gone_since = NULL, gone_checks = 0"
            " WHERE id = ?",
            (now, now, run_id, etag, last_modified, http_status, row[0]),
        )
    return int(row[0])


def mark_releases_seen(db: Database, urls: list[str], now: str, run_id: int) -> int:
    """Known releases a listing showed again (not fetched): update last_seen. Returns the count."""
    with transaction(db):
        cursor = db.conn.executemany(
            "UPDATE releases SET last_seen = ?, last_run_id = ? WHERE url = ?",
            [(now, run_id, url) for url in urls],
        )
    return cursor.rowcount


def mark_releases_listed(db: Database, bioguide_id: str, pages: dict[str, int],
                         run_id: int) -> int:
    """The member's listing pages showed these release URLs (url → page number) in this run."""
    with transaction(db):
        cursor = db.conn.executemany(
            "UPDATE releases SET listed_run_id = ?, listed_page = ?"
            " WHERE url = ? AND bioguide_id = ?",
            [(run_id, page, url, bioguide_id) for url, page in pages.items()],
        )
    return cursor.rowcount


def record_release_gone(
    db: Database, release_id: int, now: str, run_id: int, http_status: int | None
) -> dict[str, Any]:
    """One check found the article gone (404/410/redirect away). Does *not* mark it removed.

    Returns ``{"gone_since", "gone_checks"}`` so the caller can apply its confirmation rule
    and then call :func:`mark_release_removed`.
    """
    with transaction(db):
        db.conn.execute(
            "UPDATE releases SET gone_since = coalesce(gone_since, ?),"
            " gone_checks = gone_checks + 1, last_checked = ?, last_run_id = ?, http_status = ?"
            " WHERE id = ?",
            (now, now, run_id, http_status, release_id),
        )
        row = fetch_one(
            db, "SELECT gone_since, gone_checks FROM releases WHERE id = ?", (release_id,)
        )
    if row is None:
        raise LookupError(f"no release {release_id}")
    return row


def mark_release_removed(db: Database, release_id: int, now: str) -> None:
    """The removal is confirmed: status 'removed' (a later successful fetch reactivates it)."""
    with transaction(db):
        db.conn.execute(
            "UPDATE releases SET status = 'removed', removed_at = coalesce(removed_at, ?)"
            " WHERE id = ?",
            (now, release_id),
        )


def get_release(db: Database, id_or_url: int | str) -> dict[str, Any] | None:
    """A ``releases`` row by id or canonical URL, ``attachments`` decoded; None if unknown."""
    column = "id" if isinstance(id_or_url, int) else "url"
    row = fetch_one(db, f"SELECT * FROM releases WHERE {column} = ?", (id_or_url,))
    return decode_json_columns(row, ("attachments",)) if row else None


def list_versions(db: Database, release_id: int) -> list[dict[str, Any]]:
    """Every version of a release, oldest first, ``paragraphs`` / ``attachments`` decoded."""
    cursor = db.conn.execute(
        "SELECT * FROM release_versions WHERE release_id = ? ORDER BY version", (release_id,)
    )
    names = [d[0] for d in cursor.description]
    return [
        decode_json_columns(dict(zip(names, row, strict=True)), ("paragraphs", "attachments"))
        for row in cursor
    ]


def get_raw_html(db: Database, sha256: str) -> bytes | None:
    """The raw bytes of a stored page (for re-extraction), or None.

    Works with either layout, and with a mix of both (a file that got ``raw_database`` later):
    a page whose main row has an empty ``html_gz`` is read from the raw HTML file, which must
    then be configured.
    """
    row = db.conn.execute(
        "SELECT html_gz FROM main.raw_pages WHERE sha256 = ?", (sha256,)).fetchone()
    if row is None:
        return None
    if row[0]:
        return gzip.decompress(row[0])
    if not has_raw_file(db):
        raise StorageError(f"the raw HTML of page {sha256[:12]} is kept in a separate raw "
                           "database file: set config key raw_database to that file")
    found = db.conn.execute(
        f"SELECT html_gz FROM {RAW_SCHEMA}.raw_pages WHERE sha256 = ?", (sha256,)).fetchone()
    if found is None:
        raise StorageError(f"the raw HTML of page {sha256[:12]} is missing from the raw "
                           "database file (is raw_database the file it was written to?)")
    return gzip.decompress(found[0])


def mark_release_restored(db: Database, release_id: int) -> None:
    """A removed release answered again and its ``restored`` event is recorded."""
    with transaction(db):
        db.conn.execute("UPDATE releases SET removed_at = NULL WHERE id = ?", (release_id,))


_KNOWN = """
SELECT id, bioguide_id, url, etag, last_modified, word_count, status, gone_since,
       last_checked, published, date_source, listed_run_id, listed_page,
       coalesce(min(published, substr(first_seen, 1, 10)), first_seen) AS born,
       (SELECT json_group_array(DISTINCT fetched_url) FROM release_versions v
        WHERE v.release_id = releases.id AND fetched_url IS NOT NULL) AS fetched_urls
FROM releases
WHERE bioguide_id IN (SELECT value FROM json_each(?))
"""


def known_releases(db: Database, bioguide_ids: list[str]) -> list[dict[str, Any]]:
    """What the crawler needs to know of the releases it has seen: ids, validators for
    conditional requests, the dates that decide whether a re-check is due, and the URLs the
    release was fetched from (a listing may link ``?ID=<GUID>`` to a page whose canonical URL
    is another)."""
    return [decode_json_columns(dict(row), ("fetched_urls",))
            for row in db.query(_KNOWN, [to_json(bioguide_ids)])]


def new_releases_in_run(db: Database, run_id: int) -> list[dict[str, Any]]:
    """Releases first seen in this run that are not a second URL of an earlier release."""
    sql = ("SELECT id, bioguide_id, url, title, current_version_id FROM releases"
           " WHERE first_run_id = ? AND duplicate_of IS NULL ORDER BY id")
    return [dict(row) for row in db.query(sql, [run_id])]


def versions_added_in_run(db: Database, run_id: int) -> list[dict[str, Any]]:
    """Versions a crawl (not a reprocess) added to releases that had one before."""
    sql = ("SELECT v.*, r.url FROM release_versions v JOIN releases r ON r.id = v.release_id"
           " WHERE v.run_id = ? AND v.version > 1 AND v.source = 'crawl' ORDER BY v.id")
    return [decode_json_columns(dict(row), ("paragraphs", "attachments"))
            for row in db.query(sql, [run_id])]


def releases_gone_twice(db: Database) -> list[dict[str, Any]]:
    """Active releases found gone on at least two checks: candidates for a removal."""
    sql = ("SELECT id, url, title, gone_since, last_checked, current_version_id FROM releases"
           " WHERE status = 'active' AND gone_checks >= 2")
    return [dict(row) for row in db.query(sql)]


def releases_back_after_removal(db: Database) -> list[dict[str, Any]]:
    """Removed releases that answered again and are not yet reported as restored."""
    sql = ("SELECT id, url, title, current_version_id FROM releases"
           " WHERE status = 'active' AND removed_at IS NOT NULL")
    return [dict(row) for row in db.query(sql)]
