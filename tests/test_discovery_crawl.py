"""Discovery that does not give up, and the extraction report, on a hand-written site.

The homepage's press candidates fail one after the other (``/press`` redirects to the homepage,
``/newsroom`` lists nothing, ``/news`` answers 404); the listing is the "Media Center" menu
item, whose label is only in its ``aria-label`` (an icon link). The listing's markup is
no family's, so the generic parser reads it; one row has no date and one release has a short
body, and the crawl must say so in ``member_runs`` and in its summary.
"""

from __future__ import annotations

import os
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

from crawler.discover import rank_press_links
from tests.helpers import PRESSWATCH, rows

BIOGUIDE = "X000901"
BODY = ("WASHINGTON – Today the Representative announced new support for the families of the "
        "district, including funding for schools, roads and clinics that serve rural towns. "
        "The office will hold listening sessions in every county over the coming month.")
RELEASES = [  # slug, title, listing date text, body
    ("clinic-funding", "Representative Secures Funding for Rural Clinics", "Aug. 6, 2026", BODY),
    ("bridge-repair", "Representative Announces Bridge Repair Grant", "7/30/26", BODY),
    ("town-hall", "Representative Hosts Town Hall on Water Rights", "", BODY),  # undated row
    ("short-note", "Representative Statement on Flood Warnings", "July 21, 2026",
     "Stay safe and follow local guidance."),  # a short body
]

HOME = """<html><body><header><nav><ul>
<li><a href="/about">About</a></li>
<li><a href="/news">News</a></li>
<li><a href="/press">Press</a></li>
<li><a href="/newsroom">Newsroom</a></li>
<li class="menu-item"><a href="/media-center" aria-label="Media Center"><i class="i-mic"></i></a>
</li>
<li><a href="/contact">Contact</a></li>
</ul></nav></header><main><h1>Welcome</h1><p>Serving the district.</p></main></body></html>"""


def listing() -> str:
    cards = "".join(
        f'<div class="c7"><div class="c8">{when}</div><div class="c9">'
        f'<a href="/media-center/{slug}">{title}</a></div></div>'
        for slug, title, when, _ in RELEASES
    )
    return (f"<html><body><header><a href='/'>Home</a></header><main><h1>Media Center</h1>"
            f"<div class='c6'>{cards}</div></main><footer><a href='/privacy'>Privacy policy "
            f"and terms</a></footer></body></html>")


def article(title: str, body: str) -> str:
    return (f"<html><head><title>{title}</title></head><body><header><a href='/'>Home</a>"
            f"</header><main><article><h1>{title}</h1><p>{body}</p></article></main>"
            f"<footer>Office of the Representative</footer></body></html>")


class Site(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        path = self.path.split("?", 1)[0]
        if path == "/press":  # a section that moved: sent to the homepage
            self.send_response(302)
            self.send_header("Location", "/")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        pages = {"/": HOME, "/media-center": listing(),
                 "/newsroom": "<html><body><h1>Newsroom</h1><p>Coming soon.</p></body></html>",
                 "/robots.txt": "User-agent: *\nDisallow:\n"}
        pages.update({f"/media-center/{slug}": article(title, body)
                      for slug, title, _, body in RELEASES})
        page = pages.get(path)
        self.send_response(200 if page is not None else 404)
        self.send_header("Content-Type", "text/plain" if path == "/robots.txt" else "text/html")
        data = (page or "<html><body>Not found</body></html>").encode()
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    tmp = tmp_path_factory.mktemp("discovery")
    server = ThreadingHTTPServer(("127.0.0.1", 0), Site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        roster = tmp / "roster.yaml"
        roster.write_text(yaml.safe_dump([{
            "id": {"bioguide": BIOGUIDE},
            "name": {"first": "Pat", "last": "Doe", "official_full": "Pat Doe"},
            "terms": [{"type": "rep", "start": "2025-01-03", "end": "2027-01-03", "state": "OH",
                       "district": 3, "party": "Independent", "url": base + "/"}],
        }]))
        config = tmp / "config.yaml"
        config.write_text(yaml.safe_dump({"roster": str(roster), "database": "pw.db",
                                          "crawl": {"delay_seconds": 0, "retries": 0}}))
        env = {**os.environ, "PRESSWATCH_NOW": "2026-08-11T12:00:00Z"}
        result = subprocess.run([PRESSWATCH, "crawl", "--config", str(config)], env=env,
                                capture_output=True, text=True, timeout=120)
        yield {"result": result, "db": Path(tmp / "pw.db"), "base": base}
    finally:
        server.shutdown()
        server.server_close()


def test_discovery_moves_past_a_dead_first_candidate(crawled) -> None:
    assert crawled["result"].returncode == 0, crawled["result"].stderr[-2000:]
    run = rows(crawled["db"], "select * from member_runs")[0]
    assert run["status"] == "ok"
    assert run["listing_url"] == crawled["base"] + "/media-center"
    assert run["listing_found_by"] == "discovered"
    assert run["discovery_path"] == (
        "homepage → /press redirected home → /newsroom 0 rows → /news 404 → /media-center 4 rows")
    stored = rows(crawled["db"], "select title, published from releases order by published")
    assert {r["title"] for r in stored} == {title for _, title, _, _ in RELEASES}


def test_member_run_reports_on_its_extraction(crawled) -> None:
    run = rows(crawled["db"], "select * from member_runs")[0]
    assert run["parser"] == "generic"  # no family knows this markup
    assert run["rows_undated"] == 1
    assert run["articles_short"] == 1
    assert run["disagreements"] == 0


def test_crawl_summary_names_the_members_to_look_at(crawled) -> None:
    out = crawled["result"].stdout
    assert ("Extraction: listings read by 1 generic; 1 rows undated, 1 short bodies, "
            f"0 disagreements; check {BIOGUIDE}") in out


def test_candidates_are_ranked_by_label_aria_label_toggle_and_url_words() -> None:
    html = """<html><body><nav><ul>
    <li><a href="/about">About</a></li>
    <li><a href="/news">News</a></li>
    <li><button>Media</button><ul><li><a href="/m/list">All items</a></li></ul></li>
    <li><a href="/newsroom/statements-and-more">Learn more</a></li>
    <li><a href="/media-center" aria-label="Media Center"><i></i></a></li>
    <li><a href="/pr" title="Press Releases"><img src="x.png"></a></li>
    </ul></nav></body></html>"""
    assert rank_press_links(html, "https://x.house.gov/") == [
        "https://x.house.gov/pr",  # "Press Releases" in its title attribute
        "https://x.house.gov/news",
        "https://x.house.gov/m/list",  # under the "Media" toggle
        "https://x.house.gov/media-center",  # "Media Center" only in aria-label
        "https://x.house.gov/newsroom/statements-and-more",  # URL words only
    ]


def test_release_links_on_the_homepage_are_not_listing_candidates() -> None:
    html = """<html><body><ul class="latest">
    <li><a href="/media/press-releases/smith-votes-yes">Smith votes yes on the farm bill</a></li>
    <li><a href="/news/2026/8/smith-visits-port">Smith visits the port</a></li>
    </ul><a href="/media/press-releases">More</a></body></html>"""
    assert rank_press_links(html, "https://x.house.gov/") == [
        "https://x.house.gov/media/press-releases"]
