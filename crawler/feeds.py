"""RSS 0.92 / 1.0 / 2.0 and Atom feeds → ``Listing`` (family "rss" or "atom").

Member feeds are old and loose: lower-case ``<pubdate>``, relative item links, garbage GUIDs,
HTML-escaped descriptions, malformed dates ("Thu, 113 Apr 2026"). The XML parser runs in
recover mode and every field is optional; a bad date becomes None, never an exception.
"""

from __future__ import annotations

import re
from datetime import date

import lxml.html
from lxml import etree

from crawler import clock
from crawler.dates import parse_date
from crawler.items import Listing, ListingEntry
from crawler.urls import absolute_url, canonical_url

_PARSER = etree.XMLParser(
    recover=True, resolve_entities=False, no_network=True, remove_comments=True, remove_pis=True
)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
_SPACE = re.compile(r"\s+")
_DATE_FIELDS = ("pubdate", "published", "date", "issued", "updated", "modified", "created")
_SUMMARY_FIELDS = ("description", "summary", "encoded", "content")
_XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname.lower() if isinstance(el.tag, str) else ""


def _text(el: etree._Element | None) -> str:
    if el is None:
        return ""
    return _SPACE.sub(" ", "".join(el.itertext())).strip()


def _html_text(markup: str) -> str:
    """Plain text of an HTML-bearing field (descriptions carry escaped HTML)."""
    if "<" not in markup and "&" not in markup:
        return markup
    try:
        fragment = lxml.html.fragment_fromstring(markup, create_parent="div")
    except (etree.ParserError, ValueError):
        return markup
    return _SPACE.sub(" ", fragment.text_content()).strip()


def _fields(item: etree._Element) -> dict[str, list[etree._Element]]:
    fields: dict[str, list[etree._Element]] = {}
    for child in item:
        name = _local(child)
        if name:
            fields.setdefault(name, []).append(child)
    return fields


def _link(fields: dict[str, list[etree._Element]]) -> str | None:
    for link in fields.get("link", []):
        href = link.get("href")
        if href and link.get("rel", "alternate") == "alternate":
            return href.strip()
        text = _text(link)
        if text:
            return text
    for guid in fields.get("guid", []) + fields.get("id", []):
        text = _text(guid)
        if guid.get("isPermaLink", "true").lower() != "false" and text.startswith("http"):
            return text
    return None


def _base(item: etree._Element, feed_url: str) -> str:
    """xml:base of the item or an ancestor, resolved against the feed's URL."""
    for el in [item, *item.iterancestors()]:
        base = el.get(_XML_BASE)
        if base:
            return absolute_url(base, feed_url) or feed_url
    return feed_url


def _entry(item: etree._Element, feed_url: str, today: date) -> ListingEntry | None:
    fields = _fields(item)
    link = absolute_url(_link(fields), _base(item, feed_url))
    if not link:
        return None
    title = _html_text(_text(fields.get("title", [None])[0])) or None
    raw_date = next((_text(fields[k][0]) for k in _DATE_FIELDS if k in fields), None) or None
    published = parse_date(raw_date, today) if raw_date else None
    summary = next(
        (s for k in _SUMMARY_FIELDS if k in fields and (s := _html_text(_text(fields[k][0])))),
        None,
    )
    return ListingEntry(
        url=canonical_url(link),
        title=title,
        published=published.isoformat() if published else None,
        date_raw=raw_date,
        summary=summary,
    )


def _root(body: bytes | str) -> etree._Element | None:
    if isinstance(body, str):
        body = _XML_DECL.sub("", body.lstrip("\ufeff"), count=1).encode("utf-8")
    try:
        return etree.fromstring(body.lstrip(), _PARSER)
    except (etree.XMLSyntaxError, ValueError):
        return None


def _next_link(root: etree._Element, url: str) -> str | None:
    for el in root:
        if _local(el) == "link" and el.get("rel") == "next" and el.get("href"):
            found = absolute_url(el.get("href"), _base(root, url))
            return canonical_url(found) if found else None
    return None


def parse_feed(body: bytes | str, url: str, today: date | None = None) -> Listing:
    """The items of an RSS or Atom feed, in feed order, without duplicates."""
    today = today or clock.today()
    root = _root(body)
    if root is None:
        return Listing(family="rss")
    family = "atom" if _local(root) == "feed" else "rss"
    entries: list[ListingEntry] = []
    seen: set[str] = set()
    for item in root.iter():
        if _local(item) not in ("item", "entry"):
            continue
        entry = _entry(item, url, today)
        if entry and entry.url not in seen:
            seen.add(entry.url)
            entries.append(entry)
    next_url = _next_link(root, url) if family == "atom" else None
    return Listing(family=family, entries=entries, next_url=next_url)
