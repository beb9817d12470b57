"""Crawl ownership: kills and stops at several points never lose a change event, the child
never outlives its parent, and a second crawl on the same database refuses with one line.

Each scenario crawls a slow simulated Congress (every answer delayed), kills or stops
``presswatch crawl`` — the parent, the child, or both — once a given number of releases is
stored, then lets a healthy crawl recover. The database must pass ``PRAGMA integrity_check``
and every stored release must have exactly one ``new`` event.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
import yaml

from simcongress import build_congress, serve, write_config, write_roster
from tests.helpers import PRESSWATCH, rows

SITES = 6
RELEASES = 15
# Seconds each answer of site i waits: SLOW * (i + 1). A member's releases are stored together
# once its last page is in (chrome is learned from all of them first), so the sites must finish
# one after another for "releases stored so far" to mean "mid-crawl": ~2.4 s, 4.8 s, … 14.4 s.
SLOW = 0.15
BOUND = 90  # no scenario step may take longer than this (seconds)
STOP_BOUND = 20  # a crawl process must be gone this soon after its parent was killed


@pytest.fixture(scope="module")
def congress_server():
    congress = build_congress(SITES, releases_per_site=RELEASES, seed=11,
                              families=["house-evo", "wordpress-divi"], page_size=RELEASES)
    with serve(congress) as server:
        yield congress, server


def setup_crawl(tmp: Path, congress, server) -> Path:
    for i, site in enumerate(congress.sites):
        site.delay = SLOW * (i + 1)
    roster = write_roster(congress, server, tmp / "roster.yaml")
    return write_config(congress, server, tmp / "config.yaml", roster.name, database="pw.db",
                        crawl={"delay_seconds": 0, "retries": 0})


def start_crawl(config: Path) -> subprocess.Popen:
    return subprocess.Popen([PRESSWATCH, "crawl", "--config", str(config)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def count(db: Path, sql: str) -> int:
    if not db.exists():
        return 0
    try:
        return rows(db, sql)[0]["n"]
    except sqlite3.OperationalError:  # tables not created yet
        return 0


def wait_until(predicate, what: str, timeout: float = BOUND) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def child_of(pid: int) -> int:
    """The crawl process `presswatch crawl` started (Linux /proc)."""
    found: list[int] = []

    def has_child() -> bool:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        found[:] = [int(p) for p in text]
        return bool(found)

    wait_until(has_child, "the crawl's child process")
    return found[0]


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split()[2]
    except FileNotFoundError:
        return False
    return state != "Z"  # a zombie has exited; only its parent has not collected it


def check_events(db: Path) -> None:
    assert rows(db, "PRAGMA integrity_check")[0]["integrity_check"] == "ok"
    assert count(db, "SELECT count(*) n FROM crawl_runs WHERE status = 'running'") == 0
    stored = {r["id"] for r in rows(db, "SELECT id FROM releases WHERE duplicate_of IS NULL")}
    events = rows(db, "SELECT release_id, count(*) n FROM changes WHERE kind = 'new'"
                      " GROUP BY release_id")
    assert stored, "nothing stored"
    assert {e["release_id"] for e in events} == stored
    assert {e["n"] for e in events} == {1}  # each exactly once
    pending = "SELECT count(*) n FROM crawl_runs WHERE changes_detected_at IS NULL"
    assert count(db, pending) == 0


SCENARIOS = {
    # name: (who gets which signal, releases stored before the hit)
    "parent-kill9-early": ("parent", signal.SIGKILL, 1),
    "parent-kill9-mid": ("parent", signal.SIGKILL, 20),
    "child-kill9-mid": ("child", signal.SIGKILL, 20),
    "both-kill9-late": ("both", signal.SIGKILL, 45),
    "parent-sigterm-mid": ("parent", signal.SIGTERM, 20),
    "parent-sigint-early": ("parent", signal.SIGINT, 3),
}


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_killed_crawl_loses_no_new_event(scenario, congress_server, tmp_path):
    congress, server = congress_server
    who, sig, after = SCENARIOS[scenario]
    config = setup_crawl(tmp_path, congress, server)
    db = tmp_path / "pw.db"
    parent = start_crawl(config)
    child = child_of(parent.pid)
    wait_until(lambda: count(db, "SELECT count(*) n FROM releases") >= after,
               f"{after} stored releases")
    if who in ("parent", "both"):
        os.kill(parent.pid, sig)
    if who in ("child", "both"):
        os.kill(child, sig)
    parent.wait(timeout=BOUND)
    # The child never outlives the parent, whatever killed what: it stops, mid-crawl.
    wait_until(lambda: not alive(child), "the crawl process to stop", STOP_BOUND)
    assert count(db, "SELECT count(*) n FROM releases") < SITES * RELEASES
    stopped = rows(db, "SELECT status, error FROM crawl_runs WHERE id = 1")[0]
    if sig in (signal.SIGTERM, signal.SIGINT):  # a clean stop closes its own run
        assert parent.returncode == 128 + sig
        assert stopped["status"] == "aborted"
        assert stopped["error"] == f"stopped by {signal.Signals(sig).name}"
    elif who == "child":
        assert parent.returncode == 1
        assert stopped["status"] == "failed"
        assert "signal 9" in stopped["error"]
    for site in congress.sites:
        site.delay = 0  # the recovery crawl needs no slowness
    recovery = subprocess.run([PRESSWATCH, "crawl", "--config", str(config)],
                              capture_output=True, text=True, timeout=BOUND)
    assert recovery.returncode == 0, recovery.stderr[-2000:]
    first = rows(db, "SELECT status FROM crawl_runs WHERE id = 1")[0]["status"]
    if who in ("parent", "both") and sig == signal.SIGKILL:
        assert first == "interrupted"  # closed by the recovering crawl, lock free
    check_events(db)
    assert count(db, "SELECT count(*) n FROM releases") == SITES * RELEASES


def test_second_crawl_refuses_in_one_line(congress_server, tmp_path):
    congress, server = congress_server
    config = setup_crawl(tmp_path, congress, server)
    db = tmp_path / "pw.db"
    first = start_crawl(config)
    try:
        wait_until(lambda: count(db, "SELECT count(*) n FROM releases") >= 1, "the first crawl")
        second = subprocess.run([PRESSWATCH, "crawl", "--config", str(config)],
                                capture_output=True, text=True, timeout=BOUND)
        assert second.returncode == 3
        lines = second.stderr.strip().splitlines()
        assert len(lines) == 1, second.stderr
        started = rows(db, "SELECT started_at FROM crawl_runs WHERE id = 1")[0]["started_at"]
        assert lines[0].startswith(f"presswatch: a crawl (run 1, since {started}, pid ")
        assert "is in progress" in lines[0]
        # Readers are never blocked while the crawl runs.
        reader = subprocess.run([PRESSWATCH, "changes", "--config", str(config)],
                                capture_output=True, text=True, timeout=BOUND)
        assert reader.returncode == 0, reader.stderr
        assert count(db, "SELECT count(*) n FROM crawl_runs") == 1  # no second run row
    finally:
        first.send_signal(signal.SIGTERM)
        first.wait(timeout=BOUND)
    assert rows(db, "SELECT status FROM crawl_runs WHERE id = 1")[0]["status"] == "aborted"


def test_run_over_its_time_budget_is_aborted_cleanly(congress_server, tmp_path):
    congress, server = congress_server
    config = setup_crawl(tmp_path, congress, server)
    data = yaml.safe_load(config.read_text())
    data["crawl"]["max_run_minutes"] = 0.1  # 6 s, less than the ~11 s this crawl needs
    config.write_text(yaml.safe_dump(data))
    result = subprocess.run([PRESSWATCH, "crawl", "--config", str(config)],
                            capture_output=True, text=True, timeout=BOUND)
    db = tmp_path / "pw.db"
    assert result.returncode == 1, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    run = rows(db, "SELECT status, error FROM crawl_runs WHERE id = 1")[0]
    assert run == {"status": "aborted",
                   "error": "stopped after the 0.1-minute limit (crawl.max_run_minutes)"}
    assert count(db, "SELECT count(*) n FROM releases") > 0
    check_events(db)  # what it stored before the cut got its events, each once
