"""Markup mutation: every family's pages redesigned (classes and ids renamed, wrappers added and
removed, tables turned into divs and div/li rows into table rows, dates re-spelled) with share
bars, counters, stamps, sign-up and office blocks inside the article box, a different set on each
run. No template matches; a crawl must still store every release exactly, and a re-crawl where
only that noise changed must record no edit."""

from __future__ import annotations

import os
import subprocess
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import lxml.html
import pytest

from crawler.fingerprint import normalize_text
from crawler.listing import parse_listing
from crawler.yearless import is_yearless
from simcongress import FAMILIES as FAMILY_SPECS
from simcongress import (
    FAMILY_NAMES,
    Mutation,
    Site,
    build_congress,
    expected_releases,
    render_listing,
    serve,
    write_config,
    write_roster,
)
from simcongress.mutate import noise_blocks
from tests.helpers import PRESSWATCH, rows

# Any seed must pass (seeds 1-30 do, see docs/extraction.md): the suite crawls three whose
# redesigns differ (6; 8 and 29 have releases without a sentence, and div/li rows turned into
# table rows), and PRESSWATCH_MUTATION_SEED=N crawls seed N instead.
SEEDS = (
    [int(os.environ["PRESSWATCH_MUTATION_SEED"])]
    if os.environ.get("PRESSWATCH_MUTATION_SEED") else [6, 8, 29]
)
FAMILIES = [*FAMILY_NAMES, "vendor-post"]
TODAY = date(2026, 4, 15)
RUN1, RUN2 = "2026-04-15T06:00:00Z", "2026-04-16T07:00:00Z"  # April releases re-checked daily


def crawl(config: Path, now: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRESSWATCH_NOW": now}
    return subprocess.run([PRESSWATCH, "crawl", "--config", str(config)], env=env,
                          capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module", params=SEEDS, ids=lambda seed: f"seed{seed}")
def crawled(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    seed = request.param
    tmp = tmp_path_factory.mktemp(f"mutation{seed}")
    congress = build_congress(len(FAMILIES), releases_per_site=10, seed=seed, families=FAMILIES)
    congress.noise = True
    congress.mutation = Mutation(seed=seed, run=0)
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
            "expected": expected_releases(congress, server), "db": tmp / "pw.db", "seed": seed,
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
    first = Mutation(crawled["seed"], 0)
    changed = [s for s in congress.sites
               if noise_blocks(first, s.slug, "x") != noise_blocks(congress.mutation, s.slug, "x")]
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


def test_listing_rows_become_table_rows() -> None:
    # The reverse of tables turned into divs: on some sites a redesign puts the li / div /
    # article rows of the listing into table > tbody > tr > td, and the generic reader (no
    # template) still reads every row.
    seed, base = 8, "http://127.0.0.1:9"
    congress = build_congress(len(FAMILIES), releases_per_site=10, seed=seed, families=FAMILIES)
    turned = []
    for site in congress.sites:
        if FAMILY_SPECS[site.family].feed_is_source:
            continue
        before = _rows_in_tables(render_listing(site, 0, base), site)
        page = render_listing(site, 0, base, mutation=Mutation(seed))
        if before or not _rows_in_tables(page, site):
            continue
        turned.append(site.family)
        listing = parse_listing(page, base + site.listing_path, templates=False, today=TODAY)
        shown = site.listed_releases()[: site.page_size]
        assert [(e.url, normalize_text(e.title), e.published) for e in listing.entries] == [
            (base + r.href, normalize_text(r.title), r.published) for r in shown
        ], site.family
    assert len(turned) >= 3, turned


def _rows_in_tables(page: str, site: Site) -> bool:
    """Whether every link to a listed release sits in a table > tbody > tr > td cell."""
    paths = {urlsplit(r.href).path for r in site.listed_releases()[: site.page_size]}
    doc = lxml.html.document_fromstring(page)
    links = [a for a in doc.iter("a") if urlsplit(a.get("href") or "").path in paths]
    return bool(links) and all(_in_table_cell(a) for a in links)


def _in_table_cell(link: lxml.html.HtmlElement) -> bool:
    cell = next(link.iterancestors("td"), None)
    if cell is None:
        return False
    return [a.tag for a in cell.iterancestors()][:3] == ["tr", "tbody", "table"]


def test_some_redesigned_listings_print_dates_without_the_year() -> None:
    # The crawl above must then take the year from the URL, the rows around, or the release
    # page: a year-less "Nov 4" of 2024 read in April 2026 would otherwise be 2025.
    seed, base = 8, "http://127.0.0.1:9"
    congress = build_congress(len(FAMILIES), releases_per_site=10, seed=seed, families=FAMILIES)
    yearless = []
    for site in congress.sites:
        if FAMILY_SPECS[site.family].feed_is_source:
            continue
        page = render_listing(site, 0, base, mutation=Mutation(seed))
        listing = parse_listing(page, base + site.listing_path, templates=False, today=TODAY)
        if all(is_yearless(e.date_raw, TODAY) for e in listing.entries):
            yearless.append(site.family)
    assert len(yearless) >= 2, yearless
