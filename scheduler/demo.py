"""``presswatch demo``: the whole loop on this machine, offline, in about a minute.

A small simulated Congress (the ``simcongress`` package: real saved pages and real release
texts, served on 127.0.0.1) and a loopback SMTP server that files every message it receives in
a folder. The demo crawls once (the baseline: recorded, never emailed), applies a scripted day of
edits, a take-down and new releases, crawls again (twice: a removal is confirmed only by a
second check hours later; the clock is stepped with PRESSWATCH_NOW), sends the alerts and says
where the database and the emails are.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

from crawler.config import load_config
from scheduler.jobs import CrawlRequest, run_crawl
from scheduler.mailer import SendReport, send_pending
from simcongress import add_new_release, build_congress, serve, write_config, write_roster

FAMILIES = ["house-evo", "senate-articleblock", "recordlist", "wordpress-divi", "newscontent",
            "rss"]
DAY0 = "2026-04-13T06:00:00Z"  # the morning after the newest bundled release
DAY1 = "2026-04-14T06:00:00Z"
DAY1_LATER = "2026-04-14T13:00:00Z"  # 7 h later: the take-down confirmed
MARKER = ".presswatch-demo"  # a folder with this file is the demo's own, safe to reset
SUBSCRIBERS = [
    {"email": "newsroom@example.org", "mode": "digest"},
    {"email": "senate-desk@example.org", "mode": "immediate", "chambers": ["senate"],
     "kinds": ["edited", "removed"]},
]


class DemoError(RuntimeError):
    """The demo cannot run (e.g. its folder holds something else)."""


@dataclass
class DemoResult:
    folder: Path
    database: Path
    config: Path
    mail: Path
    emails: list[Path] = field(default_factory=list)
    crawls: list[dict[str, Any]] = field(default_factory=list)
    report: SendReport | None = None


# --- a loopback SMTP server that files messages ----------------------------------------------


class FolderHandler:
    """aiosmtpd handler: each accepted message becomes ``NNN-recipient.eml`` (and its HTML part
    ``NNN-recipient.html``, to open in a browser)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.files: list[Path] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        for recipient in envelope.rcpt_tos:
            stem = f"{len(self.files) + 1:03d}-{re.sub(r'[^A-Za-z0-9@._-]', '_', recipient)}"
            path = self.folder / f"{stem}.eml"
            path.write_bytes(envelope.content)
            message = message_from_bytes(envelope.content, policy=policy.default)
            html = message.get_body(preferencelist=("html",))
            if html is not None:
                (self.folder / f"{stem}.html").write_text(html.get_content(), encoding="utf-8")
            self.files.append(path)
        return "250 OK: filed"


@contextmanager
def mail_folder_server(folder: Path) -> Iterator[tuple[int, FolderHandler]]:
    """An SMTP server on 127.0.0.1 (a free port) filing messages in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    handler = FolderHandler(folder)
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller.port, handler
    finally:
        controller.stop()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- the script ----------------------------------------------------------------------------------


@contextmanager
def pinned_clock(moment: str) -> Iterator[None]:
    """PRESSWATCH_NOW for this process and the crawl's child process."""
    before = os.environ.get("PRESSWATCH_NOW")
    os.environ["PRESSWATCH_NOW"] = moment
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("PRESSWATCH_NOW", None)
        else:
            os.environ["PRESSWATCH_NOW"] = before


def prepare_folder(folder: Path) -> None:
    """An empty folder, or one a previous demo left (reset); anything else is refused."""
    if folder.exists() and any(folder.iterdir()):
        if not (folder / MARKER).exists():
            raise DemoError(f"{folder} is not empty and not a presswatch demo folder: "
                            "give another --dir")
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / MARKER).write_text("made by `presswatch demo`; safe to delete\n")


def build_demo_congress() -> Any:
    congress = build_congress(len(FAMILIES), releases_per_site=5, seed=2026, families=FAMILIES)
    for site in congress.sites[:4]:
        # Published the day before the first crawl: young releases are re-checked every run.
        site.releases[0].published = "2026-04-12"
        site.releases.sort(key=lambda r: r.published, reverse=True)
    return congress


def apply_day_of_changes(congress: Any) -> list[str]:
    """The scripted day: what the offices changed overnight. Returns one line per change."""
    house, senate, house2, house3 = congress.sites[:4]
    done = []
    release = senate.releases[0]
    words = release.paragraphs[0].split(" ")
    position = next((i for i, w in enumerate(words) if i >= 5 and w.isalpha() and w.islower()
                     and len(w) >= 5), len(words) - 1)
    old, words[position] = words[position], "unprecedented"
    release.paragraphs[0] = " ".join(words)
    done.append(f"{senate.name}: one word of \"{release.title}\" replaced ({old!r})")
    release = house.releases[0]
    release.paragraphs.insert(1, "Update: after publication, the office added that the bill "
                                 "has been withdrawn pending further review by the committee, "
                                 "and that no vote is now expected before the recess.")
    done.append(f"{house.name}: a paragraph added to \"{release.title}\"")
    release = house2.releases[0]
    release.status = 404
    done.append(f"{house2.name}: \"{release.title}\" taken down (404)")
    release = house3.releases[0]
    release.title += " (Updated)"
    done.append(f"{house3.name}: \"{release.title}\" retitled")
    for site in (house, congress.sites[5]):
        fresh = add_new_release(congress, site, "2026-04-14")
        done.append(f"{site.name}: new release \"{fresh.title}\"")
    return done


def run_demo(folder: Path, say: Callable[[str], None] = print) -> DemoResult:
    folder = folder.resolve()
    prepare_folder(folder)
    mail = folder / "mail"
    result = DemoResult(folder=folder, database=folder / "presswatch.db",
                        config=folder / "config.yaml", mail=mail)
    congress = build_demo_congress()
    say(f"Simulated Congress: {len(congress.sites)} member sites on 127.0.0.1 "
        "(real saved pages and release texts, bundled with presswatch)")
    with serve(congress) as server, mail_folder_server(mail) as (port, handler):
        roster = write_roster(congress, server, folder / "roster.yaml")
        write_config(congress, server, result.config, roster.name, database="presswatch.db",
                     crawl={"delay_seconds": 0, "retries": 0},
                     alerts={"smtp": {"host": "127.0.0.1", "port": port,
                                      "from": "presswatch-demo@example.org"},
                             "subscribers": SUBSCRIBERS})
        say(f"Loopback SMTP server on 127.0.0.1:{port}, filing messages in {mail}")
        config = load_config(result.config)
        result.crawls.append(crawl(result, DAY0, "1. First crawl (the baseline: recorded, "
                                                  "never emailed)", say))
        report = deliver(config, result, DAY0)
        say(f"   alerts: {report.line()}")
        say("2. A day passes. The offices change things:")
        for line in apply_day_of_changes(congress):
            say(f"   - {line}")
        result.crawls.append(crawl(result, DAY1, "3. Crawl the next morning", say))
        result.crawls.append(crawl(result, DAY1_LATER, "4. Crawl 7 hours later (a take-down "
                                                        "counts once a second check confirms "
                                                        "it)", say))
        result.report = deliver(config, result, DAY1_LATER)
        say(f"5. Send alerts: {result.report.line()}")
        result.emails = list(handler.files)
    say("")
    say(f"Database: {result.database}")
    say(f"Emails:   {mail}/ ({len(result.emails)} received; .eml files, HTML parts as .html)")
    for path in result.emails:
        say(f"          {path.name}")
    say("Try:")
    say(f"  presswatch changes --config {result.config}")
    say(f"  presswatch diff --config {result.config} RELEASE_ID")
    say(f"  sqlite3 {result.database} 'select kind, summary from changes where alert'")
    return result


def crawl(result: DemoResult, moment: str, title: str, say: Callable[[str], None]
          ) -> dict[str, Any]:
    say(f"{title} — clock pinned to {moment}")
    with pinned_clock(moment):
        summary = run_crawl(CrawlRequest(config_path=str(result.config)))
    changes = summary.get("changes") or {}
    say(f"   run {summary['id']} {summary['status']}: {summary['members_ok']} sites ok, "
        f"{summary['pages_fetched']} pages; changes: "
        + ", ".join(f"{changes.get(f'changes_{k}', 0)} {k}"
                    for k in ("new", "edited", "removed", "restored")))
    return summary


def deliver(config: dict[str, Any], result: DemoResult, moment: str) -> SendReport:
    with pinned_clock(moment):
        return send_pending(config, result.database, now=moment)
