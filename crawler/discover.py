"""Find a member's press-release listing from the homepage (after a redesign moved it).

Every link of the homepage that may lead to the listing is a candidate, ranked: what it says
(its text, or its ``aria-label`` / ``title`` when it shows only an icon, or the dropdown toggle
it sits under), then the words of its URL. The spider tries them in that order until one
yields releases, so a first candidate that answers 404, redirects home or lists nothing is
not the end of discovery.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from lxml import etree

from crawler.detect import collapse, parse_document, text_of
from crawler.urls import absolute_url, canonical_url, is_same_site

# Labels by preference; a lower tier is tried first, page order breaks ties.
_TIERS = (
    re.compile(r"(?:latest |all |recent )?press[- ]releases?", re.IGNORECASE),
    re.compile(r"(?:news|media) releases?|news ?room|press room|press|statements and releases"
               r"|press (?:center|statements)|statements", re.IGNORECASE),
    re.compile(r"(?:latest |recent )?news", re.IGNORECASE),
    re.compile(r"media(?: center| room)?|newsroom & media|news & media|news and media",
               re.IGNORECASE),
)
# URL words for links whose label says nothing useful ("Learn more", an icon, a toggle).
_URL_TIERS = (
    re.compile(r"press[-_]?releases?", re.IGNORECASE),
    re.compile(r"newsroom|press|statements", re.IGNORECASE),
    re.compile(r"\bnews\b", re.IGNORECASE),
    re.compile(r"media(?:[-_]?center)?", re.IGNORECASE),
)
_URL_TIER_OFFSET = len(_TIERS)  # a URL word counts less than a label saying the same
_MAX_TEXT = 40
MAX_CANDIDATES = 6


def _labels(link: etree._Element) -> list[str]:
    """What the link says: its text, aria-label and title (icon-only menu items have only
    those), and the label of the dropdown toggle it sits under."""
    labels = [text_of(link), collapse(link.get("aria-label")), collapse(link.get("title"))]
    toggle = _toggle_label(link)
    if toggle:
        labels.append(toggle)
    return [label.strip(" :»›>▾▼") for label in labels if label]


def _toggle_label(link: etree._Element) -> str:
    """A submenu's links sit under a toggle ("Media ▾"): the toggle's label speaks for them."""
    for depth, item in enumerate(link.iterancestors("li")):
        if depth >= 2:  # the link's own menu item, then the item whose submenu holds it
            break
        for child in item:
            if child is link or child.tag not in ("a", "button", "span"):
                continue
            if child.tag == "a" and child.get("href") not in (None, "", "#"):
                continue
            label = text_of(child) or collapse(child.get("aria-label"))
            if label:
                return label
    return ""


def _tier(link: etree._Element, url: str) -> int | None:
    best = None
    for label in _labels(link):
        if len(label) > _MAX_TEXT:
            continue
        tier = next((i for i, pattern in enumerate(_TIERS) if pattern.fullmatch(label)), None)
        if tier is not None and (best is None or tier < best):
            best = tier
    if best is not None:
        return best
    # Only the last path segment: /media/press-releases/some-release is a release, not a list.
    last = unquote(urlsplit(url).path).rstrip("/").rsplit("/", 1)[-1]
    for i, pattern in enumerate(_URL_TIERS):
        if pattern.search(last):
            return _URL_TIER_OFFSET + i
    return None


def rank_press_links(html: str | bytes, base_url: str) -> list[str]:
    """The homepage's links that may lead to the press listing, most likely first."""
    doc = parse_document(html)
    home = canonical_url(base_url)
    best: dict[str, tuple[int, int]] = {}  # URL → (tier, page order) of its best link
    for order, link in enumerate(doc.iter("a")):
        url = absolute_url(link.get("href"), base_url)
        if not url or not is_same_site(url, base_url):
            continue
        url = canonical_url(url)
        tier = _tier(link, url) if url != home else None
        if tier is not None and (url not in best or (tier, order) < best[url]):
            best[url] = (tier, order)
    ranked = sorted(best, key=best.__getitem__)
    return ranked[:MAX_CANDIDATES]


def find_press_link(html: str | bytes, base_url: str) -> str | None:
    """Absolute URL of the homepage's most likely press-release listing link, or None."""
    ranked = rank_press_links(html, base_url)
    return ranked[0] if ranked else None
