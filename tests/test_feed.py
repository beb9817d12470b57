"""`presswatch feed`: a valid Atom feed of recent changes, read back with feedparser."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner

from scheduler.cli import main
from scheduler.feed import build_feed
from tests import corpus
from tests.helpers import rows


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    path = tmp_path / "presswatch.db"
    corpus.build(path).close()
    return path


def feed_of(db_path: Path, *args: str) -> feedparser.FeedParserDict:
    result = CliRunner().invoke(main, ["feed", "--db", str(db_path), *args])
    assert result.exit_code == 0, result.output
    parsed = feedparser.parse(result.stdout_bytes)
    assert not parsed.bozo, parsed.get("bozo_exception")  # well-formed XML
    assert parsed.version == "atom10"
    return parsed


def test_feed_has_every_change_with_ids_updated_and_links(db_path: Path) -> None:
    parsed = feed_of(db_path, "--self-url", "https://example.org/changes.atom")
    changes = rows(db_path, "SELECT c.id, c.kind, c.detected_at, r.url, r.title FROM changes c"
                            " JOIN releases r ON r.id = c.release_id"
                            " ORDER BY c.detected_at DESC, c.id DESC")
    assert len(parsed.entries) == len(changes) == 7  # 5 new, 1 edited, 1 removed
    assert parsed.feed.id == "urn:presswatch:feed:changes"
    assert parsed.feed.updated == changes[0]["detected_at"].replace("Z", "+00:00")
    assert any(link.rel == "self" and link.href == "https://example.org/changes.atom"
               for link in parsed.feed.links)
    ids = [entry.id for entry in parsed.entries]
    assert ids == [f"urn:presswatch:change:{c['id']}" for c in changes]
    assert len(set(ids)) == len(ids)
    for entry, change in zip(parsed.entries, changes, strict=True):
        assert entry.link == change["url"]
        assert entry.updated_parsed is not None
        assert entry.updated.startswith(change["detected_at"][:19])
        assert change["title"] in entry.title
        assert entry.author
    edited = next(e for e in parsed.entries if e.title.startswith("Edited"))
    assert "body" in edited.summary and "drinking" in edited.content[0].value
    removed = next(e for e in parsed.entries if e.title.startswith("Removed"))
    assert corpus.BRIDGE in removed.summary


def test_feed_filters_and_output_file(db_path: Path, tmp_path: Path) -> None:
    parsed = feed_of(db_path, "--kind", "edited", "--kind", "removed")
    assert sorted(e.title.split(":")[0] for e in parsed.entries) == ["Edited", "Removed"]
    assert parsed.feed.id == "urn:presswatch:feed:changes:edited:removed"
    member = feed_of(db_path, "--member", "b000002", "--limit", "2")
    assert len(member.entries) == 2 and all("Bob Brown" in e.title for e in member.entries)
    out = tmp_path / "feed.atom"
    result = CliRunner().invoke(main, ["feed", "--db", str(db_path), "--output", str(out)])
    assert result.exit_code == 0 and result.stdout == ""
    assert len(feedparser.parse(out.read_bytes()).entries) == 7


def test_imported_history_stays_out_of_the_feed(db_path: Path) -> None:
    with_import = rows(db_path, "SELECT count(*) AS n FROM changes")[0]["n"]

    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE changes SET imported = 1 WHERE kind = 'new'")
    conn.commit()
    conn.close()
    assert len(feed_of(db_path).entries) == with_import - 5


def test_control_characters_in_scraped_text_do_not_break_the_feed() -> None:
    change = {"id": 1, "kind": "new", "detected_at": "2026-06-20T06:00:00Z",
              "summary": "Bad\x0bbytes\x00here", "severity": None, "diff_html": None,
              "release_id": 1, "bioguide_id": "A000001", "member_name": "Ann\x1b[31m Adams",
              "party": "Democrat", "state": "CA", "title": "Title\x07 with a bell",
              "url": "https://a.house.gov/x", "published": "2026-06-19"}
    parsed = feedparser.parse(build_feed([change]))
    assert not parsed.bozo
    assert parsed.entries[0].title == "New: Title with a bell (Ann[31m Adams)"
