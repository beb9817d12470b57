"""End to end: `presswatch crawl`, run as a user would, against a simulated Congress on 127.0.0.1.

Every family is served (real fixture markup, real release texts); the database must hold exactly
what the server published, row by row.
"""

from __future__ import annotations

import json
import subprocess
from collections import Counter

import pytest

from crawler.fingerprint import normalize_text
from simcongress import (
    FAMILY_NAMES,
    build_congress,
    expected_releases,
    serve,
    write_config,
    write_roster,
)
from tests.helpers import PRESSWATCH, rows

SITES = 60


def presswatch(*args: str) -> subprocess.CompletedProcess[str]:
    command = [PRESSWATCH, *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("e2e")
    congress = build_congress(SITES, releases_per_site=10, seed=7)
    with serve(congress) as server:
        roster = write_roster(congress, server, tmp / "roster.yaml")
        config = write_config(
            congress, server, tmp / "config.yaml", roster.name,
            database="pw.db",
            crawl={"delay_seconds": 0, "retries": 0, "host_groups": {"127.0.0.1": 3}},
        )
        result = presswatch("crawl", "--config", str(config), "--progress")
        yield {
            "congress": congress,
            "server": server,
            "result": result,
            "db": tmp / "pw.db",
            "expected": expected_releases(congress, server),
        }


def test_covers_every_family(crawled):
    families = {s.family for s in crawled["congress"].sites}
    assert families == set(FAMILY_NAMES)
    assert len(crawled["congress"].sites) >= 60


def test_crawl_exits_zero_with_summary_and_progress(crawled):
    result = crawled["result"]
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"members {SITES} ok, 0 empty, 0 blocked, 0 error, 0 skipped" in result.stdout
    assert f"changes {SITES * 10} new, 0 edited, 0 removed, 0 restored" in result.stdout
    assert result.stderr.count(f"/{SITES}] ") == SITES  # one progress line per member


def test_every_release_stored_exactly(crawled):
    expected = {e["url"]: e for e in crawled["expected"]}
    stored = {r["url"]: r for r in rows(crawled["db"], "select * from releases")}
    assert len(expected) == SITES * 10
    assert sorted(stored) == sorted(expected)
    for url, want in expected.items():
        got = stored[url]
        assert got["bioguide_id"] == want["bioguide_id"], url
        assert got["title"] == want["title"], url
        assert got["published"] == want["published"], url
        assert got["dateline"] == want["dateline"], (url, want["family"])
        body = [normalize_text(p) for p in got["body_text"].split("\n\n")]
        assert body == [normalize_text(p) for p in want["paragraphs"]], (url, want["family"])
        assert json.loads(got["attachments"]) == want["attachments"], url
        assert got["word_count"] == sum(len(p.split()) for p in want["paragraphs"])


def test_one_version_per_release_with_raw_html(crawled):
    versions = rows(
        crawled["db"],
        "select v.release_id, v.extractor_version, length(p.html_gz) as size "
        "from release_versions v join raw_pages p on p.sha256 = v.raw_sha256",
    )
    assert len(versions) == SITES * 10
    assert Counter(v["release_id"] for v in versions).most_common(1)[0][1] == 1
    assert all(v["size"] > 0 and v["extractor_version"] for v in versions)


def test_member_runs_and_discovery(crawled):
    congress, server = crawled["congress"], crawled["server"]
    runs = {r["bioguide_id"]: r for r in rows(crawled["db"], "select * from member_runs")}
    members = {r["bioguide_id"]: r for r in rows(crawled["db"], "select * from members")}
    for site in congress.sites:
        run = runs[site.bioguide_id]
        assert run["status"] == "ok", (site.family, run["error"])
        assert run["releases_found"] == 10
        assert run["listing_url"] == server.url(site, site.listing_path)
        found_by = "config" if site.press_url_in_config else "discovered"
        assert members[site.bioguide_id]["listing_found_by"] == found_by
    assert any(not s.press_url_in_config for s in congress.sites)


def test_politeness_one_request_per_site_and_group_limit(crawled):
    congress, server = crawled["congress"], crawled["server"]
    assert not server.errors
    assert all(server.max_concurrency_seen(site) == 1 for site in congress.sites)
    assert server.max_concurrency_seen() <= 3
    user_agents = {r.headers.get("User-Agent") for r in server.request_log}
    assert len(user_agents) == 1 and "presswatch" in user_agents.pop()
    assert all(any(r.path == "/robots.txt" for r in server.requests_for(site))
               for site in congress.sites)
