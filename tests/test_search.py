"""Full-text search: the FTS index and its triggers, ranking, filters, snippets, bad queries,
and the `presswatch search` command."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import storage
from scheduler.cli import main
from storage.search import SearchError, SearchFilters, search_releases
from tests import corpus
from tests.helpers import rows


@pytest.fixture
def db(tmp_path: Path):
    database = corpus.build(tmp_path / "presswatch.db")
    yield database
    database.close()


def urls(results: list[dict]) -> list[str]:
    return [r["url"] for r in results]


def test_ranking_puts_title_and_repeated_matches_first(db) -> None:
    # "water": in WATER's title and body, in DROUGHT's and FARM's body once each.
    found = urls(search_releases(db, "water"))
    assert found[0] == corpus.WATER
    assert set(found) >= {corpus.WATER, corpus.DROUGHT, corpus.FARM}
    scores = [r["score"] for r in search_releases(db, "water")]
    assert scores == sorted(scores)  # bm25: lower is better


def test_stemming_and_phrases(db) -> None:
    assert corpus.FARM in urls(search_releases(db, "farmer"))  # "farmers" / "farm"
    assert urls(search_releases(db, '"border security"')) == [corpus.BORDER]
    assert urls(search_releases(db, '"security border"')) == []


def test_snippet_marks_the_matched_words(db) -> None:
    (hit,) = search_releases(db, "agents", marks=("<<", ">>"))
    assert "<<agents>>" in hit["snippet"]
    assert hit["member_name"] == "Bob Brown" and hit["party"] == "Republican"


@pytest.mark.parametrize(("filters", "expected"), [
    (SearchFilters(member="a000001"), {corpus.WATER, corpus.DROUGHT}),
    (SearchFilters(chamber="senate"), set()),
    (SearchFilters(party="D"), {corpus.WATER, corpus.DROUGHT}),
    (SearchFilters(party="independent"), {corpus.FARM}),
    (SearchFilters(state="ny"), {corpus.FARM}),
    (SearchFilters(since="2026-06-11"), {corpus.WATER}),
    (SearchFilters(until="2026-06-10"), {corpus.DROUGHT, corpus.FARM}),
    (SearchFilters(since="2026-05-01", until="2026-06-10"), {corpus.DROUGHT, corpus.FARM}),
    (SearchFilters(kind="edited"), {corpus.WATER}),
    (SearchFilters(kind="new"), {corpus.WATER, corpus.DROUGHT, corpus.FARM}),
])
def test_every_filter(db, filters: SearchFilters, expected: set[str]) -> None:
    assert set(urls(search_releases(db, "water", filters))) == expected


def test_chamber_and_removed_filters(db) -> None:
    senate = search_releases(db, "grant OR border", SearchFilters(chamber="senate"))
    assert set(urls(senate)) == {corpus.BRIDGE, corpus.BORDER}
    removed = search_releases(db, "bridge", SearchFilters(kind="removed"))
    assert urls(removed) == [corpus.BRIDGE]
    assert removed[0]["status"] == "removed"


def test_rank_window_ranks_the_newest_matches(db) -> None:
    # "water" matches WATER (1, the best), DROUGHT (2) and FARM (4): a window of 2 ranks the
    # two newest matches (FARM, DROUGHT); no window ranks all three.
    assert urls(search_releases(db, "water", window=2)) == [corpus.DROUGHT, corpus.FARM]
    assert urls(search_releases(db, "water", window=None))[0] == corpus.WATER
    assert urls(search_releases(db, "water", window=3))[0] == corpus.WATER
    # Filters narrow the matches before the window: A000001's two newest are WATER, DROUGHT.
    assert set(urls(search_releases(db, "water", SearchFilters(member="A000001"), window=2))
               ) == {corpus.WATER, corpus.DROUGHT}


def test_index_follows_an_edit(db) -> None:
    # v1 said "clean water pipes"; the edit replaced the first paragraph.
    assert urls(search_releases(db, "lead pipes")) == [corpus.WATER]
    assert search_releases(db, '"clean water pipes"') == []
    assert search_releases(db, "drinking") != []


def test_index_follows_a_new_release_and_a_delete(db, tmp_path: Path) -> None:
    corpus.crawl(db, corpus.DAY3, [corpus.release(
        "https://c.house.gov/news/tractor", "Chu on tractors", ["Tractor repair rights."],
        "C000003", "2026-06-21")])
    assert urls(search_releases(db, "tractor")) == ["https://c.house.gov/news/tractor"]
    # Nothing in presswatch deletes releases, but the index must survive a user's DELETE.
    release_id = storage.get_release(db, "https://c.house.gov/news/tractor")["id"]
    with storage.transaction(db):
        db.conn.execute("PRAGMA defer_foreign_keys = ON")
        db.conn.execute("DELETE FROM changes WHERE release_id = ?", (release_id,))
        db.conn.execute("UPDATE releases SET current_version_id = NULL WHERE id = ?",
                        (release_id,))
        db.conn.execute("DELETE FROM release_versions WHERE release_id = ?", (release_id,))
        db.conn.execute("DELETE FROM releases WHERE id = ?", (release_id,))
    assert search_releases(db, "tractor") == []
    check = rows(tmp_path / "presswatch.db",
                 "INSERT INTO releases_fts (releases_fts) VALUES ('integrity-check')")
    assert check == []  # raises if the index and the table disagree


def test_bookkeeping_updates_do_not_touch_the_index(db, tmp_path: Path) -> None:
    storage.mark_releases_seen(db, [corpus.FARM], corpus.DAY3, 1)
    assert urls(search_releases(db, "conservation")) == [corpus.FARM]
    rows(tmp_path / "presswatch.db",
         "INSERT INTO releases_fts (releases_fts) VALUES ('integrity-check')")


@pytest.mark.parametrize("query", ['"unbalanced', "water AND", "covid-19", "NEAR(", "  "])
def test_bad_query_syntax_is_a_one_line_error(db, query: str) -> None:
    with pytest.raises(SearchError) as info:
        search_releases(db, query)
    assert "\n" not in str(info.value)


def test_search_command_formats(db, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    table = runner.invoke(main, ["search", "water", "--db", "presswatch.db", "--limit", "2"])
    assert table.exit_code == 0, table.output
    lines = table.output.splitlines()
    assert lines[0].split()[:3] == ["id", "published", "member"]
    assert len(lines) == 4 and corpus.WATER in lines[2]
    as_json = runner.invoke(main, ["search", "agents", "--db", "presswatch.db",
                                   "--format", "json", "--party", "R", "--chamber", "senate"])
    (hit,) = json.loads(as_json.output)
    assert hit["url"] == corpus.BORDER and "**agents**" in hit["snippet"]
    as_csv = runner.invoke(main, ["search", "water", "--db", "presswatch.db", "--format", "csv",
                                  "--state", "CA", "--since", "2026-06-11"])
    (only,) = list(csv.DictReader(io.StringIO(as_csv.output)))
    assert only["url"] == corpus.WATER and only["member_name"] == "Ann Adams"


def test_search_command_bad_query_and_unknown_member(db, tmp_path: Path) -> None:
    runner = CliRunner()
    bad = runner.invoke(main, ["search", '"water', "--db", str(tmp_path / "presswatch.db")])
    assert bad.exit_code == 2
    assert bad.output.count("\n") == 1 and "Traceback" not in bad.output
    assert "cannot search for" in bad.output
    nobody = runner.invoke(main, ["search", "water", "--db", str(tmp_path / "presswatch.db"),
                                  "--member", "Z999999"])
    assert nobody.exit_code == 2 and "no member" in nobody.output
