"""Chrome learned per site: what most release pages of a site repeat is dropped, remembered per
host, and applied the same way to a single page re-checked later."""

from __future__ import annotations

from pathlib import Path

from crawler.article import strip_learned
from crawler.chrome import learn, mask_hash, site_of
from crawler.items import Article
from storage import open_db
from storage.site_chrome import chrome_keys, load_site_chrome, record_chrome

SIGNUP = "Sign up for my newsletter to get updates from Washington and home."
OFFICE = "2310 Rayburn House Office Building, Washington, DC 20515"


TOPICS = ["water", "roads", "farms", "schools", "veterans", "broadband", "housing", "ports"]


def page(n: int, *extra: str) -> Article:
    return Article(
        url=f"https://www.smith.house.gov/news/{n}", title=f"Release {n}", published=None,
        date_source=None, dateline=None,
        paragraphs=[f"WASHINGTON – Today's release on {TOPICS[n]} says something of its own.",
                    f"Share {n * 7} | Tweet {n}", *extra, SIGNUP, OFFICE, "###"],
    )


def test_what_most_pages_repeat_is_learned_with_counters_masked() -> None:
    pages = [page(n, "Read the letter (PDF)" if n < 2 else "Background:") for n in range(6)]
    learned = learn(pages)
    assert set(learned) == {mask_hash(SIGNUP), mask_hash(OFFICE), mask_hash("Share 7 | Tweet 1")}
    assert learned[mask_hash(SIGNUP)][:2] == (6, 1.0)
    # "###" is on every page and stays; lines on a few releases are text, not chrome
    cleaned = strip_learned(pages[0], frozenset(learned))
    assert cleaned.paragraphs == [pages[0].paragraphs[0], "Read the letter (PDF)", "###"]
    assert cleaned.dateline == "Washington"
    assert SIGNUP in cleaned.stripped


def test_a_crawl_of_few_pages_learns_nothing() -> None:
    assert learn([page(n) for n in range(4)]) == {}


def test_a_page_that_is_all_chrome_is_left_alone() -> None:
    only = Article(url="https://a.gov/x", title="X", published=None, date_source=None,
                   dateline=None, paragraphs=[SIGNUP, OFFICE])
    assert strip_learned(only, frozenset({mask_hash(SIGNUP), mask_hash(OFFICE)})) == only


def test_storage_remembers_keys_per_host(tmp_path: Path) -> None:
    db = open_db(tmp_path / "pw.db")
    host = site_of("https://www.smith.house.gov/news/1")
    assert host == "smith.house.gov"
    record_chrome(db, host, learn([page(n) for n in range(6)]), "2026-06-20T06:00:00Z")
    record_chrome(db, host, {mask_hash(SIGNUP): (9, 0.9, SIGNUP)}, "2026-06-21T06:00:00Z")
    keys = chrome_keys(db, host)
    assert mask_hash(SIGNUP) in keys and len(keys) == 3
    assert load_site_chrome(db, [host, "other.house.gov"]) == {host: keys}
    (row,) = db.conn.execute(
        "SELECT pages, first_seen, last_seen FROM site_chrome WHERE text_hash = ?",
        (mask_hash(SIGNUP),),
    ).fetchall()
    assert row == (9, "2026-06-20T06:00:00Z", "2026-06-21T06:00:00Z")
    # a re-check run that fetched one page reads it with what was learned
    assert strip_learned(page(7), keys).paragraphs == [page(7).paragraphs[0], "###"]
    db.close()
