"""Item pipeline: hand each normalized record to storage as soon as it exists."""

from __future__ import annotations

import sys
from typing import Any

from scrapy.crawler import Crawler

from crawler.article import EXTRACTOR_VERSION
from crawler.clock import now_iso
from crawler.items import (
    ListingSeenItem,
    MemberRunItem,
    ReleaseCheckItem,
    ReleaseItem,
    SiteChromeItem,
)
from storage.db import open_db
from storage.members import record_member_health, update_member_listing
from storage.releases import (
    mark_release_checked,
    mark_releases_seen,
    record_release_gone,
    save_release,
)
from storage.runs import record_member_run
from storage.site_chrome import record_chrome


class StoragePipeline:
    """Writes releases and per-member outcomes; every write is its own committed transaction,
    so a crash loses at most the page being processed."""

    def __init__(self, crawler: Crawler):
        settings = crawler.settings
        self.db_path: str = settings["PRESSWATCH_DB"]
        self.run_id: int = settings.getint("PRESSWATCH_RUN_ID")
        self.total: int = settings.getint("PRESSWATCH_MEMBER_COUNT")
        self.progress: bool = settings.getbool("PRESSWATCH_PROGRESS")
        self.done = 0
        self.new_by_member: dict[str, int] = {}
        self.db: Any = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StoragePipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        self.db = open_db(self.db_path)

    def close_spider(self) -> None:
        if self.db is not None:
            self.db.close()

    def process_item(self, item: Any) -> Any:
        if isinstance(item, ReleaseItem):
            result = save_release(self.db, item, self.run_id, now_iso(), EXTRACTOR_VERSION)
            if result.is_new_release:
                self.new_by_member[item.bioguide_id] = (
                    self.new_by_member.get(item.bioguide_id, 0) + 1
                )
        elif isinstance(item, ReleaseCheckItem):
            self.store_check(item)
        elif isinstance(item, SiteChromeItem):
            record_chrome(self.db, item.host, item.learned, now_iso())
        elif isinstance(item, ListingSeenItem):
            mark_releases_seen(self.db, item.urls, now_iso(), self.run_id)
        elif isinstance(item, MemberRunItem):
            self.store_member_run(item)
        return item

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
        record_member_run(
            self.db, self.run_id, item.bioguide_id, releases_new=new, finished_at=at, **fields
        )
        if item.listing_url:
            update_member_listing(
                self.db, item.bioguide_id, item.listing_url, item.listing_found_by, item.template
            )
        if item.status != "skipped":
            record_member_health(self.db, item.bioguide_id, item.status == "ok", at)
        self.done += 1
        if self.progress:
            self.report(item, new)

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
