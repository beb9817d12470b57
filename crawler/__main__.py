"""``python -m crawler``: one crawl, then exit.

Twisted's reactor cannot be restarted, so every crawl runs in a process of its own; the CLI and
the scheduler both start crawls this way (see ``scheduler/jobs.py``). The crawl run row must
already exist: the parent creates it and closes it with the counts when this process ends.
"""

from __future__ import annotations

import argparse
import sys

from scrapy.crawler import CrawlerProcess

from crawler.clock import today
from crawler.config import ConfigError, load_config
from crawler.roster import RosterError, load_members, select_members
from crawler.settings import scrapy_settings
from crawler.spiders.press import PressSpider


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawler", description=__doc__)
    parser.add_argument("--config", help="config.yaml (defaults when omitted)")
    parser.add_argument("--db", required=True, help="SQLite database file")
    parser.add_argument("--run-id", type=int, required=True, help="crawl_runs.id to write to")
    parser.add_argument("--member", action="append", default=[], help="bioguide id (repeatable)")
    parser.add_argument("--pages", type=int, help="listing pages per member")
    parser.add_argument("--progress", action="store_true", help="a line per member on stderr")
    parser.add_argument("--log-level", default="WARNING")
    args = parser.parse_args(argv)
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
        PRESSWATCH_RUN_ID=args.run_id,
        PRESSWATCH_MEMBER_COUNT=len(members),
        PRESSWATCH_PROGRESS=args.progress,
    )
    process = CrawlerProcess(settings, install_root_handler=True)
    process.crawl(
        PressSpider,
        members=members,
        pages=args.pages or crawl["pages"],
        max_articles=crawl["max_articles_per_member"],
        today=today(),
    )
    process.start()
    return 0


if __name__ == "__main__":
    sys.exit(main())
