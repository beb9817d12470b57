"""``presswatch reprocess``: re-extract stored raw HTML with the current extractor.

Only each release's *current* version is re-extracted (older versions are history). A new
version is stored when the result differs from the stored record or was made by another
extractor version — marked ``source = 'reprocess'`` and never recorded as a change, because
a parser improvement of ours is not an edit by the member's office.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlite_utils import Database

from crawler.article import EXTRACTOR_VERSION, parse_article, strip_learned
from crawler.chrome import site_of
from crawler.fingerprint import content_hash
from crawler.items import Article, ListingEntry
from storage.releases import get_raw_html
from storage.reprocess import add_reprocessed_version, iter_current_versions, release_ids
from storage.site_chrome import chrome_keys

PROGRESS_EVERY = 500
# A stored date from one of these sources was not on the page itself: hand it back to the
# extractor as the listing would, or re-extraction would lose it. Dates found on the page are
# left to the extractor, so an improved date parser can correct them.
_OFF_PAGE_DATE_SOURCES = ("listing", "feed")


@dataclass
class ReprocessSummary:
    total: int = 0
    reextracted: int = 0
    unchanged: int = 0
    failed: list[tuple[int, str]] = field(default_factory=list)  # (release id, why)

    def line(self) -> str:
        return (
            f"reprocessed {self.total} releases: {self.reextracted} re-extracted, "
            f"{self.unchanged} unchanged, {len(self.failed)} failed"
        )


def reprocess(
    db: Database,
    members: list[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
    extractor_version: str = EXTRACTOR_VERSION,
) -> ReprocessSummary:
    """Re-extract every current version (of ``members``, or all); ``progress(done, total)`` is
    called every PROGRESS_EVERY releases."""
    ids = release_ids(db, members)
    summary = ReprocessSummary(total=len(ids))
    for done, current in enumerate(iter_current_versions(db, ids), start=1):
        outcome = reprocess_one(db, current, extractor_version)
        if outcome == "reextracted":
            summary.reextracted += 1
        elif outcome == "unchanged":
            summary.unchanged += 1
        else:
            summary.failed.append((current["release_id"], outcome))
        if progress and done % PROGRESS_EVERY == 0:
            progress(done, summary.total)
    return summary


def reprocess_one(db: Database, current: dict[str, Any], extractor_version: str) -> str:
    """'reextracted', 'unchanged', or why the release could not be re-extracted."""
    raw = get_raw_html(db, current["raw_sha256"]) if current["raw_sha256"] else None
    if raw is None:
        return "no raw HTML stored for its current version"
    try:
        article = extract(raw, current, chrome_keys(db, site_of(current["url"])))
    except Exception as exc:  # one unreadable page must not stop the other 5000
        return f"extraction failed: {exc!r}"
    if not article.title or not article.paragraphs:
        # The crawler would not have stored this either; keep the version we have.
        return "the current extractor finds no title or no body in the stored page"
    same_content = content_hash(article) == current["content_hash"]
    if same_content and current["extractor_version"] == extractor_version:
        return "unchanged"
    if add_reprocessed_version(db, current, article, extractor_version) is None:
        return "unchanged"  # a crawl stored newer content meanwhile; that one stays current
    return "reextracted"


def extract(
    raw: bytes, current: dict[str, Any], chrome: frozenset[str] = frozenset()
) -> Article:
    """Run the current extractor on the stored bytes, in the crawl's context: same URL, family
    hint, listing date, "today" = the day the page was fetched (for year-less dates), and what
    the site is known to repeat on its pages (``chrome``, see storage/site_chrome.py)."""
    hint_date = current["published"] if current["date_source"] in _OFF_PAGE_DATE_SOURCES else None
    listing = ListingEntry(url=current["url"], title=current["title"], published=hint_date)
    article = parse_article(
        raw,
        current["fetched_url"] or current["url"],
        family=current["family"],
        listing=listing,
        today=_fetch_day(current["fetched_at"]),
    )
    if hint_date and article.date_source == "listing":
        # parse_article labels any hinted date 'listing'; keep where it really came from.
        article.date_source = current["date_source"]
    # The release keeps its identity (URL) whatever canonical link the page declares now.
    article.url = current["url"]
    return strip_learned(article, chrome)


def _fetch_day(fetched_at: str | None) -> date | None:
    try:
        return date.fromisoformat(fetched_at[:10]) if fetched_at else None
    except ValueError:
        return None
