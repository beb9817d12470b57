"""Crawl behaviour at the edges: pagination (and sites that loop back to page 1), a blocked
site, a configured press URL that is gone, a site with no press page at all."""

from __future__ import annotations

import subprocess

import pytest
import yaml

from simcongress import build_congress, expected_releases, serve, write_config, write_roster
from tests.helpers import PRESSWATCH, rows


@pytest.fixture(scope="module")
def faulty(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("faults")
    congress = build_congress(15, releases_per_site=25, seed=3, page_size=10)
    blocked, moved, lost = congress.sites[0], congress.sites[1], congress.sites[2]
    blocked.site_status = 403
    lost.press_url_in_config = False
    lost.press_link_on_homepage = False
    with serve(congress) as server:
        roster = write_roster(congress, server, tmp / "roster.yaml")
        config = write_config(congress, server, tmp / "config.yaml", roster.name,
                              database="pw.db", crawl={"delay_seconds": 0, "retries": 0})
        data = yaml.safe_load(config.read_text())
        # A stale configured press URL: it answers 404, so the homepage link must be used.
        data["members"][moved.bioguide_id] = {"press_url": server.url(moved, "/old-press")}
        config.write_text(yaml.safe_dump(data))
        result = subprocess.run([PRESSWATCH, "crawl", "--config", str(config), "--pages", "3"],
                                capture_output=True, text=True, timeout=600)
        yield {
            "congress": congress, "server": server, "result": result, "db": tmp / "pw.db",
            "expected": expected_releases(congress, server, pages=3),
            "blocked": blocked, "moved": moved, "lost": lost,
        }


def test_run_completes_despite_failures(faulty):
    result = faulty["result"]
    assert result.returncode == 0, result.stderr[-2000:]
    assert "members 13 ok, 0 empty, 1 blocked, 1 error, 0 skipped" in result.stdout


def test_three_pages_followed_without_looping(faulty):
    congress, server = faulty["congress"], faulty["server"]
    expected = {e["url"] for e in faulty["expected"]}
    stored = {r["url"] for r in rows(faulty["db"], "select url from releases")}
    assert stored == expected
    # Feeds hold 10 items; every other reachable site shows 3 pages of 10.
    assert len(expected) == sum(
        10 if s.family in ("rss", "atom") else 25 for s in congress.sites
        if s not in (faulty["blocked"], faulty["lost"])
    )
    for site in congress.sites:
        listing_hits = [r for r in server.requests_for(site) if r.path == site.listing_path]
        assert len(listing_hits) <= 1, site.family  # page 1 is never fetched twice


def test_blocked_site_recorded_as_blocked(faulty):
    run = rows(faulty["db"], "select * from member_runs where bioguide_id = "
               f"'{faulty['blocked'].bioguide_id}'")[0]
    assert (run["status"], run["http_status"]) == ("blocked", 403)
    assert rows(faulty["db"], "select count(*) n from releases where bioguide_id = "
                f"'{faulty['blocked'].bioguide_id}'")[0]["n"] == 0


def test_gone_press_url_is_rediscovered_from_homepage(faulty):
    moved, server = faulty["moved"], faulty["server"]
    member = rows(faulty["db"], f"select * from members where bioguide_id = '{moved.bioguide_id}'")
    assert member[0]["listing_url"] == server.url(moved, moved.listing_path)
    assert member[0]["listing_found_by"] == "discovered"


def test_site_without_press_page_is_an_error_not_silence(faulty):
    run = rows(faulty["db"], "select * from member_runs where bioguide_id = "
               f"'{faulty['lost'].bioguide_id}'")[0]
    assert run["status"] == "error"
    # Its homepage has no "Press Releases" link; the best candidate ("News") is a dead end.
    assert run["error"].startswith("listing " + faulty["server"].base_url(faulty["lost"]))
    assert run["error"].endswith("answered 404")


def test_discovered_press_page_is_remembered_and_rediscovered_when_it_moves(tmp_path):
    congress = build_congress(2, releases_per_site=3, seed=4, families=["house-evo"])
    site = congress.sites[0]
    site.press_url_in_config = False
    with serve(congress) as server:
        roster = write_roster(congress, server, tmp_path / "roster.yaml")
        config = write_config(congress, server, tmp_path / "config.yaml", roster.name,
                              database="pw.db", crawl={"delay_seconds": 0, "retries": 0})

        def crawl_and_requests() -> list[str]:
            server.reset_log()
            result = subprocess.run([PRESSWATCH, "crawl", "--config", str(config)],
                                    capture_output=True, text=True, timeout=120)
            assert result.returncode == 0, result.stderr[-2000:]
            return [r.path for r in server.requests_for(site)]

        assert "/" in crawl_and_requests()  # first run: found from the homepage
        assert "/" not in crawl_and_requests()  # then the stored listing is used directly
        old = site.listing_path
        site.listing_path = "/newsroom/press-releases"  # a redesign moves the listing
        paths = crawl_and_requests()
        assert old in paths and "/" in paths and site.listing_path in paths
    member = rows(tmp_path / "pw.db", "select * from members where bioguide_id = ?",
                  (site.bioguide_id,))[0]
    assert member["listing_url"] == server.url(site, site.listing_path)
    assert member["listing_found_by"] == "discovered"
