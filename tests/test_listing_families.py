"""Families with no saved real page: minimal listings in each family's documented markup.

The markup follows the project's site-template notes and the selectors public scrapers use
for these sites (crawler/data/member-templates.csv); each page must be detected as its
family and read by that family's selectors, not by the generic fallback.
"""

from __future__ import annotations

import json
from datetime import date

import pytest

from crawler.detect import detect_family
from crawler.listing import parse_listing

TODAY = date(2026, 8, 11)


def page(rows: str, extra: str = "") -> str:
    return f"<html><head></head><body><header><a href='/'>Home</a></header><main>{rows}</main>" \
           f"{extra}<footer><a href='/contact'>Contact</a></footer></body></html>"


RECORDLIST = page("""
<table class="recordList"><thead><tr><th>Date</th><th>Title</th></tr></thead><tbody>
<tr><td class="recordListDate">8/5/26</td><td class="recordListTitle">
  <a href="/press-releases?ID=8A2B3C4D-0000-1111-2222-333344445555">Sewell Secures Funding</a></td>
</tr>
<tr><td class="recordListDate">7/30/26</td><td class="recordListTitle">
  <a href="/press-releases?ID=8A2B3C4D-0000-1111-2222-333344445556">Sewell Votes No</a></td></tr>
</tbody></table>
<div class="pagination"><a href="/press-releases?page=2">Next</a></div>""")

COLDFUSION = page("""
<table class="recordList table"><tr><th>Date</th><th>Title</th></tr>
<tr><td class="recordListDate">08/06/26</td>
  <td class="recordListTitle">
<a href="/public/index.cfm/2026/8/graham-statement">Graham Statement</a></td></tr>
<tr><td class="recordListDate">08/01/26</td>
  <td class="recordListTitle"><a href="/public/index.cfm/2026/8/graham-bill">Graham Bill</a></td>
</tr>
</table>""")

VENDOR_GUID = page("""
<article class="post clearfix" id="post_A1">
 <div class="header"><h2 class="title">
<a href="/press-releases?ID=A1B2C3D4-0000-1111-2222-333344445555">First Vendor Release</a></h2>
 <h4><span class="date">August 6, 2026</span></h4></div></article>
<article class="post clearfix" id="post_A2">
 <div class="header"><h2 class="title">
<a href="/2026/7/second-vendor-release">Second Vendor Release</a></h2>
 <h4><span class="date">July 30, 2026</span></h4></div></article>""")

MEDIA_DIGEST = page("""
<div class="post-media-digest-item"><div class="post-media-digest-date">Aug 6</div>
 <h3 class="post-media-digest-title"><a href="/media/first-digest">First Digest Release</a></h3>
</div>
<div class="post-media-digest-item"><div class="post-media-digest-date">Dec 18</div>
 <h3 class="post-media-digest-title"><a href="/media/second-digest">Second Digest Release</a></h3>
</div>
<ul class="pager"><li><a href="/media?page=1">2</a></li></ul>""")

DIVI = page("""
<article class="et_pb_post clearfix post-12 type-post">
 <h2 class="entry-title"><a href="https://x.senate.gov/divi-one/">Divi One</a></h2>
 <p class="post-meta"><span class="published">Aug 6, 2026</span></p></article>
<article class="et_pb_post clearfix post-11 type-post">
 <h2 class="entry-title"><a href="https://x.senate.gov/divi-two/">Divi Two</a></h2>
 <p class="post-meta"><span class="published">Aug 5, 2026</span></p></article>
<div class="pagination clearfix"><div class="alignleft">
 <a href="https://x.senate.gov/category/press-releases/page/2/">&laquo; Older Entries</a></div>
</div>""")

ELEMENTOR = page("""
<div class="elementor-posts-container">
<article class="elementor-post elementor-grid-item post-9">
 <div class="elementor-post__text"><h3 class="elementor-post__title">
 <a href="https://www.sanders.senate.gov/press-releases/elementor-one/">Elementor One</a></h3>
 <div class="elementor-post__meta-data"><span class="elementor-post-date">August 6, 2026</span>
</div></div>
</article>
<article class="elementor-post elementor-grid-item post-8">
 <div class="elementor-post__text"><h3 class="elementor-post__title">
 <a href="https://www.sanders.senate.gov/press-releases/elementor-two/">Elementor Two</a></h3>
 <div class="elementor-post__meta-data"><span class="elementor-post-date">August 4, 2026</span>
</div></div>
</article></div>
<nav class="elementor-pagination">
<a class="page-numbers next"
 href="https://www.sanders.senate.gov/press-releases/page/2/">Next &raquo;</a>
</nav>""")

JETENGINE = page("""
<div class="jet-listing-grid"><div class="jet-listing-grid__items">
<div class="jet-listing-grid__item" data-post-id="1"><div class="elementor-widget-container">
 <span class="elementor-icon-list-text elementor-post-info__item
   elementor-post-info__item--type-date">August 6, 2026</span>
 <h4 class="elementor-heading-title">
<a href="https://www.x.senate.gov/newsroom/press-releases/jet-one/">Jet One</a></h4>
</div></div>
<div class="jet-listing-grid__item" data-post-id="2"><div class="elementor-widget-container">
 <span class="elementor-icon-list-text elementor-post-info__item
   elementor-post-info__item--type-date">August 3, 2026</span>
 <h4 class="elementor-heading-title">
<a href="https://www.x.senate.gov/newsroom/press-releases/jet-two/">Jet Two</a></h4>
</div></div></div></div>""")

NEXTJS = page("", "<script id='__NEXT_DATA__' type='application/json'>" + json.dumps({
    "props": {"pageProps": {"data": {"press": [
        {"title": "Next One", "slug": "next-one", "date": "2026-08-06T12:00:00Z"},
        {"title": "Next Two", "url": "/press/next-two", "date": "2026-08-01"},
        {"title": "Navigation item", "url": "/about"},
    ]}}}}) + "</script>")

CASES = [
    (RECORDLIST, "https://sewell.house.gov/press-releases", "recordlist",
     [("Sewell Secures Funding", "2026-08-05",
       "https://sewell.house.gov/press-releases?ID=8A2B3C4D-0000-1111-2222-333344445555"),
      ("Sewell Votes No", "2026-07-30",
       "https://sewell.house.gov/press-releases?ID=8A2B3C4D-0000-1111-2222-333344445556")],
     "https://sewell.house.gov/press-releases?page=2"),
    (COLDFUSION, "https://www.lgraham.senate.gov/public/index.cfm/press-releases", "coldfusion",
     [("Graham Statement", "2026-08-06",
       "https://www.lgraham.senate.gov/public/index.cfm/2026/8/graham-statement"),
      ("Graham Bill", "2026-08-01",
       "https://www.lgraham.senate.gov/public/index.cfm/2026/8/graham-bill")],
     None),
    (VENDOR_GUID, "https://norcross.house.gov/press-releases", "vendor-guid",
     [("First Vendor Release", "2026-08-06",
       "https://norcross.house.gov/press-releases?ID=A1B2C3D4-0000-1111-2222-333344445555"),
      ("Second Vendor Release", "2026-07-30",
       "https://norcross.house.gov/2026/7/second-vendor-release")],
     None),
    (MEDIA_DIGEST, "https://x.house.gov/media", "media-digest",
     [("First Digest Release", "2026-08-06", "https://x.house.gov/media/first-digest"),
      ("Second Digest Release", "2025-12-18", "https://x.house.gov/media/second-digest")],
     "https://x.house.gov/media?page=1"),
    (DIVI, "https://x.senate.gov/category/press-releases/", "wordpress-divi",
     [("Divi One", "2026-08-06", "https://x.senate.gov/divi-one/"),
      ("Divi Two", "2026-08-05", "https://x.senate.gov/divi-two/")],
     "https://x.senate.gov/category/press-releases/page/2/"),
    (ELEMENTOR, "https://www.sanders.senate.gov/press-releases/", "wordpress-elementor",
     [("Elementor One", "2026-08-06",
       "https://www.sanders.senate.gov/press-releases/elementor-one/"),
      ("Elementor Two", "2026-08-04",
       "https://www.sanders.senate.gov/press-releases/elementor-two/")],
     "https://www.sanders.senate.gov/press-releases/page/2/"),
    (JETENGINE, "https://www.x.senate.gov/newsroom/press-releases/", "wordpress-jetengine",
     [("Jet One", "2026-08-06", "https://www.x.senate.gov/newsroom/press-releases/jet-one/"),
      ("Jet Two", "2026-08-03", "https://www.x.senate.gov/newsroom/press-releases/jet-two/")],
     None),
    (NEXTJS, "https://x.house.gov/press", "nextjs",
     [("Next One", "2026-08-06", "https://x.house.gov/press/next-one"),
      ("Next Two", "2026-08-01", "https://x.house.gov/press/next-two")],
     None),
]


@pytest.mark.parametrize(
    ("html", "url", "family", "rows", "next_url"), CASES, ids=[c[2] for c in CASES]
)
def test_family_listing(html: str, url: str, family: str, rows, next_url) -> None:
    assert detect_family(html, url) == family
    listing = parse_listing(html, url, today=TODAY)
    assert listing.family == family
    assert [(e.title, e.published, e.url) for e in listing.entries] == rows
    assert listing.next_url == next_url


def test_member_override_rows_use_the_csv_column_names() -> None:
    html = page("""
    <div class="item post"><h3>Crane One</h3><span class="date">August 6 2026</span>
      <a class="btn" href="/media/crane-one">Read more</a></div>
    <div class="item post"><h3>Crane Two</h3><span class="date">August 2 2026</span>
      <a class="btn" href="/media/crane-two">Read more</a></div>""")
    overrides = {"container_selector": ".item.post", "title_selector": "h3",
                 "link_selector": "a.btn", "date_selector": "span.date"}
    listing = parse_listing(html, "https://crane.house.gov/media/", family="house-evo",
                            overrides=overrides, today=TODAY)
    assert listing.family == "house-evo"
    assert [(e.title, e.published, e.url) for e in listing.entries] == [
        ("Crane One", "2026-08-06", "https://crane.house.gov/media/crane-one"),
        ("Crane Two", "2026-08-02", "https://crane.house.gov/media/crane-two"),
    ]


def test_a_redesigned_page_yields_nothing_rather_than_navigation() -> None:
    html = page("<p>We are updating our website.</p>",
                "<ul class='menu'><li><a href='/a'>A</a></li><li><a href='/b'>B</a></li>"
                "<li><a href='/c'>C</a></li></ul>")
    listing = parse_listing(html, "https://x.house.gov/media/press-releases", today=TODAY)
    assert listing.entries == []


def test_an_unknown_family_name_means_detect() -> None:
    url = "https://x.senate.gov/category/press-releases/"
    listing = parse_listing(DIVI, url, family="media_body", today=TODAY)  # a raw hint label
    assert listing.family == "wordpress-divi"
    assert len(listing.entries) == 2


def test_generic_keeps_an_undated_row_of_a_dated_list_and_ignores_teaser_dates() -> None:
    rows = "".join(
        f'<div class="pr-block"><h4><a href="/r/{n}">Release {n}</a></h4><p>{when}</p>'
        f"<p>{'A long teaser about the bill and its many provisions. ' * 3}"
        "The hearing of March 3, 2019 is mentioned here.</p></div>"
        for n, when in enumerate(["Posted August 6, 2026", "", "Posted August 1, 2026",
                                  "Posted July 28, 2026"])
    )
    listing = parse_listing(page(rows), "https://x.house.gov/newsroom", today=TODAY)
    assert listing.family == "generic"
    assert [(e.title, e.published) for e in listing.entries] == [
        ("Release 0", "2026-08-06"),
        ("Release 1", None),  # its teaser's 2019 date is not its date
        ("Release 2", "2026-08-01"),
        ("Release 3", "2026-07-28"),
    ]


def test_the_hint_breaks_ties_between_families_that_share_markers():
    url = "https://sewell.house.gov/press-releases"
    assert parse_listing(RECORDLIST, url, today=TODAY).family == "recordlist"
    assert parse_listing(RECORDLIST, url, today=TODAY, hint="coldfusion").family == "coldfusion"


MISLEADING = """<html><body>
<div class="sidebar"><span class="element-datetime">Events</span>
<span class="element-date">This week</span></div>
<table class="recordList">
<tr><td>8/5/26</td><td><a href="/press-releases?ID=1">Lee backs the farm bill</a></td></tr>
<tr><td>8/4/26</td><td><a href="/press-releases?ID=2">Lee visits the port</a></td></tr>
<tr><td>8/3/26</td><td><a href="/press-releases?ID=3">Lee on the budget</a></td></tr>
</table></body></html>"""


def test_the_hint_is_tried_when_the_detected_family_finds_no_rows():
    # Stray "element" classes outscore the bare recordList table, whose rows only the
    # member's hinted family can read.
    url = "https://lee.house.gov/press-releases"
    listing = parse_listing(MISLEADING, url, today=TODAY, hint="recordlist")
    assert listing.family == "recordlist"
    assert [e.title for e in listing.entries] == [
        "Lee backs the farm bill", "Lee visits the port", "Lee on the budget"]
    assert [e.published for e in listing.entries] == ["2026-08-05", "2026-08-04", "2026-08-03"]
    assert parse_listing(MISLEADING, url, today=TODAY).family != "recordlist"
