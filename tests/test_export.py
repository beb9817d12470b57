"""`presswatch export`: every format parsed back equals the database; streaming at scale."""

from __future__ import annotations

import csv
import gc
import io
import json
import tracemalloc
from pathlib import Path

import pytest
from click.testing import CliRunner

from scheduler.cli import main
from scheduler.query_cli import write_rows
from storage.archive import import_batch, import_row
from storage.export import EXPORT_COLUMNS, iter_releases
from tests import corpus
from tests.helpers import rows


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    path = tmp_path / "presswatch.db"
    corpus.build(path).close()
    return path


def expected(db_path: Path, where: str = "1", params: tuple = ()) -> list[dict]:
    """The releases as plain sqlite3 sees them, joined with members by hand (not the view)."""
    return rows(db_path, f"""
        SELECT r.id, r.published, r.bioguide_id, m.name AS member_name, m.party, m.state,
               m.chamber, m.district, r.title, r.url, r.status, r.word_count, r.dateline,
               r.duplicate_of, r.first_seen, r.last_checked, r.removed_at,
               r.current_version_id, r.body_text
        FROM releases r JOIN members m USING (bioguide_id) WHERE {where} ORDER BY r.id""", params)


def run_export(db_path: Path, *args: str) -> str:
    result = CliRunner().invoke(main, ["export", "--db", str(db_path), *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_csv_parses_back_to_the_database(db_path: Path) -> None:
    text = run_export(db_path, "--format", "csv")
    reader = csv.DictReader(io.StringIO(text))
    assert tuple(reader.fieldnames) == EXPORT_COLUMNS
    want = [{k: "" if v is None else str(v) for k, v in row.items()} for row in expected(db_path)]
    assert list(reader) == want
    assert len(want) == 5 and "\n\n" in want[0]["body_text"]  # multi-line cells survive


def test_json_and_jsonl_parse_back_to_the_database(db_path: Path) -> None:
    assert json.loads(run_export(db_path, "--format", "json")) == expected(db_path)
    lines = run_export(db_path, "--format", "jsonl").splitlines()
    assert [json.loads(line) for line in lines] == expected(db_path)
    assert list(json.loads(lines[0])) == list(EXPORT_COLUMNS)  # stable column order


def test_filters_and_output_file(db_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    run_export(db_path, "--format", "jsonl", "--since", "2026-06-11", "--until", "2026-06-18",
               "--member", "A000001", "--member", "B000002", "--output", str(out))
    got = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert got == expected(db_path, "r.published BETWEEN ? AND ? AND r.bioguide_id IN (?, ?)",
                           ("2026-06-11", "2026-06-18", "A000001", "B000002"))
    assert {r["url"] for r in got} == {corpus.WATER, corpus.BRIDGE}
    assert json.loads(run_export(db_path, "--format", "json", "--member", "C000003",
                                 "--until", "2000-01-01")) == []


def test_utf8_whatever_the_locale(db_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    run_export(db_path, "--output", str(out))
    text = out.read_bytes().decode("utf-8")  # raises if not UTF-8
    assert "—" in text or "–" in text or "’" in text  # the real texts have typographic marks


def test_export_streams_at_constant_memory(tmp_path: Path) -> None:
    """4,000 releases of ~6 KB: the export's peak Python memory stays far below the data."""
    path = tmp_path / "big.db"
    db = corpus.build(path)
    body = ["x" * 100 + f" paragraph {n}" for n in range(60)]  # ~6 KB per release
    import_batch(db, [import_row("A000001", corpus.release(
        f"https://a.house.gov/news/{n}", f"Release {n}", [f"{n}", *body], "A000001",
        "2026-01-01").article, corpus.DAY3) for n in range(4000)])
    total = db.conn.execute("SELECT sum(length(body_text)) FROM releases").fetchone()[0]
    assert total > 20_000_000

    sink = _CountingSink()
    gc.collect()
    tracemalloc.start()
    count = write_rows(sink, iter_releases(db), "jsonl")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    db.close()
    assert count == 4005 and sink.size > total
    assert peak < total / 10, f"peak {peak} bytes while exporting {total} bytes"


class _CountingSink:
    """A file that keeps nothing, so only the export's own memory is measured."""

    def __init__(self) -> None:
        self.size = 0

    def write(self, text: str) -> None:
        self.size += len(text)
