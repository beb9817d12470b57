"""Leave one family out (listings): every real saved listing page, read with no family
template and no hint, still yields ≥ 95 % of its rows with the right title and date.

The expected rows are hand labels (tests/fixtures/labels/listings.json, see its README), not
parser output.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from crawler.listing import parse_listing
from crawler.urls import canonical_url
from tests.helpers import PAGES

LABELS = json.loads(
    (Path(__file__).parent / "fixtures" / "labels" / "listings.json").read_text(encoding="utf-8")
)
CAPTURED_2026_06 = date(2026, 6, 20)  # the 2026-06 captures print dates without a year
CAPTURED_LATER = date(2026, 8, 11)
REQUIRED = 0.95


def _today(name: str) -> date:
    return CAPTURED_2026_06 if name.startswith("list_") else CAPTURED_LATER


def test_every_saved_listing_page_is_labelled() -> None:
    manifest = (PAGES / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()[1:]
    listings = {line.split("\t")[0] for line in manifest if line.split("\t")[4] == "listing"}
    assert listings == set(LABELS)


@pytest.mark.parametrize("name", sorted(LABELS))
def test_generic_path_alone_finds_the_labelled_rows(name: str) -> None:
    page = LABELS[name]
    listing = parse_listing((PAGES / name).read_bytes(), page["listing_url"],
                            today=_today(name), templates=False)
    assert listing.parser == "generic"
    found = {e.url: e for e in listing.entries}
    expected = {canonical_url(row["url"]): row for row in page["rows"]}
    right = [url for url, row in expected.items()
             if url in found and (found[url].title, found[url].published)
             == (row["title"], row["date"])]
    wrong = sorted(set(expected) - set(right))[:3]
    assert len(right) >= REQUIRED * len(expected), (
        f"{len(right)}/{len(expected)} rows right; e.g. {[(u, found.get(u)) for u in wrong]}")
    extra = set(found) - set(expected)
    assert len(extra) <= (1 - REQUIRED) * len(expected), sorted(extra)[:5]
