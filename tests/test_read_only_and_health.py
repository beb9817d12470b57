"""Read commands open the database read-only; `presswatch health`; output is terminal-safe."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

import storage
from crawler.items import Article, ReleaseItem
from scheduler.cli import main
from storage.changes import record_change
from tests.helpers import member

NOW = "2026-06-30T12:00:00Z"
ANSI = "\x1b[31mRED\x1b[0m"
OSC_TITLE = "\x1b]0;pwned window title\x07"
CLEAR = "\x1b[2J\x1b[H"
C1_CSI = "\x9b31m"
HOSTILE_TITLE = f"Smith {ANSI} {OSC_TITLE}<script>alert(1)</script> '; DROP TABLE releases; --"
HOSTILE_BODY = [f"WASHINGTON – {CLEAR}Smith said{C1_CSI} the bill \x07passed\x00.",
                "Robert'); DELETE FROM members; -- was quoted."]


def item(url: str, title: str, paragraphs: list[str], bioguide_id: str) -> ReleaseItem:
    article = Article(url=url, title=title, published="2026-06-20", date_source="article-meta",
                      dateline=None, paragraphs=paragraphs, attachments=[])
    return ReleaseItem(bioguide_id=bioguide_id, article=article, fetched_url=url,
                       listing_url=None, family="house-evo", raw_html=b"<html></html>")


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict:
    """A database as an older presswatch (before scraped text was cleaned) could have left it:
    escape sequences stored as they came. Members: A ok, B blocked, C error, D empty (JS)."""
    monkeypatch.setenv("PRESSWATCH_NOW", NOW)
    path = tmp_path / "data" / "presswatch.db"
    path.parent.mkdir()
    db = storage.open_db(path)
    storage.upsert_members(db, [member(m) for m in ("A000001", "B000002", "C000003",
                                                    "D000004", "E000005")], now=NOW)
    run = storage.start_run(db, {}, "2026-06-22T06:00:00Z")
    v1 = storage.save_release(db, item("https://a.house.gov/1", HOSTILE_TITLE, HOSTILE_BODY,
                                       "A000001"), run, "2026-06-22T06:00:00Z", "1")
    v2 = storage.save_release(db, item("https://a.house.gov/1", HOSTILE_TITLE,
                                       [*HOSTILE_BODY, f"More {OSC_TITLE}text."], "A000001"),
                              run, "2026-06-23T06:00:00Z", "1")
    record_change(db, release_id=v1.release_id, kind="new", detected_at="2026-06-22T06:10:00Z",
                  run_id=run, new_version_id=v1.version_id, summary=HOSTILE_TITLE)
    record_change(db, release_id=v1.release_id, kind="edited", detected_at="2026-06-23T06:10:00Z",
                  run_id=run, old_version_id=v1.version_id, new_version_id=v2.version_id,
                  summary=f"body: {ANSI}")
    outcomes = {"A000001": ("ok", None), "B000002": ("blocked", "listing answered 403"),
                "C000003": ("error", f"listing timed out {ANSI}"),
                "D000004": ("empty", "no releases found on x: the page builds its listing "
                                     "with JavaScript")}
    for bioguide, (status, error) in outcomes.items():
        storage.record_member_run(db, run, bioguide, status=status, error=error,
                                  template="house-evo", parser="template")
        storage.record_member_health(db, bioguide, status == "ok", "2026-06-22T06:20:00Z")
    storage.finish_run(db, run, "completed", "2026-06-22T06:30:00Z")
    db.close()
    config = tmp_path / "config.yaml"
    config.write_text("database: data/presswatch.db\n")
    return {"path": path, "config": str(config), "release": v1.release_id}


def run(env: dict, *args: str):
    return CliRunner().invoke(main, [args[0], "--config", env["config"], *args[1:]])


READ_COMMANDS = [
    ("changes",), ("changes", "--format", "csv"), ("changes", "--format", "json"),
    ("history", "1"), ("history", "1", "--format", "json"),
    ("diff", "1"), ("diff", "1", "--format", "html"), ("diff", "1", "--format", "unified"),
    ("health",), ("health", "--format", "json"),
]


def assert_terminal_safe(text: str) -> None:
    assert "\x1b" not in text and "\x9b" not in text and "\x07" not in text
    assert not any(ord(c) < 32 and c not in "\n\t" for c in text)
    assert "pwned window title" not in text or "]0;" not in text


@pytest.mark.parametrize("args", READ_COMMANDS, ids=" ".join)
def test_read_output_is_terminal_and_html_safe(env, args):
    result = run(env, *args)
    assert result.exit_code == 0, result.output
    assert_terminal_safe(result.output)
    if "html" in args:
        assert "<script>" not in result.output


def test_sql_ish_and_markup_text_is_kept_as_text(env):
    result = run(env, "history", "1", "--format", "json")
    title = json.loads(result.output)["release"]["title"]
    assert "'; DROP TABLE releases; --" in title and "<script>alert(1)</script>" in title
    assert "RED" in title  # the words stay; only the escape sequences go
    assert run(env, "health").exit_code == 0  # the tables are all still there


def test_read_commands_open_read_only(env):
    path: Path = env["path"]
    before = (path.stat().st_mtime_ns, path.stat().st_size, path.read_bytes())
    for args in READ_COMMANDS:
        assert run(env, *args).exit_code == 0, args
    assert (path.stat().st_mtime_ns, path.stat().st_size, path.read_bytes()) == before
    assert not Path(f"{path}-wal").exists() or Path(f"{path}-wal").stat().st_size == 0


def test_read_only_file_and_directory(env):
    path: Path = env["path"]
    path.chmod(0o444)
    path.parent.chmod(0o555)
    try:
        for args in READ_COMMANDS:
            result = run(env, *args)
            assert result.exit_code == 0, (args, result.output)
    finally:
        path.parent.chmod(0o755)
        path.chmod(0o644)


def test_missing_database_is_a_one_line_error(tmp_path):
    config = tmp_path / "config.yaml"
    config.write_text("database: nope.db\n")
    result = CliRunner().invoke(main, ["health", "--config", str(config)])
    assert result.exit_code == 2
    assert "no such file" in result.output
    assert not (tmp_path / "nope.db").exists()


def test_health_verdicts(env):
    result = run(env, "health", "--format", "json")
    rows = {r["bioguide_id"]: r for r in json.loads(result.output)}
    assert {b: r["verdict"] for b, r in rows.items()} == {
        "A000001": "ok", "B000002": "blocked", "C000003": "broken",
        "D000004": "javascript-only", "E000005": "stale"}
    a = rows["A000001"]
    assert (a["last_status"], a["consecutive_failures"], a["releases_30d"]) == ("ok", 0, 1)
    assert a["last_success_at"] == "2026-06-22T06:20:00Z"
    assert (a["family"], a["parser"]) == ("house-evo", "template")
    assert rows["C000003"]["consecutive_failures"] == 1
    table = run(env, "health").output
    assert table.splitlines()[0].split()[:3] == ["bioguide_id", "verdict", "last_status"]


def test_health_stale_when_nothing_new_for_long(env, monkeypatch):
    monkeypatch.setenv("PRESSWATCH_NOW", "2026-10-30T12:00:00Z")
    rows = json.loads(run(env, "health", "--format", "json", "--member", "A000001").output)
    assert [(r["verdict"], r["releases_30d"]) for r in rows] == [("stale", 0)]


def test_health_unknown_member(env):
    result = run(env, "health", "--member", "Z000000")
    assert result.exit_code == 2 and "no member 'Z000000'" in result.output


@pytest.mark.skipif(os.geteuid() != 0, reason="checks the root case only")
def test_root_can_still_not_write_through_a_reader(env):
    """As root, chmod protects nothing: read-only must come from SQLite's mode=ro itself."""
    db = storage.open_db_read_only(env["path"]) if hasattr(storage, "open_db_read_only") \
        else __import__("storage.db", fromlist=["x"]).open_db_read_only(env["path"])
    with pytest.raises(Exception, match="readonly"):
        db.execute("DELETE FROM releases")
    db.close()
