"""Raw HTML in a second SQLite file (config raw_database): writes go there, the main file
keeps a small row, and every reader of raw HTML works with either layout."""

from __future__ import annotations

import gzip
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

import storage
from crawler.article import EXTRACTOR_VERSION
from crawler.config import load_config, raw_database_path
from scheduler.cli import main
from storage.db import StorageError, open_db
from storage.releases import get_raw_html
from storage.runs import start_run
from tests import corpus
from tests.helpers import PAGES, rows

PAGE = (PAGES / "item_drupal.html").read_bytes()  # a real release page (Barry Moore, AL-01)


def save(db, url: str, raw: bytes) -> dict:
    item = corpus.release(url, "Adams on water", ["Clean water for rural towns."], "A000001",
                          "2026-06-18")
    item.raw_html = raw
    run_id = start_run(db, {}, corpus.DAY1)
    storage.save_release(db, item, run_id, corpus.DAY1, EXTRACTOR_VERSION)
    return storage.get_release(db, url)


def test_config_key_resolves_relative_to_the_config_file(tmp_path: Path) -> None:
    assert raw_database_path(load_config(None)) is None
    config = tmp_path / "config.yaml"
    config.write_text("raw_database: raw.db\n")
    assert raw_database_path(load_config(config)) == tmp_path / "raw.db"
    config.write_text('raw_database: ""\n')
    assert raw_database_path(load_config(config)) is None


def test_raw_html_goes_to_the_raw_file(tmp_path: Path) -> None:
    main_file, raw_file = tmp_path / "presswatch.db", tmp_path / "raw.db"
    db = open_db(main_file, raw_path=raw_file)
    storage.upsert_members(db, corpus.MEMBERS)
    release = save(db, corpus.WATER, PAGE)
    sha = rows(main_file, "SELECT raw_sha256 FROM release_versions")[0]["raw_sha256"]
    assert get_raw_html(db, sha) == PAGE
    db.close()
    (stub,) = rows(main_file, "SELECT sha256, length(html_gz) AS n, size FROM raw_pages")
    assert stub == {"sha256": sha, "n": 0, "size": len(PAGE)}
    (full,) = rows(raw_file, "SELECT sha256, html_gz, size FROM raw_pages")
    assert full["sha256"] == sha and gzip.decompress(full["html_gz"]) == PAGE
    assert release["current_version_id"] is not None
    # Without the raw file, reading the page is a clear error, not a silent "no page".
    db = open_db(main_file)
    with pytest.raises(StorageError, match="raw_database"):
        get_raw_html(db, sha)
    db.close()


def test_mixed_layout_reads_both(tmp_path: Path) -> None:
    """A file that got raw_database later: old pages in the main file, new ones in raw."""
    main_file, raw_file = tmp_path / "presswatch.db", tmp_path / "raw.db"
    db = open_db(main_file)
    storage.upsert_members(db, corpus.MEMBERS)
    save(db, corpus.WATER, PAGE)
    db.close()
    db = open_db(main_file, raw_path=raw_file)
    save(db, corpus.DROUGHT, PAGE + b"<!-- another page -->")
    shas = [r["raw_sha256"] for r in rows(main_file, "SELECT raw_sha256 FROM release_versions"
                                                     " ORDER BY id")]
    assert get_raw_html(db, shas[0]) == PAGE
    assert get_raw_html(db, shas[1]) == PAGE + b"<!-- another page -->"
    db.close()


@pytest.mark.parametrize("layout", ["one file", "two files"])
def test_reprocess_reads_raw_html_in_either_layout(tmp_path: Path, layout: str) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("database: presswatch.db\n"
                      + ("raw_database: raw.db\n" if layout == "two files" else ""))
    db = open_db(tmp_path / "presswatch.db",
                 raw_path=raw_database_path(load_config(config)))
    storage.upsert_members(db, corpus.MEMBERS)
    save(db, corpus.WATER, PAGE)
    db.close()
    result = CliRunner().invoke(main, ["reprocess", "--config", str(config)])
    assert result.exit_code == 0, result.output
    # The page was read and re-extracted (its real text differs from the stored one).
    assert result.stdout.startswith("reprocessed 1 releases: 1 re-extracted"), result.output
    assert (tmp_path / "raw.db").exists() == (layout == "two files")


def test_raw_file_that_is_not_sqlite_is_refused(tmp_path: Path) -> None:
    (tmp_path / "raw.db").write_text("not a database")
    with pytest.raises(StorageError, match="not a SQLite database"):
        open_db(tmp_path / "presswatch.db", raw_path=tmp_path / "raw.db")
    assert sqlite3.connect(tmp_path / "presswatch.db").execute(
        "SELECT count(*) FROM sqlite_master").fetchone()[0] > 0
