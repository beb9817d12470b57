"""Offline fast-fail: when no host can be reached at all, the crawl says "network unreachable"
quickly and blames no member. The roster points at 127.0.0.1 ports nothing listens on and at
unresolvable ``.invalid`` hosts (RFC 2606) — never a public address."""

from __future__ import annotations

import socket
import subprocess
import time

import yaml

from tests.helpers import PRESSWATCH, rows

MEMBERS = 40  # more hosts than the fast-fail threshold


def closed_port() -> int:
    """A loopback port nothing listens on (bound once, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def unreachable_roster(path) -> None:
    people = []
    for i in range(MEMBERS):
        url = (f"http://127.0.0.1:{closed_port()}/" if i % 2 else
               f"http://member{i}.presswatch-test.invalid/")
        people.append({
            "id": {"bioguide": f"Z{i:06d}"},
            "name": {"first": "Test", "last": f"Member{i}", "official_full": f"Test Member{i}"},
            "terms": [{"type": "rep", "start": "2025-01-03", "end": "2027-01-03", "state": "CA",
                       "district": i + 1, "party": "Independent", "url": url}],
        })
    path.write_text(yaml.safe_dump(people))


def test_offline_crawl_stops_fast_and_blames_no_member(tmp_path):
    unreachable_roster(tmp_path / "roster.yaml")
    config = tmp_path / "config.yaml"
    config.write_text(yaml.safe_dump({"roster": "roster.yaml", "database": "pw.db",
                                      "crawl": {"delay_seconds": 0, "timeout_seconds": 5}}))
    started = time.monotonic()
    result = subprocess.run([PRESSWATCH, "crawl", "--config", str(config), "--progress"],
                            capture_output=True, text=True, timeout=120)
    assert time.monotonic() - started < 60  # "within a minute"; bounded, not a benchmark
    assert result.returncode == 1, result.stderr[-2000:]
    assert result.stderr.splitlines()[0] == f"starting crawl run 1 of {MEMBERS} members…"
    assert "network unreachable" in result.stdout
    assert "Traceback" not in result.stderr
    db = tmp_path / "pw.db"
    run = rows(db, "SELECT * FROM crawl_runs")[0]
    assert run["status"] == "failed" and run["error"].startswith("network unreachable")
    statuses = rows(db, "SELECT status, count(*) n FROM member_runs GROUP BY status")
    assert statuses == [{"status": "skipped", "n": MEMBERS}]  # every member, none blamed
    failures = rows(db, "SELECT max(consecutive_failures) n, max(last_failure_at) at"
                        " FROM members")[0]
    assert failures == {"n": 0, "at": None}
