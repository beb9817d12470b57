"""Content fingerprints of normalized releases.

Two records with the same fingerprint are the same content: whitespace, Unicode composition,
quote style, non-breaking / zero-width spaces and soft hyphens never make a difference. A changed
date does; a reformatted date cannot, because dates are compared as ISO strings.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from typing import Any

from crawler.items import Article

_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)
_QUOTES = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
        "\u00ab": '"', "\u00bb": '"',
    }
)
# The same replacements as one regex: str.translate looks up every character in a dict, which
# made normalizing the bulk of the time of an archive import; a regex only stops at the few
# characters to replace.
_REPLACEMENTS = {chr(k): v or "" for table in (_INVISIBLE, _QUOTES) for k, v in table.items()}
_SPECIAL = re.compile("[" + "".join(_REPLACEMENTS) + "]")


def normalize_text(text: str | None) -> str:
    """The comparable form of a piece of text."""
    if not text:
        return ""
    if text.isascii():  # already NFC, and every character replaced below is non-ASCII
        return " ".join(text.split())
    text = _replace_special(unicodedata.normalize("NFC", text))
    return single_spaced(text)


def _replace_special(text: str) -> str:
    # A few of the characters occur in most releases (curly quotes): replacing each one present
    # costs a fraction of a regex whose callback runs at every match.
    if _SPECIAL.search(text) is None:
        return text
    for char, replacement in _REPLACEMENTS.items():
        if char in text:
            text = text.replace(char, replacement)
    return text


def single_spaced(text: str) -> str:
    """Words separated by one space, no space at the ends."""
    # Most text is already single-spaced, and checking is cheaper than rebuilding it: every
    # whitespace character but the ASCII space is a Unicode separator or control, which
    # isprintable() rejects. split() with no argument splits on all of them (NBSP, thin
    # spaces, …) and drops the ends.
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    return " ".join(text.split())


def normalize_paragraphs(paragraphs: list[str]) -> list[str]:
    """``normalize_text`` of each paragraph, computed on all of them at once: one NFC pass and
    one regex pass over the body instead of one per paragraph (an archive import normalizes
    700,000 bodies). NUL joins them because NFC never composes across it, no replacement
    touches it, and ``split()`` does not split on it: the result is the same as one by one."""
    if len(paragraphs) < 2 or any(_JOIN in p for p in paragraphs):
        return [normalize_text(p) for p in paragraphs]
    body = _replace_special(unicodedata.normalize("NFC", _JOIN.join(paragraphs)))
    return single_spaced_list(body.split(_JOIN))


def single_spaced_list(texts: list[str]) -> list[str]:
    """``single_spaced`` of each text. Most bodies are single-spaced already, which one check of
    all the texts joined by a space proves: an empty text, or a space at either end of one,
    shows there as a double space."""
    joined = " ".join(texts)
    if joined.isprintable() and "  " not in joined and joined[:1] != " " \
            and joined[-1:] != " ":
        return texts
    return [single_spaced(t) for t in texts]


_JOIN = "\x00"


def comparable_record(article: Article) -> dict[str, Any]:
    """The fields whose change is an edit, each normalized."""
    paragraphs = normalize_paragraphs(list(article.paragraphs))
    return {
        "title": normalize_text(article.title),
        "published": article.published or "",
        "dateline": normalize_text(article.dateline),
        "paragraphs": [p for p in paragraphs if p],
        "attachments": sorted({a.strip() for a in article.attachments if a.strip()}),
    }


def content_hash(article: Article) -> str:
    """SHA-256 of the comparable record, hex."""
    return fingerprints(article)[0]


def body_hash(article: Article) -> str:
    """SHA-256 of the normalized body alone: finds one release published under two URLs."""
    return fingerprints(article)[1]


def fingerprints(article: Article) -> tuple[str, str]:
    """``(content_hash, body_hash)``, normalizing the record once for both."""
    content, body, _ = fingerprints_and_json(article)
    return content, body


def fingerprints_and_json(article: Article) -> tuple[str, str, str]:
    """``(content_hash, body_hash, paragraphs_json)``: the fingerprints and the JSON of the
    article's paragraphs as stored. The hashed record holds the normalized paragraphs' JSON,
    the same text when normalizing changed nothing (most releases), so it is encoded once."""
    record = comparable_record(article)
    normalized = _encode(record["paragraphs"])
    stored = normalized if record["paragraphs"] == article.paragraphs \
        else _encode(article.paragraphs)
    # json.dumps(record, ensure_ascii=False, sort_keys=True), spelled out to reuse the JSON
    # of the paragraphs (tests/test_fingerprint.py checks the two are the same text).
    data = (f'{{"attachments": {_encode(record["attachments"])}, '
            f'"dateline": {_encode(record["dateline"])}, "paragraphs": {normalized}, '
            f'"published": {_encode(record["published"])}, "title": {_encode(record["title"])}}}')
    body = "\n".join(record["paragraphs"])
    return (hashlib.sha256(data.encode("utf-8")).hexdigest(),
            hashlib.sha256(body.encode("utf-8")).hexdigest(), stored)


_encode = json.JSONEncoder(ensure_ascii=False).encode
