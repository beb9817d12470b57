"""The ``members`` table: the roster as last loaded, plus what crawling learned about each site."""

from __future__ import annotations

from sqlite_utils import Database

from crawler.roster import Member
from storage.db import StorageError, fetch_one, transaction, utc_now

LISTING_FOUND_BY = ("config", "bundled", "discovered", "feed")

# Roster columns only: listing_url, family and the health columns belong to the crawler and
# must survive a roster reload.
_UPSERT = """
INSERT INTO members (
    bioguide_id, name, chamber, state, district, party, homepage, press_url,
    press_url_source, rss_url, template_hint, enabled, updated_at
) VALUES (
    :bioguide_id, :name, :chamber, :state, :district, :party, :homepage, :press_url,
    :press_url_source, :rss_url, :template_hint, :enabled, :updated_at
)
ON CONFLICT (bioguide_id) DO UPDATE SET
    name = excluded.name, chamber = excluded.chamber, state = excluded.state,
    district = excluded.district, party = excluded.party, homepage = excluded.homepage,
    press_url = excluded.press_url, press_url_source = excluded.press_url_source,
    rss_url = excluded.rss_url, template_hint = excluded.template_hint,
    enabled = excluded.enabled, updated_at = excluded.updated_at
"""


def _member_params(member: Member, now: str) -> dict[str, object]:
    return {
        "bioguide_id": member.bioguide_id,
        "name": member.name,
        "chamber": member.chamber,
        "state": member.state,
        "district": member.district,
        "party": member.party,
        "homepage": member.homepage,
        "press_url": member.press_url,
        "press_url_source": member.press_url_source,
        "rss_url": member.rss_url,
        "template_hint": member.template,
        "enabled": int(member.enabled),
        "updated_at": now,
    }


def upsert_members(db: Database, members: list[Member], now: str | None = None) -> None:
    """Insert or refresh roster rows; listing and health columns are kept.

    Members missing from ``members`` are left alone: their releases still reference them.
    """
    stamp = now or utc_now()
    with transaction(db):
        db.conn.executemany(_UPSERT, [_member_params(m, stamp) for m in members])


def update_member_listing(
    db: Database,
    bioguide_id: str,
    listing_url: str | None,
    found_by: str | None,
    family: str | None,
    now: str | None = None,
) -> None:
    """Remember the listing URL that worked, how it was found, and the template family seen."""
    if found_by is not None and found_by not in LISTING_FOUND_BY:
        raise ValueError(f"listing_found_by must be one of {LISTING_FOUND_BY}, not {found_by!r}")
    with transaction(db):
        cursor = db.conn.execute(
            "UPDATE members SET listing_url = ?, listing_found_by = ?, family = ?, updated_at = ?"
            " WHERE bioguide_id = ?",
            (listing_url, found_by, family, now or utc_now(), bioguide_id),
        )
        _require_member(cursor.rowcount, bioguide_id)


def record_member_health(db: Database, bioguide_id: str, ok: bool, at: str) -> None:
    """A success resets the failure streak; a failure extends it (and never clears last success)."""
    if ok:
        sql = (
            "UPDATE members SET last_success_at = ?, consecutive_failures = 0"
            " WHERE bioguide_id = ?"
        )
    else:
        sql = (
            "UPDATE members SET last_failure_at = ?,"
            " consecutive_failures = consecutive_failures + 1 WHERE bioguide_id = ?"
        )
    with transaction(db):
        _require_member(db.conn.execute(sql, (at, bioguide_id)).rowcount, bioguide_id)


def get_member(db: Database, bioguide_id: str) -> dict | None:
    return fetch_one(db, "SELECT * FROM members WHERE bioguide_id = ?", (bioguide_id,))


def _require_member(rowcount: int, bioguide_id: str) -> None:
    if rowcount == 0:
        raise StorageError(f"no member {bioguide_id!r} in the database (call upsert_members first)")


def discovered_listings(db: Database) -> dict[str, str]:
    """Press pages found earlier from members' homepages, so later runs can go straight there."""
    sql = ("SELECT bioguide_id, listing_url FROM members"
           " WHERE listing_found_by = 'discovered' AND listing_url IS NOT NULL")
    return {row["bioguide_id"]: row["listing_url"] for row in db.query(sql)}


def is_baseline(db: Database, bioguide_id: str, run_id: int) -> bool:
    """True when no crawl before ``run_id`` succeeded for this member: this run is its
    baseline (what it finds is recorded, not alerted)."""
    row = db.conn.execute(
        "SELECT 1 FROM member_runs WHERE bioguide_id = ? AND run_id < ? AND status = 'ok' LIMIT 1",
        (bioguide_id, run_id),
    ).fetchone()
    return row is None
