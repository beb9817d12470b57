"""One crawl cycle: validate config and roster, open the database, run the crawl in a child
process, close the run with its counts."""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crawler.clock import now_iso
from crawler.config import load_config, resolve_path
from crawler.roster import load_members, select_members
from scheduler.changes import detect_pending
from storage.db import open_db
from storage.members import upsert_members
from storage.runs import extraction_report, finish_run, mark_stale_runs_interrupted, start_run


@dataclass
class CrawlRequest:
    config_path: str | None = None
    db_path: str | None = None
    members: list[str] = field(default_factory=list)
    pages: int | None = None
    progress: bool = False
    log_level: str = "ERROR"


def database_path(config: dict[str, Any], override: str | None) -> Path:
    return Path(override) if override else resolve_path(config, config["database"])


def run_crawl(request: CrawlRequest) -> dict[str, Any]:
    """Run one crawl to the end and return the closed ``crawl_runs`` row (plus ``seconds``).

    Config, roster and database are all checked before anything is written, so bad input
    raises ConfigError / RosterError / StorageError and leaves no half-written database.
    """
    config = load_config(request.config_path)
    members = load_members(config)
    selected = select_members(members, request.members)
    path = database_path(config, request.db_path)
    db = open_db(path)
    try:
        upsert_members(db, members)
        mark_stale_runs_interrupted(db, now_iso())
        options = {
            "members": request.members,
            "pages": request.pages or config["crawl"]["pages"],
            "member_count": len(selected),
        }
        run_id = start_run(db, options, now_iso())
        started = time.monotonic()
        status, error = run_child(request, db_path=str(path.resolve()), run_id=run_id)
        summary = finish_run(db, run_id, status, now_iso(), error=error)
        summary["seconds"] = round(time.monotonic() - started, 1)
        summary["extraction"] = extraction_report(db, run_id)
        detected = detect_pending(db, now_iso(), config["crawl"]["removal_confirm_hours"])
        summary["changes"] = next((d for d in detected if d.get("id") == run_id), {})
        return summary
    finally:
        db.close()


def run_child(request: CrawlRequest, db_path: str, run_id: int) -> tuple[str, str | None]:
    command = [
        sys.executable, "-m", "crawler", "--db", db_path, "--run-id", str(run_id),
        "--log-level", request.log_level,
    ]
    if request.config_path:
        command += ["--config", request.config_path]
    if request.pages:
        command += ["--pages", str(request.pages)]
    for member in request.members:
        command += ["--member", member]
    if request.progress:
        command.append("--progress")
    child = subprocess.Popen(command)
    try:
        code = child.wait()
    except KeyboardInterrupt:
        child.terminate()
        child.wait()
        return "interrupted", "interrupted by the user"
    if code != 0:
        return "failed", f"crawler process exited with status {code}"
    return "completed", None
