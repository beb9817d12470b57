"""Scrapy settings for a presswatch crawl, derived from the ``crawl:`` section of config.yaml."""

from __future__ import annotations

from typing import Any

# Statuses worth another try later; 403 is not among them (it means *blocked*, see spider).
RETRY_HTTP_CODES = [408, 429, 500, 502, 503, 504, 522, 524]

# Scrapy extensions a crawl needs: its stats and log counters. Everything else is off, by name
# and through EXTENSIONS_BASE, so an extension a Scrapy upgrade adds stays off too. The
# remote-control extension in particular runs Python sent over HTTP and leaves a token file
# in the user's home; telnet is a console into the process.
KEPT_EXTENSIONS = {
    "scrapy.extensions.corestats.CoreStats": 0,
    "scrapy.extensions.logcount.LogCount": 0,
}
OFF_EXTENSIONS = (
    "scrapy.extensions.telnet.TelnetConsole",
    "scrapy.extensions.remote_control.RemoteControl",
    "scrapy.extensions.memusage.MemoryUsage",
    "scrapy.extensions.memdebug.MemoryDebugger",
    "scrapy.extensions.closespider.CloseSpider",
    "scrapy.extensions.feedexport.FeedExporter",
    "scrapy.extensions.logstats.LogStats",
    "scrapy.extensions.spiderstate.SpiderState",
    "scrapy.extensions.throttle.AutoThrottle",
)


def scrapy_settings(crawl: dict[str, Any], log_level: str = "ERROR") -> dict[str, Any]:
    """The Scrapy settings for one crawl; ``crawl`` is config["crawl"]."""
    return {
        "BOT_NAME": "presswatch",
        "USER_AGENT": crawl["user_agent"],
        "ROBOTSTXT_OBEY": crawl["obey_robots_txt"],
        # One request at a time per host; the politeness middleware keys slots by host:port.
        "CONCURRENT_REQUESTS": crawl["concurrent_requests"],
        "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
        # Scrapy starts this many asyncio tasks for every callback's output; ours yield a few
        # items each and the pipeline is synchronous, so the default 100 is pure overhead.
        "CONCURRENT_ITEMS": 4,
        "DOWNLOAD_DELAY": crawl["delay_seconds"],
        "DOWNLOAD_TIMEOUT": crawl["timeout_seconds"],
        "DOWNLOAD_MAXSIZE": crawl["max_page_bytes"],
        "DOWNLOAD_WARNSIZE": min(crawl["max_page_bytes"], 4 * 1024 * 1024),
        "RETRY_ENABLED": True,
        "RETRY_TIMES": crawl["retries"],
        "RETRY_HTTP_CODES": RETRY_HTTP_CODES,
        # A site that stays down is reported in member_runs; the log need not shout about it.
        "RETRY_GIVE_UP_LOG_LEVEL": "WARNING",
        "PRESSWATCH_RETRY_BACKOFF": crawl["retry_backoff_seconds"],
        "PRESSWATCH_MAX_RETRY_AFTER": crawl["max_retry_after_seconds"],
        "PRESSWATCH_HOST_GROUPS": crawl["host_groups"],
        "REDIRECT_ENABLED": True,
        "REDIRECT_MAX_TIMES": 5,
        # Re-checks must reach the server: no HTTP cache, ever.
        "HTTPCACHE_ENABLED": False,
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "REMOTE_CONTROL_ENABLED": False,
        "MEMUSAGE_ENABLED": False,
        "LOG_LEVEL": log_level,
        "LOGSTATS_INTERVAL": 0,
        "DOWNLOADER_MIDDLEWARES": {
            # Before robots.txt (100) and everything else: a refused URL is never fetched.
            "crawler.middlewares.UrlPolicyMiddleware": 50,
            "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
            "crawler.middlewares.BackoffRetryMiddleware": 550,
            "crawler.middlewares.PolitenessMiddleware": 990,
            "crawler.middlewares.NetworkWatchMiddleware": 995,
        },
        "ITEM_PIPELINES": {"crawler.pipelines.StoragePipeline": 300},
        "EXTENSIONS_BASE": KEPT_EXTENSIONS,
        "EXTENSIONS": dict.fromkeys(OFF_EXTENSIONS),
    }
