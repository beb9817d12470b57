"""A small database built the way crawls build it (save_release, then change detection), for
the search / export / feed / Datasette tests. Bodies are paragraphs of the real release texts
in simcongress/data/releases, plus a sentence that makes each release findable on purpose."""

from __future__ import annotations

import json
from dataclasses import replace
from importlib import resources
from pathlib import Path

import storage
from crawler.article import EXTRACTOR_VERSION
from crawler.items import Article, ReleaseItem
from scheduler.changes import detect_pending
from storage.db import open_db
from storage.runs import finish_run, start_run
from tests.helpers import member

DAY1 = "2026-06-20T06:00:00Z"
DAY2 = "2026-06-21T06:00:00Z"
DAY3 = "2026-06-21T18:00:00Z"  # 12 h after DAY2: a second "gone" check confirms a removal

MEMBERS = [
    replace(member("A000001"), name="Ann Adams", chamber="house", state="CA", party="Democrat"),
    replace(member("B000002"), name="Bob Brown", chamber="senate", state="TX", party="Republican",
            district=None, homepage="https://www.brown.senate.gov"),
    replace(member("C000003"), name="Cy Chu", chamber="house", state="NY", party="Independent"),
]


def real_paragraphs(count: int) -> list[list[str]]:
    """Bodies (lists of paragraphs) of the first ``count`` real releases with some text."""
    folder = resources.files("simcongress").joinpath("data/releases")
    bodies: list[list[str]] = []
    for name in sorted(p.name for p in folder.iterdir() if p.name.endswith(".jsonl")):
        for line in folder.joinpath(name).read_text(encoding="utf-8").splitlines():
            text = json.loads(line).get("text") or ""
            paragraphs = [" ".join(p.split()) for p in text.split("\n\n") if p.strip()]
            if len(paragraphs) >= 2:
                bodies.append(paragraphs[:4])
            if len(bodies) == count:
                return bodies
    return bodies


def release(url: str, title: str, paragraphs: list[str], bioguide_id: str,
            published: str) -> ReleaseItem:
    article = Article(url=url, title=title, published=published, date_source="article-meta",
                      dateline=None, paragraphs=paragraphs, attachments=[])
    return ReleaseItem(bioguide_id=bioguide_id, article=article, fetched_url=url,
                       listing_url=None, family=None, raw_html=f"<html>{title}</html>".encode())


def crawl(db, at: str, items: list[ReleaseItem]) -> int:
    """One crawl run that fetched ``items``, then change detection, as `presswatch crawl`."""
    run_id = start_run(db, {}, at)
    for item in items:
        storage.save_release(db, item, run_id, at, EXTRACTOR_VERSION)
    finish_run(db, run_id, "completed", at)
    detect_pending(db, at, removal_confirm_hours=6)
    return run_id


def gone(db, at: str, release_id: int) -> None:
    """A crawl whose re-check found the release's page gone (404)."""
    run_id = start_run(db, {}, at)
    storage.record_release_gone(db, release_id, at, run_id, 404)
    finish_run(db, run_id, "completed", at)
    detect_pending(db, at, removal_confirm_hours=6)


WATER = "https://a.house.gov/news/water"
DROUGHT = "https://a.house.gov/news/drought"
BORDER = "https://www.brown.senate.gov/news/border"
FARM = "https://c.house.gov/news/farm"
BRIDGE = "https://www.brown.senate.gov/news/bridge"


def build(path: Path):
    """Five releases over two days: one edited (WATER), one removed (BRIDGE).

    Returns the open database; release ids follow the order of the first crawl."""
    db = open_db(path)
    storage.upsert_members(db, MEMBERS, now=DAY1)
    real = real_paragraphs(5)
    first = [
        release(WATER, "Adams introduces the Clean Water Act",
                ["Adams wants clean water for rural towns and clean water pipes.", *real[0]],
                "A000001", "2026-06-18"),
        release(DROUGHT, "Adams on the western drought",
                ["The drought hurts farmers; water rights matter.", *real[1]],
                "A000001", "2026-06-10"),
        release(BORDER, "Brown secures funding for border security",
                ["Brown said the border needs more agents.", *real[2]],
                "B000002", "2026-06-19"),
        release(FARM, "Chu backs the farm bill",
                ["Chu supports farmers and water conservation in the farm bill.", *real[3]],
                "C000003", "2026-05-02"),
        release(BRIDGE, "Brown announces bridge repair grant",
                ["A grant for the old bridge over the river.", *real[4]],
                "B000002", "2026-06-15"),
    ]
    crawl(db, DAY1, first)
    edited = release(WATER, "Adams introduces the Clean Water Act",
                     ["Adams wants safe drinking water for rural towns and new lead pipes.",
                      *real[0]], "A000001", "2026-06-18")
    crawl(db, DAY2, [edited])
    bridge_id = storage.get_release(db, BRIDGE)["id"]
    gone(db, DAY2, bridge_id)
    gone(db, DAY3, bridge_id)
    return db
