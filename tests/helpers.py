"""Small things several test modules need."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

from crawler.roster import Member
from simcongress.data import PAGES  # noqa: F401  (re-exported for the tests)

PRESSWATCH = str(Path(sys.executable).parent / "presswatch")  # the installed console script


def rows(db: Path, sql: str, params: tuple = ()) -> list[dict]:
    """Query a presswatch database the way a user would, with plain sqlite3."""
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql, params)]
    finally:
        conn.close()


def member(bioguide_id: str) -> Member:
    return Member(
        bioguide_id=bioguide_id, name=f"Member {bioguide_id}", chamber="house", state="CA",
        district=1, party="Democrat", homepage=f"https://{bioguide_id.lower()}.house.gov",
        press_url=None, press_url_source="none", template=None,
    )
