"""The records that flow from parsers through the spider to storage."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ListingEntry:
    """One release as a listing page (or feed) shows it."""

    url: str  # absolute URL of the release page
    title: str | None = None
    published: str | None = None  # ISO YYYY-MM-DD, when the listing shows a usable date
    date_raw: str | None = None  # the date text as shown
    summary: str | None = None  # teaser text (feeds)


@dataclass
class Listing:
    """What one listing page or feed yielded."""

    family: str  # template family that parsed it (see crawler/templates.yaml)
    entries: list[ListingEntry] = field(default_factory=list)
    next_url: str | None = None  # the following page, when the page links one
    parser: str = "template"  # which parser's rows these are: "template" | "generic" | "feed"
    disagreement: bool = False  # template and generic parsers disagreed (the checked one won)


@dataclass
class Article:
    """A release page normalized to the fields presswatch stores and compares."""

    url: str  # canonical URL
    title: str
    published: str | None  # ISO YYYY-MM-DD
    date_source: str | None  # "listing" | "article-meta" | "article-text" | "feed"
    dateline: str | None  # e.g. "Washington, D.C."
    paragraphs: list[str] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)  # absolute URLs (PDFs etc.)
    parser: str = "template"  # which body won: "template" | "generic" | "trafilatura"
    disagreement: bool = False  # the template body was rejected or differed from the generic one
    stripped: list[str] = field(default_factory=list)  # chrome text removed, for debugging
    # Every line of the page (chrome elements aside) by masked-text key: what chrome learning
    # compares across a site's pages. Not part of the record.
    page_lines: dict[str, str] = field(default_factory=dict, repr=False, compare=False)
    # Body lines that are paragraphs beside the release's sentences: never learned chrome.
    own_lines: frozenset[str] = field(default_factory=frozenset, repr=False, compare=False)

    @property
    def body_text(self) -> str:
        return "\n\n".join(self.paragraphs)

    @property
    def word_count(self) -> int:
        return sum(len(p.split()) for p in self.paragraphs)


@dataclass
class ReleaseItem:
    """A fetched, normalized release, as the spider hands it to the pipeline."""

    bioguide_id: str
    article: Article
    fetched_url: str  # the URL actually requested (before canonicalization)
    listing_url: str | None
    family: str | None
    raw_html: bytes = b""
    http_status: int = 200
    etag: str | None = None
    last_modified: str | None = None


@dataclass
class MemberRunItem:
    """How one member's part of a crawl went; emitted once the member's last request is done."""

    bioguide_id: str
    status: str  # "ok" | "empty" | "blocked" | "error" | "skipped"
    listing_url: str | None = None
    listing_found_by: str | None = None  # "config" | "bundled" | "discovered" | "feed"
    template: str | None = None
    releases_found: int = 0
    pages_fetched: int = 0
    articles_failed: int = 0
    http_status: int | None = None
    error: str | None = None
    # How extraction went (issue 6): which parser produced the rows, and what looked doubtful.
    parser: str | None = None  # "template" | "generic" | "feed"
    rows_undated: int = 0  # listing rows without a usable date
    articles_short: int = 0  # release pages whose body came out under 25 words (or empty)
    disagreements: int = 0  # pages where template and generic parsers disagreed
    # The way to the listing when the homepage was asked, e.g.
    # "/old-press 404 → homepage → /news 404 → /media-center 10 rows" (None otherwise).
    discovery_path: str | None = None
    # Hardening (issue 8): what the URL policy refused, and what bounds left for a later run.
    urls_refused: int = 0  # requests refused: off-site / internal redirects, bad schemes
    articles_deferred: int = 0  # release pages left for a later run (article cap, time budget)


@dataclass
class ReleaseCheckItem:
    """A re-check of a known release that produced no content: unchanged (304) or gone."""

    release_id: int
    url: str
    outcome: str  # "not-modified" | "gone"
    http_status: int | None = None
    etag: str | None = None
    last_modified: str | None = None


@dataclass
class ListedItem:
    """Every release a member's listing pages showed in this run (canonical URL → page), sent
    once the listing was read to its end without error."""

    bioguide_id: str
    pages: dict[str, int] = field(default_factory=dict)


@dataclass
class SiteChromeItem:
    """What a member's crawl learned its site repeats on release pages (see crawler/chrome.py)."""

    host: str
    learned: dict[str, tuple[int, float, str]] = field(default_factory=dict)  # key → pages,
    # share of the crawl's pages, sample text


@dataclass
class ListingSeenItem:
    """Known releases a listing showed again without being fetched (not due for a re-check)."""

    urls: list[str] = field(default_factory=list)
