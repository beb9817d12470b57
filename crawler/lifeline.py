"""The crawl process must not outlive the presswatch process that started it.

An orphaned crawl keeps writing to a run nobody will close, so its releases could miss change
detection. On Linux the kernel sends us SIGTERM when the parent dies (``PR_SET_PDEATHSIG``);
elsewhere, and as a second line, the heartbeat notices that our parent changed
(``parent_gone``). SIGTERM starts Scrapy's own clean shutdown either way.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys

PR_SET_PDEATHSIG = 1  # from <sys/prctl.h>

# How the crawl process tells its parent why it ended early (0: it ran, or was stopped).
EXIT_STORAGE_FAILED = 3  # the database stopped taking writes (disk full, read-only, I/O)
EXIT_NETWORK_DOWN = 4  # no host could be reached: the network, not the sites, is down


def die_with_parent(parent_pid: int) -> None:
    """Ask for SIGTERM when the parent dies; stop now if it is already gone."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        except (OSError, AttributeError):
            pass  # the heartbeat's parent check still covers us
    if parent_gone(parent_pid):  # it died before prctl took effect
        os.kill(os.getpid(), signal.SIGTERM)


def parent_gone(parent_pid: int) -> bool:
    """True once the process that started us is no longer our parent (we were re-parented)."""
    return bool(parent_pid) and os.getppid() != parent_pid


def stop_self() -> None:
    """Start a clean shutdown, the same way as a SIGTERM from outside."""
    os.kill(os.getpid(), signal.SIGTERM)
