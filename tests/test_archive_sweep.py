"""Re-checks that never stop: the archive sweep (crawl.recheck.archive_days) and the re-check of
releases that drop off their listing, with a pinned clock (PRESSWATCH_NOW)."""

from __future__ import annotations

import math
import os
import subprocess
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest

from crawler.clock import format_timestamp, parse_timestamp
from crawler.recheck import is_due, sweep_slot
from simcongress import build_congress, serve, write_config, write_roster
from tests.helpers import PRESSWATCH, rows

SCHEDULE = {"every_run_days": 3, "daily_until_days": 30, "weekly_until_days": 180,
            "archive_days": 30}
T0 = parse_timestamp("2026-04-13T06:00:00Z")


def old_release(release_id: int, checked) -> dict:
    return {"id": release_id, "born": "2024-11-05", "last_checked": format_timestamp(checked),
            "gone_since": None}


def simulate(count: int, every: timedelta, days: int, schedule: dict = SCHEDULE):
    """Crawls every ``every`` for ``days``: which run re-checked each release, runs' loads."""
    releases = [old_release(i, T0) for i in range(1, count + 1)]
    checked_at: dict[int, list] = {r["id"]: [] for r in releases}
    loads = []
    now = T0
    while now < T0 + timedelta(days=days):
        now += every
        due = [r for r in releases if is_due(r, now, schedule)]
        for r in due:
            r["last_checked"] = format_timestamp(now)
            checked_at[r["id"]].append(now)
        loads.append(len(due))
    return checked_at, loads


@pytest.mark.parametrize(("every", "count"), [(timedelta(hours=1), 1440),
                                              (timedelta(hours=6), 1200),
                                              (timedelta(days=1), 1200)])
def test_every_release_of_any_age_is_rechecked_within_the_window_at_a_flat_load(every, count):
    checked_at, loads = simulate(count, every, days=30)
    # Every release, whatever its age, once in the 30 days; none twice.
    assert Counter(len(times) for times in checked_at.values()) == {1: count}
    # Each run takes about 1/runs-per-window of the archive.
    runs = timedelta(days=30) / every
    mean = count / runs
    assert sum(loads) == count
    assert max(loads) <= math.ceil(mean) + 2, (max(loads), mean)
    assert min(loads[: int(runs) - 1]) >= math.floor(mean) - 2, (min(loads), mean)


def test_the_sweep_keeps_going_window_after_window():
    checked_at, _ = simulate(500, timedelta(hours=6), days=95)
    for times in checked_at.values():
        assert len(times) in (3, 4)  # 95 days: three windows and a bit
        gaps = [b - a for a, b in zip([T0, *times], times, strict=False)]
        assert max(gaps) <= timedelta(days=30, hours=6)  # the window plus one run interval


def test_without_the_sweep_old_releases_are_never_rechecked():
    schedule = {**SCHEDULE, "archive_days": 0}
    checked_at, loads = simulate(200, timedelta(days=1), days=60, schedule=schedule)
    assert sum(loads) == 0


def test_a_slot_is_fixed_and_within_the_window():
    window = timedelta(days=30)
    for release_id in (1, 2, 77, 5000):
        slot = sweep_slot(release_id, T0, window)
        assert T0 - window < slot <= T0
        assert sweep_slot(release_id, slot + timedelta(days=3), window) == slot
        assert sweep_slot(release_id, slot + window, window) == slot + window


# --- end to end: presswatch crawl against simulated sites ------------------------------------


def crawl(config: Path, now) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRESSWATCH_NOW": format_timestamp(now)}
    result = subprocess.run([PRESSWATCH, "crawl", "--config", str(config)], env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def fetched_paths(server, site) -> set[str]:
    return {r.path for r in server.requests_for(site) if r.method == "GET"}


@pytest.fixture(scope="module")
def sweep_world(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("sweep")
    congress = build_congress(3, releases_per_site=10, seed=21,
                              families=["house-evo", "senate-articleblock", "recordlist"])
    site = congress.sites[0]
    old = site.releases[-5:]  # a year old: only the archive sweep re-checks them
    for day, release in zip((5, 4, 3, 2, 1), old, strict=True):
        release.published = f"2025-04-0{day}"
    with serve(congress) as server:
        roster = write_roster(congress, server, tmp / "roster.yaml")
        config = write_config(congress, server, tmp / "config.yaml", roster.name,
                              database="pw.db", crawl={"delay_seconds": 0, "retries": 0})
        crawl(config, T0)
        yield {"congress": congress, "server": server, "site": site, "old": old,
               "config": config, "db": tmp / "pw.db"}


def release_rows(world) -> dict[str, dict]:
    return {r["url"]: r for r in rows(world["db"], "select * from releases")}


def test_a_release_that_drops_off_its_listing_is_rechecked_the_same_run(sweep_world):
    w = sweep_world
    server, site = w["server"], w["site"]
    delisted, taken_down = w["old"][0], w["old"][1]
    delisted.listed = False  # still served, no longer listed
    taken_down.listed, taken_down.status = False, 404
    stored = release_rows(w)
    assert all(stored[server.url(site, r.path)]["listed_run_id"] == 1 for r in w["old"])
    later = T0 + timedelta(hours=1)
    server.reset_log()
    crawl(w["config"], later)
    fetched = fetched_paths(server, site)
    assert delisted.path in fetched and taken_down.path in fetched
    # Other old releases still on the listing are left alone, unless their sweep slot came.
    window = timedelta(days=30)
    for release in w["old"][2:]:
        row = stored[server.url(site, release.path)]
        swept = sweep_slot(row["id"], later, window) > T0
        assert (release.path in fetched) == swept, release.path
    after = release_rows(w)
    assert after[server.url(site, delisted.path)]["last_checked"] == format_timestamp(later)
    gone = after[server.url(site, taken_down.path)]
    assert gone["gone_checks"] == 1 and gone["status"] == "active"
    # Found gone, it is re-checked on every run until the removal is confirmed 6 h later.
    crawl(w["config"], T0 + timedelta(hours=8))
    removed = rows(w["db"], "select c.kind from changes c join releases r on r.id = c.release_id"
                            " where r.url = ? and c.kind = 'removed'",
                   (server.url(site, taken_down.path),))
    assert len(removed) == 1


def test_an_edit_to_a_year_old_release_is_reported_within_the_window(sweep_world):
    w = sweep_world
    server, site = w["server"], w["site"]
    start = T0 + timedelta(hours=9)  # after the drop-off test's crawls
    window = timedelta(days=30)
    stored = release_rows(w)
    # A year-old release whose next slot is comfortably after start.
    candidates = []
    for release in w["old"][2:]:
        row = stored[server.url(site, release.path)]
        slot = sweep_slot(row["id"], start, window) + window
        if slot - start > timedelta(hours=2):
            candidates.append((release, row, slot))
    release, row, slot = candidates[0]
    assert release.published <= "2025-04-13"  # a year old
    release.paragraphs[-1] += " This statement was quietly amended."
    edits = "select kind from changes where release_id = ? and kind = 'edited'"
    crawl(w["config"], slot - timedelta(minutes=30))
    assert rows(w["db"], edits, (row["id"],)) == []  # its slot has not come yet
    crawl(w["config"], slot + timedelta(minutes=30))
    assert rows(w["db"], edits, (row["id"],)) == [{"kind": "edited"}]
    assert slot + timedelta(minutes=30) - start <= window + timedelta(hours=1)


def test_a_release_on_a_page_this_run_did_not_read_is_not_a_drop_off(tmp_path: Path):
    congress = build_congress(1, releases_per_site=6, seed=4, families=["house-evo"],
                              page_size=3)
    site = congress.sites[0]
    for day, release in zip(range(9, 3, -1), site.releases, strict=True):
        release.published = f"2025-04-0{day}"  # a year old: not due on the decaying schedule
    with serve(congress) as server:
        roster = write_roster(congress, server, tmp_path / "roster.yaml")
        config = write_config(congress, server, tmp_path / "config.yaml", roster.name,
                              database="pw.db", crawl={"delay_seconds": 0, "retries": 0,
                                                       "recheck": {"archive_days": 0}})
        env = {**os.environ, "PRESSWATCH_NOW": format_timestamp(T0)}
        two_pages = subprocess.run([PRESSWATCH, "crawl", "--config", str(config), "--pages",
                                    "2"], env=env, capture_output=True, text=True, timeout=300)
        assert two_pages.returncode == 0, two_pages.stderr[-3000:]
        pages = {r["url"]: r["listed_page"] for r in rows(tmp_path / "pw.db",
                                                          "select url, listed_page from releases")}
        assert sorted(pages.values()) == [1, 1, 1, 2, 2, 2]
        site.releases[0].listed = False  # drops off page 1; the first of page 2 moves up
        server.reset_log()
        crawl(config, T0 + timedelta(hours=1))  # one listing page only
    fetched = fetched_paths(server, site)
    rechecked = {r.path for r in site.releases if r.path in fetched}
    # The delisted release is re-checked; the page-2 releases the run did not read are not.
    assert rechecked == {site.releases[0].path}
