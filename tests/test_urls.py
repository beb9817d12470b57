"""URL normalization."""

from __future__ import annotations

import pytest

from crawler.urls import absolute_url, canonical_url, is_same_site


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://Walz.House.gov/media-center/press-releases",
         "https://walz.house.gov/media-center/press-releases"),
        ("http://www.cruz.senate.gov/newsroom#top", "https://www.cruz.senate.gov/newsroom"),
        ("https://x.house.gov:443//news//documentsingle.aspx?DocumentID=5",
         "https://x.house.gov/news/documentsingle.aspx?DocumentID=5"),
        ("http://x.house.gov:80/a", "https://x.house.gov/a"),
        ("https://x.house.gov/a?utm_source=tw&utm_medium=social&ID=ABC-1&fbclid=zz",
         "https://x.house.gov/a?ID=ABC-1"),
        ("https://x.house.gov/a?gclid=1&mc_cid=2&mc_eid=3&_ga=4&ref=home&page=2",
         "https://x.house.gov/a?page=2"),
        ("https://x.house.gov/a?source=rss&DocumentTypeID=27&Page=3",
         "https://x.house.gov/a?DocumentTypeID=27&Page=3"),
        ("https://x.house.gov/a?source=committee", "https://x.house.gov/a?source=committee"),
        ("https://x.house.gov/news/press?PageNum_rs=2&amp;year=2013",
         "https://x.house.gov/news/press?PageNum_rs=2&year=2013"),
        ("https://x.senate.gov/details.cfm?id=341529&", "https://x.senate.gov/details.cfm?id=341529"),
        ("https://x.senate.gov/index.cfm?Type=Press Release&id=1",
         "https://x.senate.gov/index.cfm?Type=Press%20Release&id=1"),
        ("https://x.house.gov/a/./b/../c", "https://x.house.gov/a/c"),
        ("https://x.house.gov", "https://x.house.gov/"),
        ("http://127.0.0.1:8123/media/press-releases?page=1&utm_campaign=x",
         "http://127.0.0.1:8123/media/press-releases?page=1"),
        ("http://example.com:80/a", "http://example.com/a"),
        ("https://example.com/a/", "https://example.com/a/"),
    ],
)
def test_canonical_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected
    assert canonical_url(expected) == expected  # idempotent


@pytest.mark.parametrize(
    ("href", "base", "expected"),
    [
        ("documentsingle.aspx?DocumentID=1", "https://x.house.gov/news/documentquery.aspx?a=1",
         "https://x.house.gov/news/documentsingle.aspx?DocumentID=1"),
        (" /news/documentsingle.aspx?DocumentID=5092", "https://h.house.gov/news/",
         "https://h.house.gov/news/documentsingle.aspx?DocumentID=5092"),
        ("?page=1", "https://m.house.gov/media/press-releases",
         "https://m.house.gov/media/press-releases?page=1"),
        ("\n\t\thttp://www.cowan.senate.gov/newsroom/press/x\n\t", "http://www.cowan.senate.gov/",
         "http://www.cowan.senate.gov/newsroom/press/x"),
        ("/a?x=1&amp;y=2", "https://x.house.gov/", "https://x.house.gov/a?x=1&y=2"),
        ("https://other.org/p#frag", "https://x.house.gov/", "https://other.org/p"),
    ],
)
def test_absolute_url(href: str, base: str, expected: str) -> None:
    assert absolute_url(href, base) == expected


@pytest.mark.parametrize(
    "href", ["", None, "#", "#main", "mailto:a@b.gov", "javascript:void(0)", "tel:2025551234"]
)
def test_absolute_url_rejects_non_pages(href: str | None) -> None:
    assert absolute_url(href, "https://x.house.gov/") is None


def test_is_same_site() -> None:
    assert is_same_site("https://www.cruz.senate.gov/a", "http://cruz.senate.gov/b")
    assert not is_same_site("https://cruz.senate.gov/a", "https://cornyn.senate.gov/a")
    assert is_same_site("http://127.0.0.1:8001/a", "http://127.0.0.1:8001/b")
    assert not is_same_site("http://127.0.0.1:8001/a", "http://127.0.0.1:8002/a")
    assert is_same_site("https://x.house.gov:443/a", "https://x.house.gov/b")
    assert not is_same_site("not a url", "not a url")
