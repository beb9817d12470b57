"""The crawl lock: one holder at a time, kept by a child that inherited it, gone with the
last process holding it (no PID involved)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from storage.lock import (
    CrawlBusy,
    acquire_crawl_lock,
    lock_path,
    record_lock_owner,
    release_crawl_lock,
)

SLEEPER = [sys.executable, "-c", "import time; time.sleep(60)"]


def test_second_holder_is_refused_with_the_owner(tmp_path):
    db = tmp_path / "pw.db"
    lock = acquire_crawl_lock(db)
    record_lock_owner(lock, 7, "2026-12-05T08:00:00Z")
    with pytest.raises(CrawlBusy) as refused:
        acquire_crawl_lock(db)
    message = str(refused.value)
    assert message.startswith("a crawl (run 7, since 2026-12-05T08:00:00Z, pid ")
    assert "\n" not in message
    release_crawl_lock(lock)
    again = acquire_crawl_lock(db)  # free again, and the old owner line is gone
    assert lock_path(db).read_text() == ""
    release_crawl_lock(again)


def test_a_child_that_inherited_the_lock_keeps_it_until_it_exits(tmp_path):
    db = tmp_path / "pw.db"
    lock = acquire_crawl_lock(db)
    child = subprocess.Popen(SLEEPER, pass_fds=(lock.fd,))
    try:
        release_crawl_lock(lock)  # the parent lets go (or dies) ...
        with pytest.raises(CrawlBusy):  # ... the orphan still holds the database
            acquire_crawl_lock(db)
    finally:
        child.kill()
        child.wait()
    release_crawl_lock(acquire_crawl_lock(db))  # the last holder is gone: free


def test_a_child_not_given_the_lock_does_not_hold_it(tmp_path):
    db = tmp_path / "pw.db"
    lock = acquire_crawl_lock(db)
    child = subprocess.Popen(SLEEPER)  # e.g. any other process the crawl starts
    try:
        release_crawl_lock(lock)
        release_crawl_lock(acquire_crawl_lock(db))
    finally:
        child.kill()
        child.wait()
