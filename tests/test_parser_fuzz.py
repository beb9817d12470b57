"""Fuzzing the parsers with random and mutated real pages (hypothesis).

Whatever a site serves, ``parse_listing``, ``parse_article`` and ``parse_feed`` return, within
a deadline per page, either a valid record or a clean "not a release" (an article without a
title or body, a listing without entries): never an exception, never a hang.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.article import parse_article
from crawler.feeds import parse_feed
from crawler.items import Article, Listing
from crawler.listing import parse_listing
from tests.helpers import PAGES

TODAY = date(2026, 6, 30)
URL = "https://smith.house.gov/media/press-releases"
REAL = sorted(p for p in PAGES.iterdir() if p.suffix in (".html", ".xml"))
FEEDS = [p for p in REAL if p.suffix == ".xml"]
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# A page may take this long; derandomized, so a run is reproducible and CI is stable.
FUZZ = settings(max_examples=40, deadline=timedelta(seconds=10), derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

SNIPPETS = st.sampled_from([
    b"<", b">", b"</div>", b"<div>", b"<a href='javascript:alert(1)'>x</a>", b"\x00", b"\xff\xfe",
    b"<script>", b"<!--", b"]]>", b"<![CDATA[", b"&#x0;", b"&amp", b"\x1b[2J", b"\x1b]0;t\x07",
    b"<meta charset='utf-16'>", b"<a href='//evil.example/x'>", b"<time datetime='9999-99-99'>",
    b"<h1></h1>", b"<p>" * 50, b"<item><link>file:///etc/passwd</link></item>",
    b"<a href='http://[::1'>bad</a>", b"2099-01-01", b"February 30, 2026",
])


@st.composite
def mutated(draw: st.DrawFn, pages: list) -> bytes:
    """A real page with a few random cuts, repeats and insertions."""
    body = draw(st.sampled_from(pages)).read_bytes()
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(body)))
        action = draw(st.sampled_from(["cut", "insert", "repeat", "truncate"]))
        if action == "cut":
            body = body[:at] + body[at + draw(st.integers(1, 5000)):]
        elif action == "insert":
            extra = draw(st.one_of(SNIPPETS, st.binary(max_size=200)))
            body = body[:at] + extra + body[at:]
        elif action == "repeat":
            body = body[:at] + body[at : at + 2000] * draw(st.integers(2, 5)) + body[at:]
        else:
            body = body[:at]
    return body


PAGE_BYTES = st.one_of(mutated(REAL), st.binary(max_size=3000),
                       st.text(max_size=3000).map(str.encode))
FEED_BYTES = st.one_of(mutated(FEEDS), st.binary(max_size=3000),
                       st.text(max_size=3000).map(str.encode))


def valid_url(url: object) -> bool:
    return isinstance(url, str) and url.startswith(("http://", "https://"))


def valid_date(value: object) -> bool:
    if value is None:
        return True
    return (isinstance(value, str) and bool(ISO_DATE.fullmatch(value))
            and date.fromisoformat(value) <= TODAY + timedelta(days=1))


def assert_valid_listing(listing: object) -> None:
    assert isinstance(listing, Listing)
    assert isinstance(listing.family, str) and listing.family
    for entry in listing.entries:
        assert valid_url(entry.url), entry.url
        assert valid_date(entry.published), entry.published
        assert entry.title is None or isinstance(entry.title, str)
    assert listing.next_url is None or valid_url(listing.next_url)


@FUZZ
@given(PAGE_BYTES)
def test_parse_listing_never_crashes(body: bytes) -> None:
    assert_valid_listing(parse_listing(body, URL, today=TODAY))


@FUZZ
@given(FEED_BYTES)
def test_parse_feed_never_crashes(body: bytes) -> None:
    assert_valid_listing(parse_feed(body, URL, today=TODAY))


@FUZZ
@given(PAGE_BYTES)
def test_parse_article_gives_a_record_or_not_a_release(body: bytes) -> None:
    article = parse_article(body, URL + "/x", today=TODAY)
    assert isinstance(article, Article)
    if not article.title or not article.paragraphs:
        return  # a clean "not a release": the spider counts it as a failed page
    assert isinstance(article.title, str) and article.title.strip()
    assert all(isinstance(p, str) and p.strip() for p in article.paragraphs)
    assert valid_date(article.published), article.published
    assert all(valid_url(a) for a in article.attachments), article.attachments
    assert article.word_count > 0
