"""normalize_paragraphs (all paragraphs at once, for speed) must equal normalize_text of each:
stored content hashes depend on it, and a difference would show as an edit of every release."""

from __future__ import annotations

import hashlib
import json
import unicodedata

import pytest

from crawler.fingerprint import (
    _INVISIBLE,
    _QUOTES,
    comparable_record,
    fingerprints_and_json,
    normalize_paragraphs,
    normalize_text,
    single_spaced,
    single_spaced_list,
)
from crawler.items import Article
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


def _articles() -> list[Article]:
    lists = real_paragraph_lists() + EDGE_CASES + [[], ["one"], ["", "x"]]
    return [Article(url="https://a.house.gov/r", title=f" Title \u201c{n}\u201d ",
                    published="2026-01-02" if n % 2 else None, date_source=None,
                    dateline="Washington,\u00a0D.C." if n % 3 else None, paragraphs=paragraphs,
                    attachments=["https://a.house.gov/f.pdf "] if n % 5 == 0 else [])
            for n, paragraphs in enumerate(lists)]


def test_fingerprints_hash_the_record_as_json_dumps_writes_it() -> None:
    """The content hash's JSON is built by hand (to reuse the paragraphs' JSON); it must stay
    the text json.dumps makes, or every stored release would look edited."""
    for article in _articles():
        record = comparable_record(article)
        data = json.dumps(record, ensure_ascii=False, sort_keys=True)
        body = "\n".join(record["paragraphs"])
        content, body_hash, paragraphs_json = fingerprints_and_json(article)
        assert content == hashlib.sha256(data.encode("utf-8")).hexdigest()
        assert body_hash == hashlib.sha256(body.encode("utf-8")).hexdigest()
        assert paragraphs_json == json.dumps(article.paragraphs, ensure_ascii=False)


@pytest.mark.parametrize("texts", [*EDGE_CASES, [], [""], ["a"], ["a", ""], ["a ", "b"],
                                   ["a", " b"], ["a\u00a0b", "c"], ["ok", "fine"]])
def test_single_spaced_list_is_single_spaced_of_each(texts: list[str]) -> None:
    assert single_spaced_list(texts) == [single_spaced(t) for t in texts]
