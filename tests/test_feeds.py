"""RSS and Atom feeds."""

from __future__ import annotations

from datetime import date

from crawler.feeds import parse_feed
from crawler.listing import parse_listing
from tests.helpers import PAGES

TODAY = date(2026, 8, 11)


def test_rss2_with_namespaces_and_html_descriptions() -> None:
    feed = parse_feed((PAGES / "sen-hawley-press.xml").read_bytes(),
                      "https://www.hawley.senate.gov/feed/", today=TODAY)
    assert feed.family == "rss"
    assert [e.published for e in feed.entries] == ["2026-08-06", "2026-08-06"]
    first = feed.entries[0]
    assert first.date_raw == "Thu, 06 Aug 2026 16:04:36 +0000"
    assert first.summary.startswith(
        "WASHINGTON — Today, U.S. Senators Josh Hawley (R-Mo.), Jim Banks (R-In.) and Tommy "
        "Tuberville (R-Ala.) filed an amendment"
    )
    assert "<p>" not in first.summary and "&#8212;" not in first.summary


def test_rss_092_without_dates() -> None:
    feed = parse_feed((PAGES / "culberson_rss.xml").read_bytes(), "http://culberson.house.gov/feed")
    assert len(feed.entries) == 10
    assert all(e.published is None for e in feed.entries)
    assert feed.entries[1].title == "President Obama’s Budget: More of the Same Failed Policies"
    # percent-encoded curly quotes in the link survive canonicalization unchanged
    assert feed.entries[3].url == (
        "https://culberson.house.gov/congressman-john-culberson-tx-7-wins-frc-action%e2%80%99s-"
        "%e2%80%98true-blue%e2%80%99-award-for-unwavering-support-of-the-family/"
    )


def test_relative_links_and_lowercase_pubdate() -> None:
    url = "http://www.burr.senate.gov/public/index.cfm?FuseAction=RSS.Feed"
    feed = parse_feed((PAGES / "richard_burr.xml").read_bytes(), url, today=TODAY)
    assert len(feed.entries) == 25
    assert feed.entries[6].title == "The President's Budget"
    assert feed.entries[6].published == "2013-04-11"
    assert feed.entries[6].url == (
        "https://www.burr.senate.gov/public/index.cfm?FuseAction=PressOffice.Blogs&Type=Blog"
        "&ContentRecord_id=f9a8d43b-998f-e827-0106-27170d45b646"
    )


def test_drupal_dates_and_garbage_guids() -> None:
    feed = parse_feed((PAGES / "ruiz_rss.xml").read_bytes(), "http://ruiz.house.gov/rss.xml",
                      today=TODAY)
    assert feed.entries[1].published == "2013-04-10"  # "Wednesday, April 10, 2013 - 5:55pm"
    assert all("%3Ca" not in e.url for e in feed.entries)


ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://www.x.senate.gov/news/">
  <title>Senator X</title>
  <link rel="next" href="feed?page=2"/>
  <entry>
    <title type="html">X &amp;amp; Y Introduce &lt;em&gt;Bill&lt;/em&gt;</title>
    <link rel="alternate" href="x-and-y-introduce-bill?utm_source=rss"/>
    <link rel="enclosure" href="/files/bill.pdf"/>
    <id>tag:x.senate.gov,2026:1</id>
    <published>2026-08-06T10:00:00-04:00</published>
    <updated>2026-08-07T10:00:00-04:00</updated>
    <summary type="html">&lt;p&gt;WASHINGTON &#8211; Today...&lt;/p&gt;</summary>
  </entry>
  <entry>
    <title>Second</title>
    <link href="https://www.x.senate.gov/news/second"/>
    <updated>Thu, 113 Apr 2026 10:00:00 GMT</updated>
  </entry>
  <entry>
    <title>Duplicate of second</title>
    <link href="https://www.x.senate.gov/news/second#again"/>
  </entry>
  <entry><title>No link at all</title></entry>
</feed>
"""


def test_atom() -> None:
    feed = parse_feed(ATOM, "https://www.x.senate.gov/feed", today=TODAY)
    assert feed.family == "atom"
    assert [e.url for e in feed.entries] == [
        "https://www.x.senate.gov/news/x-and-y-introduce-bill",
        "https://www.x.senate.gov/news/second",
    ]
    first, second = feed.entries
    assert first.title == "X & Y Introduce Bill"
    assert first.published == "2026-08-06"
    assert first.summary == "WASHINGTON – Today..."
    assert second.published is None  # malformed date: None, not an exception
    assert second.date_raw == "Thu, 113 Apr 2026 10:00:00 GMT"
    assert feed.next_url == "https://www.x.senate.gov/news/feed?page=2"


RSS1 = """<?xml version="1.0" encoding="iso-8859-1"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
 xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Rep. Z</title></channel>
<item><title>Caf\xe9 Bill</title><link>http://z.house.gov/cafe</link>
<dc:date>2026-07-01</dc:date></item>
</rdf:RDF>"""


def test_rss1_and_declared_latin1_bytes() -> None:
    feed = parse_feed(RSS1.encode("latin-1"), "http://z.house.gov/rss", today=TODAY)
    assert feed.family == "rss"
    assert [(e.title, e.published, e.url) for e in feed.entries] == [
        ("Café Bill", "2026-07-01", "https://z.house.gov/cafe")
    ]


def test_garbage_is_an_empty_listing() -> None:
    assert parse_feed(b"", "https://x.house.gov/rss").entries == []
    not_found = b"<html><body>Not found</body></html>"
    assert parse_feed(not_found, "https://x.house.gov/rss").entries == []


def test_parse_listing_hands_feeds_to_the_feed_reader() -> None:
    body = (PAGES / "rep-trahan-press.xml").read_bytes()
    listing = parse_listing(body, "https://trahan.house.gov/news/rss.aspx", today=TODAY)
    assert listing.family == "rss"
    assert [e.url for e in listing.entries] == [
        "https://trahan.house.gov/news/documentsingle.aspx?DocumentID=3825",
        "https://trahan.house.gov/news/documentsingle.aspx?DocumentID=3823",
    ]
    assert listing.entries[0].summary.endswith("[fixture-trimmed]")
