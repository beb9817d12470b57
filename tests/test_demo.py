"""`presswatch demo`: the whole loop, as a newcomer runs it (simulated sites and a loopback SMTP
server on 127.0.0.1, nothing else)."""

from __future__ import annotations

import email
import email.policy
import subprocess
from pathlib import Path

from tests.helpers import PRESSWATCH, rows


def test_demo_crawls_changes_and_files_the_emails(tmp_path: Path):
    folder = tmp_path / "demo"
    result = subprocess.run([PRESSWATCH, "demo", "--dir", str(folder)], capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    assert f"Database: {folder / 'presswatch.db'}" in out
    assert "alerts: sent 0 messages" in out  # the baseline crawl emails nothing
    changes = rows(folder / "presswatch.db", "select kind, alert from changes")
    kinds = {(c["kind"], c["alert"]) for c in changes}
    assert {("new", 0), ("new", 1), ("edited", 1), ("removed", 1)} <= kinds
    emails = sorted((folder / "mail").glob("*.eml"))
    assert [p.name for p in emails] == ["001-newsroom@example.org.eml",
                                        "002-senate-desk@example.org.eml"]
    digest = email.message_from_bytes(emails[0].read_bytes(), policy=email.policy.default)
    assert digest["Subject"].startswith("presswatch: 2 new, 3 edited, 1 removed — Apr 14")
    assert (folder / "mail" / "001-newsroom@example.org.html").read_text().startswith(
        "<!DOCTYPE html>")
    assert rows(folder / "presswatch.db",
                "select count(*) as n from outbox where status != 'sent'")[0]["n"] == 0


def test_demo_refuses_a_folder_that_is_not_its_own(tmp_path: Path):
    (tmp_path / "notes.txt").write_text("mine")
    result = subprocess.run([PRESSWATCH, "demo", "--dir", str(tmp_path)], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 2 and "not a presswatch demo folder" in result.stderr
    assert (tmp_path / "notes.txt").read_text() == "mine"
