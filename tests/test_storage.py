"""storage/: opening the file, migrations, saving releases and versions, runs and members."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

import pytest

import storage
from crawler.items import Article, ReleaseItem
from crawler.roster import Member
from storage import StorageError, open_db
from storage.migrations import MIGRATIONS
from storage.runs import runs_alive_elsewhere

NOW = "2025-03-01T12:00:00+00:00"
LATER = "2025-03-02T12:00:00+00:00"
PARAS = ["WASHINGTON - Today I introduced the \u201cClean Water\u201d Act.", "It matters."]


def member(bioguide_id: str = "A000001") -> Member:
    return Member(
        bioguide_id=bioguide_id,
        name=f"Member {bioguide_id}",
        chamber="house",
        state="CA",
        district=1,
        party="Democrat",
        homepage=f"https://{bioguide_id.lower()}.house.gov",
        press_url=f"https://{bioguide_id.lower()}.house.gov/news",
        press_url_source="bundled",
        template="drupal",
    )


def item(
    url: str = "https://a.house.gov/news/1",
    paragraphs: list[str] | None = None,
    *,
    title: str = "Member introduces \u201cClean Water\u201d Act",
    bioguide_id: str = "A000001",
    raw: bytes = b"<html>page one</html>",
    etag: str | None = None,
) -> ReleaseItem:
    article = Article(
        url=url,
        title=title,
        published="2025-02-28",
        date_source="article-meta",
        dateline="Washington, D.C.",
        paragraphs=list(PARAS if paragraphs is None else paragraphs),
        attachments=["https://a.house.gov/files/bill.pdf"],
    )
    return ReleaseItem(
        bioguide_id=bioguide_id,
        article=article,
        fetched_url=url + "?utm_source=rss",
        listing_url="https://a.house.gov/news",
        family="drupal",
        raw_html=raw,
        etag=etag,
    )


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "presswatch.db"


@pytest.fixture
def db(db_path: Path):
    database = open_db(db_path)
    storage.upsert_members(database, [member("A000001"), member("B000002")], now=NOW)
    yield database
    database.close()


@pytest.fixture
def run_id(db) -> int:
    return storage.start_run(db, {"members": ["A000001"], "pages": 1}, NOW)


def count(db, table: str) -> int:
    return db.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


# --- opening the file -------------------------------------------------------------------------


def test_migrations_are_idempotent(db_path: Path) -> None:
    first = open_db(db_path)
    schema_sql = "SELECT type, name, sql FROM sqlite_master ORDER BY name"
    schema = first.conn.execute(schema_sql).fetchall()
    first.close()
    second = open_db(db_path)
    applied = [r[0] for r in second.conn.execute("SELECT name FROM _sqlite_migrations")]
    assert applied == [m.name for m in MIGRATIONS._migrations]
    assert second.conn.execute(schema_sql).fetchall() == schema
    assert MIGRATIONS.pending(second) == []


def test_each_migration_step_is_idempotent_on_its_own(db_path: Path) -> None:
    db = open_db(db_path)
    for migration in MIGRATIONS._migrations:  # as if _sqlite_migrations had been lost
        migration.fn(db)
    assert {"members", "releases", "release_versions", "raw_pages", "crawl_runs",
            "member_runs"} <= set(db.table_names())


def test_pragmas(db) -> None:
    assert db.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.conn.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    assert db.conn.execute("PRAGMA busy_timeout").fetchone()[0] > 0


def test_memory_database(tmp_path: Path) -> None:
    db = open_db(":memory:")
    assert "releases" in db.table_names()


def test_open_directory_fails(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="is a directory"):
        open_db(tmp_path)


def test_open_non_sqlite_file_fails_and_leaves_it_alone(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    content = b"this is not a database\n" * 100
    path.write_bytes(content)
    with pytest.raises(StorageError, match="not a SQLite database") as info:
        open_db(path)
    assert "\n" not in str(info.value)
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]  # no -wal / -shm


def test_open_missing_directory_fails(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="does not exist"):
        open_db(tmp_path / "nope" / "x.db")
    assert not (tmp_path / "nope").exists()


def test_open_without_create_does_not_create(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="no such file"):
        open_db(tmp_path / "x.db", create=False)
    assert not (tmp_path / "x.db").exists()


def test_open_under_a_file_fails(tmp_path: Path) -> None:
    # Unwritable even for root: the "directory" is a regular file.
    (tmp_path / "file").write_text("x")
    with pytest.raises(StorageError, match="cannot create database"):
        open_db(tmp_path / "file" / "x.db")


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_open_read_only_file_fails(db_path: Path) -> None:
    open_db(db_path).close()
    db_path.chmod(0o444)
    try:
        with pytest.raises(StorageError, match="read-only"):
            open_db(db_path)
    finally:
        db_path.chmod(0o644)


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_open_in_read_only_directory_fails(tmp_path: Path) -> None:
    locked = tmp_path / "ro"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        with pytest.raises(StorageError, match="read-only"):
            open_db(locked / "x.db")
    finally:
        locked.chmod(0o755)


def test_read_only_file_is_refused_before_sqlite_opens_it(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Runs as root too (where chmod can't make a file unwritable): simulate what access() says.
    open_db(db_path).close()
    real_access = os.access
    monkeypatch.setattr(
        "storage.db.os.access", lambda p, mode: real_access(p, mode) and Path(p) != db_path
    )
    with pytest.raises(StorageError, match="the file is read-only"):
        open_db(db_path)


def test_open_locked_database_fails(db_path: Path) -> None:
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StorageError, match="locked") as info:
            open_db(db_path, busy_timeout_ms=50)
        assert "\n" not in str(info.value)
    finally:
        holder.execute("ROLLBACK")
        holder.close()


# --- releases and versions --------------------------------------------------------------------


def test_new_release_is_version_1(db, run_id: int) -> None:
    result = storage.save_release(db, item(etag='"abc"'), run_id, NOW, "x1")
    assert result.is_new_release and result.is_new_version
    assert (result.version, result.duplicate_of, result.previous_version_id) == (1, None, None)
    release = storage.get_release(db, "https://a.house.gov/news/1")
    assert release is not None and release == storage.get_release(db, result.release_id)
    assert release["current_version_id"] == result.version_id
    assert release["title"] == "Member introduces \u201cClean Water\u201d Act"
    assert release["attachments"] == ["https://a.house.gov/files/bill.pdf"]
    assert release["body_text"] == "\n\n".join(PARAS)
    assert release["word_count"] == 11
    assert (release["first_seen"], release["last_seen"], release["last_checked"]) == (NOW,) * 3
    assert (release["first_run_id"], release["last_run_id"]) == (run_id, run_id)
    assert (release["status"], release["etag"]) == ("active", '"abc"')
    [version] = storage.list_versions(db, result.release_id)
    assert version["version"] == 1
    assert version["paragraphs"] == PARAS
    assert version["extractor_version"] == "x1"
    assert version["fetched_url"] == "https://a.house.gov/news/1?utm_source=rss"
    assert version["run_id"] == run_id


def test_noise_only_changes_are_not_a_new_version(db, run_id: int) -> None:
    first = storage.save_release(db, item(), run_id, NOW, "x1")
    noisy = [
        "  WASHINGTON -\u00a0Today I  introduced the \"Clean\u200b Water\" Act.\n",
        "It matters.",
        "   ",
    ]
    second = storage.save_release(
        db, item(paragraphs=noisy, title='Member introduces "Clean Water" Act', etag="e2"),
        run_id, LATER, "x1",
    )
    assert not second.is_new_release and not second.is_new_version
    assert second.version_id == first.version_id and second.version == 1
    assert count(db, "release_versions") == 1
    release = storage.get_release(db, first.release_id)
    assert release["title"] == "Member introduces \u201cClean Water\u201d Act"  # text kept
    assert (release["last_seen"], release["last_checked"], release["etag"]) == (LATER, LATER, "e2")
    assert release["first_seen"] == NOW


def test_changed_body_is_version_2(db, run_id: int) -> None:
    first = storage.save_release(db, item(), run_id, NOW, "x1")
    run2 = storage.start_run(db, {}, LATER)
    edited = [PARAS[0], "It matters a great deal."]
    second = storage.save_release(db, item(paragraphs=edited, raw=b"<html>2</html>"), run2,
                                  LATER, "x1")
    assert second.is_new_version and not second.is_new_release
    assert (second.version, second.previous_version_id) == (2, first.version_id)
    assert second.release_id == first.release_id
    assert second.reverts_version_id is None and not second.extractor_changed
    release = storage.get_release(db, first.release_id)
    assert release["current_version_id"] == second.version_id
    assert release["body_text"].endswith("It matters a great deal.")
    assert (release["first_run_id"], release["last_run_id"]) == (run_id, run2)
    versions = storage.list_versions(db, first.release_id)
    assert [v["version"] for v in versions] == [1, 2]
    assert versions[0]["paragraphs"] == PARAS  # history is kept


def test_flip_back_is_flagged_as_revert(db, run_id: int) -> None:
    v1 = storage.save_release(db, item(), run_id, NOW, "x1")
    storage.save_release(db, item(title="Other headline"), run_id, NOW, "x1")
    v3 = storage.save_release(db, item(), run_id, LATER, "x2")
    assert v3.version == 3 and v3.reverts_version_id == v1.version_id
    assert v3.extractor_changed


def test_raw_html_is_stored_once_for_identical_bytes(db, run_id: int) -> None:
    raw = b"<html><body>" + b"same bytes " * 1000 + b"</body></html>"
    a = storage.save_release(db, item("https://a.house.gov/n/1", raw=raw), run_id, NOW, "x1")
    b = storage.save_release(db, item("https://a.house.gov/n/2", ["Other."], raw=raw), run_id,
                             NOW, "x1")
    assert count(db, "raw_pages") == 1
    [va] = storage.list_versions(db, a.release_id)
    [vb] = storage.list_versions(db, b.release_id)
    assert va["raw_sha256"] == vb["raw_sha256"]
    size, stored = db.conn.execute("SELECT size, length(html_gz) FROM raw_pages").fetchone()
    assert size == len(raw) and stored < len(raw) // 5  # gzip'd
    assert storage.get_raw_html(db, va["raw_sha256"]) == raw


def test_same_body_under_second_url_is_a_duplicate(db, run_id: int) -> None:
    original = storage.save_release(db, item("https://a.house.gov/n/1"), run_id, NOW, "x1")
    copy = storage.save_release(db, item("https://a.house.gov/n/1-copy", title="T"), run_id,
                                NOW, "x1")
    third = storage.save_release(db, item("https://a.house.gov/n/1-again"), run_id, NOW, "x1")
    assert copy.is_new_release and copy.duplicate_of == original.release_id
    assert third.duplicate_of == original.release_id  # points at the original, not the copy
    assert storage.get_release(db, copy.release_id)["duplicate_of"] == original.release_id
    other = storage.save_release(
        db, item("https://b.house.gov/n/1", bioguide_id="B000002"), run_id, NOW, "x1"
    )
    assert other.duplicate_of is None  # another member's office may publish the same text
    storage.save_release(db, item("https://a.house.gov/n/1", ["Edited."]), run_id, NOW, "x1")
    fourth = storage.save_release(db, item("https://a.house.gov/n/1-4"), run_id, NOW, "x1")
    assert fourth.duplicate_of == original.release_id  # found via a copy, still the original


def test_empty_bodies_are_not_duplicates(db, run_id: int) -> None:
    storage.save_release(db, item("https://a.house.gov/n/1", []), run_id, NOW, "x1")
    second = storage.save_release(db, item("https://a.house.gov/n/2", []), run_id, NOW, "x1")
    assert second.duplicate_of is None


def test_save_is_all_or_nothing(db, run_id: int, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: object) -> None:
        raise RuntimeError("crash while storing the page")

    monkeypatch.setattr("storage.releases._store_raw", boom)
    with pytest.raises(RuntimeError):
        storage.save_release(db, item(), run_id, NOW, "x1")
    assert count(db, "releases") == 0 and count(db, "release_versions") == 0
    assert not db.conn.in_transaction
    monkeypatch.undo()
    assert storage.save_release(db, item(), run_id, NOW, "x1").is_new_release


def test_unknown_member_or_run_is_a_clear_error(db, run_id: int) -> None:
    with pytest.raises(StorageError, match="upsert_members"):
        storage.save_release(db, item(bioguide_id="Z999999"), run_id, NOW, "x1")
    with pytest.raises(StorageError, match="start_run"):
        storage.save_release(db, item(), run_id + 100, NOW, "x1")
    assert count(db, "releases") == 0


def test_error_pages_are_refused(db, run_id: int) -> None:
    bad = item()
    bad.http_status = 404
    with pytest.raises(ValueError, match="404"):
        storage.save_release(db, bad, run_id, NOW, "x1")


def test_gone_removed_and_back(db, run_id: int) -> None:
    saved = storage.save_release(db, item(), run_id, NOW, "x1")
    state = storage.record_release_gone(db, saved.release_id, NOW, run_id, 404)
    state = storage.record_release_gone(db, saved.release_id, LATER, run_id, 404)
    assert state == {"gone_since": NOW, "gone_checks": 2}
    assert storage.get_release(db, saved.release_id)["status"] == "active"  # caller decides
    storage.mark_release_removed(db, saved.release_id, LATER)
    assert storage.get_release(db, saved.release_id)["status"] == "removed"
    back = storage.save_release(db, item(), run_id, LATER, "x1")
    assert back.reactivated and not back.is_new_version
    release = storage.get_release(db, saved.release_id)
    # removed_at stays until change detection has reported the release as restored.
    assert (release["status"], release["gone_checks"]) == ("active", 0)
    assert release["removed_at"] is not None


def test_not_modified_and_listing_sightings(db, run_id: int) -> None:
    saved = storage.save_release(db, item(etag="e1"), run_id, NOW, "x1")
    assert storage.mark_release_checked(db, "https://a.house.gov/news/1", LATER, run_id) == (
        saved.release_id
    )
    assert storage.mark_release_checked(db, "https://a.house.gov/unknown", LATER, run_id) is None
    release = storage.get_release(db, saved.release_id)
    assert (release["last_checked"], release["etag"], release["http_status"]) == (LATER, "e1", 304)
    seen = storage.mark_releases_seen(db, ["https://a.house.gov/news/1", "https://x/"], "T3",
                                      run_id)
    assert seen == 1 and storage.get_release(db, saved.release_id)["last_seen"] == "T3"


# --- runs and members -------------------------------------------------------------------------


def test_run_counts(db, run_id: int) -> None:
    others = ["C000003", "D000004", "E000005", "F000006", "G000007"]
    storage.upsert_members(db, [member(b) for b in others], now=NOW)
    storage.record_member_run(db, run_id, "A000001", status="ok", releases_found=3,
                              pages_fetched=4, started_at=NOW)
    storage.record_member_run(db, run_id, "E000005", status="ok", releases_found=2)
    storage.record_member_run(db, run_id, "F000006", status="skipped")
    storage.record_member_run(db, run_id, "G000007", status="error", error="parse")
    storage.record_member_run(db, run_id, "B000002", status="empty", pages_fetched=1)
    storage.record_member_run(db, run_id, "C000003", status="blocked", http_status=403)
    storage.record_member_run(db, run_id, "D000004", status="error", error="timeout")
    storage.record_member_run(db, run_id, "A000001", finished_at=LATER)  # update, not replace
    storage.save_release(db, item("https://a.house.gov/n/1"), run_id, NOW, "x1")
    storage.save_release(db, item("https://a.house.gov/n/2", ["Two."]), run_id, NOW, "x1")
    storage.save_release(db, item("https://a.house.gov/n/2", ["Two!"]), run_id, NOW, "x1")
    run = storage.finish_run(db, run_id, "completed", LATER)
    assert run["status"] == "completed" and run["finished_at"] == LATER
    assert run["options"] == {"members": ["A000001"], "pages": 1}
    expected = {
        "members_total": 7, "members_ok": 2, "members_empty": 1, "members_blocked": 1,
        "members_error": 2, "members_skipped": 1, "releases_found": 5, "releases_new": 2,
        "releases_edited": 1, "versions_new": 3, "pages_fetched": 5, "releases_seen": 2,
    }
    assert {k: run[k] for k in expected} == expected
    assert storage.get_run(db, run_id) == run
    rows = {r["bioguide_id"]: r for r in storage.list_member_runs(db, run_id)}
    a = rows["A000001"]
    assert (a["status"], a["started_at"], a["finished_at"], a["releases_new"]) == (
        "ok", NOW, LATER, 2,
    )


def test_record_member_run_validates(db, run_id: int) -> None:
    with pytest.raises(TypeError, match="bogus"):
        storage.record_member_run(db, run_id, "A000001", bogus=1)
    with pytest.raises(ValueError, match="status"):
        storage.record_member_run(db, run_id, "A000001", status="fine")
    with pytest.raises(ValueError):
        storage.finish_run(db, run_id, "running", NOW)


def test_stale_runs_are_marked_interrupted(db) -> None:
    # The caller holds the crawl lock, so a run of this machine left 'running' is dead for sure,
    # whatever its pid now names (pids are reused: this very process stands in for one).
    here = storage.start_run(db, {}, NOW)
    elsewhere = storage.start_run(db, {}, NOW)
    db.execute("UPDATE crawl_runs SET host = 'other-host' WHERE id = ?", [elsewhere])
    soon = "2025-03-01T12:00:30Z"
    assert storage.mark_stale_runs_interrupted(db, soon) == [here]
    assert storage.get_run(db, here)["status"] == "interrupted"
    assert storage.get_run(db, here)["error"]
    # Another machine's run is alive while its heartbeat is fresh, dead once it stops.
    assert [r["id"] for r in runs_alive_elsewhere(db, soon)] == [elsewhere]
    storage.runs.beat(db, elsewhere, "2025-03-01T12:00:50Z")
    assert storage.mark_stale_runs_interrupted(db, "2025-03-01T12:01:40Z") == []
    assert storage.get_run(db, elsewhere)["status"] == "running"
    assert storage.mark_stale_runs_interrupted(db, "2025-03-01T12:02:00Z") == [elsewhere]
    assert runs_alive_elsewhere(db, "2025-03-01T12:02:00Z") == []


def test_heartbeat_only_stamps_running_runs(db) -> None:
    run_id = storage.start_run(db, {}, NOW)
    assert storage.get_run(db, run_id)["heartbeat_at"] == NOW
    storage.runs.beat(db, run_id, LATER)
    assert storage.get_run(db, run_id)["heartbeat_at"] == LATER
    storage.finish_run(db, run_id, "aborted", LATER, error="stopped by SIGTERM")
    storage.runs.beat(db, run_id, "2025-03-03T12:00:00Z")
    assert storage.get_run(db, run_id)["heartbeat_at"] == LATER


def test_upsert_members_keeps_health_and_listing(db) -> None:
    storage.update_member_listing(db, "A000001", "https://a.house.gov/media", "discovered", "wp")
    storage.record_member_health(db, "A000001", False, NOW)
    storage.record_member_health(db, "A000001", False, LATER)
    renamed = member("A000001")
    renamed.name = "New Name"
    storage.upsert_members(db, [renamed])
    row = storage.get_member(db, "A000001")
    assert row["name"] == "New Name" and row["template_hint"] == "drupal"
    assert (row["listing_url"], row["listing_found_by"], row["family"]) == (
        "https://a.house.gov/media", "discovered", "wp",
    )
    assert (row["consecutive_failures"], row["last_failure_at"]) == (2, LATER)
    storage.record_member_health(db, "A000001", True, LATER)
    row = storage.get_member(db, "A000001")
    assert (row["consecutive_failures"], row["last_success_at"]) == (0, LATER)
    with pytest.raises(ValueError):
        storage.update_member_listing(db, "A000001", None, "guessed", None)
    with pytest.raises(StorageError, match="Z999999"):
        storage.record_member_health(db, "Z999999", True, NOW)


def test_readers_see_data_while_a_writer_works(db, db_path: Path, run_id: int) -> None:
    storage.save_release(db, item(), run_id, NOW, "x1")
    reader = sqlite3.connect(db_path)
    with storage.transaction(db):  # an open write transaction does not block WAL readers
        db.conn.execute("UPDATE releases SET title = 'x'")
        assert reader.execute("SELECT count(*) FROM releases").fetchone()[0] == 1
    reader.close()


def test_saving_is_fast(db, run_id: int) -> None:
    items = [item(f"https://a.house.gov/n/{i}", [f"Body {i}."] * 5, raw=b"<p>%d</p>" % i)
             for i in range(1000)]
    start = time.perf_counter()
    for it in items:
        storage.save_release(db, it, run_id, NOW, "x1")
    for it in items[:500]:  # re-checks, unchanged
        storage.save_release(db, it, run_id, LATER, "x1")
    assert time.perf_counter() - start < 5  # ~0.5 s here; the crawler needs >= 100 pages/s
    assert count(db, "releases") == 1000 and count(db, "release_versions") == 1000
