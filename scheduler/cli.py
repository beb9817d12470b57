"""The ``presswatch`` command. Thin: parse arguments, call functions, print results."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
from tabulate import tabulate

from crawler.config import ConfigError, load_config
from crawler.roster import RosterError, load_members
from scheduler.jobs import CrawlRequest, run_crawl
from storage.db import StorageError

USER_ERRORS = (ConfigError, RosterError, StorageError)


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


def fail(exc: Exception) -> None:
    click.echo(f"presswatch: {exc}", err=True)
    sys.exit(2)


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
@click.option("-v", "--verbose", count=True, help="Scrapy log output (-v info, -vv debug)")
def crawl(config_path: str | None, db_path: str | None, members: tuple[str, ...],
          pages: int | None, progress: bool | None, verbose: int) -> None:
    """Fetch press releases into the database and print a summary.

    Exits 0 when the run completed, even if some sites failed (see the summary and the
    member_runs table); exits 2 with a one-line message for a bad config, an unreadable
    roster or a database that cannot be opened.
    """
    request = CrawlRequest(
        config_path=config_path,
        db_path=db_path,
        members=list(members),
        pages=pages,
        progress=sys.stderr.isatty() if progress is None else progress,
        log_level=["WARNING", "INFO", "DEBUG"][min(verbose, 2)],
    )
    try:
        summary = run_crawl(request)
    except USER_ERRORS as exc:
        fail(exc)
    click.echo(format_summary(summary))
    if summary["status"] != "completed":
        sys.exit(1)


def format_summary(run: dict[str, Any]) -> str:
    return (
        f"Crawl run {run['id']} {run['status']} in {run.get('seconds', 0)}s: "
        f"members {run['members_ok']} ok, {run['members_empty']} empty, "
        f"{run['members_blocked']} blocked, {run['members_error']} error, "
        f"{run['members_skipped']} skipped; "
        f"releases {run['releases_found']} found, {run['releases_new']} new; "
        f"pages fetched {run['pages_fetched']}"
        + (f"\n{run['error']}" if run.get("error") else "")
    )


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
        click.echo(json.dumps(rows, indent=2))
    else:
        click.echo(tabulate(rows, headers="keys"))
