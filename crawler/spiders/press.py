"""The press spider: listing pages and feeds → release pages → normalized items.

One spider serves every site family; the family only changes which selectors the parsers use.
Each member is tracked until its last request is done, then one ``MemberRunItem`` says how it
went, so a broken site is reported in ``member_runs`` rather than passing as "nothing new".
"""

from __future__ import annotations

import re
import time
import zlib
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response
from twisted.internet.error import TimeoutError as InternetTimeoutError
from twisted.python.failure import Failure

from crawler.article import parse_article, strip_learned
from crawler.chrome import SiteLines, site_of
from crawler.discover import rank_press_links
from crawler.items import (
    Article,
    ListedItem,
    Listing,
    ListingEntry,
    ListingSeenItem,
    MemberRunItem,
    ReleaseCheckItem,
    ReleaseItem,
    SiteChromeItem,
)
from crawler.listing import parse_listing
from crawler.middlewares import INTERNAL, RETRIES_WAITING, OverBudget, Refused, RetryLater
from crawler.roster import Member
from crawler.sanitize import clean_article, clean_text
from crawler.urlpolicy import SitePolicy, UrlRefused, check_url, internal_hosts_named
from crawler.urls import canonical_url

# Statuses the callbacks decide about themselves (retries happen before they get here).
HANDLED_STATUSES = [304, 400, 401, 403, 404, 408, 410, 429, 500, 502, 503, 504, 522, 524]


@dataclass
class MemberState:
    member: Member
    listing_url: str | None = None
    found_by: str | None = None
    family: str | None = None
    status: str | None = None  # set on the first decisive outcome
    error: str | None = None
    http_status: int | None = None
    pending: int = 0
    pages_fetched: int = 0
    releases_found: int = 0
    articles_failed: int = 0
    # The extraction report (issue 6): which parser read the listing, and what looked doubtful.
    parser: str | None = None
    rows_undated: int = 0
    articles_short: int = 0
    disagreements: int = 0
    discovery_tried: bool = False
    candidates: list[str] = field(default_factory=list)  # homepage links not tried yet
    path: list[str] = field(default_factory=list)  # how the listing was looked for
    rechecks_sent: bool = False
    known: dict[str, dict[str, Any]] = field(default_factory=dict)  # canonical URL → release
    seen: set[str] = field(default_factory=set)  # release URLs requested or skipped
    listed: set[str] = field(default_factory=set)  # release URLs the listing pages showed
    listed_on: dict[str, int] = field(default_factory=dict)  # … and the page each was on
    listing_complete: bool = False  # every listing page of the run was read without error
    listing_pages: set[str] = field(default_factory=set)
    policy: SitePolicy = field(default_factory=SitePolicy)
    # Seconds this member's site has cost: its downloads' latency and the parsing of its
    # pages, not the time its requests wait in queues behind other sites (a host group of 440
    # House sites would spend any wall-clock budget in the queue alone).
    spent: float = 0.0
    fetches: int = 0  # release pages requested this run (the cap counts these)
    deferred: int = 0  # release pages left for a later run (cap or time budget)
    refused: list[str] = field(default_factory=list)  # URLs the URL policy refused, and why
    notes: list[str] = field(default_factory=list)  # bounds that cut this member's work short
    reported: bool = False  # its MemberRunItem has been emitted
    javascript: bool = False  # an empty listing page that builds its rows with JavaScript
    # Release pages held until the member's last one is in: chrome is learned from all of them
    # before any body is stored (each with the known release it re-checks, if any).
    fetched: list[tuple[ReleaseItem, dict[str, Any] | None]] = field(default_factory=list)
    lines: dict[str, SiteLines] = field(default_factory=dict)  # per site: lines seen, counted

    def fail(self, status: str, error: str, http_status: int | None = None) -> None:
        if self.status is None:
            self.status, self.error, self.http_status = status, error, http_status

    def result(self) -> MemberRunItem:
        # A listing that shows releases is healthy even when every one was already known.
        status = self.status or ("ok" if self.releases_found or self.listed else "empty")
        error = self.error
        if status == "empty" and error is None:
            error = f"no releases found on {self.listing_url} (family {self.family})"
            if self.javascript:
                error += ": the page builds its listing with JavaScript"
        if error is None and (self.notes or self.refused):
            error = "; ".join([*self.notes, *self.refused[:1]])  # a note for an ok member
        return MemberRunItem(
            bioguide_id=self.member.bioguide_id,
            status=status,
            listing_url=self.listing_url,
            listing_found_by=self.found_by,
            template=self.family,
            releases_found=max(self.releases_found, len(self.listed)),
            pages_fetched=self.pages_fetched,
            articles_failed=self.articles_failed,
            http_status=self.http_status,
            error=clean_text(error),
            parser=self.parser,
            rows_undated=self.rows_undated,
            articles_short=self.articles_short,
            disagreements=self.disagreements,
            discovery_path=" → ".join(self.path) if "homepage" in self.path else None,
            urls_refused=len(self.refused),
            articles_deferred=self.deferred,
        )


class PressSpider(scrapy.Spider):
    name = "press"

    def __init__(
        self,
        members: list[Member],
        pages: int = 1,
        max_articles: int = 0,
        today: date | None = None,
        known: list[dict[str, Any]] | None = None,
        chrome: dict[str, frozenset[str]] | None = None,
        templates: bool = True,
        max_links: int = 0,
        member_budget: float = 0.0,
        site_aliases: list[str] | None = None,
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        self.members = members
        self.max_links = max_links
        self.member_budget = member_budget
        self.site_aliases = site_aliases or []
        # robots.txt requests carry no member: any internal host a member names is allowed.
        self.shared_policy = SitePolicy(internal_allowed=internal_hosts_named(
            u for m in members for u in (m.homepage, m.press_url, m.rss_url)))
        self.flushed = False
        self.download_timeout = 0.0  # set from the crawler's settings (from_crawler)
        self.chrome = chrome or {}  # host → keys of paragraphs earlier crawls learned are chrome
        self.known: dict[str, dict[str, dict[str, Any]]] = {}
        for release in known or []:
            urls = self.known.setdefault(release["bioguide_id"], {})
            for alias in release.get("fetched_urls") or []:
                urls[canonical_url(alias)] = release
            urls[release["url"]] = release
        self.pages = pages
        self.max_articles = max_articles
        self.today = today or date.today()
        # False: listings are read without family templates (proves the generic path works).
        self.templates = templates
        self.states: dict[str, MemberState] = {}

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> PressSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.download_timeout = crawler.settings.getfloat("DOWNLOAD_TIMEOUT", 0.0)
        crawler.signals.connect(spider.idle, signal=signals.spider_idle)
        return spider

    async def start(self) -> AsyncIterator[Any]:
        for member in self.members:
            state = MemberState(member, known=self.known.get(member.bioguide_id, {}))
            self.states[member.bioguide_id] = state
            for item in self.start_member(state):
                yield item

    def start_member(self, state: MemberState) -> Iterator[Any]:
        """The member's first request, or its result when its URLs can't be crawled: one
        member's bad URL is that member's error, never the end of the crawl."""
        member = state.member
        try:
            press_url = checked(member.press_url, "press_url")
            try:
                homepage = checked(member.homepage, "homepage")
            except UrlRefused:
                if not press_url:
                    raise
                homepage = None  # only needed to discover a press page, which is configured
            urls = (homepage, press_url, member.rss_url)
            state.policy = SitePolicy.for_urls(
                urls, [*self.site_aliases, *member.site_aliases], internal_hosts_named(urls))
            member.homepage = homepage
            if press_url:
                state.found_by = member.press_url_source
                yield self.listing_request(state, press_url, page=1)
            elif homepage:
                yield self.homepage_request(state)
            else:
                state.fail("skipped", "no press page and no homepage known")
                yield from self.report(state)
        except UrlRefused as exc:
            state.fail("error", str(exc))
            yield from self.report(state)
        except Exception as exc:  # noqa: BLE001 - isolate the member, whatever went wrong
            state.fail("error", f"cannot start crawling: {type(exc).__name__}: {exc}")
            yield from self.report(state)

    def policy_for(self, bioguide_id: str | None) -> SitePolicy:
        state = self.states.get(bioguide_id or "")
        return state.policy if state else self.shared_policy

    def over_budget(self, bioguide_id: str) -> bool:
        state = self.states.get(bioguide_id)
        if not self.member_budget or state is None:
            return False
        return state.spent > self.member_budget

    # -- requests ---------------------------------------------------------------------------

    def request(self, state: MemberState, url: str, callback: Any, **meta: Any) -> scrapy.Request:
        state.pending += 1
        meta.update(
            member=state.member.bioguide_id,
            handle_httpstatus_list=HANDLED_STATUSES,
            # Set here too, not only in the politeness middleware: the scheduler's
            # downloader-aware queue balances hosts by this key before any middleware runs.
            download_slot=urlsplit(url).netloc.lower(),
        )
        return scrapy.Request(
            url, callback=callback, errback=self.failed, meta=meta, dont_filter=True
        )

    def listing_request(self, state: MemberState, url: str, page: int) -> scrapy.Request:
        if page == 1:
            state.listing_url = url
        state.listing_pages.add(url)
        return self.request(state, url, self.parse_listing_page, kind="listing", page=page)

    def release_request(
        self, state: MemberState, url: str, entry: ListingEntry, known: dict[str, Any] | None
    ) -> scrapy.Request:
        request = self.request(state, url, self.parse_release, kind="release", entry=entry)
        if known:  # a conditional re-check: a 304 costs the server and us almost nothing
            if known.get("etag"):
                request.headers["If-None-Match"] = known["etag"]
            if known.get("last_modified"):
                request.headers["If-Modified-Since"] = known["last_modified"]
        return request

    def rechecks(self, state: MemberState) -> Iterator[scrapy.Request]:
        """Due re-checks of known releases the listing did not show (once per member)."""
        if state.rechecks_sent:
            return
        state.rechecks_sent = True
        for url, known in state.known.items():
            if url != known["url"]:
                continue  # an alias: the release is listed under its canonical URL too
            aliases = {url, *(canonical_url(u) for u in known.get("fetched_urls") or [])}
            if known["due"] and not aliases & state.seen:
                state.seen.update(aliases)
                if not self.take_fetch(state):
                    state.deferred += 1
                    continue
                # The stored date stands in for the listing's, which this page is not on.
                entry = ListingEntry(url=url, published=known.get("published_hint"))
                yield self.release_request(state, url, entry, known)

    def dropped_rechecks(self, state: MemberState, last_page: int) -> Iterator[scrapy.Request]:
        """The listing was read to its end: re-check now every known release that the last
        complete listing showed within these pages and this one no longer does (taken down,
        or just pushed off by newer releases; a conditional re-check tells which)."""
        state.listing_complete = True
        for url, known in state.known.items():
            if url != known["url"] or not known.get("was_listed"):
                continue
            if (known.get("listed_page") or 1) > last_page:
                continue  # it was on a page this run did not read
            aliases = {url, *(canonical_url(u) for u in known.get("fetched_urls") or [])}
            if aliases & (state.listed | state.seen):
                continue
            state.seen.update(aliases)
            entry = ListingEntry(url=url, published=known.get("published_hint"))
            yield self.release_request(state, url, entry, known)

    def homepage_request(self, state: MemberState) -> scrapy.Request:
        state.discovery_tried = True
        return self.request(state, state.member.homepage, self.parse_homepage, kind="homepage")

    # -- callbacks ----------------------------------------------------------------------------
    # Each callback's work runs inside ``isolated``: whatever a page does to the parsers, the
    # exception becomes this member's error and the member's bookkeeping still completes.

    def parse_homepage(self, response: Response) -> Iterator[Any]:
        return self.isolated(response, self.homepage_page(response))

    def parse_listing_page(self, response: Response) -> Iterator[Any]:
        return self.isolated(response, self.listing_page(response))

    def parse_release(self, response: Response) -> Iterator[Any]:
        return self.isolated(response, self.release_page(response))

    def isolated(self, response: Response, work: Iterator[Any]) -> Iterator[Any]:
        state = self.state_of(response)
        state.pages_fetched += 1
        started = time.monotonic()
        try:
            yield from work
        except Exception as exc:  # noqa: BLE001 - one broken page must not stop the crawl
            kind = response.meta.get("kind")
            self.logger.warning("cannot handle %s %s: %r", kind, response.url, exc)
            if kind == "release":
                state.articles_failed += 1
            else:
                state.fail("error", f"cannot handle {kind} {response.url}: "
                                    f"{type(exc).__name__}: {exc}")
        state.spent += response.meta.get("download_latency", 0.0) + time.monotonic() - started
        yield from self.one_done(state)

    def homepage_page(self, response: Response) -> Iterator[Any]:
        state = self.state_of(response)
        state.path.append("homepage")
        if response.status == 403:
            state.fail("blocked", f"homepage {response.url} answered 403", 403)
        elif response.status != 200:
            state.fail("error", f"homepage {response.url} answered {response.status}",
                       response.status)
        else:
            tried = {canonical_url(u) for u in state.listing_pages}
            state.candidates = [u for u in rank_press_links(response.text, response.url)
                                if u not in tried]
            if state.candidates:
                yield self.next_candidate(state)
            else:
                state.fail("error", f"no press-release link found on homepage {response.url}")

    def listing_page(self, response: Response) -> Iterator[Any]:
        state = self.state_of(response)
        page = response.meta["page"]
        if page == 1 and (instead := self.instead_of(state, response, unusable(response))):
            yield instead
        elif response.status == 403:
            state.fail("blocked", f"listing {response.url} answered 403", 403)
        elif response.status != 200:
            if page == 1:
                state.fail("error", f"listing {response.url} answered {response.status}",
                           response.status)
                yield from self.rechecks(state)
        else:
            try:
                listing = self.parse_any_listing(response, state)
            except Exception as exc:  # one broken site must not stop the crawl
                state.fail("error", f"cannot parse listing {response.url}: {exc!r}")
                listing = None
            empty = "0 rows" if listing is not None and not listing.entries else ""
            if empty and looks_blocked(response.text):
                state.fail("blocked", f"listing {response.url} answered a block page",
                           response.status)
                yield from self.rechecks(state)
            elif page == 1 and empty and (instead := self.instead_of(state, response, empty)):
                yield instead
            else:
                if listing is not None:
                    if not listing.entries and looks_javascript_only(response.text):
                        state.javascript = True
                    yield from self.follow_listing(state, listing, response, page)
                yield from self.rechecks(state)

    def instead_of(
        self, state: MemberState, response: Response, problem: str
    ) -> scrapy.Request | None:
        """Discovery that does not give up: when the first listing page answers 404/410,
        redirects home or lists nothing (``problem``), the next ranked homepage candidate, or
        the homepage when it was not asked yet. None: go on with this page."""
        asked = (response.meta.get("redirect_urls") or [response.request.url])[0]
        where = short_url(asked)  # the URL tried, not where a redirect landed
        if not problem:
            return None
        if state.candidates:
            state.path.append(f"{where} {problem}")
            return self.next_candidate(state)
        if not state.discovery_tried and state.member.homepage:
            state.path.append(f"{where} {problem}")
            return self.homepage_request(state)
        return None

    def next_candidate(self, state: MemberState) -> scrapy.Request:
        state.found_by = "discovered"
        return self.listing_request(state, state.candidates.pop(0), page=1)

    def release_page(self, response: Response) -> Iterator[Any]:
        state = self.state_of(response)
        entry: ListingEntry = response.meta["entry"]
        known = state.known.get(canonical_url(response.request.url))
        if known and (response.status in (404, 410) or redirected_away(response, state)):
            yield ReleaseCheckItem(known["id"], known["url"], "gone", response.status)
        elif known and response.status == 304:
            yield ReleaseCheckItem(known["id"], known["url"], "not-modified", 304,
                                   header(response.headers, b"ETag"),
                                   header(response.headers, b"Last-Modified"))
        elif response.status != 200 or redirected_away(response, state):
            state.articles_failed += 1
            if response.status == 403:
                state.fail("blocked", f"release {response.url} answered 403", 403)
        else:
            item = self.release_item(state, response, entry)
            if item is None or blocked_page(item, response):
                state.articles_failed += 1  # a block page or broken page: health, not an edit
            else:
                hold(state, item, known)

    def failed(self, failure: Failure) -> Iterator[Any]:
        request = failure.request
        state = self.states[request.meta["member"]]
        if failure.check(RetryLater):
            return  # handed back for a later try: the request is not done yet
        reason = describe_failure(failure)
        kind = request.meta.get("kind")
        # A timed-out download cost the site's whole timeout; others their latency, if known.
        timed_out = failure.check(TimeoutError, InternetTimeoutError)
        state.spent += self.download_timeout if timed_out else request.meta.get(
            "download_latency", 0.0)
        if failure.check(OverBudget):
            state.deferred += 1
            note = f"time budget of {self.member_budget:g}s spent; the rest waits for a later run"
            if note not in state.notes:
                state.notes.append(note)
        elif failure.check(Refused):
            state.refused.append(f"refused: {reason}")
            if kind == "release":
                state.articles_failed += 1
            else:
                state.fail("error", f"{kind} refused: {reason}")
        elif kind == "release":
            state.articles_failed += 1
        else:
            state.fail("error", f"{kind} {request.url}: {reason}")
        yield from self.one_done(state)

    def idle(self) -> None:
        """Every member gets its result, even one whose last request vanished unanswered."""
        if self.flushed or all(s.reported for s in self.states.values()):
            return
        if self.crawler.stats.get_value(RETRIES_WAITING, 0):
            return  # those members' retries are still to come
        self.flushed = True
        request = scrapy.Request("data:,", callback=self.flush, dont_filter=True,
                                 meta={INTERNAL: True, "dont_obey_robotstxt": True})
        self.crawler.engine.crawl(request)
        raise DontCloseSpider

    def flush(self, response: Response) -> Iterator[MemberRunItem]:
        for state in self.states.values():
            if not state.reported:
                state.fail("error", "the crawl ended before this member's pages all answered")
                yield from self.release_items(state)
                yield from self.report(state)
        for member in self.members:  # members the start never reached
            if member.bioguide_id not in self.states:
                state = MemberState(member)
                self.states[member.bioguide_id] = state
                state.fail("error", "the crawl ended before this member was started")
                yield from self.report(state)

    # -- helpers ------------------------------------------------------------------------------

    def state_of(self, response: Response) -> MemberState:
        return self.states[response.meta["member"]]

    def one_done(self, state: MemberState) -> Iterator[Any]:
        state.pending -= 1
        if state.pending == 0:
            yield from self.release_items(state)
            if state.listing_complete and state.status is None and state.listed_on:
                yield ListedItem(state.member.bioguide_id, self.listed_pages(state))
            yield from self.report(state)

    def release_items(self, state: MemberState) -> Iterator[Any]:
        """The member's fetched releases, each without what its site repeats on most pages:
        learned from this crawl's pages, plus what earlier crawls learned (so a re-check of a
        single page reads it the same way)."""
        fetched, state.fetched = state.fetched, []
        by_host: dict[str, list[tuple[ReleaseItem, dict[str, Any] | None]]] = {}
        for item, known in fetched:
            by_host.setdefault(site_of(item.article.url), []).append((item, known))
        for host, group in by_host.items():
            learned = state.lines[host].learned()
            keys = self.chrome.get(host, frozenset()) | learned.keys()
            self.chrome[host] = frozenset(keys)
            if learned:
                yield SiteChromeItem(host, learned)
            for item, known in group:
                item.raw_html = zlib.decompress(item.raw_html)
                item.article = strip_learned(item.article, keys)
                note_article(state, item.article)
                if degraded(item, known):
                    state.articles_failed += 1  # a block or broken page: health, not an edit
                else:
                    state.releases_found += 1
                    yield item

    def report(self, state: MemberState) -> Iterator[MemberRunItem]:
        if not state.reported:
            state.reported = True
            yield state.result()

    @staticmethod
    def listed_pages(state: MemberState) -> dict[str, int]:
        """Listed URLs as stored (a listing may link an alias of the canonical URL)."""
        pages: dict[str, int] = {}
        for url, page in state.listed_on.items():
            known = state.known.get(url)
            pages.setdefault(known["url"] if known else url, page)
        return pages

    def take_fetch(self, state: MemberState) -> bool:
        """Whether one more release page fits this member's cap and time budget this run."""
        if self.over_budget(state.member.bioguide_id):
            return False
        if self.max_articles and state.fetches >= self.max_articles:
            note = f"cap of {self.max_articles} release pages reached; the rest waits"
            if note not in state.notes:
                state.notes.append(note)
            return False
        state.fetches += 1
        return True

    def parse_any_listing(self, response: Response, state: MemberState) -> Listing:
        """A listing page or feed: the family comes from the markup, the member's template
        is only a hint (so a redesigned site keeps working)."""
        return parse_listing(self.bounded_text(response), response.url, today=self.today,
                             hint=state.member.family_hint(), templates=self.templates)

    def bounded_text(self, response: Response) -> str:
        """The page, cut after a few times the link budget: parsing 100k links takes seconds
        and the budget would drop them anyway."""
        text = response.text
        if not self.max_links:
            return text
        for count, match in enumerate(LINK_START.finditer(text), start=1):
            if count > LINKS_PARSED_PER_BUDGET * self.max_links:
                return text[: match.start()]
        return text

    def follow_listing(
        self, state: MemberState, listing: Listing, response: Response, page: int
    ) -> Iterator[Any]:
        state.family = state.family or listing.family
        entries = listing.entries
        if self.max_links and len(entries) > self.max_links:
            state.notes.append(f"listing {response.url} shows {len(entries)} links; "
                               f"only the first {self.max_links} are read")
            entries = entries[: self.max_links]
        shown = [canonical_url(e.url) for e in entries]
        if page > 1 and not set(shown) - state.listed:
            # Paged past the end: the site looped back to page 1 or repeated itself.
            yield from self.dropped_rechecks(state, page - 1)
            return
        note_listing(state, listing)
        if page == 1:
            state.path.append(f"{short_url(response.request.url)} {len(listing.entries)} rows")
        state.listed.update(shown)
        for url in shown:
            state.listed_on.setdefault(url, page)
        new: list[tuple[ListingEntry, dict[str, Any] | None]] = []
        due: list[tuple[ListingEntry, dict[str, Any] | None]] = []
        seen_only: list[str] = []
        for entry in entries:
            url = canonical_url(entry.url)
            if url in state.seen:
                continue
            state.seen.add(url)
            if not (state.policy.on_site(url) or same_host(url, response.url)):
                continue
            known = state.known.get(url)
            if not known:
                new.append((entry, None))
                continue
            state.seen.add(known["url"])
            if known["due"]:
                due.append((entry, known))
            else:
                seen_only.append(known["url"])
        # Unknown releases first: under the cap, what is new matters most; the deferred ones
        # are still listed next run, and not known yet, so they come first again then.
        for entry, known in [*new, *due]:
            if self.take_fetch(state):
                yield self.release_request(state, entry.url, entry, known)
            else:
                state.deferred += 1
                if known:
                    seen_only.append(known["url"])
        if seen_only:
            yield ListingSeenItem(seen_only)
        next_url = listing.next_url
        if (page < self.pages and next_url and next_url not in state.listing_pages
                and not self.over_budget(state.member.bioguide_id)
                and (state.policy.on_site(next_url) or same_host(next_url, response.url))):
            yield self.listing_request(state, next_url, page=page + 1)
        else:
            yield from self.dropped_rechecks(state, page)

    def release_item(
        self, state: MemberState, response: Response, entry: ListingEntry
    ) -> ReleaseItem | None:
        try:
            article = parse_article(
                response.text, response.url, family=state.family, listing=entry,
                today=self.today, templates=self.templates,
            )
        except Exception as exc:  # a page we cannot read is a failed release, not a crash
            self.logger.warning("cannot parse release %s: %r", response.url, exc)
            return None
        article = clean_article(article)  # no terminal escapes or controls reach storage
        if not article.title or not article.paragraphs:
            note_article(state, article)
            return None  # a stored body is counted once its site's chrome is off it
        headers = response.headers
        return ReleaseItem(
            bioguide_id=state.member.bioguide_id,
            article=article,
            fetched_url=response.request.url,
            listing_url=state.listing_url,
            family=state.family,
            raw_html=response.body,
            http_status=response.status,
            etag=header(headers, b"ETag"),
            last_modified=header(headers, b"Last-Modified"),
        )


# A body this short is a heading, a teaser or a block page, never stored without a report.
SHORT_BODY_WORDS = 25


def note_listing(state: MemberState, listing: Listing) -> None:
    """Count what a listing page says about its own extraction (the member's report)."""
    state.parser = state.parser or listing.parser
    state.rows_undated += sum(1 for e in listing.entries if not e.published)
    state.disagreements += int(listing.disagreement)


def note_article(state: MemberState, article: Article) -> None:
    """Count a release page whose body came out short or empty, or whose parsers disagreed."""
    state.articles_short += int(article.word_count < SHORT_BODY_WORDS)
    state.disagreements += int(article.disagreement)


def unusable(response: Response) -> str:
    """Why a first listing page is no listing: gone (404/410) or redirected to the homepage
    ("" when it is usable)."""
    if response.status in (404, 410):
        return str(response.status)
    if response.meta.get("redirect_urls") and urlsplit(response.url).path in ("", "/"):
        return "redirected home"
    return ""


def short_url(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


# A CDN or bot wall answering 200: no listing rows and one of these phrases.
BLOCK_MARKERS = re.compile(
    r"access denied|request blocked|attention required|are you a robot|captcha|"
    r"reference&#32;&#35;|checking your browser|unusual traffic", re.I)
WRAPPED_FAILURE = re.compile(r"\[?<twisted\.python\.failure\.Failure [\w.]+: (.*?)>\]?")
LINK_START = re.compile(r"<a[\s>]", re.I)
LINKS_PARSED_PER_BUDGET = 3  # anchors kept per link in the budget (menus, pagers, chrome)


def describe_failure(failure: Failure) -> str:
    """One readable line: Twisted wraps connection errors in lists of further failures."""
    reasons = getattr(failure.value, "reasons", None)
    if reasons:
        inner = "; ".join(r.getErrorMessage() if isinstance(r, Failure) else str(r)
                          for r in reasons)
        return f"{failure.type.__name__}: {inner}"
    text = failure.getErrorMessage() or failure.type.__name__
    return WRAPPED_FAILURE.sub(r"\1", text)


JAVASCRIPT_APP = re.compile(
    r'id="__next"|id="__nuxt"|window\.__NUXT__|id="root"></div>|id="app"></div>|'
    r"<noscript>[^<]{0,200}javascript", re.I)


def looks_javascript_only(text: str) -> bool:
    """An app shell: the rows arrive later from a script, the HTML has none."""
    return bool(JAVASCRIPT_APP.search(text))


def looks_blocked(text: str) -> bool:
    return len(text) < 20_000 and bool(BLOCK_MARKERS.search(text))


def blocked_page(item: ReleaseItem, response: Response) -> bool:
    """A bot wall answering 200 where a release was expected: a few words, a block phrase."""
    return item.article.word_count < 60 and looks_blocked(response.text)


def checked(url: str | None, what: str) -> str | None:
    """A configured URL, or UrlRefused when it is not an http(s) URL."""
    return None if url is None else check_url(url, what)


def hold(state: MemberState, item: ReleaseItem, known: dict[str, Any] | None) -> None:
    """Keep a release until the member is done: its page's lines counted and forgotten, its
    raw bytes compressed (hundreds of members may be in flight at once)."""
    state.lines.setdefault(site_of(item.article.url), SiteLines()).add(item.article)
    item.article.page_lines = {}
    item.raw_html = zlib.compress(item.raw_html, 1)
    state.fetched.append((item, known))


def redirected_away(response: Response, state: MemberState) -> bool:
    """A release URL that now redirects to the homepage or the listing is not an article."""
    if not response.meta.get("redirect_urls"):
        return False
    landed = canonical_url(response.url)
    path = urlsplit(landed).path
    return path in ("", "/") or landed in {canonical_url(u) for u in state.listing_pages}


def degraded(item: ReleaseItem, known: dict[str, Any] | None) -> bool:
    """A near-empty body where a real one was before: a block or error page, not an edit."""
    if not known or not known.get("word_count"):
        return False
    return item.article.word_count < min(25, known["word_count"] // 2)


def same_host(url: str, *hosts_or_urls: str) -> bool:
    """Releases are followed only on the member's own site (not YouTube, not another office)."""
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    for other in hosts_or_urls:
        other_host = urlsplit(other).hostname if "/" in other else other
        if host == (other_host or "").removeprefix("www."):
            return True
    return False


def header(headers: Any, name: bytes) -> str | None:
    value = headers.get(name)
    return value.decode("latin-1") if value else None
