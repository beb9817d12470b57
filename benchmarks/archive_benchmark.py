"""Import an archive of 700,000 releases, then measure file sizes and search latency.

    .venv/bin/python benchmarks/archive_benchmark.py [--releases 700000] [--workdir DIR]

1. Writes an archive in the layout of simcongress/data/releases/*.jsonl (url, title, date,
   text, member, collected_at), 50,000 lines per file, built from the real release texts:
   each release takes a real release's paragraphs (rotated), one paragraph of another, and a
   few words swapped for words of the whole corpus, so bodies, titles and the FTS vocabulary
   vary. Members are the bundled roster's 537, dates spread over 2001–2026.
2. Runs `presswatch import` on it (a child process, as a user would): wall time and CPU.
3. Stores `--raw-sample` crawled releases with their raw HTML (a real saved article page with
   the release's paragraphs in it) through the crawl's own storage code, with the raw HTML in a
   second file (`raw_database`), to measure raw bytes per page.
4. Sizes of the main and raw files; median latency of `presswatch search` for common queries,
   in-process (the query itself) and as a command (process start-up included).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler.article import EXTRACTOR_VERSION  # noqa: E402
from crawler.config import load_config  # noqa: E402
from crawler.items import Article, ReleaseItem  # noqa: E402
from crawler.roster import load_members  # noqa: E402
from simcongress.data import DATA, PAGES  # noqa: E402
from storage.db import open_db  # noqa: E402
from storage.releases import save_release  # noqa: E402
from storage.runs import finish_run, start_run  # noqa: E402
from storage.search import SearchFilters, search_releases  # noqa: E402

PRESSWATCH = Path(sys.executable).parent / "presswatch"
LINES_PER_FILE = 50_000
FIRST_DAY, LAST_DAY = date(2001, 1, 1), date(2026, 11, 30)
# What reporters search for: single words, a phrase, boolean, prefix, and a rare word.
QUERIES = ["veterans", "health care", '"border security"', "tariffs OR trade",
           "infrastructure AND funding", "climat*", "fentanyl", "appropriations NOT defense"]
FILTERED = [("veterans", SearchFilters(chamber="senate")),
            ("water", SearchFilters(party="D", since="2020-01-01")),
            ("tariffs", SearchFilters(state="TX"))]
_WORD = re.compile(r"[A-Za-z]{5,}")


def real_releases() -> list[dict]:
    releases = []
    for path in sorted((DATA / "releases").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            data = json.loads(line)
            paragraphs = [p for p in (data.get("text") or "").split("\n\n") if p.strip()]
            if paragraphs:
                releases.append({"title": data["title"], "paragraphs": paragraphs})
    return releases


def write_archive(workdir: Path, count: int, seed: int = 9) -> list[Path]:
    rng = random.Random(seed)
    bases = real_releases()
    vocabulary = sorted({w.lower() for b in bases for p in b["paragraphs"]
                         for w in _WORD.findall(p)})
    members = load_members(load_config(None))
    days = (LAST_DAY - FIRST_DAY).days
    files: list[Path] = []
    out = None
    for n in range(count):
        if n % LINES_PER_FILE == 0:
            if out:
                out.close()
            files.append(workdir / f"archive-{len(files):03d}.jsonl")
            out = files[-1].open("w", encoding="utf-8")
        base = bases[n % len(bases)]
        other = bases[(n * 7 + 3) % len(bases)]
        shift = (n // len(bases)) % len(base["paragraphs"])
        paragraphs = base["paragraphs"][shift:] + base["paragraphs"][:shift]
        paragraphs = paragraphs + [other["paragraphs"][n % len(other["paragraphs"])]]
        words = paragraphs[0].split(" ")
        for _ in range(3):
            words[rng.randrange(len(words))] = rng.choice(vocabulary)
        paragraphs[0] = " ".join(words)
        title = f"{base['title']} ({rng.choice(vocabulary)} {rng.choice(vocabulary)})"
        member = members[n % len(members)]
        day = FIRST_DAY + timedelta(days=n * days // count)
        host = (member.homepage or "https://example.house.gov").split("/")[2]
        out.write(json.dumps({
            "url": f"https://{host}/media/press-releases/archive-{n}",
            "title": title, "date": day.isoformat(),
            "member": {"bioguide_id": member.bioguide_id, "name": member.name},
            "text": "\n\n".join(paragraphs),
            "collected_at": f"{day + timedelta(days=1)}T06:00:00Z",
        }, ensure_ascii=False) + "\n")
    if out:
        out.close()
    return files


def run_import(workdir: Path, config: Path, files: list[Path]) -> dict:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    result = subprocess.run([str(PRESSWATCH), "import", "--config", str(config), "--progress",
                             *map(str, files)], capture_output=True, text=True)
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise SystemExit(f"import failed: {result.stderr[-2000:]}")
    imported = int(result.stdout.split()[1])
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"imported": imported, "wall_s": round(wall, 1), "cpu_s": round(cpu, 1),
            "releases_per_s": round(imported / wall), "peak_rss_mb":
            round(after.ru_maxrss / 1024, 1), "summary": result.stdout.strip()}


def store_raw_sample(main: Path, raw: Path, count: int) -> dict:
    """``count`` crawled releases with raw HTML, through save_release, raw pages in ``raw``."""
    template = (PAGES / "item_drupal.html").read_bytes()  # a real release page
    bases = real_releases()
    db = open_db(main, raw_path=raw)
    run_id = start_run(db, {"benchmark": "raw sample"}, "2026-12-01T06:00:00Z")
    started = time.monotonic()
    for n in range(count):
        base = bases[n % len(bases)]
        body = "".join(f"<p>{p} ({n})</p>" for p in base["paragraphs"]).encode()
        url = f"https://sample.house.gov/media/press-releases/sample-{n}"
        article = Article(url=url, title=f"{base['title']} {n}", published="2026-11-30",
                          date_source="article-meta", dateline=None,
                          paragraphs=[f"{p} ({n})" for p in base["paragraphs"]])
        save_release(db, ReleaseItem(bioguide_id=load_first_member(db), article=article,
                                     fetched_url=url, listing_url=None, family=None,
                                     raw_html=template.replace(b"</body>", body + b"</body>")),
                     run_id, "2026-12-01T06:00:00Z", EXTRACTOR_VERSION)
    finish_run(db, run_id, "completed", "2026-12-01T06:00:00Z")
    db.close()
    return {"raw_pages": count, "seconds": round(time.monotonic() - started, 1)}


_FIRST_MEMBER: list[str] = []


def load_first_member(db) -> str:
    if not _FIRST_MEMBER:
        _FIRST_MEMBER.append(db.conn.execute("SELECT min(bioguide_id) FROM members").fetchone()[0])
    return _FIRST_MEMBER[0]


def checkpoint(path: Path) -> None:
    db = open_db(path)
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()


def search_latency(main: Path, raw: Path, config: Path, repeats: int) -> dict:
    db = open_db(main, raw_path=raw)
    figures = {}
    for query, filters in [(q, SearchFilters()) for q in QUERIES] + FILTERED:
        search_releases(db, query, filters)  # warm the page cache once
        times, hits = [], 0
        for _ in range(repeats):
            started = time.perf_counter()
            hits = len(search_releases(db, query, filters))
            times.append((time.perf_counter() - started) * 1000)
        label = query + ("" if filters == SearchFilters() else f" [{_describe(filters)}]")
        figures[label] = {"median_ms": round(statistics.median(times), 1),
                          "max_ms": round(max(times), 1), "results": hits}
    db.close()
    command = []
    for _ in range(5):
        started = time.perf_counter()
        subprocess.run([str(PRESSWATCH), "search", "--config", str(config), "veterans"],
                       capture_output=True, check=True)
        command.append((time.perf_counter() - started) * 1000)
    startup = []
    for _ in range(5):
        started = time.perf_counter()
        subprocess.run([str(PRESSWATCH), "--help"], capture_output=True, check=True)
        startup.append((time.perf_counter() - started) * 1000)
    return {"queries": figures,
            "command_median_ms": round(statistics.median(command), 1),
            "startup_median_ms": round(statistics.median(startup), 1)}


def _describe(filters: SearchFilters) -> str:
    return ", ".join(f"{k}={v}" for k, v in vars(filters).items() if v)


def mb(path: Path) -> float:
    return round(path.stat().st_size / 1e6, 1) if path.exists() else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--releases", type=int, default=700_000)
    parser.add_argument("--raw-sample", type=int, default=5_000)
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--workdir", type=Path, help="keep the files here [default: a temp dir]")
    parser.add_argument("--search-only", action="store_true",
                        help="only measure search again, on the database already in --workdir")
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="presswatch-archive-"))
    workdir.mkdir(parents=True, exist_ok=True)
    main_db, raw_db = workdir / "presswatch.db", workdir / "presswatch-raw.db"
    config = workdir / "config.yaml"
    if not args.search_only:
        config.write_text(f"database: {main_db.name}\nraw_database: {raw_db.name}\n")
    load = os.getloadavg()
    if args.search_only:
        latency = search_latency(main_db, raw_db, config, args.repeats)
        report = {"search": latency, "load_average_at_start": [round(x, 2) for x in load],
                  "load_average_at_end": [round(x, 2) for x in os.getloadavg()]}
        print(json.dumps(report, indent=2))
        (workdir / "report-search.json").write_text(json.dumps(report, indent=2))
        return

    started = time.monotonic()
    files = write_archive(workdir, args.releases)
    archive_mb = round(sum(f.stat().st_size for f in files) / 1e6, 1)
    print(f"archive: {args.releases} releases, {len(files)} files, {archive_mb} MB, "
          f"written in {time.monotonic() - started:.0f} s", flush=True)
    imported = run_import(workdir, config, files)
    print(f"import: {imported}", flush=True)
    checkpoint(main_db)
    sizes = {"main_mb_after_import": mb(main_db)}
    sample = store_raw_sample(main_db, raw_db, args.raw_sample)
    checkpoint(main_db)
    checkpoint(raw_db)
    sizes.update(main_mb=mb(main_db), raw_mb=mb(raw_db),
                 raw_kb_per_page=round(raw_db.stat().st_size / 1e3 / args.raw_sample, 1))
    print(f"raw sample: {sample}; sizes: {sizes}", flush=True)
    latency = search_latency(main_db, raw_db, config, args.repeats)
    report = {"releases": args.releases, "archive_mb": archive_mb, "import": imported,
              "sizes": sizes, "search": latency,
              "load_average_at_start": [round(x, 2) for x in load],
              "load_average_at_end": [round(x, 2) for x in os.getloadavg()]}
    print(json.dumps(report, indent=2))
    (workdir / "report.json").write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
