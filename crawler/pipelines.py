"""Item pipeline: hand each normalized record to storage as soon as it exists.

It also keeps the run's heartbeat, and treats a write that could not be committed as a failure:
the member is marked ``error`` with the count of releases not saved, one line is logged (never
the page), and a database that cannot take writes at all (disk full, read-only, I/O error) stops
the crawl, which then exits with ``EXIT_STORAGE_FAILED``.
"""

from __future__ import annotations

import logging
import sqlite3
import sys
from typing import Any

from scrapy.crawler import Crawler
from twisted.internet import task

from crawler.article import EXTRACTOR_VERSION
from crawler.clock import now_iso
from crawler.items import (
    ListedItem,
    ListingSeenItem,
    MemberRunItem,
    ReleaseCheckItem,
    ReleaseItem,
    SiteChromeItem,
)
from crawler.lifeline import parent_gone, stop_self
from crawler.middlewares import NETWORK_DOWN_STAT
from storage.db import open_db
from storage.members import record_member_health, update_member_listing
from storage.releases import (
    mark_release_checked,
    mark_releases_listed,
    mark_releases_seen,
    record_release_gone,
    save_release,
)
from storage.runs import HEARTBEAT_SECONDS, beat, record_member_run
from storage.site_chrome import record_chrome

log = logging.getLogger("presswatch.storage")

# SQLite result codes after which no write will succeed for the rest of the run.
FATAL_WRITE_ERRORS = {
    sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CORRUPT,
    sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CANTOPEN,
}


class StoragePipeline:
    """Writes releases and per-member outcomes; every write is its own committed transaction,
    so a crash loses at most the page being processed."""

    def __init__(self, crawler: Crawler):
        settings = crawler.settings
        self.db_path: str = settings["PRESSWATCH_DB"]
        self.raw_path: str | None = settings.get("PRESSWATCH_RAW_DB") or None
        self.run_id: int = settings.getint("PRESSWATCH_RUN_ID")
        self.total: int = settings.getint("PRESSWATCH_MEMBER_COUNT")
        self.progress: bool = settings.getbool("PRESSWATCH_PROGRESS")
        self.parent_pid: int = settings.getint("PRESSWATCH_PARENT_PID")
        self.crawler = crawler
        self.done = 0
        self.new_by_member: dict[str, int] = {}
        self.not_saved: dict[str, int] = {}  # releases fetched but not committed, per member
        self.write_error: str | None = None  # the last reason a write failed
        self.db: Any = None
        self.heartbeat: task.LoopingCall | None = None
        # Failures reach members' health only at the end: if the network turns out to be
        # down, no member is blamed for it.
        self.failures: list[tuple[str, str]] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StoragePipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        self.db = open_db(self.db_path, raw_path=self.raw_path)
        self.heartbeat = task.LoopingCall(self.beat)
        self.heartbeat.start(HEARTBEAT_SECONDS, now=True)

    def close_spider(self) -> None:
        if self.heartbeat is not None and self.heartbeat.running:
            self.heartbeat.stop()
        down = self.crawler.stats.get_value(NETWORK_DOWN_STAT)
        if down:
            members = [m.bioguide_id for m in self.crawler.spider.members]
            self.guarded(self.skip_unreached, down, members)
        else:
            for bioguide_id, at in self.failures:
                self.guarded(record_member_health, self.db, bioguide_id, False, at)
        if self.db is not None:
            self.db.close()

    def beat(self) -> None:
        """Every few seconds: say the run is alive; stop if our parent process is gone."""
        if parent_gone(self.parent_pid):
            # Once only: a second SIGTERM (the kernel's parent-death signal may have been the
            # first) would make Scrapy skip its clean shutdown.
            if self.crawler.crawling:
                log.error("presswatch: the process that started this crawl is gone; stopping")
                stop_self()
            return
        self.guarded(beat, self.db, self.run_id, now_iso())

    def process_item(self, item: Any) -> Any:
        if isinstance(item, ReleaseItem):
            if not self.guarded(self.store_release, item):
                self.not_saved[item.bioguide_id] = self.not_saved.get(item.bioguide_id, 0) + 1
        elif isinstance(item, MemberRunItem):
            self.guarded(self.store_member_run, item)
        else:
            self.guarded(self.store_other, item)
        return item

    def guarded(self, write: Any, *args: Any) -> bool:
        """Run one write; on a database error log one line, and stop the crawl when no
        later write can succeed. True when the write was committed."""
        try:
            write(*args)
        except sqlite3.Error as exc:
            self.write_failed(write, args, exc)
            return False
        return True

    def write_failed(self, write: Any, args: tuple, exc: sqlite3.Error) -> None:
        self.write_error = str(exc)
        about = describe_item(args[0]) if args else ""
        log.error("presswatch: cannot write %s to the database: %s", about or write.__name__,
                  exc)
        if getattr(exc, "sqlite_errorcode", None) in FATAL_WRITE_ERRORS:
            if not self.crawler.stats.get_value("presswatch/storage_failed"):
                self.crawler.stats.set_value("presswatch/storage_failed", str(exc))
                if self.crawler.crawling:  # not when already stopping (see beat)
                    stop_self()

    def store_release(self, item: ReleaseItem) -> None:
        result = save_release(self.db, item, self.run_id, now_iso(), EXTRACTOR_VERSION)
        if result.is_new_release:
            self.new_by_member[item.bioguide_id] = self.new_by_member.get(item.bioguide_id, 0) + 1

    def store_other(self, item: Any) -> None:
        if isinstance(item, ReleaseCheckItem):
            self.store_check(item)
        elif isinstance(item, SiteChromeItem):
            record_chrome(self.db, item.host, item.learned, now_iso())
        elif isinstance(item, ListingSeenItem):
            mark_releases_seen(self.db, item.urls, now_iso(), self.run_id)
        elif isinstance(item, ListedItem):
            mark_releases_listed(self.db, item.bioguide_id, item.pages, self.run_id)

    def store_check(self, item: ReleaseCheckItem) -> None:
        if item.outcome == "gone":  # change detection decides, after the run, whether confirmed
            record_release_gone(self.db, item.release_id, now_iso(), self.run_id, item.http_status)
        else:
            mark_release_checked(self.db, item.url, now_iso(), self.run_id, etag=item.etag,
                                 last_modified=item.last_modified)

    def store_member_run(self, item: MemberRunItem) -> None:
        at = now_iso()
        new = self.new_by_member.get(item.bioguide_id, 0)
        fields = {k: v for k, v in vars(item).items() if k != "bioguide_id"}
        unsaved = self.not_saved.get(item.bioguide_id, 0)
        if unsaved:  # fetched fine, lost on the way to the disk: a failure, never "ok"
            fields.update(status="error", releases_not_saved=unsaved,
                          error=f"{unsaved} release(s) not saved: {self.write_error}")
            item.status, item.error = fields["status"], fields["error"]
        record_member_run(
            self.db, self.run_id, item.bioguide_id, releases_new=new, finished_at=at, **fields
        )
        if item.listing_url:
            update_member_listing(
                self.db, item.bioguide_id, item.listing_url, item.listing_found_by, item.template
            )
        if item.status == "ok":
            record_member_health(self.db, item.bioguide_id, True, at)
        elif item.status != "skipped":
            self.failures.append((item.bioguide_id, at))
        self.done += 1
        if self.progress:
            self.report(item, new)

    def skip_unreached(self, reason: str, bioguide_ids: list[str]) -> None:
        """The network was down: no member is blamed. Rows already written as errors, and
        members never reached, all become ``skipped``."""
        at = now_iso()
        for bioguide_id in bioguide_ids:
            record_member_run(self.db, self.run_id, bioguide_id, status="skipped", error=reason,
                              finished_at=at)

    def report(self, item: MemberRunItem, new: int) -> None:
        width = len(str(self.total))
        detail = f"{item.releases_found} releases ({new} new)"
        if item.status != "ok":
            detail = f"{detail}: {item.error}" if item.error else detail
        notes = extraction_notes(item)
        if notes:
            detail = f"{detail} [{notes}]"
        print(
            f"[{self.done:>{width}}/{self.total}] {item.bioguide_id} {item.status:<7} {detail}",
            file=sys.stderr,
            flush=True,
        )


def extraction_notes(item: MemberRunItem) -> str:
    """What a user should look at on this member's site: rows read without the template,
    rows without a date, short bodies, template/generic disagreements ("" when all is well)."""
    notes = []
    if item.parser == "generic":
        notes.append("listing read by the generic parser")
    for count, what in ((item.rows_undated, "rows undated"), (item.articles_short, "short bodies"),
                        (item.disagreements, "disagreements")):
        if count:
            notes.append(f"{count} {what}")
    return ", ".join(notes)


def describe_item(item: Any) -> str:
    """A few words naming an item for a log line (never its page)."""
    if isinstance(item, ReleaseItem):
        return f"release {item.article.url} ({item.bioguide_id})"
    if isinstance(item, MemberRunItem):
        return f"the outcome of member {item.bioguide_id}"
    if isinstance(item, ReleaseCheckItem):
        return f"the re-check of {item.url}"
    if isinstance(item, ListingSeenItem):
        return f"{len(item.urls)} listed release(s)"
    return ""
