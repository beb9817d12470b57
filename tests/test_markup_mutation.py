"""Markup mutation: every family's pages redesigned (classes and ids renamed, wrappers added and
removed, tables turned into divs, dates re-spelled) with share bars, counters, stamps, sign-up and
office blocks inside the article box, a different set on each run. No template matches; a crawl
must still store every release exactly, and a re-crawl where only that noise changed must record
no edit."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from crawler.fingerprint import normalize_text
from simcongress import (
    FAMILY_NAMES,
    Mutation,
    build_congress,
    expected_releases,
    serve,
    write_config,
    write_roster,
)
from simcongress.mutate import noise_blocks
from tests.helpers import PRESSWATCH, rows

SEED = int(os.environ.get("PRESSWATCH_MUTATION_SEED", "6"))  # any seed must pass
FAMILIES = [*FAMILY_NAMES, "vendor-post"]
RUN1, RUN2 = "2026-04-15T06:00:00Z", "2026-04-16T07:00:00Z"  # April releases re-checked daily


def crawl(config: Path, now: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRESSWATCH_NOW": now}
    return subprocess.run([PRESSWATCH, "crawl", "--config", str(config)], env=env,
                          capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("mutation")
    congress = build_congress(len(FAMILIES), releases_per_site=10, seed=SEED, families=FAMILIES)
    congress.noise = True
    congress.mutation = Mutation(seed=SEED, run=0)
    for site in congress.sites:
        site.conditional = False  # every re-check gets a whole new page, never a 304
    with serve(congress) as server:
        roster = write_roster(congress, server, tmp / "roster.yaml")
        config = write_config(
            congress, server, tmp / "config.yaml", roster.name, database="pw.db",
            crawl={"delay_seconds": 0, "retries": 0, "host_groups": {"127.0.0.1": 4}},
        )
        first = crawl(config, RUN1)
        stored = rows(tmp / "pw.db", "select * from releases")
        congress.mutation.run = 1  # same markup, another set of noise blocks
        second = crawl(config, RUN2)
        yield {
            "congress": congress, "first": first, "second": second, "stored": stored,
            "expected": expected_releases(congress, server), "db": tmp / "pw.db",
        }


def test_both_crawls_complete(crawled):
    for result in (crawled["first"], crawled["second"]):
        assert result.returncode == 0, result.stderr[-3000:]


def test_every_release_stored_exactly(crawled):
    expected = {e["url"]: e for e in crawled["expected"]}
    stored = {r["url"]: r for r in crawled["stored"]}
    assert len(expected) == len(FAMILIES) * 10
    missing = sorted(set(expected) - set(stored))
    wrong = []
    for url, want in expected.items():
        if url not in stored:
            continue
        got = stored[url]
        body = [normalize_text(p) for p in (got["body_text"] or "").split("\n\n")]
        if (normalize_text(got["title"]), got["published"], body) != (
            normalize_text(want["title"]), want["published"],
            [normalize_text(p) for p in want["paragraphs"]],
        ):
            wrong.append((want["family"], url, got["title"], got["published"]))
    assert not wrong, wrong  # the article side
    assert not missing, [expected[u]["family"] for u in missing]  # the listing side


def test_noise_only_recrawl_records_no_edit(crawled):
    congress = crawled["congress"]
    changed = [s for s in congress.sites
               if noise_blocks(Mutation(SEED, 0), s.slug, "x") != noise_blocks(congress.mutation,
                                                                                s.slug, "x")]
    assert changed  # the second run's article boxes do carry other noise
    db = crawled["db"]
    runs = rows(db, "select id, changes_edited, changes_new from crawl_runs order by id")
    assert [r["changes_edited"] for r in runs] == [0, 0]
    assert rows(db, "select count(*) as n from changes where kind = 'edited'")[0]["n"] == 0
    # the April releases were really fetched again on the second run
    refetched = rows(db, "select count(*) as n from releases where last_checked >= ?", (RUN2,))
    assert refetched[0]["n"] >= len(FAMILIES) * 3


def test_site_chrome_was_learned(crawled):
    learned = rows(crawled["db"], "select host, sample from site_chrome")
    samples = {r["sample"] for r in learned}
    assert "Browse Documents by Date or Issue" in samples  # the ASP.NET sidebar heading
