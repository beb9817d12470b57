"""`presswatch import`: archive JSONL as history — idempotent, members matched, bad lines
reported and skipped, no alerts; imported releases join the re-check schedule."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from click.testing import CliRunner

from crawler.clock import parse_timestamp
from crawler.config import load_config
from crawler.recheck import is_due
from crawler.roster import load_members
from crawler.urls import canonical_url
from scheduler.archive import import_files
from scheduler.cli import main
from simcongress.data import DATA
from storage.db import open_db
from storage.members import upsert_members
from storage.releases import known_releases
from tests import corpus
from tests.helpers import rows

RELEASES = sorted((DATA / "releases").glob("*.jsonl"))
SCHEDULE = {"every_run_days": 3, "daily_until_days": 30, "weekly_until_days": 180}


def real_lines() -> list[dict]:
    return [json.loads(line) for path in RELEASES for line in path.read_text().splitlines()]


def run_import(db: Path, *files: Path, extra: tuple[str, ...] = ()) -> tuple[str, str]:
    result = CliRunner().invoke(main, ["import", "--db", str(db), *extra, *map(str, files)])
    assert result.exit_code == 0, result.output + result.stderr
    return result.stdout, result.stderr


def table_counts(db: Path) -> dict[str, int]:
    return {t: rows(db, f"SELECT count(*) AS n FROM {t}")[0]["n"]
            for t in ("releases", "release_versions", "changes", "releases_fts")}


def test_real_archive_imports_as_history(tmp_path: Path) -> None:
    db = tmp_path / "presswatch.db"
    out, err = run_import(db, *RELEASES, extra=("--progress",))
    lines = real_lines()
    known = {r["bioguide_id"] for r in rows(db, "SELECT bioguide_id FROM members")}
    matched = [d for d in lines if (d.get("member") or {}).get("bioguide_id") in known]
    stored = rows(db, "SELECT url, bioguide_id, title, published FROM releases")
    assert len(stored) >= len({canonical_url(d["url"]) for d in matched})
    by_url = {r["url"]: r for r in stored}
    for line in matched:  # members matched by bioguide id, dates kept
        row = by_url[canonical_url(line["url"])]
        assert row["bioguide_id"] == line["member"]["bioguide_id"]
        assert row["published"] == line["date"]
    # Every new release is recorded as history: alert = 0, imported = 1, version source import.
    changes = rows(db, "SELECT kind, alert, imported, run_id FROM changes")
    assert changes and all(c == {"kind": "new", "alert": 0, "imported": 1, "run_id": None}
                           for c in changes)
    assert {r["source"] for r in rows(db, "SELECT source FROM release_versions")} == {"import"}
    assert "import:" in err and out.startswith(f"imported {len(stored)} releases")


def test_lines_without_a_bioguide_id_match_by_host(tmp_path: Path) -> None:
    db = tmp_path / "presswatch.db"
    run_import(db, *RELEASES)
    graham = [d for d in real_lines() if d["member"] is None and "lgraham" in d["url"]]
    assert graham
    (row,) = rows(db, "SELECT r.bioguide_id, m.name FROM releases r JOIN members m"
                      " USING (bioguide_id) WHERE url = ?", (canonical_url(graham[0]["url"]),))
    assert "Graham" in row["name"]


def test_import_twice_changes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "presswatch.db"
    run_import(db, *RELEASES)
    before = table_counts(db)
    dump = rows(db, "SELECT * FROM releases ORDER BY id")
    out, _ = run_import(db, *RELEASES)
    assert table_counts(db) == before
    assert rows(db, "SELECT * FROM releases ORDER BY id") == dump
    assert out.startswith("imported 0 releases") and f"{before['releases']}" in out


def test_bad_lines_reported_with_line_numbers_and_skipped(tmp_path: Path) -> None:
    good = RELEASES[0].read_text().splitlines()[:3]
    unknown = json.loads(good[0]) | {"url": "https://x.house.gov/a",
                                     "member": {"bioguide_id": "Z999999"}}
    archive = tmp_path / "archive.jsonl"
    archive.write_text("\n".join([
        good[0],
        "{not json",
        json.dumps({"url": "https://a.house.gov/x"}),  # no title
        json.dumps(json.loads(good[1]) | {"date": "November 5"}),
        "",
        json.dumps(unknown),
        json.dumps(["a", "list"]),
        good[2],
    ]) + "\n")
    out, err = run_import(tmp_path / "presswatch.db", archive)
    assert f"{archive}:2: skipped: not valid JSON" in err
    assert f"{archive}:3: skipped: missing or empty 'title'" in err
    assert f"{archive}:4: skipped: date is not YYYY-MM-DD" in err
    assert f"{archive}:7: skipped: not a JSON object" in err
    assert f"skipped 1 lines of member Z999999 (first {archive}:6): not in the roster" in err
    assert out.startswith("imported 2 releases from 7 lines")
    assert rows(tmp_path / "presswatch.db", "SELECT count(*) AS n FROM releases")[0]["n"] == 2


def test_imported_releases_join_the_recheck_schedule(tmp_path: Path) -> None:
    line = real_lines()[0]
    archive = tmp_path / "a.jsonl"
    fresh = line | {"url": line["url"] + "-fresh", "date": "2026-06-19",
                    "collected_at": "2026-06-19T12:00:00Z"}
    old = line | {"date": "2024-11-01", "collected_at": "2024-11-02T00:00:00Z"}
    archive.write_text(json.dumps(fresh) + "\n" + json.dumps(old) + "\n")
    run_import(tmp_path / "presswatch.db", archive)
    db = open_db(tmp_path / "presswatch.db")
    known = {r["url"]: r for r in known_releases(db, [line["member"]["bioguide_id"]])}
    db.close()
    now = parse_timestamp("2026-06-21T06:00:00Z")
    assert is_due(known[canonical_url(fresh["url"])], now, SCHEDULE)  # 2 days old
    assert not is_due(known[canonical_url(old["url"])], now, SCHEDULE)  # past 180 days
    # 40 days old, last fetched (by the archive) 42 days ago: due for its weekly re-check.
    assert is_due(known[canonical_url(fresh["url"])], now + timedelta(days=40), SCHEDULE)


def test_first_crawl_of_an_imported_release_is_not_an_edit(tmp_path: Path) -> None:
    """Our extraction differs from the archive's text: a baseline, never an alerted edit."""
    db = open_db(tmp_path / "presswatch.db")
    upsert_members(db, corpus.MEMBERS)
    archive = tmp_path / "a.jsonl"
    archive.write_text(json.dumps({
        "url": corpus.WATER, "title": "Adams introduces the Clean Water Act",
        "date": "2026-06-18", "text": "Archive text.\n\nSecond paragraph.",
        "member": {"bioguide_id": "A000001"}}) + "\n")
    db.close()
    run_import(tmp_path / "presswatch.db", archive)
    db = open_db(tmp_path / "presswatch.db")
    corpus.crawl(db, corpus.DAY1, [corpus.release(
        corpus.WATER, "Adams introduces the Clean Water Act", ["Our own extraction."],
        "A000001", "2026-06-18")])
    db.close()
    changes = rows(tmp_path / "presswatch.db", "SELECT kind, alert FROM changes")
    assert changes == [{"kind": "new", "alert": 0}]
    versions = rows(tmp_path / "presswatch.db", "SELECT source FROM release_versions")
    assert [v["source"] for v in versions] == ["import", "crawl"]


def test_reprocess_skips_imported_versions(tmp_path: Path) -> None:
    """They have no stored page to re-read: not 900 failures."""
    run_import(tmp_path / "presswatch.db", RELEASES[0])
    result = CliRunner().invoke(main, ["reprocess", "--db", str(tmp_path / "presswatch.db")])
    assert result.exit_code == 0
    assert result.stdout.startswith("reprocessed 0 releases")


def test_parsing_in_a_second_process_stores_the_same(tmp_path: Path) -> None:
    dumps = []
    for parallel in (True, False):
        db = open_db(tmp_path / f"{parallel}.db")
        upsert_members(db, load_members(load_config(None)))
        summary = import_files(db, RELEASES, batch_size=100, parallel=parallel)
        db.close()
        dumps.append((summary.line(), summary.bad, dict(summary.unknown_members),
                      rows(tmp_path / f"{parallel}.db", "SELECT * FROM releases ORDER BY id"),
                      rows(tmp_path / f"{parallel}.db",
                           "SELECT * FROM release_versions ORDER BY id"),
                      rows(tmp_path / f"{parallel}.db",
                           "SELECT * FROM changes ORDER BY id")))
    assert dumps[0][3] and dumps[0] == dumps[1]


def test_search_index_matches_the_releases_after_an_import_in_batches(tmp_path: Path) -> None:
    """The import indexes each batch itself (its insert trigger dropped and put back inside
    the batch's transaction): the index must equal what the trigger would have written, and
    releases stored afterwards must still be indexed by the trigger."""
    db = open_db(tmp_path / "presswatch.db")
    upsert_members(db, load_members(load_config(None)) + corpus.MEMBERS)
    import_files(db, RELEASES, batch_size=100, parallel=False)
    corpus.crawl(db, corpus.DAY1, [corpus.release(
        corpus.WATER, "Adams introduces the Clean Water Act", ["Zyzzogeton habitat funding."],
        "A000001", "2026-06-18")])
    # rank 1: compare the index with the content of `releases`, row by row.
    db.conn.execute("INSERT INTO releases_fts (releases_fts, rank) VALUES ('integrity-check', 1)")
    assert db.conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'releases_ai'"
                           ).fetchone() == (1,)
    hashsize = db.conn.execute("SELECT v FROM releases_fts_config WHERE k = 'hashsize'"
                               ).fetchone()
    assert hashsize in (None, (1024 * 1024,))  # the import's 64 MB is not left behind
    (crawled,) = db.conn.execute("SELECT id FROM releases WHERE url = ?",
                                 (canonical_url(corpus.WATER),)).fetchone()
    assert db.conn.execute("SELECT rowid FROM releases_fts WHERE releases_fts MATCH "
                           "'zyzzogeton'").fetchall() == [(crawled,)]
    for release_id in (1, 150, crawled - 1):  # first batch, a middle one, the last
        (title,) = db.conn.execute("SELECT title FROM releases WHERE id = ?",
                                   (release_id,)).fetchone()
        phrase = '"' + title.replace('"', '""') + '"'
        found = [r for (r,) in db.conn.execute(
            "SELECT rowid FROM releases_fts WHERE releases_fts MATCH ?", (phrase,))]
        assert release_id in found
    db.close()


def test_same_text_under_another_url_is_a_duplicate_in_and_across_batches(
        tmp_path: Path) -> None:
    """A member's release published again under a second URL points at the first (no `new`
    change), whether the first is in the same batch or stored before; a duplicate of a
    duplicate points at the original; another member's copy is news of its own."""
    members = load_members(load_config(None))
    first, other = members[0].bioguide_id, members[1].bioguide_id
    text = "Washington, D.C. - A release read twice.\n\nIts second paragraph."

    def line(n: int, member: str, body: str = text) -> str:
        return json.dumps({"url": f"https://a.house.gov/r/{n}", "title": f"Release {n}",
                           "date": f"2026-01-0{n}", "text": body,
                           "member": {"bioguide_id": member}})

    archive = tmp_path / "archive.jsonl"
    archive.write_text("\n".join([line(1, first), line(2, first), line(3, other),
                                  line(4, first, "Something else."), line(5, first),
                                  line(6, other)]) + "\n")
    db = open_db(tmp_path / "presswatch.db")
    upsert_members(db, members)
    summary = import_files(db, [archive], batch_size=2, parallel=False)  # 1-2 | 3-4 | 5-6
    assert (summary.imported, summary.duplicates) == (6, 3)
    stored = {r["url"].rsplit("/", 1)[1]: r for r in
              rows(tmp_path / "presswatch.db", "SELECT id, url, duplicate_of FROM releases")}
    assert stored["2"]["duplicate_of"] == stored["1"]["id"]  # same batch
    assert stored["5"]["duplicate_of"] == stored["1"]["id"]  # stored two batches before
    assert stored["6"]["duplicate_of"] == stored["3"]["id"]  # the other member's original
    assert stored["1"]["duplicate_of"] is stored["3"]["duplicate_of"] is None
    assert stored["4"]["duplicate_of"] is None
    news = rows(tmp_path / "presswatch.db", "SELECT release_id FROM changes WHERE kind = 'new'")
    assert sorted(r["release_id"] for r in news) == sorted(
        stored[n]["id"] for n in ("1", "3", "4"))


def test_imported_rows_hold_what_a_crawl_would_store(tmp_path: Path) -> None:
    """import_row's shortcuts (word count from spaces, the paragraphs' JSON made once) give
    the values Article and to_json give."""
    from crawler.fingerprint import fingerprints
    from crawler.items import Article
    from storage.archive import import_row
    from storage.db import to_json

    lists = [[p for p in (d.get("text") or "").split("\n\n") if p.strip()]
             for d in real_lines()]
    lists += [[], ["one"], ["two words", "and three words"], ["\u201cquoted\u201d text"]]
    for n, paragraphs in enumerate(lists):
        paragraphs = [" ".join(p.split()) for p in paragraphs]
        article = Article(url=f"https://a.house.gov/r/{n}", title="T", published=None,
                          date_source=None, dateline=None, paragraphs=paragraphs)
        row = import_row("A000001", article, "2026-01-01T00:00:00Z")
        content, body = fingerprints(article)
        assert row.word_count == article.word_count
        assert row.paragraphs_json == to_json(paragraphs)
        assert row.body_text == article.body_text
        assert row.content_hash == content
        assert row.body_hash == (body if paragraphs else None)
