"""scheduler.changes: how stored facts become change events."""

from __future__ import annotations

from pathlib import Path

import pytest

import storage
from crawler.article import EXTRACTOR_VERSION, parse_article
from crawler.items import Article, ReleaseItem
from scheduler.changes import detect_run
from storage import open_db
from tests.helpers import PAGES, member

URL = ("https://barrymoore.house.gov/media/press-releases/"
       "rep-barry-moore-introduces-legislation-relocate-federal-facilities-sanctuary")
T0, T1, T2 = "2026-06-20T06:00:00Z", "2026-06-20T09:00:00Z", "2026-06-20T12:30:00Z"


@pytest.fixture
def db(tmp_path: Path):
    database = open_db(tmp_path / "pw.db")
    storage.upsert_members(database, [member("M001212")], now=T0)
    yield database
    database.close()


def events(db, run_id: int) -> list[tuple]:
    return db.conn.execute(
        "SELECT kind, alert, fields_changed FROM changes WHERE run_id = ? ORDER BY id", (run_id,)
    ).fetchall()


def save(db, article: Article, raw: bytes, at: str, extractor: str) -> tuple[int, object]:
    run = storage.start_run(db, {}, at)
    item = ReleaseItem(bioguide_id="M001212", article=article, fetched_url=URL,
                       listing_url=None, family=None, raw_html=raw)
    return run, storage.save_release(db, item, run, at, extractor)


def test_a_new_extractor_reading_the_same_page_is_not_an_edit(db):
    raw = (PAGES / "item_drupal.html").read_bytes()
    current = parse_article(raw, URL)
    old = Article(**{**vars(current), "paragraphs": ["Share", *current.paragraphs]})
    run0, _ = save(db, old, raw, T0, "0")  # what an older, chrome-leaking parser stored
    # The member's first crawl is its baseline: recorded, not alerted.
    assert events(db, detect_run(db, run0, T0, 6)["id"]) == [("new", 0, "[]")]
    run1, saved = save(db, current, raw, T1, EXTRACTOR_VERSION)
    assert saved.is_new_version  # the record differs ...
    detect_run(db, run1, T1, 6)
    assert events(db, run1) == []  # ... but only because our parser changed


def test_a_changed_page_with_the_same_extractor_is_an_edit(db):
    raw = (PAGES / "item_drupal.html").read_bytes()
    current = parse_article(raw, URL)
    marker = b'<div class="evo-press-release__body">'
    assert marker in raw
    before = raw.replace(marker, marker + b"<p>WASHINGTON, D.C. - A sentence the office took "
                                          b"out again later.</p>")
    run0, _ = save(db, parse_article(before, URL), before, T0, EXTRACTOR_VERSION)
    detect_run(db, run0, T0, 6)
    run1, _ = save(db, current, raw, T1, EXTRACTOR_VERSION)
    detect_run(db, run1, T1, 6)
    assert events(db, run1) == [("edited", 1, '["body"]')]


def test_the_same_page_read_differently_is_not_an_edit(db):
    # Same bytes, same extractor version, other content: what changed is what we know (chrome
    # learned on the site since), never the page.
    raw = (PAGES / "item_drupal.html").read_bytes()
    current = parse_article(raw, URL)
    old = Article(**{**vars(current), "paragraphs": ["Share", *current.paragraphs]})
    run0, _ = save(db, old, raw, T0, EXTRACTOR_VERSION)
    detect_run(db, run0, T0, 6)
    run1, _ = save(db, current, raw, T1, EXTRACTOR_VERSION)
    detect_run(db, run1, T1, 6)
    assert events(db, run1) == []


def test_removal_needs_two_checks_the_configured_hours_apart(db):
    raw = (PAGES / "item_drupal.html").read_bytes()
    run0, saved = save(db, parse_article(raw, URL), raw, T0, EXTRACTOR_VERSION)
    detect_run(db, run0, T0, 6)
    for at in (T0, T1):  # two checks, only 3 hours apart
        run = storage.start_run(db, {}, at)
        storage.record_release_gone(db, saved.release_id, at, run, 404)
        detect_run(db, run, at, 6)
        assert events(db, run) == []
    run = storage.start_run(db, {}, T2)  # 6.5 hours after the first
    storage.record_release_gone(db, saved.release_id, T2, run, 404)
    detect_run(db, run, T2, 6)
    assert events(db, run) == [("removed", 1, "[]")]
    assert storage.get_release(db, saved.release_id)["status"] == "removed"
