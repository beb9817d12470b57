"""The ``presswatch`` command. Thin: parse arguments, call functions, print results."""

from __future__ import annotations

import csv
import io
import json
import logging
import re
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import click
from sqlite_utils import Database
from tabulate import tabulate

from crawler import clock
from crawler.article import strip_learned
from crawler.chrome import site_of
from crawler.config import ConfigError, load_config, raw_database_path
from crawler.fingerprint import content_hash
from crawler.roster import RosterError, load_members
from crawler.sanitize import printable
from crawler.urls import canonical_url
from scheduler.alerts import queue_alerts
from scheduler.changes import version_record
from scheduler.daemon import Daemon, next_runs
from scheduler.diff import compare_records, render_html, render_text, render_unified
from scheduler.health import COLUMNS as HEALTH_COLUMNS
from scheduler.health import member_health
from scheduler.jobs import CrawlRequest, database_path, run_crawl, stop_on_signals
from scheduler.mailer import MailError, deliver, send_pending
from scheduler.reprocess import PROGRESS_EVERY, extract
from scheduler.reprocess import reprocess as run_reprocess
from storage.changes import CHANGE_KINDS, list_changes, to_timestamp
from storage.db import StorageError, open_db, open_db_read_only
from storage.lock import CrawlBusy
from storage.members import get_member
from storage.outbox import pending_count
from storage.releases import get_raw_html, get_release, list_versions
from storage.reprocess import iter_current_versions
from storage.runs import HEARTBEAT_STALE_SECONDS, list_runs
from storage.site_chrome import chrome_keys

USER_ERRORS = (ConfigError, RosterError, StorageError)

# Exit codes (README "Exit codes"): 0 done; 1 the crawl ran but did not complete (failed,
# aborted by its time limit); 2 bad config / roster / database; 3 another crawl holds the
# database; 128 + N stopped by signal N (130 Ctrl-C, 143 SIGTERM) after a clean stop.
EXIT_NOT_COMPLETED = 1
EXIT_USER_ERROR = 2
EXIT_BUSY = 3


def default_config() -> str | None:
    """``./config.yaml`` when present, else built-in defaults."""
    return "config.yaml" if Path("config.yaml").is_file() else None


config_option = click.option(
    "--config", "config_path", type=click.Path(dir_okay=False), default=default_config,
    help="config file [default: ./config.yaml if present, else built-in defaults]",
)
db_option = click.option(
    "--db", "db_path", type=click.Path(dir_okay=False),
    help="SQLite database file [default: config key 'database']",
)


def fail(exc: Exception, code: int = EXIT_USER_ERROR) -> None:
    echo(f"presswatch: {exc}", err=True)
    sys.exit(code)


def echo(text: str, **kwargs: Any) -> None:
    """Print, without any escape sequence or control character a scraped page smuggled in
    (colours, clear screen, a window title): terminals and HTML readers get plain text."""
    click.echo(printable(text), **kwargs)


def to_json(data: Any) -> str:
    """JSON whose strings carry no control characters either: json.dumps writes ESC as
    ``\\u001b``, which a consumer decodes straight back into a live escape sequence."""
    return json.dumps(printable_data(data), indent=2, ensure_ascii=False)


def printable_data(data: Any) -> Any:
    if isinstance(data, str):
        return printable(data)
    if isinstance(data, dict):
        return {k: printable_data(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [printable_data(v) for v in data]
    return data


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="presswatch")
def main() -> None:
    """Watch what members of the U.S. Congress publish: new, edited and removed releases."""


@main.command()
@config_option
@db_option
@click.option("--member", "members", multiple=True, metavar="BIOGUIDE",
              help="crawl only this member (repeatable)")
@click.option("--pages", type=click.IntRange(min=1),
              help="listing pages per member [default: config crawl.pages, 1]")
@click.option("--progress/--no-progress", default=None,
              help="a line per member as it finishes [default: on when stderr is a terminal]")
@click.option("-v", "--verbose", count=True,
              help="Scrapy log output (-v info, -vv debug; default errors only)")
def crawl(config_path: str | None, db_path: str | None, members: tuple[str, ...],
          pages: int | None, progress: bool | None, verbose: int) -> None:
    """Fetch press releases into the database and print a summary.

    Exits 0 when the run completed, even if some sites failed (see the summary and the
    member_runs table); 1 when it failed or hit crawl.max_run_minutes; 2 with a one-line
    message for a bad config, an unreadable roster or a database that cannot be opened; 3 when
    another crawl is running on the same database; 130 / 143 when stopped by Ctrl-C / SIGTERM
    (the run is closed as 'aborted' first).
    """
    request = CrawlRequest(
        config_path=config_path,
        db_path=db_path,
        members=list(members),
        pages=pages,
        progress=sys.stderr.isatty() if progress is None else progress,
        log_level=["ERROR", "INFO", "DEBUG"][min(verbose, 2)],
    )
    try:
        with stop_on_signals(request.stop):
            summary = run_crawl(request)
    except CrawlBusy as exc:
        fail(exc, EXIT_BUSY)
    except USER_ERRORS as exc:
        fail(exc)
    echo(format_summary(summary))
    if request.stop.signum is not None:
        sys.exit(128 + request.stop.signum)
    if summary["status"] != "completed":
        sys.exit(EXIT_NOT_COMPLETED)


def format_summary(run: dict[str, Any]) -> str:
    return (
        f"Crawl run {run['id']} {run['status']} in {run.get('seconds', 0)}s: "
        f"members {run['members_ok']} ok, {run['members_empty']} empty, "
        f"{run['members_blocked']} blocked, {run['members_error']} error, "
        f"{run['members_skipped']} skipped; "
        f"releases {run['releases_found']} found, {run['releases_new']} new; "
        f"pages fetched {run['pages_fetched']}"
        + format_change_counts(run.get("changes") or {})
        + (f"; {run['alerts_queued']} alerts queued (presswatch alerts send)"
           if run.get("alerts_queued") else "")
        + format_extraction(run.get("extraction"))
        + (f"\n{run['error']}" if run.get("error") else "")
    )


_ATTENTION_SHOWN = 10


def format_extraction(report: dict[str, Any] | None) -> str:
    """The extraction report line: which parser read the listings, and what looked doubtful,
    naming the members to look at (member_runs has the details)."""
    if not report or not report["parsers"]:
        return ""
    parsers = ", ".join(f"{n} {name}" for name, n in sorted(report["parsers"].items()))
    line = (f"\nExtraction: listings read by {parsers}; {report['rows_undated']} rows undated, "
            f"{report['articles_short']} short bodies, {report['disagreements']} disagreements")
    attention = report["attention"]
    if attention:
        shown = " ".join(attention[:_ATTENTION_SHOWN])
        hidden = len(attention) - _ATTENTION_SHOWN
        more = f" and {hidden} more" if hidden > 0 else ""
        line += f"; check {shown}{more}"
    return line


def format_change_counts(detected: dict[str, Any]) -> str:
    if not detected:
        return ""
    kinds = ("new", "edited", "removed", "restored")
    return "; changes " + ", ".join(f"{detected.get(f'changes_{k}', 0)} {k}" for k in kinds)


MEMBER_COLUMNS = ["bioguide_id", "name", "chamber", "state", "district", "party", "homepage",
                  "press_url", "template"]


@main.command()
@config_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
def members(config_path: str | None, fmt: str) -> None:
    """List the members presswatch watches, with their press page and template hint."""
    try:
        roster = load_members(load_config(config_path))
    except USER_ERRORS as exc:
        fail(exc)
    rows = [{column: getattr(m, column) for column in MEMBER_COLUMNS} for m in roster]
    if fmt == "json":
        echo(to_json(rows))
    else:
        echo(tabulate(rows, headers="keys"))


# --- reading the change history ----------------------------------------------------------------


def open_database(config_path: str | None, db_path: str | None) -> Database:
    """The configured database, which must exist already (reading never creates one)."""
    config = load_config(config_path)
    return open_db(database_path(config, db_path), create=False,
                   raw_path=raw_database_path(config))


def open_reader(config_path: str | None, db_path: str | None) -> Database:
    """The configured database, opened read-only: read commands never write to it."""
    return open_db_read_only(database_path(load_config(config_path), db_path))


def parse_since(value: str, now: datetime) -> str:
    """``24h`` / ``7d`` / ``2w`` before ``now``, or an ISO date / timestamp, as stored (UTC)."""
    text = value.strip()
    relative = re.fullmatch(r"(\d+)\s*([hdw])", text, re.IGNORECASE)
    try:
        if relative:
            unit = {"h": "hours", "d": "days", "w": "weeks"}[relative.group(2).lower()]
            return to_timestamp(now - timedelta(**{unit: int(relative.group(1))}))
        return to_timestamp(text)
    except (ValueError, OverflowError):  # OverflowError: 99999999d reaches before year 1
        raise click.BadParameter(
            f"cannot read --since {value!r}: use e.g. 24h, 7d, 2w, a date (2025-03-01) "
            "or a UTC timestamp (2025-03-01T12:00:00Z)"
        ) from None


def clip(text: str | None, width: int) -> str:
    text = text or ""
    return text if len(text) <= width else text[: width - 1] + "…"


CHANGE_COLUMNS = ["id", "detected_at", "kind", "severity", "bioguide_id", "release_id", "title",
                  "summary", "url"]
CHANGE_JSON_COLUMNS = [*CHANGE_COLUMNS, "member_name", "published", "fields_changed", "run_id",
                       "old_version_id", "new_version_id", "alert", "revert_of_version_id"]


@main.command()
@config_option
@db_option
@click.option("--since", metavar="WHEN",
              help="only changes detected at or after WHEN: 24h, 7d, 2w (before now), "
                   "a date YYYY-MM-DD or a timestamp, in UTC [default: all]")
@click.option("--kind", "kinds", multiple=True, type=click.Choice(CHANGE_KINDS),
              help="only changes of this kind (repeatable) [default: all kinds]")
@click.option("--member", metavar="BIOGUIDE", help="only this member's changes")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table",
              show_default=True, help="output format (json has more fields: fields_changed, "
                                      "versions, run, alert)")
@click.option("--limit", type=click.IntRange(min=1), metavar="N",
              help="at most N changes, newest first [default: no limit]")
def changes(config_path: str | None, db_path: str | None, since: str | None,
            kinds: tuple[str, ...], member: str | None, fmt: str, limit: int | None) -> None:
    """List detected changes (new, edited, removed, restored releases), newest first.

    Examples: `presswatch changes --since 7d --kind edited --kind removed`,
    `presswatch changes --member S000148 --format csv > changes.csv`.
    """
    try:
        cutoff = parse_since(since, clock.now()) if since else None
        db = open_reader(config_path, db_path)
        if member and get_member(db, member) is None:
            raise StorageError(f"no member {member!r} in the database")
        rows = list_changes(db, since=cutoff, kinds=list(kinds) or None, member=member,
                            limit=limit)
    except (*USER_ERRORS, click.BadParameter) as exc:
        fail(exc)
    echo(format_changes(rows, fmt), nl=False)


def format_changes(rows: list[dict[str, Any]], fmt: str) -> str:
    if fmt == "json":
        return to_json([{c: r[c] for c in CHANGE_JSON_COLUMNS} for r in rows]) + "\n"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, CHANGE_COLUMNS, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return out.getvalue()
    if not rows:
        return "no changes\n"
    # Titles and summaries are clipped so a row fits a wide terminal; json / csv keep them whole.
    table = [{**{c: r[c] for c in CHANGE_COLUMNS}, "title": clip(r["title"], 50),
              "summary": clip(r["summary"], 50)} for r in rows]
    return tabulate(table, headers="keys") + "\n"


def find_release(db: Database, release: str) -> dict[str, Any]:
    """A release by id, or by URL in any form that canonicalizes to the stored one."""
    text = release.strip()
    key: int | str = int(text) if text.isdigit() else canonical_url(text)
    row = get_release(db, key)
    if row is None:
        raise StorageError(f"no release {release!r} in the database")
    return row


release_argument = click.argument("release", metavar="RELEASE_ID")

HISTORY_COLUMNS = ["version", "fetched_at", "content_hash", "extractor_version", "source",
                   "word_count", "title", "change"]


@main.command()
@config_option
@db_option
@release_argument
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True, help="output format")
def history(config_path: str | None, db_path: str | None, release: str, fmt: str) -> None:
    """Show a release and every version it has had, with the change that introduced each.

    RELEASE_ID is the release's id or its URL (tracking parameters and #fragments are ignored).
    """
    try:
        db = open_reader(config_path, db_path)
        row = find_release(db, release)
        versions = list_versions(db, row["id"])
        events = list(reversed(list_changes(db, release_id=row["id"])))  # oldest first
        name = (get_member(db, row["bioguide_id"]) or {}).get("name")
    except USER_ERRORS as exc:
        fail(exc)
    if fmt == "json":
        echo(to_json(history_json(row, name, versions, events)))
    else:
        echo(history_table(row, name, versions, events))


def introduced_by(events: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    """version id → the change (new / edited / restored) that made it current."""
    return {e["new_version_id"]: e for e in events if e["new_version_id"] is not None}


def history_json(release: dict[str, Any], name: str | None, versions: list[dict[str, Any]],
                 events: list[dict[str, Any]]) -> dict[str, Any]:
    by_version = introduced_by(events)
    keys = ("id", "version", "fetched_at", "content_hash", "extractor_version", "source",
            "word_count", "title", "published", "dateline", "attachments", "run_id",
            "raw_sha256")
    change_keys = ("id", "kind", "detected_at", "severity", "summary", "alert")
    return {
        "release": {**{k: release[k] for k in ("id", "url", "title", "bioguide_id", "status",
                                                "published", "first_seen", "removed_at",
                                                "duplicate_of", "current_version_id")},
                    "member_name": name},
        "versions": [
            {**{k: v[k] for k in keys},
             "change": {k: by_version[v["id"]][k] for k in change_keys}
             if v["id"] in by_version else None}
            for v in versions
        ],
        "changes": [{k: e[k] for k in (*change_keys, "old_version_id", "new_version_id",
                                       "fields_changed")} for e in events],
    }


def history_table(release: dict[str, Any], name: str | None, versions: list[dict[str, Any]],
                  events: list[dict[str, Any]]) -> str:
    by_version = introduced_by(events)
    status = release["status"]
    if release["removed_at"] and status == "removed":
        status += f" (since {release['removed_at']})"
    lines = [
        f"Release {release['id']}: {release['title']}",
        f"URL:       {release['url']}",
        f"Member:    {release['bioguide_id']}" + (f" ({name})" if name else ""),
        f"Published: {release['published'] or '(unknown)'}",
        f"Status:    {status}",
    ]
    if release["duplicate_of"]:
        lines.append(f"Duplicate of release {release['duplicate_of']}")
    rows = []
    for v in versions:
        event = by_version.get(v["id"])
        change = f"{event['kind']}: {event['summary']}".rstrip(": ") if event else ""
        rows.append([v["version"], v["fetched_at"], (v["content_hash"] or "")[:12],
                     v["extractor_version"], v["source"], v["word_count"], clip(v["title"], 50),
                     clip(change, 60)])
    lines += ["", tabulate(rows, headers=HISTORY_COLUMNS)]
    others = [e for e in events if e["new_version_id"] is None]  # removals, plain restores
    if others:
        lines += ["", "Other changes:"]
        lines += [f"  {e['detected_at']}  {e['kind']}  {e['summary']}".rstrip() for e in others]
    return "\n".join(lines)


@main.command()
@config_option
@db_option
@release_argument
@click.option("--from", "from_version", type=click.IntRange(min=1), metavar="V",
              help="the older version number [default: the one before --to]")
@click.option("--to", "to_version", type=click.IntRange(min=1), metavar="V",
              help="the newer version number [default: the current version]")
@click.option("--format", "fmt", type=click.Choice(["text", "html", "unified"]), default="text",
              show_default=True,
              help="text: [-removed-]{+added+} marks; html: a fragment with inline styles "
                   "(as in alert emails); unified: like diff -u, one paragraph per line")
def diff(config_path: str | None, db_path: str | None, release: str, from_version: int | None,
         to_version: int | None, fmt: str) -> None:
    """Show what changed between two versions of a release (default: the previous version vs
    the current one).

    RELEASE_ID is the release's id or its URL. Versions are numbered 1, 2, … (see
    `presswatch history RELEASE_ID`).
    """
    try:
        db = open_reader(config_path, db_path)
        row = find_release(db, release)
        versions = {v["version"]: v for v in list_versions(db, row["id"])}
        pair = pick_versions(row, versions, from_version, to_version)
    except (*USER_ERRORS, LookupError) as exc:
        fail(exc)
    if pair is None:
        echo(f"release {row['id']} has only one version: nothing to compare")
        return
    echo(render_version_diff(row, versions[pair[0]], versions[pair[1]], fmt), nl=False)


def pick_versions(release: dict[str, Any], versions: dict[int, dict[str, Any]],
                  old: int | None, new: int | None) -> tuple[int, int] | None:
    """The (old, new) version numbers to compare; None when there is only one version."""
    if new is None:
        current = [n for n, v in versions.items() if v["id"] == release["current_version_id"]]
        new = current[0] if current else max(versions)
    if old is None:
        if len(versions) < 2:
            return None
        old = new - 1 if new > 1 else None
        if old is None:
            raise LookupError(f"version 1 is the first version of release {release['id']}: "
                              "give --from and --to to compare it with a later one")
    for number in (old, new):
        if number not in versions:
            raise LookupError(f"release {release['id']} has no version {number} "
                              f"(it has {', '.join(map(str, sorted(versions)))})")
    return old, new


def render_version_diff(release: dict[str, Any], old: dict[str, Any], new: dict[str, Any],
                        fmt: str) -> str:
    result = compare_records(version_record(old), version_record(new))
    if not result.changed:
        return (f"versions {old['version']} and {new['version']} of release {release['id']} "
                "have the same content\n")
    if fmt == "html":
        return render_html(result)
    if fmt == "unified":
        return render_unified(result, f"v{old['version']} {old['fetched_at']}",
                              f"v{new['version']} {new['fetched_at']}")
    header = [f"Release {release['id']}: {release['title']}",
              f"v{old['version']} ({old['fetched_at']}) → v{new['version']} "
              f"({new['fetched_at']}): {result.summary}"]
    if old["extractor_version"] != new["extractor_version"] or new["source"] == "reprocess":
        # Tell the reader when the difference may be ours (a parser change), not the office's.
        header.append(f"note: extracted by different presswatch versions "
                      f"({old['extractor_version']} → {new['extractor_version']}, "
                      f"{new['source']}): not necessarily an edit by the office")
    return "\n".join(header) + "\n\n" + render_text(result)


# --- health --------------------------------------------------------------------------------------


@main.command()
@config_option
@db_option
@click.option("--member", metavar="BIOGUIDE", help="only this member")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True, help="output format (json has every field)")
def health(config_path: str | None, db_path: str | None, member: str | None, fmt: str) -> None:
    """Per member: the last success and status, consecutive failures, releases seen in the
    last 30 days, family and parser, and a verdict: ok, stale, empty, javascript-only,
    blocked or broken (see docs/health.md).

    Reads the database read-only. Exits 0 (whatever the verdicts), 2 for a bad config or a
    database that cannot be opened.
    """
    try:
        db = open_reader(config_path, db_path)
        if member and get_member(db, member) is None:
            raise StorageError(f"no member {member!r} in the database")
        rows = member_health(db, clock.now(), member)
    except USER_ERRORS as exc:
        fail(exc)
    if fmt == "json":
        echo(to_json(rows))
        return
    table = [{**{c: r[c] for c in HEALTH_COLUMNS}, "last_error": clip(r["last_error"], 60)}
             for r in rows]
    echo(tabulate(table, headers="keys") if table else "no members in the database")


# --- re-extraction -----------------------------------------------------------------------------


@main.command()
@config_option
@db_option
@click.option("--member", "members", multiple=True, metavar="BIOGUIDE",
              help="only this member's releases (repeatable) [default: all]")
@click.option("--progress/--no-progress", default=None,
              help=f"a line every {PROGRESS_EVERY} releases "
                   "[default: on when stderr is a terminal]")
def reprocess(config_path: str | None, db_path: str | None, members: tuple[str, ...],
              progress: bool | None) -> None:
    """Re-extract the stored HTML of every release with the current extractor.

    Where the result differs (or an older extractor made it), a new version is stored with
    source 'reprocess'. It is never recorded as a change and never alerts: a parser
    improvement is not an edit by the member's office. Nothing is fetched.
    """
    show = sys.stderr.isatty() if progress is None else progress
    try:
        db = open_database(config_path, db_path)
        unknown = [m for m in members if get_member(db, m) is None]
        if unknown:
            raise StorageError(f"no member {', '.join(unknown)} in the database")
        summary = run_reprocess(db, list(members) or None,
                                progress=report_progress if show else None)
    except USER_ERRORS as exc:
        fail(exc)
    for release_id, why in summary.failed[:MAX_FAILURES_SHOWN]:
        echo(f"release {release_id}: {why}", err=True)
    if len(summary.failed) > MAX_FAILURES_SHOWN:
        click.echo(f"… and {len(summary.failed) - MAX_FAILURES_SHOWN} more", err=True)
    click.echo(summary.line())


MAX_FAILURES_SHOWN = 20


def report_progress(done: int, total: int) -> None:
    click.echo(f"reprocess: {done}/{total} releases", err=True)


# --- alert emails ------------------------------------------------------------------------------


@main.group()
def alerts() -> None:
    """Alert emails: preview and send what is pending in the outbox (config key alerts:)."""


@alerts.command("preview")
@config_option
@db_option
@click.option("--subscriber", metavar="EMAIL",
              help="only this subscriber's message [default: every subscriber with pending "
                   "alerts]")
@click.option("--html", "html_path", type=click.Path(dir_okay=False), default="alerts-preview.html",
              show_default=True,
              help="where to write the HTML part (one file per subscriber: the address is "
                   "added to the name when there are several)")
def alerts_preview(config_path: str | None, db_path: str | None, subscriber: str | None,
                   html_path: str) -> None:
    """Show what `alerts send` would send now: the text part on stdout, the HTML in a file.

    Nothing is sent or marked; alerts waiting out a retry backoff are included.
    """
    try:
        config = load_config(config_path)
        known = [s["email"] for s in config["alerts"]["subscribers"]]
        if subscriber and subscriber not in known:
            raise ConfigError(f"no subscriber {subscriber!r} in alerts.subscribers")
        db = open_database(config_path, db_path)
        try:
            queue_alerts(db, config, clock.now_iso())
            report = deliver(db, config, clock.now_iso(), dry_run=True, ignore_backoff=True,
                             only=subscriber)
        finally:
            db.close()
    except USER_ERRORS as exc:
        fail(exc)
    if not report.messages:
        echo("nothing pending" + (f" for {subscriber}" if subscriber else ""))
        return
    for message, digest in zip(report.messages, report.digests, strict=True):
        path = preview_path(Path(html_path), message["To"], len(report.messages))
        path.write_text(digest.html, encoding="utf-8")
        echo(f"To: {message['To']}\nSubject: {message['Subject']}\n(HTML part: {path})\n")
        echo(digest.text)


def preview_path(path: Path, recipient: str, count: int) -> Path:
    if count == 1:
        return path
    safe = re.sub(r"[^A-Za-z0-9@._-]", "_", recipient)
    return path.with_name(f"{path.stem}-{safe}{path.suffix}")


@alerts.command("send")
@config_option
@db_option
@click.option("--dry-run", is_flag=True,
              help="compose the messages and list them; send and mark nothing")
def alerts_send(config_path: str | None, db_path: str | None, dry_run: bool) -> None:
    """Send every pending alert now: one message per subscriber.

    An alert is marked sent only once the SMTP server accepted its message; when the server is
    down or refuses, it stays pending (exit status 1) and is retried by the next send. Run
    after `presswatch crawl` (the daemon, `presswatch run`, does it by itself).
    """
    try:
        config = load_config(config_path)
        path = database_path(config, db_path)
        open_database(config_path, db_path).close()  # a clear error for a missing file
        report = send_pending(config, path, dry_run=dry_run, ignore_backoff=True)
    except (*USER_ERRORS, MailError) as exc:
        fail(exc)
    for message in report.messages:
        echo(f"{'would send' if dry_run else 'to'} {message['To']}: {message['Subject']}")
    for email, error in report.failed:
        echo(f"failed: {email}: {error}", err=True)
    echo(report.line())
    if report.failed:
        sys.exit(1)


# --- the demo ----------------------------------------------------------------------------------


@main.command()
@click.option("--dir", "folder", type=click.Path(file_okay=False), default="presswatch-demo",
              show_default=True,
              help="where the demo's database, config and emails go (reset on each run)")
def demo(folder: str) -> None:
    """See the whole loop offline in about a minute: crawl a simulated Congress on 127.0.0.1,
    edit, take down and publish releases, crawl again, and email the alerts to a loopback SMTP
    server that files each message in a folder.
    """
    from scheduler.demo import DemoError, run_demo  # the simulator loads only for the demo

    try:
        run_demo(Path(folder), say=click.echo)
    except (*USER_ERRORS, DemoError) as exc:
        fail(exc)


# --- debugging a release page ------------------------------------------------------------------


@main.command()
@config_option
@db_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@release_argument
def inspect(config_path: str | None, db_path: str | None, release: str, fmt: str) -> None:
    """How presswatch reads a stored release page today, and what it drops as chrome.

    RELEASE_ID is a release id or URL. The page stored with its current version is re-read
    with the current extractor and what is known of its site's chrome: the parser whose body
    won (template / generic / trafilatura) and whether the two disagreed, title, date and where
    it came from, the body, the lines single-occurrence rules dropped and the lines the site
    repeats on most pages (learned chrome). Nothing is written or fetched.
    """
    try:
        db = open_database(config_path, db_path)
        row = find_release(db, release)
        report = inspect_release(db, row)
    except USER_ERRORS as exc:
        fail(exc)
    if fmt == "json":
        click.echo(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        click.echo(format_inspection(report), nl=False)


def inspect_release(db: Database, release: dict[str, Any]) -> dict[str, Any]:
    current = next(iter_current_versions(db, [release["id"]]), None)
    raw = get_raw_html(db, current["raw_sha256"]) if current and current["raw_sha256"] else None
    if raw is None:
        raise StorageError(f"release {release['id']} has no stored page to inspect")
    host = site_of(release["url"])
    chrome = chrome_keys(db, host)
    plain = extract(raw, current)
    article = strip_learned(plain, chrome)
    return {
        "release_id": release["id"], "url": release["url"], "family": release["family"],
        "parser": article.parser, "disagreement": article.disagreement,
        "title": article.title, "published": article.published,
        "date_source": article.date_source, "dateline": article.dateline,
        "word_count": article.word_count, "paragraphs": article.paragraphs,
        "stripped_by_rules": plain.stripped,
        "stripped_as_site_chrome": [p for p in article.stripped if p not in plain.stripped],
        "site": host, "site_chrome_lines": len(chrome),
        "stored_matches": content_hash(article) == current["content_hash"],
    }


def format_inspection(report: dict[str, Any]) -> str:
    lines = [
        f"Release {report['release_id']}: {report['url']}",
        f"family {report['family']}; body by the {report['parser']} parser"
        + ("; template and generic disagreed" if report["disagreement"] else ""),
        f"title: {report['title']}",
        f"published: {report['published']} ({report['date_source']}); "
        f"dateline: {report['dateline']}; {report['word_count']} words",
        "stored version: " + ("same content" if report["stored_matches"]
                              else "differs (run `presswatch reprocess` or wait for a crawl)"),
        "",
    ]
    lines += [f"  {i:>3}  {p}" for i, p in enumerate(report["paragraphs"], 1)]
    lines += ["", "dropped by single-occurrence rules:"]
    lines += [f"   -   {p}" for p in report["stripped_by_rules"]] or ["   (none)"]
    lines += [f"dropped as chrome of {report['site']} "
              f"({report['site_chrome_lines']} lines learned):"]
    lines += [f"   -   {p}" for p in report["stripped_as_site_chrome"]] or ["   (none)"]
    return "\n".join(lines) + "\n"


# --- the daemon and its status -----------------------------------------------------------------


@main.command()
@config_option
@db_option
def run(config_path: str | None, db_path: str | None) -> None:
    """Run in the background: crawl on the config's `schedule:` and send alerts, until stopped.

    One crawl at a time, each in its own process, cut short after crawl.max_run_minutes.
    Logs (stderr) say what ran and when the next run is due. SIGTERM or Ctrl-C stops it
    cleanly: a running crawl is stopped and its run closed as 'aborted'; exit status 0.
    Exits 2 with a one-line message for a bad config or database. See docs/daemon.md.
    """
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(message)s")
    # Our listener logs runs, skips and next times in plain words; APScheduler's own are noise.
    logging.getLogger("apscheduler").setLevel(logging.ERROR)
    try:
        config = load_config(config_path)
        path = database_path(config, db_path)
        open_db(path).close()  # a database that cannot be used fails now, not at the first run
        daemon = Daemon(config, config_path, path)
    except USER_ERRORS as exc:
        fail(exc)
    daemon.run()


@main.command()
@config_option
@db_option
@click.option("--runs", "limit", type=click.IntRange(min=1), default=5, show_default=True,
              help="how many of the last crawl runs to show")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
def status(config_path: str | None, db_path: str | None, limit: int, fmt: str) -> None:
    """Show the crawl in progress (if any), the last runs, the next scheduled runs and the
    alerts waiting to be sent."""
    try:
        config = load_config(config_path)
        db = open_database(config_path, db_path)
        report = status_report(config, db, clock.now(), limit)
    except USER_ERRORS as exc:
        fail(exc)
    if fmt == "json":
        click.echo(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        click.echo(format_status(report))


RUN_COLUMNS = ["id", "started_at", "finished_at", "status", "members_ok", "members_error",
               "members_skipped", "releases_new", "changes_new", "changes_edited",
               "changes_removed", "error"]


def status_report(config: dict[str, Any], db: Database, now: datetime,
                  limit: int) -> dict[str, Any]:
    runs = list_runs(db, limit)
    crawls = [r for r in runs if r["status"] != "running"] or runs
    upcoming = next_runs(config, crawls[0]["started_at"] if crawls else None, now)
    return {
        "in_progress": [
            {"id": r["id"], "started_at": r["started_at"], "heartbeat_at": r["heartbeat_at"],
             "host": r["host"], "pid": r["pid"],
             "heartbeat_stale": heartbeat_stale(r["heartbeat_at"] or r["started_at"], now)}
            for r in runs if r["status"] == "running"
        ],
        "last_runs": [{c: r.get(c) for c in RUN_COLUMNS} for r in runs],
        "next": {job: clock.format_timestamp(t) if t else None for job, t in upcoming.items()},
        "schedule": {"crawl": config["schedule"]["crawl"],
                     "timezone": config["schedule"]["timezone"]},
        "pending_alerts": pending_count(db),
    }


def heartbeat_stale(last: str, now: datetime) -> bool:
    """A run whose heartbeat stopped is dead; the next crawl closes it as interrupted."""
    return (now - clock.parse_timestamp(last)).total_seconds() > HEARTBEAT_STALE_SECONDS


def format_status(report: dict[str, Any]) -> str:
    lines = []
    for run in report["in_progress"]:
        what = "unfinished crawl" if run["heartbeat_stale"] else "crawl in progress"
        lines.append(f"{what}: run {run['id']} since {run['started_at']} "
                     f"(last heartbeat {run['heartbeat_at']}, host {run['host']}, "
                     f"pid {run['pid']})")
        if run["heartbeat_stale"]:
            lines[-1] += "; its heartbeat stopped, the next crawl closes it as interrupted"
    if not report["in_progress"]:
        lines.append("no crawl in progress")
    schedule = report["schedule"]
    for job, at in report["next"].items():
        detail = ""
        if job == "crawl":
            detail = f" (schedule {schedule['crawl']!r}, {schedule['timezone']})"
        lines.append(f"next {job}: {at or 'when the daemon starts'}{detail}")
    lines.append(f"pending alerts: {report['pending_alerts']}")
    rows = [{**r, "error": clip(r["error"], 60)} for r in report["last_runs"]]
    lines += ["", "last runs:", tabulate(rows, headers="keys") if rows else "(none yet)"]
    return "\n".join(lines)


# --- querying, export, feed, Datasette, import (scheduler/query_cli.py) ------------------------
# Imported last: query_cli uses the helpers above.
from scheduler.query_cli import COMMANDS as QUERY_COMMANDS  # noqa: E402

for _command in QUERY_COMMANDS:
    main.add_command(_command)
