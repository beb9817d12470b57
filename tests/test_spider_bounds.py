"""The spider's bounds and isolation, on responses built in memory (no network)."""

from __future__ import annotations

import asyncio

import pytest
from scrapy import Request
from scrapy.exceptions import DontCloseSpider
from scrapy.http import HtmlResponse

import crawler.spiders.press as press
from crawler.items import ListingSeenItem, MemberRunItem
from crawler.middlewares import UrlPolicyMiddleware
from crawler.spiders.press import PressSpider, looks_blocked, looks_javascript_only
from crawler.urlpolicy import SitePolicy
from simcongress.families import BLOCKED_PAGE
from tests.helpers import PAGES, member

HOME = "https://a000001.house.gov"
LISTING = HOME + "/media/press-releases"


def spider(**kwargs) -> PressSpider:
    m = member("A000001")
    m.press_url, m.press_url_source = LISTING, "config"
    s = PressSpider(members=[m], **kwargs)
    list(s.start_member(s.states.setdefault("A000001", press.MemberState(m))))
    return s


def listing_response(s: PressSpider, body: str, url: str = LISTING) -> HtmlResponse:
    request = Request(url, meta={"member": "A000001", "kind": "listing", "page": 1})
    return HtmlResponse(url, body=body.encode(), encoding="utf-8", request=request)


def huge_listing(links: int) -> str:
    rows = "".join(f'<li><a href="/media/press-releases/r{i}">Release {i} about water</a> '
                   f"<span>January 5, 2026</span></li>" for i in range(links))
    return f"<html><body><main><ul>{rows}</ul></main></body></html>"


def test_link_budget_and_article_cap_bound_a_huge_listing():
    s = spider(max_links=300, max_articles=20)
    out = list(s.parse_listing_page(listing_response(s, huge_listing(100_000))))
    requests = [o for o in out if isinstance(o, Request)]
    state = s.states["A000001"]
    assert len(requests) == 20
    assert state.deferred > 0 and state.deferred <= 300 - 20
    assert len(state.listed) <= 300
    assert any("only the first 300 are read" in n for n in state.notes)
    assert any("cap of 20 release pages reached" in n for n in state.notes)


def test_unknown_releases_come_before_due_rechecks_under_the_cap():
    s = spider(max_articles=2)
    state = s.states["A000001"]
    known_url = LISTING + "/r0"
    state.known[known_url] = {"id": 1, "url": known_url, "due": True, "fetched_urls": []}
    out = list(s.parse_listing_page(listing_response(s, huge_listing(3))))
    fetched = [o.url for o in out if isinstance(o, Request)]
    assert fetched == [LISTING + "/r1", LISTING + "/r2"]  # new first; r0 waits
    seen = [o for o in out if isinstance(o, ListingSeenItem)]
    assert seen and known_url in seen[0].urls  # still marked seen on the listing


def test_time_budget_stops_new_requests():
    s = spider(member_budget=60.0)
    state = s.states["A000001"]
    state.spent = 120.0  # a member whose site already took two minutes
    out = list(s.follow_listing(state, press.parse_listing(huge_listing(5), LISTING),
                                listing_response(s, huge_listing(5)), 1))
    assert not [o for o in out if isinstance(o, Request)]
    assert state.deferred == 5


def test_a_crashing_callback_is_that_members_error_and_it_still_reports(monkeypatch):
    s = spider()
    state = s.states["A000001"]

    def boom(*args, **kwargs):
        raise RuntimeError("parser exploded")

    monkeypatch.setattr(press, "rank_press_links", boom)
    request = Request(HOME, meta={"member": "A000001", "kind": "homepage"})
    response = HtmlResponse(HOME, body=b"<html></html>", encoding="utf-8", request=request)
    state.pending = 1
    out = list(s.parse_homepage(response))
    (result,) = [o for o in out if isinstance(o, MemberRunItem)]
    assert result.status == "error"
    assert result.error == f"cannot handle homepage {HOME}: RuntimeError: parser exploded"


def test_block_and_javascript_pages_are_recognized():
    assert looks_blocked(BLOCKED_PAGE.format(host="a.house.gov", path="press"))
    shell = ('<html><head><script src="/_next/static/app.js"></script></head>'
             '<body><div id="__next"></div></body></html>')
    assert looks_javascript_only(shell)
    for page in PAGES.glob("*.html"):  # real pages are neither
        text = page.read_text(encoding="utf-8", errors="replace")
        assert not looks_blocked(text), page.name
        assert not looks_javascript_only(text), page.name


def test_host_names_resolving_to_internal_addresses_are_refused():
    middleware = UrlPolicyMiddleware.__new__(UrlPolicyMiddleware)
    middleware.timeout, middleware.resolved = 5.0, {}
    refusal = asyncio.run(middleware.resolved_refusal("localhost", SitePolicy()))
    assert refusal == ("localhost resolves to an internal address "
                       "(not named in the roster or config)")
    named = SitePolicy(internal_allowed=frozenset({"localhost"}))
    assert asyncio.run(middleware.resolved_refusal("localhost", named)) is None


class FakeStats:
    def __init__(self, waiting: int = 0):
        self.values = {"presswatch/retries_waiting": waiting}

    def get_value(self, key, default=None):
        return self.values.get(key, default)


class FakeEngine:
    def __init__(self):
        self.crawled: list[Request] = []

    def crawl(self, request: Request) -> None:
        self.crawled.append(request)


def idle_spider(waiting: int) -> PressSpider:
    s = spider()
    s.crawler = type("Crawler", (), {"stats": FakeStats(waiting), "engine": FakeEngine()})()
    return s


def test_a_member_whose_requests_vanished_still_gets_its_row():
    s = idle_spider(waiting=0)
    state = s.states["A000001"]
    assert not state.reported and state.pending == 1  # its listing request never answered
    with pytest.raises(DontCloseSpider):
        s.idle()
    (flush,) = s.crawler.engine.crawled
    (result,) = list(s.flush(None))
    assert (result.bioguide_id, result.status) == ("A000001", "error")
    assert result.error == "the crawl ended before this member's pages all answered"
    s.idle()  # once only: the spider may close now
    assert len(s.crawler.engine.crawled) == 1 and flush.url == "data:,"


def test_members_waiting_for_a_retry_are_not_taken_for_lost():
    s = idle_spider(waiting=1)
    s.idle()
    assert s.crawler.engine.crawled == [] and not s.states["A000001"].reported


def test_time_budget_counts_the_sites_own_time():
    from twisted.internet.error import TimeoutError as InternetTimeoutError
    from twisted.python.failure import Failure

    s = spider(member_budget=10.0)
    s.download_timeout = 6.0
    state = s.states["A000001"]
    state.pending = 3
    for _ in range(2):  # two timeouts: 12 s of this site's time, over the 10 s budget
        request = Request(LISTING + "/x", meta={"member": "A000001", "kind": "release"})
        failure = Failure(InternetTimeoutError("took longer than 6.0 seconds"))
        failure.request = request
        list(s.failed(failure))
    assert state.spent == 12.0 and s.over_budget("A000001")
    assert state.articles_failed == 2
