"""One member's bad URL is that member's error; bounds leave the rest for later runs."""

from __future__ import annotations

import os
import subprocess

import yaml

from simcongress import build_congress, serve, write_config, write_roster
from tests.helpers import PRESSWATCH, rows


def crawl(config, home, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HOME": str(home), "XDG_DATA_HOME": str(home / "data"),
           "XDG_CONFIG_HOME": str(home / "config"), "XDG_CACHE_HOME": str(home / "cache")}
    return subprocess.run([PRESSWATCH, "crawl", "--config", str(config), *args], env=env,
                          capture_output=True, text=True, timeout=300)


def test_bad_urls_are_per_member_errors_and_everyone_gets_a_row(tmp_path):
    congress = build_congress(6, releases_per_site=3, seed=21, families=["house-evo"])
    home = tmp_path / "home"
    home.mkdir()
    with serve(congress) as server:
        roster = write_roster(congress, server, tmp_path / "roster.yaml")
        people = yaml.safe_load(roster.read_text())
        people[2]["terms"][-1]["url"] = 12345  # and no press_url for this one
        roster.write_text(yaml.safe_dump(people))
        config = write_config(congress, server, tmp_path / "config.yaml", roster.name,
                              database="pw.db", crawl={"delay_seconds": 0, "retries": 0})
        data = yaml.safe_load(config.read_text())
        sites = congress.sites
        data["members"][sites[0].bioguide_id] = {"press_url": "not a url"}
        data["members"][sites[1].bioguide_id] = {"press_url": "file:///etc/passwd"}
        data["members"].pop(sites[2].bioguide_id, None)
        config.write_text(yaml.safe_dump(data))
        result = crawl(config, home)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    assert "members 3 ok, 0 empty, 0 blocked, 3 error, 0 skipped" in result.stdout
    runs = {r["bioguide_id"]: r for r in rows(tmp_path / "pw.db", "select * from member_runs")}
    assert set(runs) == {s.bioguide_id for s in sites}
    assert runs[sites[0].bioguide_id]["error"] == (
        "press_url 'not a url' has no scheme: only http and https URLs are fetched")
    assert runs[sites[1].bioguide_id]["error"] == (
        "press_url 'file:///etc/passwd' has scheme 'file': only http and https URLs are fetched")
    assert runs[sites[2].bioguide_id]["error"] == (
        "homepage '12345' has no scheme: only http and https URLs are fetched")
    for site in sites[3:]:
        assert runs[site.bioguide_id]["status"] == "ok"
        assert runs[site.bioguide_id]["releases_found"] == 3
    assert not rows(tmp_path / "pw.db", "select 1 from releases where body_text like '%root:%'")
    # No Scrapy extension left anything in the user's home (remote-control token files...).
    assert [p for p in home.rglob("*")] == []


def test_article_cap_leaves_the_rest_for_later_runs_which_fetch_them(tmp_path):
    congress = build_congress(1, releases_per_site=12, seed=22, families=["house-evo"],
                              page_size=20)
    with serve(congress) as server:
        roster = write_roster(congress, server, tmp_path / "roster.yaml")
        config = write_config(congress, server, tmp_path / "config.yaml", roster.name,
                              database="pw.db", crawl={"delay_seconds": 0, "retries": 0,
                                                       "max_articles_per_member": 5})
        stored = []
        for _ in range(3):
            result = crawl(config, tmp_path)
            assert result.returncode == 0, result.stderr[-3000:]
            stored.append(rows(tmp_path / "pw.db", "select count(*) n from releases")[0]["n"])
    assert stored == [5, 10, 12]
    runs = rows(tmp_path / "pw.db", "select articles_deferred, error from member_runs "
                                    "order by run_id")
    assert [r["articles_deferred"] for r in runs] == [7, 2, 0]
    assert "cap of 5 release pages reached" in runs[0]["error"]
    new = rows(tmp_path / "pw.db", "select release_id from changes where kind = 'new'")
    assert len(new) == 12 == len({r["release_id"] for r in new})


def test_retry_after_waits_do_not_hold_other_hosts(tmp_path):
    """Hosts answering 429 wait for their retry without taking the crawl's request slots: a
    healthy site is crawled completely before any of their retries is due."""
    congress = build_congress(5, releases_per_site=8, seed=23, families=["house-evo"])
    throttled, healthy = congress.sites[:4], congress.sites[4]
    healthy.press_url_in_config = True
    for site in throttled:
        site.fault, site.retry_after = "429", "3"
    with serve(congress) as server:
        roster = write_roster(congress, server, tmp_path / "roster.yaml")
        config = write_config(congress, server, tmp_path / "config.yaml", roster.name,
                              database="pw.db",
                              crawl={"delay_seconds": 0, "retries": 1, "concurrent_requests": 2,
                                     "max_retry_after_seconds": 3,
                                     "host_groups": {"127.0.0.1": 2}})
        result = crawl(config, tmp_path)
        assert result.returncode == 0, result.stderr[-3000:]
        healthy_times = [r.timestamp for r in server.requests_for(healthy)]
        retries = [sorted(r.timestamp for r in server.requests_for(site)
                          if r.path == site.listing_path)[1:] for site in throttled]
        retries = [t for times in retries for t in times]
    assert "members 1 ok, 0 empty, 0 blocked, 4 error" in result.stdout
    assert len(healthy_times) == 1 + 1 + 8  # robots.txt, listing, releases
    assert len(retries) == len(throttled)  # each throttled listing was retried once
    assert max(healthy_times) < min(retries)


def test_escape_sequences_are_stripped_before_storage(tmp_path):
    congress = build_congress(1, releases_per_site=2, seed=24, families=["house-evo"])
    release = congress.sites[0].releases[0]
    release.title = "Smith \x1b[2J\x1b]0;owned\x07acts <script>x()</script> '; DROP TABLE x; --"
    release.paragraphs[0] = "\x1b[31mWASHINGTON\x1b[0m \x9b1m– " + release.paragraphs[0]
    with serve(congress) as server:
        roster = write_roster(congress, server, tmp_path / "roster.yaml")
        config = write_config(congress, server, tmp_path / "config.yaml", roster.name,
                              database="pw.db", crawl={"delay_seconds": 0, "retries": 0})
        result = crawl(config, tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    stored = rows(tmp_path / "pw.db", "select title, body_text from releases")
    assert len(stored) == 2
    text = "".join(r["title"] + r["body_text"] for r in stored)
    assert not any(ord(c) < 32 and c != "\n" or 0x7f <= ord(c) <= 0x9f for c in text)
    titles = {r["title"] for r in stored}
    assert "Smith acts <script>x()</script> '; DROP TABLE x; --" in titles
