"""Crawl a simulated Congress (537 sites × 1 listing + 10 releases) served on 127.0.0.1.

    .venv/bin/python benchmarks/crawl_benchmark.py [--sites 537] [--releases 10] [--recrawl]

The server runs in its own process, so the figures are the crawler's alone: pages/s (wall),
CPU seconds per page and peak RSS of the crawl processes (`presswatch crawl` and its Scrapy
child). Delays are off; everything else is the default configuration. `--recrawl` crawls a
second time, `--recrawl-after` hours later (default 1), with nothing changed, and reports its
cost against the cold crawl and the growth of the database per release re-checked;
`--recheck-all` makes that re-crawl re-check every known release (the worst case) instead of
following the default schedule. The archive sweep (``crawl.recheck.archive_days``, default 30)
is on unless ``--archive-days 0``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
PRESSWATCH = Path(sys.executable).parent / "presswatch"
COLD_AT = datetime(2026, 4, 13, 6, tzinfo=UTC)  # the morning after the newest simulated release


def start_server(sites: int, releases: int, workdir: Path) -> tuple[subprocess.Popen, dict]:
    port_file = workdir / "sim.json"
    server = subprocess.Popen(
        [sys.executable, "-m", "simcongress", "--sites", str(sites),
         "--releases", str(releases), "--port-file", str(port_file)],
        cwd=ROOT,
    )
    deadline = time.monotonic() + 120
    while not port_file.exists():
        if server.poll() is not None or time.monotonic() > deadline:
            raise SystemExit("simulated Congress did not start")
        time.sleep(0.2)
    return server, json.loads(port_file.read_text())


def write_config(info: dict, workdir: Path, recheck_all: bool,
                 archive_days: int | None = None) -> Path:
    config = yaml.safe_load(Path(info["config"]).read_text())
    config["database"] = str(workdir / "bench.db")
    config["crawl"] = {"delay_seconds": 0, "host_groups": {}}
    if archive_days is not None:
        config["crawl"]["recheck"] = {"archive_days": archive_days}
    if recheck_all:  # worst case: every known release re-checked on every run
        forever = 100_000
        config["crawl"]["recheck"] = {"every_run_days": forever, "daily_until_days": forever,
                                      "weekly_until_days": forever}
    path = workdir / "config.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


def timed_crawl(config: Path, env: dict[str, str]) -> dict[str, Any]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    result = subprocess.run(
        [str(PRESSWATCH), "crawl", "--config", str(config), "--no-progress"],
        capture_output=True, text=True, env=env,
    )
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise SystemExit(f"crawl failed: {result.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall_seconds": wall, "cpu_seconds": cpu, "peak_rss_mb": after.ru_maxrss / 1024,
            "summary": result.stdout.strip()}


def run_stats(db: Path) -> dict[str, Any]:
    conn = sqlite3.connect(db)
    try:
        run_id, started, pages, found, new = conn.execute(
            "select id, started_at, pages_fetched, releases_found, releases_new from crawl_runs "
            "order by id desc limit 1").fetchone()
        releases = conn.execute("select count(*) from releases").fetchone()[0]
        checked = conn.execute("select count(*) from releases where last_checked >= ?",
                               (started,)).fetchone()[0]
        changes = conn.execute("select count(*) from changes where run_id = ?",
                               (run_id,)).fetchone()[0]
    finally:
        conn.close()
    return {"pages": pages, "releases_found": found, "releases_new": new,
            "releases_stored": releases, "releases_checked": checked, "changes": changes}


def db_bytes(db: Path) -> int:
    """The database's size once its WAL is folded in."""
    conn = sqlite3.connect(db)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        pages, size = (conn.execute(f"PRAGMA {p}").fetchone()[0]
                       for p in ("page_count", "page_size"))
    finally:
        conn.close()
    return pages * size


def report(name: str, crawl: dict[str, Any], stats: dict[str, Any]) -> dict[str, Any]:
    pages = stats["pages"]
    figures = {
        **stats,
        "wall_seconds": round(crawl["wall_seconds"], 1),
        "pages_per_second": round(pages / crawl["wall_seconds"], 1),
        "cpu_seconds": round(crawl["cpu_seconds"], 1),
        "cpu_ms_per_page": round(1000 * crawl["cpu_seconds"] / max(pages, 1), 2),
        "peak_rss_mb": round(crawl["peak_rss_mb"], 1),
    }
    print(f"{name}: {json.dumps(figures)}")
    print(f"  {crawl['summary']}")
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sites", type=int, default=537)
    parser.add_argument("--releases", type=int, default=10)
    parser.add_argument("--recrawl", action="store_true")
    parser.add_argument("--recrawl-after", type=float, default=1.0, metavar="HOURS",
                        help="the re-crawl's clock, hours after the cold crawl [default: 1]")
    parser.add_argument("--recheck-all", action="store_true",
                        help="re-check every known release on every run (worst case)")
    parser.add_argument("--archive-days", type=int, default=None, metavar="DAYS",
                        help="crawl.recheck.archive_days (0 = no archive sweep) "
                             "[default: the config default, 30]")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="presswatch-bench-") as tmp:
        workdir = Path(tmp)
        server, info = start_server(args.sites, args.releases, workdir)
        try:
            config = write_config(info, workdir, args.recheck_all, args.archive_days)
            db = workdir / "bench.db"
            # The simulated releases are real ones of 2024-11 and 2026-04: crawl as of the
            # morning after the newest, and re-crawl --recrawl-after hours later.
            env = {**os.environ, "PRESSWATCH_NOW": COLD_AT.isoformat()}
            results = {"cold": report("cold crawl", timed_crawl(config, env), run_stats(db))}
            if args.recrawl:
                later = COLD_AT + timedelta(hours=args.recrawl_after)
                env["PRESSWATCH_NOW"] = later.isoformat()
                size_before = db_bytes(db)
                recrawl = report("re-crawl", timed_crawl(config, env), run_stats(db))
                growth = db_bytes(db) - size_before
                rechecked = recrawl["releases_checked"]
                recrawl["cpu_vs_cold"] = round(
                    recrawl["cpu_seconds"] / results["cold"]["cpu_seconds"], 3)
                recrawl["db_growth_bytes"] = growth
                recrawl["db_growth_bytes_per_recheck"] = round(growth / max(rechecked, 1), 1)
                # Per-run rows (member_runs, crawl_runs) grow the file even with no re-check.
                recrawl["db_growth_bytes_per_release"] = round(
                    growth / recrawl["releases_stored"], 1)
                print(f"  re-crawl CPU = {recrawl['cpu_vs_cold']:.1%} of cold; database grew "
                      f"{growth} bytes: {recrawl['db_growth_bytes_per_recheck']} per release "
                      f"re-checked ({rechecked}), "
                      f"{recrawl['db_growth_bytes_per_release']} per release stored")
                results["recrawl"] = recrawl
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
