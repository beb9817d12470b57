"""normalize_paragraphs (all paragraphs at once, for speed) must equal normalize_text of each:
stored content hashes depend on it, and a difference would show as an edit of every release."""

from __future__ import annotations

import json
import unicodedata

import pytest

from crawler.fingerprint import _INVISIBLE, _QUOTES, normalize_paragraphs, normalize_text
from simcongress.data import DATA

EDGE_CASES = [
    ["\u0301accent first", "e\u0301 composed", "ends with a mark e\u0301"],
    ["soft\u00adhyphen", "zero\u200bwidth", "\u201cquoted\u201d \u2018single\u2019"],
    ["", "   ", "non\u00a0breaking\u2009thin", "Caf\u00e9 vs Cafe\u0301"],
    ["a NUL \x00 inside", "second"],
    [" lead", "trail ", "double  space", "tab\there", "line\nbreak", "\u3000ideographic"],
    ["\ufb01 ligature and \u212b angstrom", "\u1100\u1161 jamo", "last"],
]


def real_paragraph_lists() -> list[list[str]]:
    lists = []
    for path in sorted((DATA / "releases").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            text = json.loads(line).get("text") or ""
            lists.append(text.split("\n\n"))
    return lists


def reference(text: str) -> str:
    """The definition, spelled the slow and obvious way."""
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE).translate(_QUOTES)
    return " ".join(text.split())


@pytest.mark.parametrize("paragraphs", EDGE_CASES)
def test_edge_cases_match_the_definition(paragraphs: list[str]) -> None:
    assert [normalize_text(p) for p in paragraphs] == [reference(p) for p in paragraphs]
    assert normalize_paragraphs(paragraphs) == [reference(p) for p in paragraphs]


@pytest.mark.parametrize("paragraphs", EDGE_CASES)
def test_edge_cases_normalize_as_one_by_one(paragraphs: list[str]) -> None:
    assert normalize_paragraphs(paragraphs) == [normalize_text(p) for p in paragraphs]


def test_every_real_release_normalizes_as_one_by_one() -> None:
    lists = real_paragraph_lists()
    assert len(lists) > 500
    for paragraphs in lists:
        assert normalize_paragraphs(paragraphs) == [reference(p) for p in paragraphs]
