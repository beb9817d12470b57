"""Full-text search of releases (the ``releases_fts`` FTS5 index, migration 0017).

The index holds each release's *current* title and body; triggers keep it in step when a
release is added, edited or deleted. Results are ranked by bm25 with title matches weighted
above body matches, and carry a snippet of the body with the matched words marked.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from storage.changes import CHANGE_KINDS

# A title hit says more about what a release is about than one word in a long body.
TITLE_WEIGHT, BODY_WEIGHT = 5.0, 1.0
SNIPPET_TOKENS = 20
RANKING = f"bm25({TITLE_WEIGHT}, {BODY_WEIGHT})"
# bm25 costs a few microseconds per matching release: a common word matches 100,000 releases
# of a 700,000-release archive, half a second of scoring. Beyond this many matches, only the
# most recently stored ones (highest ids) are ranked; see search_releases.
RANK_WINDOW = 2000

SEARCH_COLUMNS = ("id", "published", "bioguide_id", "member_name", "party", "state", "chamber",
                  "status", "title", "snippet", "url", "score")


class SearchError(ValueError):
    """A search the index cannot run (bad FTS query syntax); the message is one line."""


@dataclass(frozen=True)
class SearchFilters:
    member: str | None = None
    chamber: str | None = None
    party: str | None = None  # full name ("Democrat") or initial ("D"), any case
    state: str | None = None
    since: str | None = None  # published on or after (YYYY-MM-DD)
    until: str | None = None  # published on or before (YYYY-MM-DD)
    kind: str | None = None  # the release had a change of this kind


def search_releases(
    db: Database,
    query: str,
    filters: SearchFilters = SearchFilters(),
    limit: int = 20,
    marks: tuple[str, str] = ("[", "]"),
    window: int | None = RANK_WINDOW,
) -> list[dict[str, Any]]:
    """Releases matching the FTS5 ``query`` (and ``filters``), best first; duplicates (same
    text under a second URL) are left out. Raises :class:`SearchError` for a query FTS5
    cannot parse.

    When more than ``window`` releases match, only the ``window`` most recently stored matches
    are ranked: those of the query, or, when the filters leave fewer than ``limit`` of them,
    those that pass the filters (None: rank every match, slower on a large archive).
    """
    if not query.strip():
        raise SearchError("empty search query")
    where, params = _filters(filters)
    if not window:
        return _ranked(db, query, where, params, None, limit, marks)
    # The cheap way first: rank the newest `window` matches of the query (found by walking
    # the index by id, nothing joined), filtered. When the filters leave fewer than `limit`
    # of them, the window counts filtered matches instead (a walk that joins each match).
    floor = _window_floor(db, query, [], [], window)
    results = _ranked(db, query, where, params, floor, limit, marks)
    if floor is None or len(results) >= limit or not where:
        return results
    return _ranked(db, query, where, params, _window_floor(db, query, where, params, window),
                   limit, marks)


def _ranked(db: Database, query: str, where: list[str], params: list[Any], floor: int | None,
            limit: int, marks: tuple[str, str]) -> list[dict[str, Any]]:
    """The best ``limit`` matches with an id of at least ``floor`` (None: all)."""
    if floor is not None:
        where, params = [*where, "releases_fts.rowid >= ?"], [*params, floor]
    # ORDER BY the FTS5 hidden column `rank` (bm25 with our weights, given by `rank MATCH`)
    # lets FTS5 sort the matches itself, keeping only rowid and score; the joins and the
    # snippet are then computed for the rows returned, not for every match (ORDER BY an
    # expression would compute the snippet of all 100,000 matches of a common word).
    sql = f"""
        SELECT r.id, r.published, r.bioguide_id, m.name AS member_name, m.party, m.state,
               m.chamber, r.status, r.title,
               snippet(releases_fts, 1, ?, ?, '…', {SNIPPET_TOKENS}) AS snippet,
               r.url, releases_fts.rank AS score
        FROM releases_fts
        JOIN releases r ON r.id = releases_fts.rowid
        LEFT JOIN members m ON m.bioguide_id = r.bioguide_id
        WHERE releases_fts MATCH ? AND releases_fts.rank MATCH '{RANKING}'
          AND r.duplicate_of IS NULL {''.join(' AND ' + w for w in where)}
        ORDER BY releases_fts.rank
        LIMIT ?
    """
    try:
        cursor = db.conn.execute(sql, [*marks, query, *params, int(limit)])
        names = [d[0] for d in cursor.description]
        results = [dict(zip(names, row, strict=True)) for row in cursor]
    except sqlite3.OperationalError as exc:
        raise _query_error(query, exc) from None
    for result in results:  # one line: the body's paragraph breaks would break a table row
        result["snippet"] = " ".join((result["snippet"] or "").split())
    return results


def _window_floor(db: Database, query: str, where: list[str], params: list[Any],
                  window: int) -> int | None:
    """The id of the ``window``-th newest release matching the query (and the ``where``
    filters), or None when fewer match. Walking matches by id, without scoring them, is
    cheap; joining each one (filters) is not."""
    joins = ""
    if where:
        joins = ("JOIN releases r ON r.id = releases_fts.rowid"
                 " LEFT JOIN members m ON m.bioguide_id = r.bioguide_id")
        where = ["r.duplicate_of IS NULL", *where]
    sql = f"""
        SELECT releases_fts.rowid FROM releases_fts {joins}
        WHERE releases_fts MATCH ? {''.join(' AND ' + w for w in where)}
        ORDER BY releases_fts.rowid DESC LIMIT 1 OFFSET ?
    """
    try:
        row = db.conn.execute(sql, [query, *params, window - 1]).fetchone()
    except sqlite3.OperationalError as exc:
        raise _query_error(query, exc) from None
    return row[0] if row else None


def _filters(filters: SearchFilters) -> tuple[list[str], list[Any]]:
    where: list[str] = []
    params: list[Any] = []
    if filters.member:
        where.append("r.bioguide_id = ?")
        params.append(filters.member.upper())
    if filters.chamber:
        where.append("m.chamber = ?")
        params.append(filters.chamber.lower())
    if filters.party:
        party = filters.party.strip()
        if len(party) == 1:
            where.append("upper(substr(m.party, 1, 1)) = ?")
            params.append(party.upper())
        else:
            where.append("lower(m.party) = ?")
            params.append(party.lower())
    if filters.state:
        where.append("m.state = ?")
        params.append(filters.state.upper())
    if filters.since:
        where.append("r.published >= ?")
        params.append(filters.since)
    if filters.until:
        where.append("r.published <= ?")
        params.append(filters.until)
    if filters.kind:
        if filters.kind not in CHANGE_KINDS:
            raise ValueError(f"change kind must be one of {CHANGE_KINDS}, not {filters.kind!r}")
        where.append("EXISTS (SELECT 1 FROM changes c WHERE c.release_id = r.id AND c.kind = ?)")
        params.append(filters.kind)
    return where, params


def _query_error(query: str, exc: sqlite3.OperationalError) -> Exception:
    text = str(exc)
    if "locked" in text or "busy" in text:
        return exc  # not the user's query: let the caller report the database problem
    # FTS5 reports syntax errors as "fts5: syntax error near …"; a word followed by ':' is
    # read as a column name ("no such column").
    detail = text.removeprefix("fts5: ")
    return SearchError(
        f"cannot search for {query!r}: {detail} (put phrases and words with punctuation in "
        'double quotes, e.g. "covid-19"; operators are AND, OR, NOT, NEAR(), prefix*)'
    )
