"""Downloader middlewares: URL policy and budgets, politeness (per-host slots, host groups,
Crawl-delay), retries, and a watch for a network that is down altogether."""

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
    DontCloseSpider,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
)
from scrapy.http import Response
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.response import response_status_message
from twisted.internet.error import ConnectError, DNSLookupError

from crawler.urlpolicy import SitePolicy, is_internal_host, is_ip
from crawler.urls import is_congress_host

HELD = "_presswatch_group"
INTERNAL = "_presswatch_internal"  # meta flag of the spider's own data: requests
RETRIES_WAITING = "presswatch/retries_waiting"  # stats key: retries handed back, not yet due


class Refused(IgnoreRequest):
    """The URL policy refused a request (scheme, internal address, off-site redirect)."""


class OverBudget(IgnoreRequest):
    """The member's time budget is spent: the page waits for a later run."""


class RetryLater(IgnoreRequest):
    """The request was handed back to be retried later; its callback is still to come."""


class UrlPolicyMiddleware:
    """Refuses what crawler.urlpolicy forbids, for every request and every redirect hop, and
    a member's not-yet-fetched release pages once its time budget is spent.

    Redirects come back through here as new requests (with ``redirect_urls`` in meta), so an
    off-site or internal redirect target is refused before it is fetched. Host names are also
    resolved once: a public name pointing at an internal address is refused too.
    """

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.timeout = crawler.settings.getfloat("DOWNLOAD_TIMEOUT", 30.0)
        self.resolved: dict[str, bool] = {}  # host → resolves to an internal address

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> UrlPolicyMiddleware:
        return cls(crawler)

    async def process_request(self, request: Request) -> None:
        if request.meta.get(INTERNAL) and request.url.startswith("data:"):
            return
        spider: Any = self.crawler.spider
        member = request.meta.get("member")
        policy: SitePolicy = spider.policy_for(member)
        redirects = request.meta.get("redirect_urls") or []
        reason = policy.refusal(request.url, redirected_from=redirects[-1] if redirects else None)
        if reason is None:
            reason = await self.resolved_refusal(urlparse_cached(request).hostname or "", policy)
        if reason is not None:
            raise Refused(reason)
        if member and request.meta.get("kind") == "release" and spider.over_budget(member):
            raise OverBudget(f"{request.url}: the member's time budget is spent")

    async def resolved_refusal(self, host: str, policy: SitePolicy) -> str | None:
        host = host.lower().rstrip(".")
        # Congress's own domains are public by definition; not resolving them twice keeps a
        # crawl of 537 such sites (or an offline one) from waiting on extra DNS lookups.
        if not host or is_ip(host) or host in policy.internal_allowed or is_congress_host(host):
            return None
        if host not in self.resolved:
            self.resolved[host] = await self.resolves_internal(host)
        if self.resolved[host]:
            return f"{host} resolves to an internal address (not named in the roster or config)"
        return None

    async def resolves_internal(self, host: str) -> bool:
        loop = asyncio.get_running_loop()
        try:
            infos = await asyncio.wait_for(loop.getaddrinfo(host, None), self.timeout)
        except (TimeoutError, OSError):
            return False  # unresolvable: the download itself fails and says so
        return any(is_internal_host(str(info[4][0])) for info in infos)


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
    """Scrapy's retries, plus a growing wait between tries and respect for ``Retry-After``.

    The wait happens outside the downloader: sleeping here would hold one of the crawl's
    ``concurrent_requests`` slots, so twenty hosts answering 429 would stall every healthy
    site. The retry is instead handed back to the engine when its time comes (the original
    request ends with :class:`RetryLater`, which the spider does not count as done), and the
    spider is kept open while retries wait.
    """

    def __init__(self, settings: Any):
        super().__init__(settings)
        self.backoff = settings.getfloat("PRESSWATCH_RETRY_BACKOFF", 1.0)
        self.max_wait = settings.getfloat("PRESSWATCH_MAX_RETRY_AFTER", 120.0)
        self.crawler: Crawler | None = None
        self.waiting = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BackoffRetryMiddleware:
        middleware = cls(crawler.settings)
        middleware.crawler = crawler
        crawler.signals.connect(middleware.spider_idle, signal=signals.spider_idle)
        return middleware

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        if request.meta.get("dont_retry") or response.status not in self.retry_http_codes:
            return response
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        return await self.later(retry, self.wait_seconds(request, response))

    async def process_exception(
        self, request: Request, exception: Exception
    ) -> Request | Response | None:
        if request.meta.get("dont_retry") or not isinstance(exception, self.exceptions_to_retry):
            return None
        retry = self._retry(request, exception)
        if retry is None:
            return None
        return await self.later(retry, self.wait_seconds(request, None))

    async def later(self, retry: Request, wait: float) -> Request:
        if wait <= 0 or self.crawler is None:
            return retry
        if "member" not in retry.meta:
            # Not the spider's (robots.txt): nobody would take it back later, so wait here.
            await asyncio.sleep(wait)
            return retry
        self.count_waiting(+1)
        asyncio.get_running_loop().call_later(wait, self.resume, retry)
        raise RetryLater(f"{retry.url}: retry in {wait:.1f}s")

    def count_waiting(self, change: int) -> None:
        """Kept in the stats too: the spider must not take a waiting member for a lost one."""
        self.waiting += change
        if self.crawler is not None and self.crawler.stats is not None:
            self.crawler.stats.set_value(RETRIES_WAITING, self.waiting)

    def resume(self, retry: Request) -> None:
        self.count_waiting(-1)
        assert self.crawler is not None and self.crawler.engine is not None
        self.crawler.engine.crawl(retry)

    def spider_idle(self) -> None:
        if self.waiting:
            raise DontCloseSpider

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
