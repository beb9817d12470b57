"""Downloader middlewares: politeness (per-host slots, host groups, Crawl-delay), retries, and
a watch for a network that is down altogether."""

from __future__ import annotations

import asyncio
import email.utils
import logging
import time
from typing import Any

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
)
from scrapy.http import Response
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.response import response_status_message
from twisted.internet.error import ConnectError, DNSLookupError

HELD = "_presswatch_group"


class PolitenessMiddleware:
    """One download slot per host (host:port), shared limits for host groups, Crawl-delay.

    Scrapy keys slots by hostname alone; keying by netloc keeps two sites on one IP (or on
    one test server's ports) apart. A host group (e.g. every ``*.house.gov`` host, behind one
    CDN) holds all its hosts to a small total of requests in flight.
    """

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        groups: dict[str, int] = crawler.settings.getdict("PRESSWATCH_HOST_GROUPS")
        self.groups = {suffix.lower().lstrip("."): asyncio.Semaphore(int(limit))
                       for suffix, limit in groups.items() if int(limit) > 0}
        self.user_agent = crawler.settings["USER_AGENT"]
        crawler.signals.connect(self.robots_parsed, signal=signals.robots_parsed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PolitenessMiddleware:
        return cls(crawler)

    def group_of(self, request: Request) -> str | None:
        host = (urlparse_cached(request).hostname or "").lower()
        for suffix in self.groups:
            if host == suffix or host.endswith("." + suffix):
                return suffix
        return None

    async def process_request(self, request: Request) -> None:
        request.meta.setdefault("download_slot", urlparse_cached(request).netloc.lower())
        group = self.group_of(request)
        if group is None or request.meta.get(HELD):
            return
        await self.groups[group].acquire()
        request.meta[HELD] = group

    def release(self, request: Request) -> None:
        group = request.meta.pop(HELD, None)
        if group is not None:
            self.groups[group].release()

    def process_response(self, request: Request, response: Response) -> Response:
        self.release(request)
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        self.release(request)

    def robots_parsed(self, robotparser: Any, request: Request) -> None:
        """Apply robots.txt Crawl-delay, which Scrapy reads but does not enforce."""
        delay = robotparser.crawl_delay(self.user_agent)
        if not delay:
            return
        key = urlparse_cached(request).netloc.lower()
        downloader = self.crawler.engine.downloader
        slot = downloader.slots.get(key)
        if slot is not None:
            slot.delay = max(slot.delay, float(delay))
        downloader.per_slot_settings.setdefault(key, {})["delay"] = float(delay)


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retries, plus a growing wait between tries and respect for ``Retry-After``."""

    def __init__(self, settings: Any):
        super().__init__(settings)
        self.backoff = settings.getfloat("PRESSWATCH_RETRY_BACKOFF", 1.0)
        self.max_wait = settings.getfloat("PRESSWATCH_MAX_RETRY_AFTER", 120.0)

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        if request.meta.get("dont_retry") or response.status not in self.retry_http_codes:
            return response
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        await asyncio.sleep(self.wait_seconds(request, response))
        return retry

    async def process_exception(
        self, request: Request, exception: Exception
    ) -> Request | Response | None:
        if request.meta.get("dont_retry") or not isinstance(exception, self.exceptions_to_retry):
            return None
        retry = self._retry(request, exception)
        if retry is not None:
            await asyncio.sleep(self.wait_seconds(request, None))
        return retry

    def wait_seconds(self, request: Request, response: Response | None) -> float:
        tries = request.meta.get("retry_times", 0)
        wait = self.backoff * (2**tries)
        if response is not None and response.status in (429, 503):
            wait = max(wait, retry_after_seconds(response) or 0.0)
        return min(wait, self.max_wait)


def retry_after_seconds(response: Response) -> float | None:
    """``Retry-After`` as seconds: either a number or an HTTP date."""
    value = response.headers.get(b"Retry-After")
    if not value:
        return None
    text = value.decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


# Failures that say "this host could not be reached at all" (no DNS answer, no connection).
UNREACHABLE = (CannotResolveHostError, DownloadConnectionRefusedError, DownloadTimeoutError,
               ConnectError, DNSLookupError)
# When this many distinct hosts have been unreachable and none has answered, the network is
# down (offline laptop, DNS outage): stop and blame no member, instead of 537 errors.
NETWORK_DOWN_HOSTS = 24
NETWORK_DOWN_STAT = "presswatch/network_down"


class NetworkWatchMiddleware:
    """Stops the crawl early when the first hosts contacted are all unreachable.

    It sits next to the downloader, so it sees each host's first failure before any retry
    (robots.txt fetches included): with no network, the crawl ends in seconds, not after
    every retry of every member. The reason is left in the crawl stats for the pipeline
    (members become ``skipped``) and the process's exit status.
    """

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.answered: set[str] = set()
        self.unreachable: set[str] = set()
        self.closing: Any = None  # kept: an unreferenced task may never run

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> NetworkWatchMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        self.answered.add(urlparse_cached(request).netloc.lower())
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        if not isinstance(exception, UNREACHABLE) or self.answered:
            return
        self.unreachable.add(urlparse_cached(request).netloc.lower())
        stats = self.crawler.stats
        if len(self.unreachable) < NETWORK_DOWN_HOSTS or stats.get_value(NETWORK_DOWN_STAT):
            return
        reason = (f"network unreachable: the first {len(self.unreachable)} hosts contacted all "
                  "failed DNS lookup or connection; no member is counted as failed")
        stats.set_value(NETWORK_DOWN_STAT, reason)
        self.closing = deferred_from_coro(
            self.crawler.engine.close_spider_async(reason="network_unreachable"))
        self.closing.addErrback(lambda failure: logging.getLogger(__name__).error(
            "cannot stop the crawl: %s", failure.getErrorMessage()))
