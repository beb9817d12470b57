"""Finding the press listing from a homepage."""

from __future__ import annotations

from crawler.discover import find_press_link
from tests.helpers import PAGES

HOME = """<html><body>
<nav><ul>
 <li><a href="#main">Skip</a></li>
 <li><a href="/news">News</a></li>
 <li><a href="mailto:press@x.house.gov">Press Releases</a></li>
 <li><a href="https://www.facebook.com/x/press-releases">Press Releases</a></li>
 <li><a href="/media">Media Center</a></li>
 <li><a href="/media/press-releases">Press Releases</a></li>
</ul></nav>
<footer><a href="/media/press-releases-archive">Press Releases</a></footer>
</body></html>"""


def test_press_releases_preferred_in_page_order() -> None:
    assert find_press_link(HOME, "https://x.house.gov/") == (
        "https://x.house.gov/media/press-releases"
    )


def test_tiers_when_no_press_releases_link() -> None:
    html = HOME.replace("Press Releases", "Contact")
    assert find_press_link(html, "https://x.house.gov/") == "https://x.house.gov/news"
    html = html.replace(">News<", ">About<")
    assert find_press_link(html, "https://x.house.gov/") == "https://x.house.gov/media"
    news_releases = '<a href="/newsroom">Newsroom</a><a href="/latest">News</a>'
    assert find_press_link(news_releases, "http://y.senate.gov") == "https://y.senate.gov/newsroom"


def test_ignores_external_mailto_and_fragment_links() -> None:
    html = ('<a href="https://www.facebook.com/x">Press Releases</a>'
            '<a href="mailto:a@b.gov">Press Releases</a><a href="#">News</a>')
    assert find_press_link(html, "https://x.house.gov/") is None


def test_link_text_must_read_like_a_section_name() -> None:
    html = '<a href="/blog/post">Read our latest press releases about the farm bill here</a>'
    assert find_press_link(html, "https://x.house.gov/") is None


def test_real_pages_link_their_press_listing() -> None:
    evo = (PAGES / "item_drupal.html").read_bytes()
    assert find_press_link(evo, "https://barrymoore.house.gov/") == (
        "https://barrymoore.house.gov/media/press-releases"
    )
    vendor = (PAGES / "item_guid.html").read_bytes()
    assert find_press_link(vendor, "https://norcross.house.gov/") == (
        "https://norcross.house.gov/press-releases"
    )
    aspx = (PAGES / "list_aspx_spandate.html").read_bytes()
    assert find_press_link(aspx, "https://houlahan.house.gov/") == (
        "https://houlahan.house.gov/news/documentquery.aspx?DocumentTypeID=27"
    )


def test_local_test_server_urls_keep_http_and_port() -> None:
    html = '<a href="/press">Press Releases</a>'
    assert find_press_link(html, "http://127.0.0.1:8042/") == "http://127.0.0.1:8042/press"
