"""`presswatch run`: the scheduler runs crawls on a short interval without overlap, says when
the next run is due, and stops cleanly on SIGTERM with the cut-short run recorded."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import time

import pytest
import yaml

from crawler.config import ConfigError, load_config
from scheduler.daemon import Daemon
from simcongress import build_congress, serve, write_config, write_roster
from storage.db import open_db
from tests.helpers import PRESSWATCH, rows
from tests.smtp import smtp_server
from tests.test_alerts_email import SEND_AT, set_smtp_port, site, world  # noqa: F401 (fixtures)

BOUND = 120


def wait_until(predicate, what: str, timeout: float = BOUND) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def runs(db) -> list[dict]:
    try:
        return rows(db, "SELECT * FROM crawl_runs ORDER BY id")
    except Exception:  # not created yet
        return []


def test_daemon_crawls_on_schedule_without_overlap_and_stops_on_sigterm(tmp_path):
    congress = build_congress(3, releases_per_site=6, seed=5, families=["house-evo"], page_size=6)
    for sim_site in congress.sites:
        sim_site.delay = 0.3  # a crawl lasts several seconds, far longer than the 1 s interval
    with serve(congress) as server:
        roster = write_roster(congress, server, tmp_path / "roster.yaml")
        config = write_config(congress, server, tmp_path / "config.yaml", roster.name,
                              database="pw.db", crawl={"delay_seconds": 0, "retries": 0},
                              schedule={"crawl": "every 1s", "digest_at": []})
        db = tmp_path / "pw.db"
        daemon = subprocess.Popen([PRESSWATCH, "run", "--config", str(config)],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            wait_until(lambda: len(runs(db)) >= 3 and runs(db)[-1]["status"] == "running",
                       "two finished runs and a third one going")
            going = runs(db)[-1]
            status = subprocess.run([PRESSWATCH, "status", "--config", str(config)],
                                    capture_output=True, text=True, timeout=BOUND)
            daemon.send_signal(signal.SIGTERM)
            _, log = daemon.communicate(timeout=BOUND)
        finally:
            if daemon.poll() is None:
                daemon.kill()
    assert daemon.returncode == 0, log[-3000:]
    assert "Traceback" not in log
    assert "next crawl at " in log
    assert "presswatch daemon stopped: stopped by SIGTERM" in log
    done = runs(db)
    assert [r["status"] for r in done[:-1]] == ["completed"] * (len(done) - 1)
    assert done[-1]["status"] == "aborted"
    assert done[-1]["error"] == "stopped by SIGTERM (daemon shutting down)"
    for earlier, later in zip(done, done[1:], strict=False):  # one crawl at a time
        assert later["started_at"] >= earlier["finished_at"]
    assert all(r["changes_detected_at"] for r in done)  # detection ran on the aborted run too
    stored = {r["id"] for r in rows(db, "SELECT id FROM releases WHERE duplicate_of IS NULL")}
    news = rows(db, "SELECT release_id, count(*) n FROM changes WHERE kind = 'new'"
                    " GROUP BY release_id")
    assert {n["release_id"] for n in news} == stored and {n["n"] for n in news} == {1}
    assert rows(db, "PRAGMA integrity_check")[0]["integrity_check"] == "ok"
    # `status` showed the crawl going, the last runs, when the next is due, pending alerts.
    assert status.returncode == 0, status.stderr
    assert f"crawl in progress: run {going['id']} since {going['started_at']}" in status.stdout
    assert "next crawl: " in status.stdout and "pending alerts: 0" in status.stdout


@pytest.mark.parametrize("schedule, message", [
    ({"crawl": "every day"}, "schedule.crawl"),
    ({"crawl": "61 * * * *"}, None),  # 5 fields: only APScheduler can tell, at `run`
    ({"timezone": "Mars/Olympus"}, "schedule.timezone"),
    ({"digest_at": ["7am"]}, "schedule.digest_at"),
    ({"misfire_grace_minutes": 0}, "schedule.misfire_grace_minutes"),
])
def test_schedule_is_validated(tmp_path, schedule, message):
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump({"schedule": schedule}))
    if message:
        with pytest.raises(ConfigError, match=message):
            load_config(path)
        return
    load_config(path)
    result = subprocess.run([PRESSWATCH, "run", "--config", str(path), "--db",
                             str(tmp_path / "pw.db")], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.startswith("presswatch: config key 'schedule.crawl' is not a valid cron")
    assert len(result.stderr.strip().splitlines()) == 1


def test_daemon_jobs_send_digests_and_immediate_alerts(world, site, monkeypatch):  # noqa: F811
    """The digest job sends to digest subscribers only; the crawl job crawls, then sends to
    immediate subscribers (the day 1 + 7 h database has alerts pending for both)."""
    monkeypatch.setenv("PRESSWATCH_NOW", SEND_AT)
    db = site.parent / "pw.db"
    shutil.copy(world["config"].parent / "roster.yaml", site.parent)
    with smtp_server() as (port, collector):
        set_smtp_port(site, port)
        config = load_config(site)
        daemon = Daemon(config, str(site), db)
        daemon.digest_job()
        digest = {r for m in collector.received for r in m.rcpt_tos}
        assert "all@example.org" in digest and "member@example.org" not in digest
        before = len(collector.received)
        daemon.crawl_job()
        immediate = [r for m in collector.received[before:] for r in m.rcpt_tos]
        assert immediate == ["member@example.org"]
    assert rows(db, "SELECT status FROM crawl_runs ORDER BY id DESC LIMIT 1")[0]["status"] == (
        "completed")
    modes = rows(db, "SELECT DISTINCT mode FROM outbox WHERE status = 'pending'")
    assert modes == []  # everything due was delivered by one job or the other


def test_status_tells_a_dead_run_from_a_live_one(tmp_path):
    config = tmp_path / "config.yaml"
    config.write_text(yaml.safe_dump({"database": "pw.db", "schedule": {"crawl": "every 6h"}}))
    db = tmp_path / "pw.db"
    open_db(db).close()  # created and migrated
    conn = sqlite3.connect(db)
    conn.execute("INSERT INTO crawl_runs (started_at, status, heartbeat_at, host, pid, finished_at)"
                 " VALUES ('2026-04-01T06:00:00Z', 'completed', NULL, 'h', 1,"
                 " '2026-04-01T06:10:00Z')")
    conn.execute("INSERT INTO crawl_runs (started_at, status, heartbeat_at, host, pid)"
                 " VALUES ('2026-04-01T12:00:00Z', 'running', '2026-04-01T12:05:00Z', 'h', 2)")
    conn.commit()
    conn.close()

    def status(now: str) -> str:
        env = {**os.environ, "PRESSWATCH_NOW": now}
        result = subprocess.run([PRESSWATCH, "status", "--config", str(config)], env=env,
                                capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        return result.stdout

    live = status("2026-04-01T12:05:30Z")
    assert live.startswith("crawl in progress: run 2 since 2026-04-01T12:00:00Z")
    # An interval schedule counts from the last finished crawl's start.
    assert "next crawl: 2026-04-01T12:05:30Z" in live  # overdue: due now
    dead = status("2026-04-01T12:07:00Z")
    assert dead.startswith("unfinished crawl: run 2")
    assert "the next crawl closes it as interrupted" in dead
