"""One crawl per database: an exclusive OS lock on ``<database>.lock``.

The kernel releases an ``flock`` when the last process holding the locked file exits, however
it exits (``kill -9`` included). The crawl's child process inherits the locked file, so the lock
is held while *any* process of the run is alive — an orphaned child keeps it too. A lock that
can be taken therefore proves that no earlier crawl on this machine can still write: no PID is
trusted (PIDs are reused). Readers never touch the lock, so they are never blocked.

The file also holds a line describing its owner (run id, start, pid), for the refusal message.
"""

from __future__ import annotations

import fcntl
import json
import os
from dataclasses import dataclass
from pathlib import Path


class CrawlBusy(RuntimeError):
    """Another crawl holds the database; the message says which, on one line."""


@dataclass
class CrawlLock:
    path: Path
    fd: int  # the locked file; a child process keeps the lock by inheriting it (pass_fds)


def lock_path(db_path: str | Path) -> Path:
    return Path(f"{Path(db_path).expanduser()}.lock")


def acquire_crawl_lock(db_path: str | Path) -> CrawlLock:
    """Take the database's crawl lock without waiting; CrawlBusy when another crawl has it."""
    path = lock_path(db_path)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        owner = _read_owner(fd)
        os.close(fd)
        raise CrawlBusy(busy_message(db_path, owner)) from None
    os.set_inheritable(fd, False)  # only the crawl's own child gets it (pass_fds)
    os.ftruncate(fd, 0)  # whatever an earlier owner wrote is no longer true
    return CrawlLock(path, fd)


def record_lock_owner(lock: CrawlLock, run_id: int, started_at: str) -> None:
    """Say in the lock file which run holds it (read by a refused second crawl)."""
    owner = {"run_id": run_id, "started_at": started_at, "pid": os.getpid()}
    os.ftruncate(lock.fd, 0)
    os.pwrite(lock.fd, (json.dumps(owner) + "\n").encode(), 0)


def release_crawl_lock(lock: CrawlLock) -> None:
    """Let go of the lock. Only closed, never unlocked: should the child still be alive, its
    inherited copy keeps the database locked until it exits too."""
    os.close(lock.fd)


def busy_message(db_path: str | Path, owner: dict | None) -> str:
    if not owner:
        return f"a crawl is in progress on {db_path} (starting)"
    return (f"a crawl (run {owner.get('run_id')}, since {owner.get('started_at')}, "
            f"pid {owner.get('pid')}) is in progress on {db_path}")


def _read_owner(fd: int) -> dict | None:
    try:
        text = os.pread(fd, 4096, 0).decode("utf-8", "replace").strip()
        owner = json.loads(text) if text else None
    except (OSError, ValueError):
        return None
    return owner if isinstance(owner, dict) else None
