"""`presswatch crawl` with `raw_database` set, against a simulated Congress on 127.0.0.1: the
crawl's child process writes the raw HTML to the second file, and `reprocess` and `search`
read the pair."""

from __future__ import annotations

import subprocess

from simcongress import build_congress, serve, write_config, write_roster
from tests.helpers import PRESSWATCH, rows

SITES, RELEASES = 4, 3


def presswatch(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([PRESSWATCH, *args], capture_output=True, text=True, timeout=600)


def test_crawl_writes_raw_html_to_the_raw_file(tmp_path) -> None:
    congress = build_congress(SITES, releases_per_site=RELEASES, seed=3)
    with serve(congress) as server:
        roster = write_roster(congress, server, tmp_path / "roster.yaml")
        config = write_config(congress, server, tmp_path / "config.yaml", roster.name,
                              database="pw.db", raw_database="pw-raw.db",
                              crawl={"delay_seconds": 0, "retries": 0})
        crawl = presswatch("crawl", "--config", str(config))
    assert crawl.returncode == 0, crawl.stderr[-3000:]
    main_pages = rows(tmp_path / "pw.db", "SELECT sha256, length(html_gz) AS n FROM raw_pages")
    raw_pages = rows(tmp_path / "pw-raw.db",
                     "SELECT sha256, length(html_gz) AS n FROM raw_pages")
    stored = rows(tmp_path / "pw.db", "SELECT count(*) AS n FROM releases")[0]["n"]
    assert stored == SITES * RELEASES
    assert len(main_pages) == len(raw_pages) == stored
    assert all(p["n"] == 0 for p in main_pages) and all(p["n"] > 0 for p in raw_pages)
    assert {p["sha256"] for p in main_pages} == {p["sha256"] for p in raw_pages}

    reprocess = presswatch("reprocess", "--config", str(config))
    assert reprocess.returncode == 0, reprocess.stderr
    assert reprocess.stdout.strip().endswith("0 failed"), reprocess.stdout + reprocess.stderr
    title = rows(tmp_path / "pw.db", "SELECT title FROM releases LIMIT 1")[0]["title"]
    word = max(title.split(), key=len).strip(".,:;!?\"'()")
    search = presswatch("search", "--config", str(config), f'"{word}"', "--format", "json")
    assert search.returncode == 0 and title in search.stdout
