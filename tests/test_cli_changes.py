"""The `changes`, `history`, `diff` and `reprocess` commands, on a database built by storage."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import storage
from crawler.article import EXTRACTOR_VERSION
from crawler.items import Article, ReleaseItem
from scheduler.cli import main
from scheduler.diff import compare_records, render_text
from storage.changes import record_change
from tests.helpers import PAGES, member

EMPTY_PAGE = b"<html><body></body></html>"  # stored pages no extractor finds a release in
NOW = "2026-06-30T12:00:00Z"  # PRESSWATCH_NOW in every test
URL = "https://a.house.gov/news/water"
P1 = "WASHINGTON – Today Smith introduced the Clean Water Act of 2026."
P2 = "The bill would provide $1,000,000 to rural communities for new water pipes."
P3 = "Smith said the funding is long overdue."


def item(url: str, paragraphs: list[str], *, title: str = "Smith introduces Clean Water Act",
         bioguide_id: str = "A000001", raw: bytes = EMPTY_PAGE) -> ReleaseItem:
    article = Article(url=url, title=title, published="2026-06-01", date_source="article-meta",
                      dateline="Washington", paragraphs=paragraphs, attachments=[])
    return ReleaseItem(bioguide_id=bioguide_id, article=article, fetched_url=url,
                       listing_url=None, family=None, raw_html=raw)


def edit(db, old_version: int, new_version: int, release_id: int, run_id: int, at: str,
         old: list[str], new: list[str]) -> int:
    """Record an edit the way change detection will: summary and diffs from scheduler.diff."""
    result = compare_records({"paragraphs": old}, {"paragraphs": new})
    return record_change(
        db, release_id=release_id, kind="edited", detected_at=at, run_id=run_id,
        old_version_id=old_version, new_version_id=new_version,
        fields_changed=result.fields_changed, summary=result.summary, severity=result.severity,
        diff_text=render_text(result))


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict:
    """Release 1 (A000001): v1 on day 22, edited on day 29 (v2). Release 2 (B000002): new on
    day 22, removed on day 29. A config file points at the database."""
    monkeypatch.setenv("PRESSWATCH_NOW", NOW)
    path = tmp_path / "presswatch.db"
    db = storage.open_db(path)
    storage.upsert_members(db, [member("A000001"), member("B000002")], now=NOW)
    run1 = storage.start_run(db, {}, "2026-06-22T06:00:00Z")
    v1 = storage.save_release(db, item(URL, [P1, P2, P3]), run1, "2026-06-22T06:00:00Z", "1")
    b1 = storage.save_release(
        db, item("https://b.house.gov/1", ["Text <b>bold</b> & more."], bioguide_id="B000002",
                 title="Jones <script>alert(1)</script> & water"),
        run1, "2026-06-22T06:00:00Z", "1")
    new_a = record_change(db, release_id=v1.release_id, kind="new",
                          detected_at="2026-06-22T06:10:00Z", run_id=run1,
                          new_version_id=v1.version_id, summary="new release")
    new_b = record_change(db, release_id=b1.release_id, kind="new",
                          detected_at="2026-06-22T06:10:00Z", run_id=run1,
                          new_version_id=b1.version_id, summary="new release")
    run2 = storage.start_run(db, {}, "2026-06-29T06:00:00Z")
    p2_edited = P2.replace("$1,000,000", "$2,000,000")
    v2 = storage.save_release(db, item(URL, [P1, p2_edited, P3]), run2,
                              "2026-06-29T06:00:00Z", "1")
    edited = edit(db, v1.version_id, v2.version_id, v1.release_id, run2, "2026-06-29T06:10:00Z",
                  [P1, P2, P3], [P1, p2_edited, P3])
    removed = record_change(db, release_id=b1.release_id, kind="removed",
                            detected_at="2026-06-29T06:11:00Z", run_id=run2,
                            old_version_id=b1.version_id, summary="page answers 404")
    db.close()
    config = tmp_path / "config.yaml"
    config.write_text("database: presswatch.db\n")
    return {"path": path, "config": str(config), "release": v1.release_id,
            "other": b1.release_id, "ids": {"new_a": new_a, "new_b": new_b, "edited": edited,
                                            "removed": removed}}


def run(env: dict, *args: str) -> Result:
    return CliRunner().invoke(main, [args[0], "--config", env["config"], *args[1:]])


def ids_of_json(result: Result) -> list[int]:
    assert result.exit_code == 0, result.output
    return [row["id"] for row in json.loads(result.stdout)]


# --- changes -----------------------------------------------------------------------------------


def test_changes_table(env: dict) -> None:
    result = run(env, "changes")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["id", "detected_at", "kind", "severity", "bioguide_id",
                                "release_id", "title", "summary", "url"]
    assert [line.split()[0] for line in lines[2:]] == ["4", "3", "2", "1"]  # newest first
    assert "edited" in lines[3] and "minor" in lines[3] and URL in lines[3]
    assert "body: 1 paragraph changed, +1 / −1 words" in lines[3]


def test_changes_json_and_csv(env: dict) -> None:
    rows = json.loads(run(env, "changes", "--format", "json").stdout)
    edited = next(r for r in rows if r["kind"] == "edited")
    assert edited["fields_changed"] == ["body"]
    assert edited["member_name"] == "Member A000001" and edited["url"] == URL
    assert edited["old_version_id"] and edited["new_version_id"] and edited["alert"] == 1
    title = next(r for r in rows if r["kind"] == "removed")["title"]
    assert title == "Jones <script>alert(1)</script> & water"  # data, not markup: unchanged

    result = run(env, "changes", "--format", "csv")
    assert result.exit_code == 0
    table = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(table[0]) == ["id", "detected_at", "kind", "severity", "bioguide_id",
                              "release_id", "title", "summary", "url"]
    assert [r["kind"] for r in table] == ["removed", "edited", "new", "new"]
    assert table[0]["title"] == title


def test_changes_since_is_relative_to_the_pinned_clock(env: dict, monkeypatch) -> None:
    ids = env["ids"]
    assert ids_of_json(run(env, "changes", "--since", "7d", "--format", "json")) == [
        ids["removed"], ids["edited"]]  # NOW - 7d = 2026-06-23T12:00Z
    assert ids_of_json(run(env, "changes", "--since", "24h", "--format", "json")) == []
    assert len(ids_of_json(run(env, "changes", "--since", "2w", "--format", "json"))) == 4
    assert ids_of_json(run(env, "changes", "--since", "2026-06-29", "--format", "json")) == [
        ids["removed"], ids["edited"]]
    assert ids_of_json(run(env, "changes", "--since", "2026-06-29T06:11:00Z", "--format",
                           "json")) == [ids["removed"]]
    monkeypatch.setenv("PRESSWATCH_NOW", "2026-07-08T12:00:00Z")
    assert ids_of_json(run(env, "changes", "--since", "10d", "--format", "json")) == [
        ids["removed"], ids["edited"]]


@pytest.mark.parametrize("value", ["7x", "yesterday", "2026-13-01", "-3d", "99999999d"])
def test_changes_bad_since_is_one_line_exit_2(env: dict, value: str) -> None:
    result = run(env, "changes", "--since", value)
    assert result.exit_code == 2
    assert result.stderr.startswith("presswatch: cannot read --since")
    assert result.stderr.count("\n") == 1 and result.stdout == ""


def test_changes_kind_member_limit(env: dict) -> None:
    ids = env["ids"]
    assert ids_of_json(run(env, "changes", "--kind", "new", "--format", "json")) == [
        ids["new_b"], ids["new_a"]]
    assert ids_of_json(run(env, "changes", "--kind", "edited", "--kind", "removed",
                           "--format", "json")) == [ids["removed"], ids["edited"]]
    assert ids_of_json(run(env, "changes", "--member", "A000001", "--format", "json")) == [
        ids["edited"], ids["new_a"]]
    assert ids_of_json(run(env, "changes", "--limit", "1", "--format", "json")) == [
        ids["removed"]]
    assert ids_of_json(run(env, "changes", "--kind", "restored", "--format", "json")) == []
    assert run(env, "changes", "--kind", "restored").stdout == "no changes\n"
    unknown = run(env, "changes", "--member", "Z999999")
    assert unknown.exit_code == 2 and "no member 'Z999999'" in unknown.stderr


def test_changes_db_option_and_missing_database(env: dict, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["changes", "--db", str(env["path"]), "--format", "json"])
    assert len(json.loads(result.stdout)) == 4
    missing = tmp_path / "nope.db"
    result = CliRunner().invoke(main, ["changes", "--db", str(missing)])
    assert result.exit_code == 2 and "no such file" in result.stderr
    assert not missing.exists()  # reading never creates a database


# --- history -----------------------------------------------------------------------------------


def test_history_by_id(env: dict) -> None:
    result = run(env, "history", str(env["release"]))
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith(f"Release {env['release']}: Smith introduces Clean Water Act\n")
    assert f"URL:       {URL}" in out and "Member:    A000001 (Member A000001)" in out
    assert "Status:    active" in out
    rows = [line for line in out.splitlines() if line.lstrip()[:1].isdigit()]
    assert len(rows) == 2
    assert rows[0].split()[:5] == ["1", "2026-06-22T06:00:00Z", rows[0].split()[2], "1", "crawl"]
    assert "new: new release" in rows[0]
    assert "edited: body: 1 paragraph changed" in rows[1]


def test_history_by_url_canonicalizes(env: dict) -> None:
    messy = "http://A.house.gov/news/water?utm_source=twitter&fbclid=abc#top"
    result = run(env, "history", messy, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["release"]["id"] == env["release"] and data["release"]["url"] == URL
    assert [v["version"] for v in data["versions"]] == [1, 2]
    assert [v["source"] for v in data["versions"]] == ["crawl", "crawl"]
    assert [v["change"]["kind"] for v in data["versions"]] == ["new", "edited"]
    assert len(data["versions"][0]["content_hash"]) == 64


def test_history_shows_removals(env: dict) -> None:
    out = run(env, "history", str(env["other"])).stdout
    assert "Other changes:" in out and "removed  page answers 404" in out


@pytest.mark.parametrize("release", ["999", "https://a.house.gov/news/nope"])
def test_history_unknown_release(env: dict, release: str) -> None:
    result = run(env, "history", release)
    assert result.exit_code == 2
    assert result.stderr == f"presswatch: no release {release!r} in the database\n"


# --- diff --------------------------------------------------------------------------------------


def test_diff_default_is_previous_vs_current(env: dict) -> None:
    result = run(env, "diff", str(env["release"]))
    assert result.exit_code == 0, result.output
    assert "v1 (2026-06-22T06:00:00Z) → v2 (2026-06-29T06:00:00Z)" in result.stdout
    assert "$[-1,000,000-]{+2,000,000+}" in result.stdout
    assert P3 in result.stdout  # context around the changed paragraph


def test_diff_from_to_and_formats(env: dict) -> None:
    reverse = run(env, "diff", URL, "--from", "2", "--to", "1")
    assert "$[-2,000,000-]{+1,000,000+}" in reverse.stdout
    unified = run(env, "diff", URL, "--format", "unified").stdout
    assert f"-{P2}\n" in unified and "+The bill would provide $2,000,000" in unified
    assert unified.startswith("--- v1 2026-06-22T06:00:00Z\n+++ v2 2026-06-29T06:00:00Z\n")
    same = run(env, "diff", URL, "--from", "2", "--to", "2")
    assert same.exit_code == 0 and "have the same content" in same.stdout


def test_diff_html_escapes_scraped_text(env: dict, tmp_path: Path) -> None:
    db = storage.open_db(env["path"])
    run_id = storage.start_run(db, {}, NOW)
    storage.save_release(
        db, item("https://b.house.gov/1", ["Text <b>bold</b> & more.", "<img src=x onerror=1>"],
                 bioguide_id="B000002", title="Jones <script>alert(1)</script> & rivers"),
        run_id, NOW, "1")
    db.close()
    html = run(env, "diff", str(env["other"]), "--format", "html").stdout
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>" not in html
    assert "&lt;img src=x onerror=1&gt;" in html and "<img" not in html
    assert "&amp; more." in html and html.startswith("<div")


def test_diff_of_a_release_with_one_version(env: dict) -> None:
    result = run(env, "diff", str(env["other"]))
    assert result.exit_code == 0
    assert result.stdout == f"release {env['other']} has only one version: nothing to compare\n"


@pytest.mark.parametrize("args, message", [
    (["--to", "3"], "has no version 3 (it has 1, 2)"),
    (["--from", "7", "--to", "2"], "has no version 7"),
    (["--to", "1"], "version 1 is the first version"),
])
def test_diff_unknown_version(env: dict, args: list[str], message: str) -> None:
    result = run(env, "diff", str(env["release"]), *args)
    assert result.exit_code == 2 and message in result.stderr
    assert result.stderr.startswith("presswatch: ") and result.stderr.count("\n") == 1


def test_diff_unknown_release(env: dict) -> None:
    result = run(env, "diff", "https://x.house.gov/missing")
    assert result.exit_code == 2 and "no release" in result.stderr


# --- reprocess ---------------------------------------------------------------------------------


MOORE_URL = (
    "https://barrymoore.house.gov/media/press-releases/"
    "rep-barry-moore-introduces-legislation-relocate-federal-facilities-sanctuary"
)


def test_reprocess_command(env: dict) -> None:
    db = storage.open_db(env["path"])
    run_id = storage.start_run(db, {}, "2026-06-20T06:00:00Z")
    saved = storage.save_release(
        db, item(MOORE_URL, ["Share this:", "Old extraction."], title="Old",
                 raw=(PAGES / "item_drupal.html").read_bytes()),
        run_id, "2026-06-20T06:00:00Z", "0")
    db.close()
    result = run(env, "reprocess", "--member", "A000001", "--progress")
    assert result.exit_code == 0, result.output
    # Release 1's stored page yields no body: reported, its version left alone.
    assert result.stdout == "reprocessed 2 releases: 1 re-extracted, 0 unchanged, 1 failed\n"
    assert f"release {env['release']}: the current extractor finds no title" in result.stderr

    db = storage.open_db(env["path"])
    versions = storage.list_versions(db, saved.release_id)
    assert [(v["source"], v["extractor_version"]) for v in versions] == [
        ("crawl", "0"), ("reprocess", EXTRACTOR_VERSION)]
    assert db.conn.execute("SELECT count(*) FROM changes WHERE release_id = ?",
                           (saved.release_id,)).fetchone() == (0,)
    db.close()
    history = json.loads(run(env, "history", MOORE_URL, "--format", "json").stdout)
    assert [v["change"] for v in history["versions"]] == [None, None]
    note = run(env, "diff", MOORE_URL).stdout
    assert "note: extracted by different presswatch versions" in note

    again = run(env, "reprocess", "--member", "A000001")
    assert again.stdout == "reprocessed 2 releases: 0 re-extracted, 1 unchanged, 1 failed\n"
    assert run(env, "changes", "--format", "json").stdout.count('"id"') == 4


def test_reprocess_progress_and_unknown_member(env: dict, monkeypatch) -> None:
    monkeypatch.setattr("scheduler.reprocess.PROGRESS_EVERY", 1)
    result = run(env, "reprocess", "--progress")
    assert "reprocess: 1/2 releases\nreprocess: 2/2 releases\n" in result.stderr
    quiet = run(env, "reprocess", "--no-progress")
    assert "reprocess: 1/2" not in quiet.stderr
    unknown = run(env, "reprocess", "--member", "Z999999")
    assert unknown.exit_code == 2 and unknown.stderr == (
        "presswatch: no member Z999999 in the database\n")


def test_help_explains_every_option() -> None:
    for command in ("changes", "history", "diff", "reprocess"):
        result = CliRunner().invoke(main, [command, "--help"])
        assert result.exit_code == 0
        for option in main.commands[command].params:
            if isinstance(option, __import__("click").Option):
                assert option.help, f"{command} {option.name} has no help"
