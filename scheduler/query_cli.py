"""Commands that read the database for people and other systems (``search``, ``export``,
``feed``, ``datasette-metadata``) and ``import`` of an archive. Registered on the ``presswatch``
group by scheduler/cli.py; kept apart so other commands can be added there without conflicts."""

from __future__ import annotations

import csv
import json
import os
import sys
from importlib import resources
from pathlib import Path
from typing import IO, Any

import click
from tabulate import tabulate

from crawler import clock
from crawler.config import load_config, raw_database_path
from crawler.roster import load_members
from scheduler.archive import ImportSummary, import_files
from scheduler.cli import (
    USER_ERRORS,
    clip,
    config_option,
    db_option,
    echo,
    fail,
    open_reader,
    parse_since,
)
from scheduler.feed import build_feed
from scheduler.jobs import database_path
from storage.changes import CHANGE_KINDS
from storage.db import StorageError, open_db
from storage.export import EXPORT_COLUMNS, iter_releases
from storage.feed import feed_changes
from storage.members import get_member, upsert_members
from storage.search import (
    RANK_WINDOW,
    SEARCH_COLUMNS,
    SearchError,
    SearchFilters,
    search_releases,
)

SNIPPET_MARKS = ("**", "**")  # matched words in snippets, as in Markdown: plain text anywhere


def parse_day(value: str | None, option: str) -> str | None:
    """``--since`` / ``--until`` as a date (YYYY-MM-DD): a date, a timestamp, or 7d / 2w."""
    if value is None:
        return None
    try:
        return parse_since(value, clock.now())[:10]
    except click.BadParameter:
        raise click.BadParameter(f"cannot read {option} {value!r}: use a date (2025-03-01) "
                                 "or 24h, 7d, 2w before now") from None


def check_member(db: Any, member: str | None) -> None:
    if member and get_member(db, member.upper()) is None:
        raise StorageError(f"no member {member!r} in the database")


since_option = click.option("--since", metavar="DATE",
                            help="published on or after DATE (YYYY-MM-DD, or 7d, 2w before now)")
until_option = click.option("--until", metavar="DATE", help="published on or before DATE")


# --- search ------------------------------------------------------------------------------------


@click.command()
@config_option
@db_option
@click.argument("query")
@click.option("--member", metavar="BIOGUIDE", help="only this member's releases")
@click.option("--chamber", type=click.Choice(["house", "senate"]), help="only this chamber")
@click.option("--party", metavar="PARTY", help="only this party: Democrat, Republican, "
                                               "Independent, … or its initial (D, R, I)")
@click.option("--state", metavar="XX", help="only members from this state (two-letter code)")
@since_option
@until_option
@click.option("--kind", type=click.Choice(CHANGE_KINDS),
              help="only releases that had a change of this kind (e.g. edited, removed)")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True,
              help="at most this many results, best first")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table",
              show_default=True)
@click.option("--rank-all", is_flag=True,
              help=f"rank every match, even when more than {RANK_WINDOW:,} releases match "
                   "(slower on a large archive)")
def search(config_path: str | None, db_path: str | None, query: str, member: str | None,
           chamber: str | None, party: str | None, state: str | None, since: str | None,
           until: str | None, kind: str | None, limit: int, fmt: str, rank_all: bool) -> None:
    """Full-text search of release titles and bodies, best match first (bm25).

    QUERY uses SQLite FTS5 syntax: words (all must match; stemmed, so `tariff` finds
    `tariffs`), "exact phrases", OR, NOT, prefix*, NEAR(a b, 5), title:word. Matched words are
    marked **like this** in the snippet. Duplicates (the same text under a second URL) are
    left out. When more than 2,000 releases match, only the 2,000 most recently stored
    matches are ranked (of those passing the filters, when the query's newest 2,000 hold
    fewer than --limit that do); --rank-all ranks them all.

    Example: presswatch search '"clean water" OR drought' --chamber senate --since 2025-01-01
    """
    try:
        filters = SearchFilters(member=member, chamber=chamber, party=party, state=state,
                                since=parse_day(since, "--since"),
                                until=parse_day(until, "--until"), kind=kind)
        db = open_reader(config_path, db_path)
        check_member(db, member)
        rows = search_releases(db, query, filters, limit=limit, marks=SNIPPET_MARKS,
                               window=None if rank_all else RANK_WINDOW)
    except (*USER_ERRORS, SearchError, click.BadParameter) as exc:
        fail(exc)
    echo(format_search(rows, fmt), nl=False)


def format_search(rows: list[dict[str, Any]], fmt: str) -> str:
    if fmt == "json":
        return json.dumps([{c: r[c] for c in SEARCH_COLUMNS} for r in rows], indent=2,
                          ensure_ascii=False) + "\n"
    if fmt == "csv":
        out = _StringWriter()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(SEARCH_COLUMNS)
        writer.writerows([r[c] for c in SEARCH_COLUMNS] for r in rows)
        return out.text()
    if not rows:
        return "no matches\n"
    table = [{"id": r["id"], "published": r["published"], "member": r["bioguide_id"],
              "party": f"{(r['party'] or '?')[:1]}-{r['state'] or '?'}",
              "title": clip(r["title"], 50), "snippet": clip(r["snippet"], 90),
              "url": r["url"]} for r in rows]
    return tabulate(table, headers="keys") + "\n"


class _StringWriter:
    def __init__(self) -> None:
        self.parts: list[str] = []

    def write(self, text: str) -> None:
        self.parts.append(text)

    def text(self) -> str:
        return "".join(self.parts)


# --- export ------------------------------------------------------------------------------------


@click.command()
@config_option
@db_option
@since_option
@until_option
@click.option("--member", "members", multiple=True, metavar="BIOGUIDE",
              help="only this member's releases (repeatable)")
@click.option("--format", "fmt", type=click.Choice(["csv", "json", "jsonl"]), default="csv",
              show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True),
              help="write to FILE [default: standard output]")
def export(config_path: str | None, db_path: str | None, since: str | None, until: str | None,
           members: tuple[str, ...], fmt: str, output: str | None) -> None:
    """Export releases with their member (name, party, state, chamber) and body text.

    Rows are written as they are read, so memory stays constant at any size. Columns always
    come in the same order (new ones are only appended); text is UTF-8. --since / --until
    filter on the published date (releases without one are left out when either is given).
    """
    try:
        first, last = parse_day(since, "--since"), parse_day(until, "--until")
        db = open_reader(config_path, db_path)
        for member in members:
            check_member(db, member)
        rows = iter_releases(db, first, last, list(members) or None)
        with click.open_file(output or "-", "w", encoding="utf-8", lazy=False) as out:
            count = write_rows(out, rows, fmt)
    except BrokenPipeError:
        reader_went_away()
    except (*USER_ERRORS, click.BadParameter, OSError) as exc:
        fail(exc)
    if output:
        click.echo(f"exported {count} releases to {output}", err=True)


def reader_went_away() -> None:
    """`presswatch export | head`: the reader closed the pipe; stop quietly, as cat does."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())  # so the interpreter's final flush cannot fail too
    sys.exit(1)


def write_rows(out: IO[str], rows: Any, fmt: str) -> int:
    """Write ``rows`` (tuples in EXPORT_COLUMNS order) one at a time; returns the count."""
    count = 0
    if fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(EXPORT_COLUMNS)
        for row in rows:
            writer.writerow(row)
            count += 1
        return count
    if fmt == "json":
        out.write("[")
    for row in rows:
        text = json.dumps(dict(zip(EXPORT_COLUMNS, row, strict=True)), ensure_ascii=False)
        if fmt == "json":
            out.write(("\n" if count == 0 else ",\n") + text)
        else:
            out.write(text + "\n")
        count += 1
    if fmt == "json":
        out.write("\n]\n" if count else "]\n")
    return count


# --- feed --------------------------------------------------------------------------------------


@click.command()
@config_option
@db_option
@click.option("--kind", "kinds", multiple=True, type=click.Choice(CHANGE_KINDS),
              help="only changes of this kind (repeatable) [default: all kinds]")
@click.option("--member", metavar="BIOGUIDE", help="only this member's changes")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True,
              help="the latest N changes")
@click.option("--self-url", metavar="URL",
              help="where the feed will be published (its rel=self link)")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True),
              help="write to FILE [default: standard output]")
def feed(config_path: str | None, db_path: str | None, kinds: tuple[str, ...],
         member: str | None, limit: int, self_url: str | None, output: str | None) -> None:
    """Write an Atom feed of the latest changes (imported history left out).

    Each entry links the release, names the member and says what changed; edits carry the
    marked-up diff. Example: presswatch feed --kind edited --kind removed -o changes.atom
    """
    try:
        db = open_reader(config_path, db_path)
        check_member(db, member)
        rows = feed_changes(db, list(kinds) or None, member, limit)
        document = build_feed(rows, kinds=list(kinds), member=member, self_url=self_url)
        if output:
            Path(output).write_bytes(document)
    except (*USER_ERRORS, OSError) as exc:
        fail(exc)
    if not output:
        sys.stdout.buffer.write(document)
        sys.stdout.buffer.flush()


# --- Datasette ---------------------------------------------------------------------------------

METADATA_FILE = "datasette-metadata.yaml"
METADATA_DATABASE = "presswatch"  # the key in the shipped file: a database file presswatch.db


def datasette_metadata_text(database_name: str = METADATA_DATABASE) -> str:
    """The shipped metadata, its database key renamed for a file with another name (Datasette
    names a database after its file's stem)."""
    text = resources.files("storage").joinpath(METADATA_FILE).read_text(encoding="utf-8")
    if database_name != METADATA_DATABASE:
        text = text.replace(f"\n  {METADATA_DATABASE}:\n", f"\n  {json.dumps(database_name)}:\n",
                            1)
    return text


@click.command("datasette-metadata")
@config_option
@db_option
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True),
              help="write to FILE [default: standard output]")
def datasette_metadata(config_path: str | None, db_path: str | None,
                       output: str | None) -> None:
    """Print (or write) the Datasette metadata for the database: titles, descriptions, column
    docs and canned queries (edited this week, removed releases, search releases, …).

    Then: datasette presswatch.db -m metadata.yaml  (pip install 'presswatch[datasette]')
    """
    try:
        name = database_path(load_config(config_path), db_path).stem
        text = datasette_metadata_text(name)
        if output:
            Path(output).write_text(text, encoding="utf-8")
    except (*USER_ERRORS, OSError) as exc:
        fail(exc)
    if not output:
        click.echo(text, nl=False)


# --- import ------------------------------------------------------------------------------------


@click.command("import")
@config_option
@db_option
@click.argument("files", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--progress/--no-progress", default=None,
              help="a line on stderr after each batch [default: on when stderr is a terminal]")
def import_(config_path: str | None, db_path: str | None, files: tuple[Path, ...],
            progress: bool | None) -> None:
    """Load archived releases (JSONL: url, title, date, text, member.bioguide_id per line) as
    history: no alerts (their `new` changes have alert = 0 and imported = 1).

    Importing the same file again changes nothing. Members are matched by bioguide id (or, for
    a line without one, by the URL's host); lines of members not in the roster and bad lines
    are reported on stderr with their line numbers and skipped. Imported releases join the
    normal re-check schedule.
    """
    show = sys.stderr.isatty() if progress is None else progress
    try:
        config = load_config(config_path)
        roster = load_members(config)
        db = open_db(database_path(config, db_path), raw_path=raw_database_path(config))
        upsert_members(db, roster)
        summary = import_files(db, files, progress=report_import if show else None)
    except USER_ERRORS as exc:
        fail(exc)
    report_problems(summary)
    click.echo(summary.line())


MAX_BAD_LINES_SHOWN = 50


def report_import(summary: ImportSummary, path: str) -> None:
    click.echo(f"import: {path}: {summary.lines} lines read, {summary.imported} imported",
               err=True)


def report_problems(summary: ImportSummary) -> None:
    for path, number, why in summary.bad[:MAX_BAD_LINES_SHOWN]:
        echo(f"{path}:{number}: skipped: {why}", err=True)
    if len(summary.bad) > MAX_BAD_LINES_SHOWN:
        click.echo(f"… and {len(summary.bad) - MAX_BAD_LINES_SHOWN} more bad lines", err=True)
    for bioguide_id, count in summary.unknown_members.most_common():
        path, number = summary.first_unknown[bioguide_id]
        click.echo(f"skipped {count} lines of member {bioguide_id} (first {path}:{number}): "
                   "not in the roster", err=True)


COMMANDS = [search, export, feed, datasette_metadata, import_]
