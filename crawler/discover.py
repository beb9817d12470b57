"""Find a member's press-release listing from the homepage (after a redesign moved it).

Homepages nearly always link the listing from their navigation with text like "Press
Releases"; failing that, a "News" or "Media" section is the next best starting point.
"""

from __future__ import annotations

import re

from lxml import etree

from crawler.detect import collapse, parse_document, text_of
from crawler.urls import absolute_url, canonical_url, is_same_site

# Link texts by preference; the first tier any link matches wins, first link in page order.
_TIERS = (
    re.compile(r"(?:latest |all |recent )?press[- ]releases?", re.IGNORECASE),
    re.compile(r"(?:news|media) releases?|news ?room|press room|press|statements and releases",
               re.IGNORECASE),
    re.compile(r"(?:latest |recent )?news", re.IGNORECASE),
    re.compile(r"media(?: center| room)?|newsroom & media|news & media|news and media",
               re.IGNORECASE),
)
_MAX_TEXT = 40


def _link_text(link: etree._Element) -> str:
    text = text_of(link) or collapse(link.get("title")) or collapse(link.get("aria-label"))
    return text.strip(" :»›>")


def find_press_link(html: str | bytes, base_url: str) -> str | None:
    """Absolute URL of the homepage's press-release listing link, or None."""
    doc = parse_document(html)
    best: tuple[int, str] | None = None
    for link in doc.iter("a"):
        text = _link_text(link)
        if not text or len(text) > _MAX_TEXT:
            continue
        tier = next((i for i, pattern in enumerate(_TIERS) if pattern.fullmatch(text)), None)
        if tier is None or (best is not None and tier >= best[0]):
            continue
        url = absolute_url(link.get("href"), base_url)
        if url and is_same_site(url, base_url) and canonical_url(url) != canonical_url(base_url):
            best = (tier, canonical_url(url))
            if tier == 0:
                break
    return best[1] if best else None
