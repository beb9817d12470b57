"""Writes that fail are failures: a release that could not be committed (database locked past
the busy timeout, disk full) is counted against its member, logged in one line without the
page, and a database that cannot take writes at all stops the crawl as ``failed``."""

from __future__ import annotations

import logging
import os
import sqlite3
import subprocess
from pathlib import Path

import pytest
import yaml
from scrapy.utils.test import get_crawler

import crawler.pipelines as pipelines
import storage
from crawler.__main__ import exit_code
from crawler.items import MemberRunItem
from crawler.lifeline import EXIT_STORAGE_FAILED
from scheduler.jobs import outcome_of
from storage import open_db
from tests.helpers import PRESSWATCH, member, rows
from tests.test_storage import NOW, item

# Random text, so compression cannot make it fit: the page is ~100 KB on disk.
PAGE = (b"<html><body><p>the raw page, never logged</p><p>" + os.urandom(50_000).hex().encode()
        + b"</p></body></html>")


@pytest.fixture
def setup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    path = tmp_path / "pw.db"
    db = open_db(path)
    storage.upsert_members(db, [member("A000001")], now=NOW)
    run_id = storage.start_run(db, {}, NOW)
    db.close()
    stops: list[bool] = []
    monkeypatch.setattr(pipelines, "stop_self", lambda: stops.append(True))
    crawler = get_crawler(settings_dict={
        "PRESSWATCH_DB": str(path), "PRESSWATCH_RUN_ID": run_id, "PRESSWATCH_MEMBER_COUNT": 1,
    })
    crawler.crawling = True  # as during a crawl: a fatal write error stops it
    pipeline = pipelines.StoragePipeline(crawler)
    # A short busy timeout stands in for the default 10 s; the heartbeat is not started.
    pipeline.db = open_db(path, busy_timeout_ms=50)
    yield path, run_id, pipeline, stops, crawler
    pipeline.db.close()


def test_locked_database_marks_member_failed_and_counts_unsaved(setup, caplog):
    path, run_id, pipeline, stops, _ = setup
    blocker = sqlite3.connect(path)
    blocker.execute("BEGIN IMMEDIATE")  # another writer holds the lock past the busy timeout
    with caplog.at_level(logging.ERROR, logger="presswatch.storage"):
        for n in (1, 2):
            pipeline.process_item(item(f"https://a.house.gov/news/{n}", raw=PAGE))
    blocker.rollback()
    blocker.close()
    pipeline.process_item(MemberRunItem("A000001", status="ok", releases_found=2))
    run = rows(path, "SELECT * FROM member_runs WHERE run_id = ?", (run_id,))[0]
    assert run["status"] == "error"
    assert run["releases_not_saved"] == 2
    assert run["error"] == "2 release(s) not saved: database is locked"
    assert rows(path, "SELECT count(*) n FROM releases")[0]["n"] == 0
    failures = [r.getMessage() for r in caplog.records]
    assert len(failures) == 2 and all("\n" not in line for line in failures)
    assert failures[0].startswith("presswatch: cannot write release https://a.house.gov/news/1")
    assert not any("raw page" in line or "<html" in line for line in failures)
    assert stops == []  # a lock may clear: the crawl goes on


def test_full_disk_stops_the_crawl_as_failed(setup, caplog):
    path, run_id, pipeline, stops, crawler = setup
    pages = pipeline.db.conn.execute("PRAGMA page_count").fetchone()[0]
    pipeline.db.conn.execute(f"PRAGMA max_page_count = {pages}")  # the disk is full now
    with caplog.at_level(logging.ERROR, logger="presswatch.storage"):
        pipeline.process_item(item("https://a.house.gov/news/1", raw=PAGE))
        pipeline.process_item(item("https://a.house.gov/news/2", raw=PAGE))
    assert stops == [True]  # one clean stop (SIGTERM to ourselves), however many failures
    assert "full" in crawler.stats.get_value("presswatch/storage_failed")
    assert len(caplog.records) == 2
    assert exit_code(crawler) == EXIT_STORAGE_FAILED
    outcome = outcome_of(EXIT_STORAGE_FAILED, None)
    assert outcome.status == "failed" and "stopped taking writes" in outcome.error


def test_crawl_on_a_database_locked_by_another_writer_fails_in_one_line(tmp_path):
    """The parent's own writes (members, the run row) hit the lock: one line, exit 2, no
    traceback, no run left behind (SQLite's busy timeout, 10 s, is waited out first)."""
    path = tmp_path / "pw.db"
    open_db(path).close()
    config = tmp_path / "config.yaml"
    config.write_text(yaml.safe_dump({"database": "pw.db"}))
    blocker = sqlite3.connect(path, timeout=0)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        result = subprocess.run([PRESSWATCH, "crawl", "--config", str(config), "--member",
                                 "S000148"], capture_output=True, text=True, timeout=120)
    finally:
        blocker.rollback()
        blocker.close()
    assert result.returncode == 2
    assert result.stderr.startswith(f"presswatch: cannot write to database {path}: ")
    assert "locked" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert rows(path, "SELECT count(*) n FROM crawl_runs")[0]["n"] == 0
