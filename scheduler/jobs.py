"""One crawl cycle: validate config and roster, open the database, take the crawl lock, run the
crawl in a child process, close the run with its counts, detect changes.

The child process is owned: it inherits the crawl lock (storage.lock), dies with this process
(crawler.lifeline), and is stopped cleanly — SIGTERM, then SIGKILL after a grace period — when
a stop is requested (a signal, the daemon shutting down) or the run's time budget
(``crawl.max_run_minutes``) is spent. Change detection runs only once the child has exited, so
it never reads a run whose writer may still be alive.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crawler.clock import now_iso
from crawler.config import load_config, raw_database_path, resolve_path
from crawler.lifeline import EXIT_NETWORK_DOWN, EXIT_STORAGE_FAILED
from crawler.roster import load_members, select_members
from scheduler.alerts import queue_alerts
from scheduler.changes import detect_pending
from storage.db import StorageError, open_db
from storage.lock import (
    CrawlBusy,
    CrawlLock,
    acquire_crawl_lock,
    busy_message,
    record_lock_owner,
    release_crawl_lock,
)
from storage.members import upsert_members
from storage.runs import (
    extraction_report,
    finish_run,
    mark_stale_runs_interrupted,
    runs_alive_elsewhere,
    start_run,
)

# After SIGTERM the crawl gets this long to shut down cleanly before SIGKILL.
STOP_GRACE_SECONDS = 30.0
POLL_SECONDS = 0.2


class StopRequest:
    """A request, from a signal handler or another thread, to cut the running crawl short."""

    def __init__(self) -> None:
        self.event = threading.Event()
        self.reason = ""
        self.signum: int | None = None

    def request(self, reason: str, signum: int | None = None) -> None:
        if not self.event.is_set():
            self.reason, self.signum = reason, signum
            self.event.set()

    def is_set(self) -> bool:
        return self.event.is_set()


@dataclass
class CrawlRequest:
    config_path: str | None = None
    db_path: str | None = None
    members: list[str] = field(default_factory=list)
    pages: int | None = None
    progress: bool = False
    log_level: str = "ERROR"
    stop: StopRequest = field(default_factory=StopRequest)


@dataclass
class ChildOutcome:
    status: str  # a final crawl_runs status
    error: str | None = None


def database_path(config: dict[str, Any], override: str | None) -> Path:
    return Path(override) if override else resolve_path(config, config["database"])


def run_crawl(request: CrawlRequest) -> dict[str, Any]:
    """Run one crawl to the end and return the closed ``crawl_runs`` row (plus ``seconds``).

    Config, roster and database are all checked before anything is written, so bad input
    raises ConfigError / RosterError / StorageError and leaves no half-written database.
    Another crawl on the same database raises CrawlBusy.
    """
    config = load_config(request.config_path)
    members = load_members(config)
    selected = select_members(members, request.members)
    path = database_path(config, request.db_path)
    db = open_db(path, raw_path=raw_database_path(config))
    try:
        lock = take_lock(path)
        try:
            return crawl_holding_lock(request, config, members, len(selected), path, db, lock)
        except sqlite3.Error as exc:  # locked past the busy timeout, disk full: one line
            raise StorageError(f"cannot write to database {path}: {exc}") from exc
        finally:
            release_crawl_lock(lock)
    finally:
        db.close()


def take_lock(path: Path) -> CrawlLock:
    try:
        return acquire_crawl_lock(path)
    except OSError as exc:
        raise StorageError(f"cannot lock database {path}: {exc.strerror or exc}") from exc


def crawl_holding_lock(request: CrawlRequest, config: dict[str, Any], members: list[Any],
                       count: int, path: Path, db: Any, lock: CrawlLock) -> dict[str, Any]:
    now = now_iso()
    upsert_members(db, members)
    elsewhere = runs_alive_elsewhere(db, now)
    if elsewhere:  # a crawl on another machine sharing this file, its heartbeat still fresh
        run = elsewhere[0]
        raise CrawlBusy(busy_message(path, {"run_id": run["id"], "started_at": run["started_at"],
                                            "pid": run["pid"]}) + f" (host {run['host']})")
    mark_stale_runs_interrupted(db, now)
    options = {
        "members": request.members,
        "pages": request.pages or config["crawl"]["pages"],
        "member_count": count,
    }
    run_id = start_run(db, options, now)
    record_lock_owner(lock, run_id, now)
    if request.progress:
        print(f"starting crawl run {run_id} of {count} members…", file=sys.stderr, flush=True)
    started = time.monotonic()
    budget = config["crawl"]["max_run_minutes"] * 60
    outcome = run_child(request, str(path.resolve()), run_id, lock, budget)
    summary = close_run(db, run_id, outcome, config)
    summary["seconds"] = round(time.monotonic() - started, 1)
    return summary


def close_run(db: Any, run_id: int, outcome: ChildOutcome, config: dict[str, Any]
              ) -> dict[str, Any]:
    """Record the run's end and detect its changes; a database that cannot take even that
    (disk full) is a one-line StorageError — the next crawl closes the run instead."""
    try:
        summary = finish_run(db, run_id, outcome.status, now_iso(), error=outcome.error)
    except sqlite3.Error as exc:
        raise StorageError(f"crawl run {run_id} {outcome.status}"
                           f"{': ' + outcome.error if outcome.error else ''}; its end could not "
                           f"be recorded ({exc}); the next crawl marks it interrupted") from exc
    summary["extraction"] = extraction_report(db, run_id)
    try:
        detected = detect_pending(db, now_iso(), config["crawl"]["removal_confirm_hours"])
        summary["alerts_queued"] = queue_alerts(db, config, now_iso())
    except sqlite3.Error as exc:
        raise StorageError(f"crawl run {run_id} {outcome.status}; change detection could not "
                           f"be recorded ({exc}); it runs again after the next crawl") from exc
    summary["changes"] = next((d for d in detected if d.get("id") == run_id), {})
    return summary


def child_command(request: CrawlRequest, db_path: str, run_id: int) -> list[str]:
    command = [
        sys.executable, "-m", "crawler", "--db", db_path, "--run-id", str(run_id),
        "--log-level", request.log_level, "--parent-pid", str(os.getpid()),
    ]
    if request.config_path:
        command += ["--config", request.config_path]
    if request.pages:
        command += ["--pages", str(request.pages)]
    for member in request.members:
        command += ["--member", member]
    if request.progress:
        command.append("--progress")
    return command


def run_child(request: CrawlRequest, db_path: str, run_id: int, lock: CrawlLock,
              budget_seconds: float) -> ChildOutcome:
    """Run the crawl process to its end, or stop it when asked or out of time."""
    # Its own session: a Ctrl-C in the terminal reaches only us, and we stop the child once.
    # Its parent-death signal fires when the *thread* that started it ends: this thread waits
    # for the child below, so that happens only if the whole process dies.
    child = subprocess.Popen(child_command(request, db_path, run_id), pass_fds=(lock.fd,),
                             start_new_session=True)
    try:
        cut_short = supervise(child, request.stop, budget_seconds)
    finally:
        end_child(child)  # whatever happened to us, the child does not outlive this call
    return outcome_of(child.returncode, cut_short)


def supervise(child: subprocess.Popen, stop: StopRequest, budget_seconds: float) -> str | None:
    """Wait for the child; SIGTERM it on a stop request or when the budget is spent, SIGKILL
    it after the grace period. Returns why it was cut short, or None."""
    deadline = time.monotonic() + budget_seconds if budget_seconds > 0 else None
    reason: str | None = None
    terminated_at = 0.0
    while True:
        try:
            child.wait(timeout=POLL_SECONDS)
            return reason
        except subprocess.TimeoutExpired:
            pass
        if reason is None:
            if stop.is_set():
                reason = stop.reason or "stopped on request"
            elif deadline is not None and time.monotonic() > deadline:
                reason = (f"stopped after the {budget_seconds / 60:g}-minute limit "
                          "(crawl.max_run_minutes)")
            if reason is not None:
                child.terminate()
                terminated_at = time.monotonic()
        elif time.monotonic() - terminated_at > STOP_GRACE_SECONDS:
            child.kill()


def end_child(child: subprocess.Popen) -> None:
    if child.poll() is not None:
        return
    child.terminate()
    try:
        child.wait(timeout=STOP_GRACE_SECONDS)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()


def outcome_of(code: int, cut_short: str | None) -> ChildOutcome:
    if code == EXIT_STORAGE_FAILED:
        return ChildOutcome("failed", "the database stopped taking writes (disk full, read-only "
                                      "or I/O error); the releases fetched after that were not "
                                      "saved")
    if code == EXIT_NETWORK_DOWN:
        return ChildOutcome("failed", "network unreachable: no host could be reached (DNS or "
                                      "connection failed); members were skipped, not counted "
                                      "as failed")
    if cut_short is not None:
        return ChildOutcome("aborted", cut_short)
    if code < 0:
        return ChildOutcome("failed", f"the crawler process was killed by signal {-code}")
    if code != 0:
        return ChildOutcome("failed", f"crawler process exited with status {code}")
    return ChildOutcome("completed")


@contextmanager
def stop_on_signals(stop: StopRequest) -> Iterator[None]:
    """SIGTERM, SIGINT and SIGHUP ask the crawl to stop cleanly instead of killing us (what
    ``timeout``, ``systemctl stop``, ``docker stop`` and Ctrl-C send). Main thread only."""
    def handler(signum: int, frame: Any) -> None:
        stop.request(f"stopped by {signal.Signals(signum).name}", signum)

    signals = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
    previous = {sig: signal.signal(sig, handler) for sig in signals}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
