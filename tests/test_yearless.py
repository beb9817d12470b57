"""Year-less listing dates ("Nov 12") get their year from evidence: the release's URL, the
listing's own order, the release page's metadata, and only then the crawl date (never a date
in the future)."""

from __future__ import annotations

from datetime import date

import pytest

from crawler.article import parse_article
from crawler.items import ListingEntry
from crawler.listing import parse_listing
from crawler.urls import canonical_url
from crawler.yearless import is_yearless, settle_years, year_in_url
from simcongress import FAMILIES, build_congress, render

TODAY = date(2026, 8, 11)  # "Nov 12" alone reads as 2025-11-12


def listing_page(rows: list[tuple[str, str]]) -> str:
    """A listing no template knows: (href, date as printed) per row, newest first."""
    cards = "".join(
        f'<div class="card"><span class="when">{when}</span><h3><a href="{href}">Release '
        f"number {n} on the district's water</a></h3><p>Teaser {n}.</p></div>"
        for n, (href, when) in enumerate(rows)
    )
    return (
        "<html><head><title>Press</title></head><body><ul class='topnav'><li><a href='/'>Home"
        f"</a></li><li><a href='/about'>About</a></li></ul><div class='list'>{cards}</div>"
        "</body></html>"
    )


def dates_of(rows: list[tuple[str, str]]) -> list[str | None]:
    listing = parse_listing(listing_page(rows), "https://smith.house.gov/news", today=TODAY,
                            templates=False)
    assert len(listing.entries) == len(rows)
    return [e.published for e in listing.entries]


def test_a_year_in_the_release_url_settles_the_year() -> None:
    rows = [("/news/2026/8/a", "Aug 3"), ("/news/2024/11/b", "Nov 12"),
            ("/news/2024/11/07/c", "Nov 7"), ("/news/2023/d", "Dec 1"), ("/news/e", "Nov 6")]
    assert dates_of(rows) == ["2026-08-03", "2024-11-12", "2024-11-07", "2023-12-01",
                              "2025-11-06"]  # no evidence for the last: the calendar's guess


def test_a_url_year_of_another_month_is_no_evidence() -> None:
    assert year_in_url("https://x.house.gov/2024/11/b") == (2024, 11)
    assert year_in_url("https://x.house.gov/news/2022/release") == (2022, None)
    assert year_in_url("https://x.house.gov/news/release-2022") is None
    assert dates_of([("/news/2024/3/b", "Nov 12"), ("/news/2024/4/c", "Nov 10"),
                     ("/news/2024/4/d", "Nov 9")]) == ["2025-11-12", "2025-11-10", "2025-11-09"]


def test_dated_neighbours_bound_the_year() -> None:
    # Rows are newest first: between November 20, 2024 and October 3, 2024, "Nov 12" is 2024.
    rows = [("/news/a", "August 1, 2026"), ("/news/b", "November 20, 2024"),
            ("/news/c", "Nov 12"), ("/news/d", "Nov 5th"), ("/news/e", "October 3, 2024")]
    assert dates_of(rows) == ["2026-08-01", "2024-11-20", "2024-11-12", "2024-11-05",
                              "2024-10-03"]
    # Without the row below, the row above still bounds it: the latest Nov 12 before it.
    assert dates_of(rows[:3]) == ["2026-08-01", "2024-11-20", "2024-11-12"]


def test_order_is_evidence_only_when_the_listing_is_newest_first() -> None:
    # Oldest first: the dated rows do not run newest first, so they bound nothing.
    rows = [("/news/a", "October 3, 2024"), ("/news/b", "Nov 12"),
            ("/news/c", "November 20, 2024")]
    assert dates_of(rows) == ["2024-10-03", "2025-11-12", "2024-11-20"]
    # One dated row (a pinned one on top) is no order at all.
    rows = [("/news/a", "March 3, 2026"), ("/news/b", "Aug 9"), ("/news/c", "Aug 8")]
    assert dates_of(rows) == ["2026-03-03", "2026-08-09", "2026-08-08"]
    # Neighbours whose bounds no year fits leave the calendar's guess.
    entries = [ListingEntry("https://x.gov/a", published="2024-11-20", date_raw="Nov 20, 2024"),
               ListingEntry("https://x.gov/b", published="2025-12-01", date_raw="Dec 1"),
               ListingEntry("https://x.gov/c", published="2024-11-19", date_raw="Nov 19, 2024")]
    settle_years(entries, TODAY)
    assert entries[1].published == "2025-12-01"


def test_the_crawl_date_is_the_last_resort_and_never_in_the_future() -> None:
    rows = [("/news/a", "Aug 10"), ("/news/b", "Aug 12"), ("/news/c", "Dec 25")]
    assert dates_of(rows) == ["2026-08-10", "2025-08-12", "2025-12-25"]
    assert is_yearless("Nov 12th") and is_yearless("Posted November 12")
    assert not is_yearless("11/12/24") and not is_yearless("Nov 12, 2024")


PAGE = (
    "<html><head>{meta}<title>Smith Acts | Rep. Smith</title></head><body><main>"
    "<h1>Smith Acts on Water</h1><div class='text'>"
    "<p>WASHINGTON – Today Congressman Smith introduced a bill that funds rural water systems."
    "</p><p>The bill provides grants to small towns and requires a yearly report to Congress."
    "</p></div></main></body></html>"
)


@pytest.mark.parametrize(
    "meta",
    [
        '<meta property="article:published_time" content="2024-11-12T09:00:00-05:00">',
        '<meta itemprop="datePublished" content="2024-11-12">',
        '<script type="application/ld+json">{"@type": "NewsArticle", '
        '"datePublished": "2024-11-12T14:00:00Z"}</script>',
    ],
    ids=["article-published-time", "itemprop", "json-ld"],
)
def test_the_release_page_metadata_outranks_the_listing_guess(meta: str) -> None:
    url = "https://smith.house.gov/news/smith-acts"
    listed = ListingEntry(url=url, title="Smith Acts on Water", published="2025-11-12",
                          date_raw="Nov 12")
    article = parse_article(PAGE.format(meta=meta), url, listing=listed, today=TODAY)
    assert (article.published, article.date_source) == ("2024-11-12", "article-meta")


def test_a_time_element_on_the_release_page_outranks_the_listing_guess() -> None:
    url = "https://smith.house.gov/news/smith-acts"
    listed = ListingEntry(url=url, title="Smith Acts on Water", published="2025-11-12",
                          date_raw="Nov 12")
    html = PAGE.format(meta="").replace(
        "</h1>", '</h1><time datetime="2024-11-12">Nov 12</time>')
    article = parse_article(html, url, listing=listed, today=TODAY)
    assert (article.published, article.date_source) == ("2024-11-12", "article-meta")
    # with nothing on the page, the listing's date stands
    plain = parse_article(PAGE.format(meta=""), url, listing=listed, today=TODAY)
    assert (plain.published, plain.date_source) == ("2025-11-12", "listing")


def test_listings_without_evidence_get_the_year_from_the_release_page() -> None:
    # Every simulated family read without templates: the year-less rows the listing cannot
    # place (all rows year-less, no year in the URLs: media-digest, documentquery) read as the
    # calendar's guess there, and get their year from the release page.
    congress = build_congress(len(FAMILIES) * 3, releases_per_site=12, seed=11)
    base = "http://127.0.0.1:9000"
    guessed = 0
    for site in congress.sites:
        if FAMILIES[site.family].feed_is_source:
            continue
        listing = parse_listing(render.render_listing(site, 0, base), base + site.listing_path,
                                today=TODAY, templates=False)
        found = {e.url: e for e in listing.entries}
        for release in site.listed_releases()[: site.page_size]:
            entry = found[canonical_url(base + release.href)]
            if entry.published == release.published:
                continue
            guessed += 1
            assert is_yearless(entry.date_raw), (site.family, entry)
            page = render.render_article(site, release, base)
            article = parse_article(page, base + release.path, listing=entry, today=TODAY,
                                    templates=False)
            assert article.published == release.published, (site.family, entry)
    assert guessed  # the sample does hold releases more than a year old with year-less dates
