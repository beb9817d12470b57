"""The simulated Congress itself: markup, HTTP behaviour, roster and ground truth."""

from __future__ import annotations

import http.client
import re
import time
import unicodedata
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urljoin, urlsplit

import pytest
import yaml
from bs4 import BeautifulSoup

from simcongress import (
    FAMILIES,
    FAMILY_NAMES,
    add_new_release,
    build_congress,
    config_overrides,
    expected_releases,
    guess_dateline,
    render_article,
    render_feed,
    render_homepage,
    render_listing,
    serve,
    write_roster,
)

BASE = "http://127.0.0.1:8000"
BODY_CONTAINERS = [
    "div.evo-press-release__body",
    "div.bodycopy",
    "div#news_text",
    "div.entry-content",
    "div.elementor-widget-theme-post-content > div.elementor-widget-container",
    "div.field--name-body",
]
QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def norm(text: str) -> str:
    """Comparable text: NFC, straight quotes, collapsed whitespace (NBSP included)."""
    return " ".join(unicodedata.normalize("NFC", text).translate(QUOTES).split())


def body_paragraphs(page: str) -> list[str]:
    soup = BeautifulSoup(page, "lxml")
    containers = [el for selector in BODY_CONTAINERS for el in soup.select(selector)]
    assert len(containers) == 1, [c.get("class") for c in containers]
    return [" ".join(p.get_text().split()) for p in containers[0].find_all("p")]


def get(url: str, headers: dict[str, str] | None = None, method: str = "GET"):
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        conn.request(method, target, headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


@pytest.fixture(scope="module")
def congress():
    return build_congress(3 * len(FAMILY_NAMES), releases_per_site=12, seed=3)  # 3 variants


def test_build_covers_every_family_with_distinct_real_content():
    c = build_congress(537, releases_per_site=10, seed=0)
    assert {s.family for s in c.sites} == set(FAMILY_NAMES) and len(FAMILY_NAMES) == 15
    assert len({s.bioguide_id for s in c.sites}) == 537
    assert all(re.fullmatch(r"X\d{6}", s.bioguide_id) for s in c.sites)
    bodies = ["\n".join(r.paragraphs) for s in c.sites for r in s.releases]
    assert len(set(bodies)) == len(bodies) == 5370
    for site in c.sites:
        dates = [r.published for r in site.releases]
        assert dates == sorted(dates, reverse=True)
        assert len({r.path for r in site.releases}) == len(site.releases)
    discover = [s for s in c.sites if not s.press_url_in_config]
    assert 0.15 < len(discover) / 537 < 0.25
    assert (
        build_congress(20, seed=5).sites[7].releases[3]
        == build_congress(20, seed=5).sites[7].releases[3]
    )


def test_every_family_renders_listing_and_article(congress):
    for site in congress.sites:
        family = FAMILIES[site.family]
        home = BeautifulSoup(render_homepage(site, BASE), "lxml")
        assert home.find("a", string="Press Releases")["href"] == site.listing_path
        for release in site.releases[:1]:
            page = render_article(site, release, BASE)
            assert body_paragraphs(page) == [" ".join(p.split()) for p in release.body_paragraphs()]
            soup = BeautifulSoup(page, "lxml")
            assert norm(release.title) in [norm(h.get_text()) for h in soup.find_all("h1")]
            assert soup.find("link", rel="canonical")["href"] == BASE + release.path
            for chrome in ("Stay Connected", "Office Locations", "Related releases", "Tweet"):
                assert chrome in soup.get_text()
            meta = soup.find("meta", property="article:published_time")
            assert bool(meta) == family.article_meta_date
        if family.feed_is_source:
            continue
        listing = BeautifulSoup(render_listing(site, 0, BASE), "lxml")
        text = norm(listing.get_text())
        page_url = BASE + site.listing_path
        hrefs = {urljoin(page_url, a.get("href", "").strip()) for a in listing.find_all("a")}
        for release in site.releases[: site.page_size]:
            assert norm(release.title) in text, (site.family, release.title)
            assert BASE + release.href in hrefs, (site.family, release.href)


def test_feeds_hold_ten_items(congress):
    for site in congress.sites:
        if not FAMILIES[site.family].feed:
            continue
        content_type, body = render_feed(site, BASE)
        root = ET.fromstring(body.encode())
        items = root.findall(".//item") or root.findall("{http://www.w3.org/2005/Atom}entry")
        assert len(items) == 10, site.family
        assert content_type.startswith(("application/rss+xml", "application/atom+xml"))


def test_attachments_are_pdf_links_in_their_own_paragraph(congress):
    site = congress.sites[0]
    release = site.releases[0]
    release.attachments = ["/files/x/letter.pdf"]
    soup = BeautifulSoup(render_article(site, release, BASE), "lxml")
    link = soup.select_one("div.evo-press-release__body p > a[href$='.pdf']")
    assert link.get_text() == "Read the letter (PDF)" and link.parent.get_text() == link.get_text()
    release.attachments = []


def test_noise_changes_bytes_not_paragraphs(congress):
    for site in congress.sites[: len(FAMILY_NAMES)]:
        release = site.releases[0]
        quiet = render_article(site, release, BASE)
        assert quiet == render_article(site, release, BASE)
        loud1 = render_article(site, release, BASE, noise=1)
        loud2 = render_article(site, release, BASE, noise=2)
        assert len({quiet, loud1, loud2}) == 3
        assert loud1 == render_article(site, release, BASE, noise=1)
        expected = [norm(p) for p in release.body_paragraphs()]
        for page in (loud1, loud2):
            assert [norm(p) for p in body_paragraphs(page)] == expected
        if not FAMILIES[site.family].feed_is_source:
            assert render_listing(site, 0, BASE, noise=1) != render_listing(site, 0, BASE, noise=2)
    assert "&nbsp;" in loud1 and 'csrf_token" value="static"' not in loud1


def test_pagination_loops_or_ends_per_family():
    c = build_congress(15, releases_per_site=25, seed=1, page_size=10)
    with serve(c) as server:
        for site in c.sites:
            family = FAMILIES[site.family]
            if family.feed_is_source:
                continue
            for index in range(3):
                status, _, body = get(server.url(site, _page_path(site, index)))
                assert status == 200, (site.family, index)
                soup = BeautifulSoup(body, "lxml")
                text = norm(soup.get_text())
                shown = [r.title for r in site.releases if norm(r.title) in text]
                assert shown == [r.title for r in site.releases[index * 10 : index * 10 + 10]]
                hrefs = {a["href"].strip().rstrip("&") for a in soup.find_all("a", href=True)}
                following = _page_path(site, index + 1)
                has_next = following in hrefs or following.removeprefix(site.listing_path) in hrefs
                assert has_next == (index < 2), (site.family, index)
            status, _, body = get(server.url(site, _page_path(site, 7)))
            first = norm(site.releases[0].title) in norm(BeautifulSoup(body, "lxml").get_text())
            expected = {"loop": (200, True), "empty": (200, False), "404": (404, False)}
            assert expected[family.past_end] == (status, first), site.family
        assert not server.errors


def _page_path(site, index: int) -> str:
    if index == 0:
        return site.listing_path
    family = FAMILIES[site.family]
    return family.page_url.format(path=site.listing_path, n=index + family.first_page)


def test_http_conditional_requests_status_and_blocking():
    c = build_congress(15, releases_per_site=5, seed=2)
    evo, docq, wp = c.sites[0], c.sites[1], c.sites[6]
    with serve(c) as server:
        release = evo.releases[0]
        url = server.url(evo, release.path)
        status, headers, body = get(url)
        assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
        etag, modified = headers["ETag"], headers["Last-Modified"]
        assert get(url, {"If-None-Match": etag})[0] == 304
        assert get(url, {"If-Modified-Since": modified})[0] == 304
        status, headers, body = get(url, method="HEAD")
        assert status == 200 and body == b"" and int(headers["Content-Length"]) > 1000
        release.paragraphs[0] += " Updated."
        status, headers, _ = get(url, {"If-None-Match": etag})
        assert status == 200 and headers["ETag"] != etag
        assert get(url, {"If-Modified-Since": modified})[0] == 200

        assert get(server.url(evo, release.path + "?utm_source=x"))[0] == 200
        vendor = c.sites[3]
        assert get(server.url(vendor, vendor.releases[0].href))[0] == 200  # ?ID=GUID link

        gone, moved, busy, missing = docq.releases[:4]
        gone.status, busy.status, missing.status = 410, 503, 404
        moved.redirect_to = "/"
        assert get(server.url(docq, gone.path))[0] == 410
        assert get(server.url(docq, missing.path))[0] == 404
        status, headers, _ = get(server.url(docq, busy.path))
        assert status == 503 and headers["Retry-After"] == "60"
        status, headers, _ = get(server.url(docq, moved.path))
        assert status == 301 and headers["Location"] == server.base_url(docq) + "/"

        wp.site_status = 403
        for path in ("/", "/robots.txt", wp.listing_path, wp.releases[0].path):
            status, _, body = get(server.url(wp, path))
            assert status == 403 and b"Access Denied" in body

        status, headers, body = get(server.url(evo, "/robots.txt"))
        assert status == 200 and b"Disallow: /admin/" in body
        assert get(server.url(evo, "/no/such/page"))[0] == 404
        feed = c.sites[12]
        status, headers, _ = get(server.url(feed, feed.listing_path))
        assert headers["Content-Type"].startswith("application/rss+xml")
        assert [r.status for r in server.requests_for(wp)] == [403] * 4
        assert not server.errors


def test_noisy_server_and_new_release():
    c = build_congress(15, releases_per_site=5, seed=4)
    site = c.sites[0]
    site.noise = True
    with serve(c) as server:
        url = server.url(site, site.releases[0].path)
        first, second = get(url)[2], get(url)[2]
        assert first != second
        assert [norm(p) for p in body_paragraphs(first.decode())] == [
            norm(p) for p in body_paragraphs(second.decode())
        ]
        fresh = add_new_release(c, site)
        assert site.releases[0] is fresh and fresh.published > site.releases[1].published
        listing = BeautifulSoup(get(server.url(site, site.listing_path))[2], "lxml")
        assert norm(fresh.title) in norm(listing.get_text())


def test_roster_config_and_expected(tmp_path):
    c = build_congress(30, releases_per_site=4, seed=6)
    c.sites[2].site_status = 403
    c.sites[3].releases[0].status = 404
    with serve(c) as server:
        path = write_roster(c, server, tmp_path / "roster.yaml")
        people = yaml.safe_load(path.read_text())
        assert len(people) == 30
        for person, site in zip(people, c.sites, strict=True):
            term = person["terms"][-1]
            assert person["id"]["bioguide"] == site.bioguide_id
            assert set(person["name"]) == {"first", "last", "official_full"}
            assert term["type"] == ("rep" if site.chamber == "house" else "sen")
            assert ("district" in term) == (site.chamber == "house")
            assert term["url"] == server.base_url(site) and term["state"] and term["party"]
        members = config_overrides(c, server)["members"]
        assert len(members) == sum(s.press_url_in_config for s in c.sites)
        for site in c.sites:
            if FAMILIES[site.family].feed_is_source:
                url = server.url(site, site.listing_path)
                assert members[site.bioguide_id] == {
                    "press_url": url,
                    "rss_url": url,
                    "template": "rss",
                }
        expected = expected_releases(c, server)
        assert len(expected) == 29 * 4 - 1  # one site blocked, one release gone
        sample = expected[0]
        assert sample["url"].startswith("http://127.0.0.1:") and sample["paragraphs"]
        assert set(sample) >= {
            "bioguide_id",
            "url",
            "title",
            "published",
            "dateline",
            "paragraphs",
            "attachments",
        }


def test_dateline_guess():
    assert guess_dateline("WASHINGTON, D.C. – Today, the Senator") == "Washington, D.C."
    assert guess_dateline("[WASHINGTON, D.C.] – In case you missed it") == "Washington, D.C."
    assert guess_dateline("Miami, FL - Today, Congressman") == "Miami, FL"
    assert guess_dateline("BURLINGTON, VT—U.S. Senator Peter Welch") == "Burlington, VT"
    assert guess_dateline("RED OAK, Iowa – U.S. Senator Joni Ernst") == "Red Oak, Iowa"
    assert guess_dateline("KNOXVILLE, Tenn., (Nov. 8, 2024) – The House") == "Knoxville, Tenn."
    assert guess_dateline("Saratoga, N.Y.- In case you missed it") == "Saratoga, N.Y."
    assert guess_dateline("Warren, Wyden Probe Third-Party Lenders") is None
    assert guess_dateline("Today, Congressman Smith introduced") is None
    assert guess_dateline("Know Your Immigration Rights") is None


def test_537_sites_answer_on_their_own_ports():
    c = build_congress(537, releases_per_site=2, seed=0)
    started = time.monotonic()
    with serve(c) as server:
        assert len({server.port(s) for s in c.sites}) == 537
        with ThreadPoolExecutor(16) as pool:
            statuses = list(pool.map(lambda s: get(server.url(s, "/robots.txt"))[0], c.sites))
        assert statuses == [200] * 537
        assert max(server.max_concurrency_seen(s) for s in c.sites) == 1
        assert 1 <= server.max_concurrency_seen() <= 16
        slow = c.sites[0]
        slow.delay = 0.3
        with ThreadPoolExecutor(3) as pool:
            list(pool.map(lambda _: get(server.url(slow, "/robots.txt")), range(3)))
        assert server.max_concurrency_seen(slow) == 3
    assert time.monotonic() - started < 8
