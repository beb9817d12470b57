"""storage.changes (change events, run bookkeeping), the new columns, and reprocessing."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlite_utils

import storage
from crawler.article import EXTRACTOR_VERSION, parse_article
from crawler.fingerprint import content_hash
from crawler.items import Article, ReleaseItem
from scheduler.reprocess import reprocess
from storage import StorageError, open_db
from storage.changes import (
    get_change,
    list_changes,
    mark_run_detected,
    record_change,
    runs_pending_detection,
)
from storage.migrations import MIGRATIONS
from storage.reprocess import add_reprocessed_version, iter_current_versions
from tests.helpers import PAGES, member

MOORE_URL = (
    "https://barrymoore.house.gov/media/press-releases/"
    "rep-barry-moore-introduces-legislation-relocate-federal-facilities-sanctuary"
)
DAY0 = "2026-06-20T06:00:00Z"
DAY1 = "2026-06-21T06:00:00Z"
DAY2 = "2026-06-22T06:00:00Z"
# A page with no date on it: only a listing can date it.
UNDATED_PAGE = (
    b"<html><head><title>Smith on water</title></head><body><main><article>"
    b"<h1>Smith on water</h1><p>WASHINGTON &ndash; Today Smith spoke about clean water for "
    b"rural communities across the state.</p><p>It matters a lot to everyone who lives there."
    b"</p></article></main></body></html>"
)


def item(url: str, paragraphs: list[str], *, bioguide_id: str = "A000001",
         title: str = "Smith introduces the Clean Water Act", raw: bytes = b"<html>x</html>",
         published: str | None = "2026-06-12", date_source: str | None = "article-meta",
         ) -> ReleaseItem:
    article = Article(url=url, title=title, published=published, date_source=date_source,
                      dateline=None, paragraphs=paragraphs, attachments=[])
    return ReleaseItem(bioguide_id=bioguide_id, article=article, fetched_url=url,
                       listing_url=None, family=None, raw_html=raw)


@pytest.fixture
def db(tmp_path: Path):
    database = open_db(tmp_path / "presswatch.db")
    storage.upsert_members(database, [member("A000001"), member("B000002")], now=DAY0)
    yield database
    database.close()


@pytest.fixture
def run_id(db) -> int:
    return storage.start_run(db, {}, DAY0)


def count(db, table: str) -> int:
    return db.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


# --- schema ------------------------------------------------------------------------------------


def test_new_migrations_are_applied_once_and_idempotent(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    first = open_db(path)
    schema = first.conn.execute("SELECT name, sql FROM sqlite_master ORDER BY name").fetchall()
    first.close()
    again = open_db(path)
    names = [r[0] for r in again.conn.execute("SELECT name FROM _sqlite_migrations")]
    assert {"0008_changes", "0009_version_source", "0010_run_change_counts"} <= set(names)
    assert len(names) == len(set(names))
    for migration in MIGRATIONS._migrations:  # as if the bookkeeping table had been lost
        migration.fn(again)
    assert again.conn.execute(
        "SELECT name, sql FROM sqlite_master ORDER BY name").fetchall() == schema
    indexes = {r[1] for r in again.conn.execute("PRAGMA index_list(changes)")}
    assert {"changes_detected_at", "changes_release", "changes_member_detected_at",
            "changes_kind"} <= indexes


def test_upgrade_of_a_database_made_before_change_detection(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old = sqlite_utils.Database(path)
    for migration in MIGRATIONS._migrations[:7]:  # the schema as first released
        migration.fn(old)
    old.conn.execute("INSERT INTO members (bioguide_id, name, chamber)"
                     " VALUES ('A000001', 'A', 'house')")
    old.conn.execute("INSERT INTO crawl_runs (started_at, finished_at, status)"
                     " VALUES (?, ?, 'completed')", (DAY0, DAY0))
    old.conn.execute("INSERT INTO releases (bioguide_id, url, first_seen, last_seen)"
                     " VALUES ('A000001', 'https://a.house.gov/1', ?, ?)", (DAY0, DAY0))
    old.conn.execute("INSERT INTO release_versions (release_id, version, content_hash, fetched_at)"
                     " VALUES (1, 1, 'h', ?)", (DAY0,))
    old.conn.commit()
    old.close()
    db = open_db(path)
    assert db.conn.execute("SELECT source FROM release_versions").fetchone() == ("crawl",)
    run = storage.get_run(db, 1)
    assert run["changes_detected_at"] is None
    assert [run[f"changes_{k}"] for k in ("new", "edited", "removed", "restored")] == [0] * 4
    # Runs of an upgraded file are pending: whether to detect or baseline them is the caller's.
    assert runs_pending_detection(db) == [1]


def test_crawled_versions_have_source_crawl(db, run_id: int) -> None:
    storage.save_release(db, item("https://a.house.gov/1", ["One."]), run_id, DAY0, "1")
    assert db.conn.execute("SELECT source FROM release_versions").fetchall() == [("crawl",)]


# --- record_change / list_changes --------------------------------------------------------------


@pytest.fixture
def edited(db, run_id: int) -> dict:
    """Release 1 (member A) with versions 1 and 2, release 2 (member B) with one version."""
    first = storage.save_release(db, item("https://a.house.gov/1", ["One.", "Two."]), run_id,
                                 DAY0, "1")
    other = storage.save_release(
        db, item("https://b.house.gov/1", ["Other."], bioguide_id="B000002"), run_id, DAY0, "1")
    second = storage.save_release(db, item("https://a.house.gov/1", ["One.", "Two!"]), run_id,
                                  DAY1, "1")
    return {"release": first.release_id, "v1": first.version_id, "v2": second.version_id,
            "other": other.release_id, "other_v1": other.version_id}


def test_record_change_fills_member_and_normalizes(db, run_id: int, edited: dict) -> None:
    change_id = record_change(
        db, release_id=edited["release"], kind="edited", detected_at="2026-06-21T08:00:00+02:00",
        run_id=run_id, old_version_id=edited["v1"], new_version_id=edited["v2"],
        fields_changed=["body"], summary="body: 1 paragraph changed,\n+1 / −1 words",
        severity="minor", diff_text="[-Two.-]{+Two!+}", diff_html="<p>x</p>", diff_unified="@@",
    )
    change = get_change(db, change_id)
    assert change["bioguide_id"] == "A000001"
    assert change["detected_at"] == "2026-06-21T06:00:00Z"
    assert change["fields_changed"] == ["body"]
    assert change["summary"] == "body: 1 paragraph changed, +1 / −1 words"  # one line
    assert change["alert"] == 1
    assert change["alerted_at"] is None and change["revert_of_version_id"] is None
    assert (change["diff_text"], change["diff_html"]) == ("[-Two.-]{+Two!+}", "<p>x</p>")
    assert change["url"] == "https://a.house.gov/1" and change["member_name"] == "Member A000001"
    assert get_change(db, 999) is None


def test_record_change_validates(db, run_id: int, edited: dict) -> None:
    base = {"release_id": edited["release"], "detected_at": DAY1, "run_id": run_id}
    with pytest.raises(ValueError, match="kind"):
        record_change(db, kind="changed", **base)
    with pytest.raises(ValueError, match="severity"):
        record_change(db, kind="edited", severity="huge", **base)
    with pytest.raises(ValueError, match="fields_changed"):
        record_change(db, kind="edited", fields_changed=["paragraphs"], **base)
    with pytest.raises(ValueError, match="ISO"):
        record_change(db, kind="new", **{**base, "detected_at": "yesterday"})
    with pytest.raises(StorageError, match="no release 999"):
        record_change(db, kind="new", **{**base, "release_id": 999})
    with pytest.raises(StorageError, match="not versions of release"):
        record_change(db, kind="edited", new_version_id=edited["other_v1"], **base)
    with pytest.raises(StorageError):
        record_change(db, kind="new", **{**base, "run_id": 999})
    assert count(db, "changes") == 0


def test_same_event_of_a_run_is_recorded_once(db, run_id: int, edited: dict) -> None:
    args = {"release_id": edited["release"], "kind": "edited", "detected_at": DAY1,
            "run_id": run_id, "old_version_id": edited["v1"], "new_version_id": edited["v2"]}
    assert record_change(db, **args) == record_change(db, **args)
    assert count(db, "changes") == 1
    # Without a run there is no way to tell a repeat from a second event: both are kept.
    record_change(db, release_id=edited["release"], kind="removed", detected_at=DAY1, run_id=None)
    record_change(db, release_id=edited["release"], kind="removed", detected_at=DAY2, run_id=None)
    assert count(db, "changes") == 3


def test_revert_is_recorded_without_alert(db, run_id: int, edited: dict) -> None:
    change_id = record_change(
        db, release_id=edited["release"], kind="edited", detected_at=DAY1, run_id=run_id,
        old_version_id=edited["v2"], new_version_id=edited["v1"], alert=False,
        revert_of_version_id=edited["v1"])
    change = get_change(db, change_id)
    assert (change["alert"], change["revert_of_version_id"]) == (0, edited["v1"])


@pytest.fixture
def history(db, run_id: int, edited: dict) -> dict:
    ids = {
        "new_a": record_change(db, release_id=edited["release"], kind="new", detected_at=DAY0,
                               run_id=run_id, new_version_id=edited["v1"]),
        "new_b": record_change(db, release_id=edited["other"], kind="new", detected_at=DAY0,
                               run_id=run_id, new_version_id=edited["other_v1"]),
        "edited_a": record_change(db, release_id=edited["release"], kind="edited",
                                  detected_at=DAY1, run_id=run_id, old_version_id=edited["v1"],
                                  new_version_id=edited["v2"], fields_changed=["body"]),
        "removed_b": record_change(db, release_id=edited["other"], kind="removed",
                                   detected_at=DAY2, run_id=run_id,
                                   old_version_id=edited["other_v1"]),
    }
    return ids


def test_list_changes_newest_first_with_release_and_member(db, history: dict) -> None:
    rows = list_changes(db)
    assert [r["id"] for r in rows] == [history["removed_b"], history["edited_a"],
                                       history["new_b"], history["new_a"]]
    assert rows[1]["title"] == "Smith introduces the Clean Water Act"
    assert rows[1]["published"] == "2026-06-12"
    assert rows[1]["member_name"] == "Member A000001"
    assert rows[1]["fields_changed"] == ["body"]
    assert "diff_html" not in rows[0]


def test_list_changes_filters(db, history: dict) -> None:
    def ids(**filters) -> set[int]:
        return {r["id"] for r in list_changes(db, **filters)}

    assert ids(since=DAY1) == {history["edited_a"], history["removed_b"]}
    assert ids(since="2026-06-22") == {history["removed_b"]}  # a date means its midnight UTC
    assert ids(since="2026-06-21T08:00:00+02:00") == {history["edited_a"], history["removed_b"]}
    assert ids(kinds=["new"]) == {history["new_a"], history["new_b"]}
    assert ids(kinds=["edited", "removed"]) == {history["edited_a"], history["removed_b"]}
    assert ids(member="A000001") == {history["new_a"], history["edited_a"]}
    assert ids(member="B000002", kinds=["new"], since=DAY0) == {history["new_b"]}
    assert ids(member="Z999999") == set()
    assert [r["id"] for r in list_changes(db, limit=2)] == [history["removed_b"],
                                                          history["edited_a"]]
    with pytest.raises(ValueError, match="kind"):
        list_changes(db, kinds=["modified"])


# --- run bookkeeping ---------------------------------------------------------------------------


def test_mark_run_detected_counts_the_runs_changes(db, run_id: int, history: dict) -> None:
    storage.finish_run(db, run_id, "completed", DAY2)
    later = storage.start_run(db, {}, DAY2)
    assert runs_pending_detection(db) == [run_id]  # the running one is not finished yet
    run = mark_run_detected(db, run_id, "2026-06-22T07:00:00+00:00")
    assert run["changes_detected_at"] == "2026-06-22T07:00:00Z"
    counts = [run[f"changes_{k}"] for k in ("new", "edited", "removed", "restored")]
    assert counts == [2, 1, 1, 0]
    assert runs_pending_detection(db) == []
    storage.finish_run(db, later, "interrupted", DAY2)
    assert mark_run_detected(db, later, DAY2)["changes_new"] == 0
    with pytest.raises(StorageError):
        mark_run_detected(db, 999, DAY2)


def test_runs_pending_detection_oldest_first(db) -> None:
    runs = [storage.start_run(db, {}, DAY0) for _ in range(4)]
    storage.finish_run(db, runs[2], "failed", DAY1)
    storage.finish_run(db, runs[0], "completed", DAY1)
    storage.finish_run(db, runs[3], "interrupted", DAY1)
    assert runs_pending_detection(db) == [runs[0], runs[2], runs[3]]


# --- reprocess ---------------------------------------------------------------------------------


def save_old_extraction(db, run_id: int, raw: bytes, *, url: str = MOORE_URL,
                        extractor: str = "0", **fields) -> storage.SaveResult:
    """A version as an older extractor made it: paragraphs the current one would not produce."""
    old = item(url, ["Share on Facebook", "Washington, D.C.- Today, Congressman Barry Moore"],
               title="Old title", raw=raw, **fields)
    return storage.save_release(db, old, run_id, DAY0, extractor)


def test_reprocess_adds_a_version_without_a_change(db, run_id: int) -> None:
    raw = (PAGES / "item_drupal.html").read_bytes()
    saved = save_old_extraction(db, run_id, raw)
    summary = reprocess(db)
    assert (summary.total, summary.reextracted, summary.unchanged, summary.failed) == (1, 1, 0, [])
    assert summary.line() == "reprocessed 1 releases: 1 re-extracted, 0 unchanged, 0 failed"

    v1, v2 = storage.list_versions(db, saved.release_id)
    assert (v2["version"], v2["source"], v2["extractor_version"]) == (2, "reprocess",
                                                                     EXTRACTOR_VERSION)
    assert v1["source"] == "crawl"
    assert v2["raw_sha256"] == v1["raw_sha256"] and v2["fetched_at"] == v1["fetched_at"]
    assert v2["run_id"] is None  # no crawl made it: run counts and detection never see it
    expected = parse_article(raw, MOORE_URL)
    assert v2["title"] == expected.title and v2["paragraphs"] == expected.paragraphs
    assert v2["content_hash"] == content_hash(expected) != v1["content_hash"]
    release = storage.get_release(db, saved.release_id)
    assert release["current_version_id"] == v2["id"]
    assert release["title"] == expected.title
    assert release["body_text"] == expected.body_text
    assert release["content_hash"] == v2["content_hash"]
    assert count(db, "changes") == 0

    again = reprocess(db)
    assert (again.reextracted, again.unchanged) == (0, 1)
    assert len(storage.list_versions(db, saved.release_id)) == 2
    assert count(db, "changes") == 0


def test_reprocess_records_a_new_extractor_even_for_the_same_content(db, run_id: int) -> None:
    raw = (PAGES / "item_drupal.html").read_bytes()
    current = item(MOORE_URL, [], raw=raw)
    current.article = parse_article(raw, MOORE_URL)
    storage.save_release(db, current, run_id, DAY0, "0")
    assert reprocess(db).reextracted == 1
    v1, v2 = storage.list_versions(db, 1)
    assert v1["content_hash"] == v2["content_hash"]
    assert (v1["extractor_version"], v2["extractor_version"]) == ("0", EXTRACTOR_VERSION)
    assert reprocess(db).reextracted == 0


def test_reprocess_keeps_a_date_that_came_from_the_listing(db, run_id: int) -> None:
    for n, source in enumerate(["listing", "feed"]):
        save_old_extraction(db, run_id, UNDATED_PAGE, url=f"https://a.house.gov/{n}",
                            published="2025-01-05", date_source=source)
    assert reprocess(db).reextracted == 2
    rows = db.conn.execute("SELECT published, date_source, source FROM release_versions"
                           " WHERE version = 2 ORDER BY release_id").fetchall()
    assert rows == [("2025-01-05", "listing", "reprocess"), ("2025-01-05", "feed", "reprocess")]


def test_reprocess_of_members_only_and_failures(db, run_id: int) -> None:
    raw = (PAGES / "item_drupal.html").read_bytes()
    save_old_extraction(db, run_id, raw)
    storage.save_release(db, item("https://b.house.gov/1", ["x"], bioguide_id="B000002", raw=b""),
                         run_id, DAY0, "0")  # no raw page kept
    storage.save_release(db, item("https://b.house.gov/2", ["y"], bioguide_id="B000002",
                                  raw=b"<html><body></body></html>"), run_id, DAY0, "0")
    only_b = reprocess(db, members=["B000002"])
    assert (only_b.total, only_b.reextracted) == (2, 0)
    assert [why for _, why in only_b.failed] == [
        "no raw HTML stored for its current version",
        "the current extractor finds no title or no body in the stored page",
    ]
    assert count(db, "release_versions") == 3
    assert reprocess(db).reextracted == 1


def test_reprocess_reports_progress(db, run_id: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("scheduler.reprocess.PROGRESS_EVERY", 2)
    for n in range(5):
        save_old_extraction(db, run_id, UNDATED_PAGE, url=f"https://a.house.gov/{n}")
    calls: list[tuple[int, int]] = []
    reprocess(db, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(2, 5), (4, 5)]


def test_reprocess_yields_to_a_crawl_that_stored_newer_content(db, run_id: int) -> None:
    raw = (PAGES / "item_drupal.html").read_bytes()
    save_old_extraction(db, run_id, raw)
    (current,) = iter_current_versions(db, [1])
    storage.save_release(db, item(MOORE_URL, ["An edit by the office."], raw=b"<p>new</p>"),
                         run_id, DAY1, EXTRACTOR_VERSION)  # a crawl, between read and write
    assert add_reprocessed_version(db, current, parse_article(raw, MOORE_URL), "9") is None
    versions = storage.list_versions(db, 1)
    assert [v["source"] for v in versions] == ["crawl", "crawl"]
    assert versions[-1]["paragraphs"] == ["An edit by the office."]
    assert storage.get_release(db, 1)["current_version_id"] == versions[-1]["id"]
