"""``python -m crawler``: one crawl, then exit.

Twisted's reactor cannot be restarted, so every crawl runs in a process of its own; the CLI and
the scheduler both start crawls this way (see ``scheduler/jobs.py``). The crawl run row must
already exist: the parent creates it and closes it with the counts when this process ends.

This process dies with its parent (``crawler.lifeline``) and stops cleanly on SIGTERM / SIGINT
(Scrapy's shutdown: every stored release is its own committed transaction). Exit codes: 0 the
crawl ran (or was stopped on request), 2 bad config or roster, ``EXIT_STORAGE_FAILED`` the
database stopped taking writes, ``EXIT_NETWORK_DOWN`` no host could be reached.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from typing import Any

from scrapy.crawler import CrawlerProcess

from crawler.chrome import site_of
from crawler.clock import now, today
from crawler.config import ConfigError, load_config, raw_database_path
from crawler.lifeline import EXIT_NETWORK_DOWN, EXIT_STORAGE_FAILED, die_with_parent
from crawler.middlewares import NETWORK_DOWN_STAT
from crawler.recheck import is_due
from crawler.roster import Member, RosterError, load_members, same_site, select_members
from crawler.settings import scrapy_settings
from crawler.spiders.press import PressSpider
from storage.db import open_db
from storage.members import discovered_listings
from storage.releases import known_releases
from storage.site_chrome import load_site_chrome


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawler", description=__doc__)
    parser.add_argument("--config", help="config.yaml (defaults when omitted)")
    parser.add_argument("--db", required=True, help="SQLite database file")
    parser.add_argument("--run-id", type=int, required=True, help="crawl_runs.id to write to")
    parser.add_argument("--member", action="append", default=[], help="bioguide id (repeatable)")
    parser.add_argument("--pages", type=int, help="listing pages per member")
    parser.add_argument("--progress", action="store_true", help="a line per member on stderr")
    parser.add_argument("--log-level", default="ERROR")
    parser.add_argument("--parent-pid", type=int, default=0,
                        help="stop when this process (the one that started us) dies")
    args = parser.parse_args(argv)
    if args.parent_pid:
        die_with_parent(args.parent_pid)
    try:
        config = load_config(args.config)
        members = select_members(load_members(config), args.member)
    except (ConfigError, RosterError) as exc:
        print(f"presswatch: {exc}", file=sys.stderr)
        return 2
    crawl = config["crawl"]
    settings = scrapy_settings(crawl, args.log_level)
    settings.update(
        PRESSWATCH_DB=args.db,
        PRESSWATCH_RAW_DB=str(raw_database_path(config) or ""),
        PRESSWATCH_RUN_ID=args.run_id,
        PRESSWATCH_MEMBER_COUNT=len(members),
        PRESSWATCH_PROGRESS=args.progress,
        PRESSWATCH_PARENT_PID=args.parent_pid,
    )
    known = recheck_plan(args.db, members, crawl["recheck"])
    chrome = learned_chrome(args.db, members)
    settings["LOG_INSTALL_ROOT_HANDLER"] = True
    process = CrawlerProcess(settings)
    quiet_robots_errors(args.log_level)
    crawler = process.create_crawler(PressSpider)
    process.crawl(
        crawler,
        members=members,
        pages=args.pages or crawl["pages"],
        max_articles=crawl["max_articles_per_member"],
        today=today(),
        known=known,
        chrome=chrome,
        templates=templates_enabled(),
        max_links=crawl["max_links_per_listing"],
        member_budget=crawl["member_budget_seconds"],
        site_aliases=crawl["site_aliases"],
    )
    process.start()
    return exit_code(crawler)


def exit_code(crawler: Any) -> int:
    """Tell the parent, through the exit status, why a crawl ended early."""
    storage_failed = crawler.stats.get_value("presswatch/storage_failed")
    if storage_failed:
        print(f"presswatch: the database stopped taking writes: {storage_failed}",
              file=sys.stderr)
        return EXIT_STORAGE_FAILED
    if crawler.stats.get_value(NETWORK_DOWN_STAT):
        return EXIT_NETWORK_DOWN  # the parent says so in the run's summary
    return 0


def recheck_plan(
    db_path: str, members: list[Member], schedule: dict[str, int]
) -> list[dict[str, Any]]:
    """The known releases of these members, each marked ``due`` for a re-check or not.

    Also points members without a known press page at the one discovered on an earlier run,
    which saves a homepage fetch per run (a stale one is re-discovered when it fails).
    """
    db = open_db(db_path)
    try:
        known = known_releases(db, [m.bioguide_id for m in members])
        discovered = discovered_listings(db)
    finally:
        db.close()
    for member in members:
        listing = discovered.get(member.bioguide_id)
        if not member.press_url and listing and same_site(listing, member.homepage):
            member.press_url, member.press_url_source = listing, "discovered"
    moment = now()
    # A release "was listed" when the member's latest listing read to its end showed it.
    latest_listed: dict[str, int] = {}
    for release in known:
        if release["listed_run_id"]:
            member = release["bioguide_id"]
            latest_listed[member] = max(latest_listed.get(member, 0), release["listed_run_id"])
    for release in known:
        release["due"] = is_due(release, moment, schedule)
        release["was_listed"] = bool(release["listed_run_id"]) and (
            release["listed_run_id"] == latest_listed[release["bioguide_id"]])
        # A date the article page does not show must be handed back on a re-check.
        # ("archive": an imported release's date, from the archive's listing.)
        from_listing = release["date_source"] in ("listing", "feed", "archive")
        release["published_hint"] = release["published"] if from_listing else None
    return known


def learned_chrome(db_path: str, members: list[Member]) -> dict[str, frozenset[str]]:
    """What earlier crawls learned each member's site repeats on release pages."""
    hosts = [site_of(url) for m in members for url in (m.homepage, m.press_url) if url]
    db = open_db(db_path)
    try:
        return load_site_chrome(db, hosts)
    finally:
        db.close()


def templates_enabled() -> bool:
    """PRESSWATCH_NO_TEMPLATES=1 (a hidden switch, for tests such as the markup-mutation
    crawl) makes the crawl read listings and release pages without any family template."""
    return os.environ.get("PRESSWATCH_NO_TEMPLATES", "") in ("", "0")


def quiet_robots_errors(level: str) -> None:
    """An unreachable robots.txt is logged by Scrapy as an error with a traceback; the same
    failure reaches member_runs through the page request, so only verbose runs show it."""
    if level not in ("INFO", "DEBUG"):
        logging.getLogger("scrapy.downloadermiddlewares.robotstxt").setLevel(logging.CRITICAL)


if __name__ == "__main__":
    sys.exit(main())
