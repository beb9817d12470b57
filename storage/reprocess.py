"""Writes of ``presswatch reprocess``: a re-extracted version of a stored page.

A reprocessed version is our parser's change, not the office's: it gets ``source =
'reprocess'``, no run, no ``changes`` row, and keeps the page's original ``fetched_at`` and
``raw_sha256`` (the bytes are the same ones the crawl fetched).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

from sqlite_utils import Database

from crawler.fingerprint import body_hash, content_hash
from crawler.items import Article
from storage.db import fetch_one, to_json, transaction

_EMPTY_BODY_HASH = hashlib.sha256(b"").hexdigest()

# The release's current version, with what re-extraction needs to rebuild the crawl's context.
_CURRENT = """
SELECT r.id AS release_id, r.bioguide_id, r.url, r.family, r.current_version_id,
       v.version, v.content_hash, v.extractor_version, v.raw_sha256, v.title, v.published,
       v.date_source, v.fetched_at, v.fetched_url, v.run_id
FROM releases r JOIN release_versions v ON v.id = r.current_version_id
WHERE r.id = ?
"""
_INSERT_VERSION = """
INSERT INTO release_versions (
    release_id, version, content_hash, title, published, date_source, dateline, body_text,
    paragraphs, attachments, word_count, extractor_version, raw_sha256, fetched_at, run_id,
    fetched_url, source
) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, 'reprocess')
"""
_SET_CONTENT = """
UPDATE releases SET current_version_id = ?, content_hash = ?, body_hash = ?, title = ?,
    published = ?, date_source = ?, dateline = ?, body_text = ?, word_count = ?, attachments = ?
WHERE id = ?
"""


def release_ids(db: Database, members: list[str] | None = None) -> list[int]:
    """Ids of the releases that have a current version, optionally of some members only."""
    sql = "SELECT id FROM releases WHERE current_version_id IS NOT NULL"
    params: list[Any] = []
    if members:
        sql += f" AND bioguide_id IN ({', '.join('?' * len(members))})"
        params += members
    return [int(row[0]) for row in db.conn.execute(sql + " ORDER BY id", params)]


def iter_current_versions(db: Database, ids: list[int]) -> Iterator[dict[str, Any]]:
    """The current version of each release (one query each: the caller may write in between)."""
    for release_id in ids:
        row = fetch_one(db, _CURRENT, (release_id,))
        if row is not None:
            yield row


def add_reprocessed_version(
    db: Database, current: dict[str, Any], article: Article, extractor_version: str
) -> int | None:
    """Store ``article`` as the release's new current version; returns its id.

    ``current`` is the row :func:`iter_current_versions` gave. When the release got another
    version in the meantime (a crawl running alongside), nothing is written and None returned:
    the crawl's newer content wins over a re-extraction of older bytes.
    """
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
        version_id = _insert(db, current, article, extractor_version, last + 1)
    return version_id


def _insert(
    db: Database, current: dict[str, Any], article: Article, extractor_version: str, number: int
) -> int:
    content, body = content_hash(article), body_hash(article)
    body = None if body == _EMPTY_BODY_HASH else body
    attachments = to_json(article.attachments)
    cursor = db.conn.execute(
        _INSERT_VERSION,
        (
            current["release_id"], number, content, article.title, article.published,
            article.date_source, article.dateline, article.body_text,
            to_json(article.paragraphs), attachments, article.word_count, extractor_version,
            current["raw_sha256"], current["fetched_at"], current["fetched_url"],
        ),
    )
    version_id = int(cursor.lastrowid)
    db.conn.execute(
        _SET_CONTENT,
        (
            version_id, content, body, article.title, article.published, article.date_source,
            article.dateline, article.body_text, article.word_count, attachments,
            current["release_id"],
        ),
    )
    return version_id
