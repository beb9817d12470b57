"""``presswatch import``: read archive JSONL files into the database as history.

Each line is one release: ``url`` and ``title`` (required), ``date`` (YYYY-MM-DD), ``text``
(paragraphs separated by blank lines; may be empty), ``member.bioguide_id``, and optionally
``collected_at``. Members are
matched by bioguide id; a line without one is matched by its URL's host when exactly one
member's homepage has that host. Lines that are not valid JSON, lack a field, or name a member
the database does not know are reported with their line number and skipped.
"""

from __future__ import annotations

import gc
import json
import multiprocessing
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from queue import Empty
from typing import Any
from urllib.parse import urlsplit

from sqlite_utils import Database

from crawler.clock import format_timestamp, now_iso, parse_timestamp
from crawler.fingerprint import single_spaced_list
from crawler.items import Article
from crawler.urls import canonical_url
from storage.archive import ImportRow, import_batch, import_row, known_members, member_hosts

BATCH_SIZE = 5000
_BLANK_LINES = re.compile(r"\n\s*\n")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class BadLine(ValueError):
    """A line that cannot be imported; the message says why."""


@dataclass
class ImportSummary:
    files: int = 0
    lines: int = 0
    imported: int = 0
    already_known: int = 0
    duplicates: int = 0
    bad: list[tuple[str, int, str]] = field(default_factory=list)  # (file, line, why)
    unknown_members: Counter = field(default_factory=Counter)  # bioguide id → lines skipped
    first_unknown: dict[str, tuple[str, int]] = field(default_factory=dict)  # → (file, line)

    def line(self) -> str:
        unknown = sum(self.unknown_members.values())
        return (
            f"imported {self.imported} releases from {self.lines} lines in {self.files} "
            f"file(s): {self.already_known} already known, {self.duplicates} duplicates of "
            f"another URL, {unknown} of unknown members, {len(self.bad)} bad lines skipped"
        )


@dataclass
class _Members:
    ids: set[str]
    hosts: dict[str, str]

    def resolve(self, data: dict[str, Any], url: str) -> str:
        member = data.get("member") or {}
        bioguide_id = member.get("bioguide_id") if isinstance(member, dict) else None
        if bioguide_id:
            bioguide_id = str(bioguide_id).strip().upper()
            if bioguide_id not in self.ids:
                raise UnknownMember(bioguide_id)
            return bioguide_id
        host = (urlsplit(url).hostname or "").removeprefix("www.")
        if host in self.hosts:
            return self.hosts[host]
        raise UnknownMember(f"(none; host {host})")


class UnknownMember(LookupError):
    pass


def import_files(
    db: Database,
    paths: Iterable[Path],
    progress: Callable[[ImportSummary, str], None] | None = None,
    batch_size: int = BATCH_SIZE,
    parallel: bool = True,
) -> ImportSummary:
    """Import every line of every file; ``progress(summary, file)`` after each batch.

    With ``parallel``, a second process reads, parses and fingerprints the files while this
    one writes (SQLite allows one writer; parsing is half of the work).
    """
    members = _Members(known_members(db), member_hosts(db))
    summary = ImportSummary()
    paths = [Path(p) for p in paths]
    stored_any = False
    with _no_cycle_collection():
        for index, parsed in _parsed_batches(paths, members, now_iso(), batch_size, parallel):
            if parsed is None:  # the end of a file
                summary.files += 1
                if progress and not stored_any:
                    progress(summary, str(paths[index]))
                stored_any = False
                continue
            _take(db, parsed, str(paths[index]), summary, progress)
            stored_any = True
    return summary


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """The cyclic garbage collector off: batches are thousands of tuples, which set it off
    again and again to find nothing (they hold no cycles); plain reference counting still
    frees them."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# (file index, its next parsed lines), or (file index, None) at the end of the file.
Batch = tuple[int, "list[Parsed] | None"]
_END = "end"


def _parsed_batches(paths: list[Path], members: _Members, fallback_seen_at: str,
                    batch_size: int, parallel: bool) -> Iterator[Batch]:
    if not parallel:
        yield from _parse_files(paths, members, fallback_seen_at, batch_size)
        return
    # Two batches in flight at most: the reader stays ahead of the writer, and memory stays
    # bounded however large the archive.
    queue: multiprocessing.Queue = multiprocessing.Queue(maxsize=2)
    reader = multiprocessing.Process(
        target=_feed, args=(queue, paths, members, fallback_seen_at, batch_size), daemon=True)
    reader.start()
    try:
        while (item := _next(queue, reader)) != _END:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        if reader.is_alive():
            reader.terminate()
        reader.join()


def _feed(queue: multiprocessing.Queue, paths: list[Path], members: _Members,
          fallback_seen_at: str, batch_size: int) -> None:
    """The reading process: parsed batches into ``queue``, then ``_END`` or the error."""
    try:
        with _no_cycle_collection():
            for item in _parse_files(paths, members, fallback_seen_at, batch_size):
                queue.put(item)
        queue.put(_END)
    except BaseException as exc:  # e.g. a file unreadable half-way: the writer raises it
        queue.put(exc)


def _next(queue: multiprocessing.Queue, reader: multiprocessing.Process) -> Any:
    while True:
        try:
            return queue.get(timeout=1.0)
        except Empty:
            if not reader.is_alive():  # killed (out of memory…) without a word
                raise RuntimeError("the import's reading process died "
                                   f"(exit code {reader.exitcode})") from None


def _parse_files(paths: list[Path], members: _Members, fallback_seen_at: str,
                 batch_size: int) -> Iterator[Batch]:
    for index, path in enumerate(paths):
        for chunk in _chunks(path, batch_size):
            yield index, parse_chunk(chunk, members, fallback_seen_at)
        yield index, None


# One parsed line: (line number, the record or None, why not: "bad" / "unknown", message).
Parsed = tuple[int, ImportRow | None, str | None, str | None]


def parse_chunk(chunk: list[tuple[int, str]], members: _Members,
                fallback_seen_at: str) -> list[Parsed]:
    """Parse and fingerprint lines (runs in the parsing process)."""
    parsed: list[Parsed] = []
    for number, line in chunk:
        try:
            parsed.append((number, parse_line(line, members, fallback_seen_at), None, None))
        except UnknownMember as exc:
            parsed.append((number, None, "unknown", str(exc)))
        except BadLine as exc:
            parsed.append((number, None, "bad", str(exc)))
    return parsed


def _take(db: Database, parsed: list[Parsed], path: str, summary: ImportSummary,
          progress: Callable[[ImportSummary, str], None] | None) -> None:
    batch = []
    for number, record, problem, message in parsed:
        summary.lines += 1
        if record is not None:
            batch.append(record)
        elif problem == "unknown":
            summary.unknown_members[message] += 1
            summary.first_unknown.setdefault(message, (path, number))
        else:
            summary.bad.append((path, number, message))
    if batch:
        _store(db, batch, summary)
    if progress:
        progress(summary, path)


def _chunks(path: Path, size: int) -> Iterator[list[tuple[int, str]]]:
    chunk: list[tuple[int, str]] = []
    for number, line in _lines(path):
        chunk.append((number, line))
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    # errors="replace": one badly encoded line must not stop a file of 100,000 (it is then
    # reported as bad JSON or imported with U+FFFD, never silently dropped).
    with path.open(encoding="utf-8", errors="replace") as fh:
        for number, line in enumerate(fh, start=1):
            if line.strip():
                yield number, line


def _store(db: Database, batch: list[ImportRow], summary: ImportSummary) -> None:
    counts = import_batch(db, batch)
    summary.imported += counts.imported
    summary.already_known += counts.already_known
    summary.duplicates += counts.duplicates


def parse_line(line: str, members: _Members, fallback_seen_at: str) -> ImportRow:
    """One JSONL line as the row to store; BadLine / UnknownMember say why not."""
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise BadLine(f"not valid JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(data, dict):
        raise BadLine("not a JSON object")
    url = _text(data, "url")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadLine(f"url is not an http(s) URL: {url[:80]!r}")
    title = " ".join(_text(data, "title").split())
    text = data.get("text")
    if text is not None and not isinstance(text, str):
        raise BadLine("'text' is not a string")
    # A release without text (a video, a page the archive could not read) is still a
    # release: stored with an empty body, like a crawled one.
    paragraphs = [p for p in single_spaced_list(_BLANK_LINES.split(text or "")) if p]
    canonical = canonical_url(url)
    bioguide_id = members.resolve(data, canonical)
    return import_row(
        bioguide_id,
        Article(url=canonical, title=title, published=_date(data.get("date")),
                date_source="archive" if data.get("date") else None, dateline=None,
                paragraphs=paragraphs),
        _timestamp(data.get("collected_at")) or fallback_seen_at,
    )


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise BadLine(f"missing or empty {key!r}")
    return value


def _date(value: Any) -> str | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str) or not _DATE.match(value.strip()):
        raise BadLine(f"date is not YYYY-MM-DD: {str(value)[:40]!r}")
    try:
        return parse_timestamp(value.strip()[:10]).date().isoformat()
    except ValueError:
        raise BadLine(f"date is not a valid date: {value[:40]!r}") from None


def _timestamp(value: Any) -> str | None:
    """The archive's collection time in stored form; None when absent or unreadable (it is
    bookkeeping, not content: the line is still imported)."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return format_timestamp(parse_timestamp(value))
    except ValueError:
        return None
