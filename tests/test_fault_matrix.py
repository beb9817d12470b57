"""The fault matrix: one simulated site per way a server can misbehave, crawled together.

Three crawls of the same Congress: a healthy one, one with every fault switched on (and a new
release published on every site), and a healthy one again. For each fault the member's status
is what it should be, nothing false is reported (no ``edited`` / ``removed``, no ``new`` for a
page that was not a release), stored data stays as it was, and the next healthy crawl picks up
what the faulty one missed.
"""

from __future__ import annotations

import http.server
import json
import subprocess
import threading
from collections import Counter

import pytest

from crawler.fingerprint import normalize_text
from simcongress import (
    add_new_release,
    build_congress,
    expected_releases,
    serve,
    write_config,
    write_roster,
)
from tests.helpers import PRESSWATCH, rows

# fault → (member status in the faulty crawl, whether that crawl stores the new release)
MATRIX = {
    "500": ("error", False),
    "503": ("error", False),
    "429": ("error", False),
    "403": ("blocked", False),
    "cdn-block-200": ("blocked", False),
    "reset": ("error", False),
    "timeout": ("error", False),
    "slow-drip": ("error", False),
    "truncated": ("error", False),
    "oversized": ("error", False),
    "gzip-bomb": ("error", False),
    "windows-1252": ("ok", True),
    "invalid-utf8": ("ok", True),
    "redirect-loop": ("error", False),
    "redirect-home": ("ok", False),
    "redirect-other-host": ("ok", False),
    "redirect-private": ("ok", False),
    "robots-disallow": ("error", False),
    "robots-503": ("ok", True),  # robots.txt unavailable: retried, then crawled as allowed
    "huge-listing": ("ok", True),
    "pager-loop": ("ok", True),
    "future-date": ("ok", True),
}
CONTROLS = 2  # healthy sites crawled alongside
PAGES = 3
CRAWL = {
    "delay_seconds": 0, "retries": 1, "retry_backoff_seconds": 0.1,
    "max_retry_after_seconds": 1,
    # Well under the simulator's FAULT_DELAY (5 s), well over a loaded machine's slowest page.
    "timeout_seconds": 3, "max_page_bytes": 8 * 1024 * 1024,
    "max_links_per_listing": 500, "max_articles_per_member": 50,
    "host_groups": {"127.0.0.1": 12}, "concurrent_requests": 16,
    # Every known release is re-fetched on every run, so every fault meets re-checks too.
    "recheck": {"every_run_days": 100000, "daily_until_days": 100000,
                "weekly_until_days": 100000},
}


class Trap(http.server.BaseHTTPRequestHandler):
    """An "internal service" on 127.0.0.2 that must never be reached."""

    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802
        Trap.hits.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"<html><body><h1>instance secrets</h1></body></html>")

    def log_message(self, *args: object) -> None:
        pass


def crawl(config) -> subprocess.CompletedProcess[str]:
    return subprocess.run([PRESSWATCH, "crawl", "--config", str(config), "--pages", str(PAGES)],
                          capture_output=True, text=True, timeout=300)


def apply_fault(name: str, site, new, server, control, trap_url: str) -> None:
    site.conditional = False  # full pages on every re-check: encodings meet stored text
    if name == "redirect-home":
        site.fault, site.fault_paths, site.fault_target = "redirect", [new.href], "/"
    elif name == "redirect-other-host":
        site.fault, site.fault_paths = "redirect", [new.href]
        site.fault_target = server.url(control, "/not-this-members-page")
    elif name == "redirect-private":
        site.fault, site.fault_paths, site.fault_target = "redirect", [new.href], trap_url
    elif name == "robots-disallow":
        site.robots_txt = f"User-agent: *\nDisallow: {site.listing_path}\n"
    elif name == "robots-503":
        site.fault, site.fault_paths = "503", ["/robots.txt"]
    elif name == "huge-listing":
        site.fault, site.fault_paths = name, [site.listing_path]
    elif name == "pager-loop":
        site.past_end = "loop"
    elif name != "future-date":
        site.fault = name


def clear_fault(site) -> None:
    site.fault = site.fault_paths = site.fault_target = None
    site.robots_txt = "User-agent: *\nDisallow: /admin/\n"


@pytest.fixture(scope="module")
def matrix(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("matrix")
    names = list(MATRIX)
    congress = build_congress(len(names) + CONTROLS, releases_per_site=4, seed=11,
                              families=["house-evo"], page_size=5)
    for site in congress.sites:
        site.press_url_in_config = True
    faulty = dict(zip(names, congress.sites, strict=False))
    control = congress.sites[-1]
    trap = http.server.ThreadingHTTPServer(("127.0.0.2", 0), Trap)
    threading.Thread(target=trap.serve_forever, daemon=True).start()
    trap_url = f"http://127.0.0.2:{trap.server_address[1]}/latest/meta-data/"
    with serve(congress) as server:
        roster = write_roster(congress, server, tmp / "roster.yaml")
        config = write_config(congress, server, tmp / "config.yaml", roster.name,
                              database="pw.db", crawl=CRAWL)
        first = crawl(config)
        new = {}
        for name, site in faulty.items():
            published = "2099-01-01" if name == "future-date" else None
            new[name] = add_new_release(congress, site, published=published)
            apply_fault(name, site, new[name], server, control, trap_url)
        for site in congress.sites[len(names):]:
            new[site.slug] = add_new_release(congress, site)
        server.reset_log()
        second = crawl(config)
        second_log = list(server.request_log)
        for site in congress.sites:
            clear_fault(site)
        third = crawl(config)
        yield {
            "db": tmp / "pw.db", "runs": (first, second, third), "sites": faulty, "new": new,
            "control": control, "server": server, "second_log": second_log,
            "expected": expected_releases(congress, server, pages=PAGES),
        }
    trap.shutdown()


def member_run(db, run_id: int, bioguide: str) -> dict:
    return rows(db, "select * from member_runs where run_id = ? and bioguide_id = ?",
                (run_id, bioguide))[0]


def test_every_crawl_completes(matrix):
    for result in matrix["runs"]:
        assert result.returncode == 0, result.stderr[-3000:]
    total = len(MATRIX) + CONTROLS
    assert f"members {total} ok, 0 empty, 0 blocked, 0 error" in matrix["runs"][0].stdout
    assert f"members {total} ok, 0 empty, 0 blocked, 0 error" in matrix["runs"][2].stdout
    counts = Counter(status for status, _ in MATRIX.values())
    summary = (f"members {counts['ok'] + CONTROLS} ok, 0 empty, {counts['blocked']} blocked, "
               f"{counts['error']} error, 0 skipped")
    statuses = {name: member_run(matrix["db"], 2, site.bioguide_id)["status"]
                for name, site in matrix["sites"].items()}
    assert summary in matrix["runs"][1].stdout, statuses


@pytest.mark.parametrize("fault", list(MATRIX))
def test_fault_status_and_nothing_false(matrix, fault):
    db, site, new = matrix["db"], matrix["sites"][fault], matrix["new"][fault]
    status, stored_in_faulty_run = MATRIX[fault]
    run = member_run(db, 2, site.bioguide_id)
    assert run["status"] == status, (fault, run["error"])
    if status != "ok":
        assert run["error"] and "<twisted" not in run["error"], (fault, run["error"])
        assert "crawl ended before" not in run["error"], fault  # answered, not lost
    url = matrix["server"].url(site, new.path)
    stored = rows(db, "select * from releases where url = ?", (url,))
    assert stored, fault  # picked up by the next healthy crawl at the latest
    assert stored[0]["first_run_id"] == (2 if stored_in_faulty_run else 3), fault
    assert member_run(db, 3, site.bioguide_id)["status"] == "ok", fault
    events = rows(db, "select kind, run_id from changes where release_id = ?", (stored[0]["id"],))
    assert events == [{"kind": "new", "run_id": stored[0]["first_run_id"]}], fault
    # The releases of the healthy first crawl are untouched: one version each, same content.
    before = rows(db, "select id, content_hash, current_version_id, status from releases "
                      "where bioguide_id = ? and first_run_id = 1", (site.bioguide_id,))
    assert len(before) == 4
    for release in before:
        assert release["status"] == "active", fault
        versions = rows(db, "select content_hash from release_versions where release_id = ?",
                        (release["id"],))
        assert [v["content_hash"] for v in versions] == [release["content_hash"]], fault


def test_no_false_changes_and_every_release_new_exactly_once(matrix):
    db = matrix["db"]
    kinds = Counter(r["kind"] for r in rows(db, "select kind from changes"))
    assert set(kinds) == {"new"}, kinds
    new_events = Counter(r["release_id"] for r in rows(
        db, "select release_id from changes where kind = 'new'"))
    releases = {r["id"] for r in rows(db, "select id from releases")}
    assert set(new_events) == releases and set(new_events.values()) == {1}


def test_next_healthy_crawl_picks_up_everything(matrix):
    db, expected = matrix["db"], {e["url"]: e for e in matrix["expected"]}
    stored = {r["url"]: r for r in rows(db, "select * from releases")}
    assert sorted(stored) == sorted(expected)
    for url, want in expected.items():
        got = stored[url]
        assert got["title"] == want["title"], url
        body = [normalize_text(p) for p in got["body_text"].split("\n\n")]
        assert body == [normalize_text(p) for p in want["paragraphs"]], url
        assert json.loads(got["attachments"]) == want["attachments"], url


def test_encoding_faults_read_the_text_right(matrix):
    db = matrix["db"]
    for fault in ("windows-1252", "invalid-utf8"):
        site, new = matrix["sites"][fault], matrix["new"][fault]
        (got,) = rows(db, "select title, body_text from releases where url = ?",
                      (matrix["server"].url(site, new.path),))
        assert normalize_text(got["title"]) == normalize_text(new.title)
        assert "\ufffd" not in got["body_text"] and "\ufffd" not in got["title"]


def test_redirects_off_site_and_to_internal_addresses_are_refused_and_recorded(matrix):
    db, server = matrix["db"], matrix["server"]
    assert Trap.hits == []
    control_paths = [r.path for r in matrix["second_log"] if r.site == matrix["control"].slug]
    assert "/not-this-members-page" not in control_paths
    for fault in ("redirect-other-host", "redirect-private"):
        run = member_run(db, 2, matrix["sites"][fault].bioguide_id)
        assert run["urls_refused"] >= 1 and "redirected off" in run["error"] or \
            "internal address" in run["error"], (fault, run["error"])
        assert run["articles_failed"] >= 1
    assert "internal address" in member_run(
        db, 2, matrix["sites"]["redirect-private"].bioguide_id)["error"]
    assert not rows(db, "select 1 from releases where body_text like '%instance secrets%'")
    home = member_run(db, 2, matrix["sites"]["redirect-home"].bioguide_id)
    assert home["articles_failed"] >= 1
    del server


def test_bounds_hold_on_a_listing_with_100k_links(matrix):
    site = matrix["sites"]["huge-listing"]
    requests = [r for r in matrix["second_log"] if r.site == site.slug]
    assert len(requests) <= CRAWL["max_articles_per_member"] + 10
    run = member_run(matrix["db"], 2, site.bioguide_id)
    assert "links" in (run["error"] or "") or run["releases_found"] <= 500


def test_retry_after_is_respected_without_holding_other_hosts(matrix):
    site = matrix["sites"]["503"]
    listing = [r for r in matrix["second_log"]
               if r.site == site.slug and r.path == site.listing_path]
    assert len(listing) == CRAWL["retries"] + 1
    assert listing[1].timestamp - listing[0].timestamp >= 0.9  # Retry-After: 1


def test_future_date_is_not_stored_as_a_future_date(matrix):
    site, new = matrix["sites"]["future-date"], matrix["new"]["future-date"]
    (got,) = rows(matrix["db"], "select published from releases where url = ?",
                  (matrix["server"].url(site, new.path),))
    assert got["published"] is None or got["published"] < "2099-01-01"
