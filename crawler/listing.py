"""Listing pages → the releases they show, in page order, and the next page's URL.

A family's selectors (crawler/templates.yaml) are a hint tried first; the template-free reader
(crawler/rows.py) reads every page too, and its rows win when they are more plausible (more
titled and dated rows of one URL shape). Detection never decides alone.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from datetime import date
from urllib.parse import urljoin, urlsplit

from lxml import etree

from crawler import clock
from crawler.dates import find_date_in_text, parse_date
from crawler.detect import (
    Tokens,
    collapse,
    decode_html,
    detect_in_document,
    in_chrome,
    looks_like_feed,
    parse_document,
    select,
    select_page,
    text_of,
)
from crawler.feeds import parse_feed
from crawler.items import Listing, ListingEntry
from crawler.rows import GroupResult, best_group, plausibility
from crawler.templates import Family, family_names, get_family
from crawler.urls import absolute_url, canonical_url, is_same_site
from crawler.yearless import settle_years

# A date printed in a row's text must be near its start (a "Posted ... on <date>" line); a date
# deep in a teaser is about something else.
_NEAR_TITLE = 120


# ---------------------------------------------------------------------------- entry point


def parse_listing(
    html: str | bytes,
    url: str,
    family: str | None = None,
    overrides: dict | None = None,
    today: date | None = None,
    hint: str | None = None,
    templates: bool = True,
) -> Listing:
    """The releases a listing page (or feed) shows; ``family`` None → detect it from the
    markup. ``hint`` (a member's configured or bundled family) breaks detection ties, and is
    tried when the detected family's selectors find nothing.

    The template's rows are always checked against the template-free reader (crawler/rows.py):
    when that finds more plausible rows, its rows win (``parser`` says whose rows these are,
    ``disagreement`` that the two read the page differently). ``templates=False`` reads with
    the template-free reader alone (tests, and crawls that must prove it works alone).
    """
    raw = decode_html(html)
    feed = looks_like_feed(raw)
    if feed or family in ("rss", "atom"):
        listing = parse_feed(raw, url, today=today)
        listing.parser = "feed"
        return listing
    today = today or clock.today()
    doc = parse_document(raw)
    tokens = Tokens(doc)
    generic = best_group(doc, url, today)
    if not templates:
        listing = Listing(family="generic", entries=generic.entries, parser="generic",
                          next_url=next_page_url(doc, url, None, tokens))
    else:
        name, fam, entries = _template_entries(doc, raw, url, family, overrides, today, hint,
                                               tokens)
        listing = _checked(
            Listing(family=name, entries=entries, next_url=next_page_url(doc, url, fam, tokens)),
            generic,
        )
    settle_years(listing.entries, today)  # "Nov 12": the year from the URL or the rows around
    return listing


def _template_entries(
    doc: etree._Element, raw: str, url: str, family: str | None, overrides: dict | None,
    today: date, hint: str | None, tokens: Tokens,
) -> tuple[str, Family, list[ListingEntry]]:
    """The family's rows: the detected (or given) family, then the member's hinted one."""
    known = family_names()
    if family not in known:  # None, or a hint label no family answers to
        family = None
    name = family or detect_in_document(doc, raw, url, hint=hint, tokens=tokens)
    fam = get_family(name).merged(overrides).restricted(tokens.may_match)
    entries = _entries(doc, url, fam, today)
    if not entries and hint in known and hint != name and get_family(hint).kind == "html":
        hinted = get_family(hint).merged(overrides).restricted(tokens.may_match)
        entries = _entries(doc, url, hinted, today)
        if entries:
            name, fam = hint, hinted
    return name, fam, entries


# Share of rows the two readers may disagree on before a page counts as a disagreement: an
# extra "featured" row or a lost one is noise, a different list is not.
_DISAGREE = 0.2


def _checked(listing: Listing, generic: GroupResult) -> Listing:
    """The template's rows checked against the template-free reading of the same page."""
    if not listing.entries:
        if generic.entries:  # no disagreement: parser "generic" already says so
            listing.family, listing.entries, listing.parser = "generic", generic.entries, "generic"
        return listing
    ours = {e.url for e in listing.entries}
    theirs = {e.url for e in generic.entries}
    listing.disagreement = len(ours ^ theirs) > _DISAGREE * len(ours | theirs)
    if _more_plausible(generic, listing.entries):
        listing.entries, listing.parser = generic.entries, "generic"
    else:
        _complete(listing.entries, generic.entries)
    return listing


def _more_plausible(generic: GroupResult, entries: list[ListingEntry]) -> bool:
    """Dated rows are the strongest sign of a release listing: the template-free rows win when
    they date more rows, or as many and score higher. A long undated block (a link farm, a
    sitemap dump) never outvotes a dated listing by sheer size."""
    theirs = sum(1 for e in generic.entries if e.published)
    ours = sum(1 for e in entries if e.published)
    if theirs != ours:
        return theirs > ours
    return generic.score > plausibility(entries)


def _complete(entries: list[ListingEntry], generic: list[ListingEntry]) -> None:
    """Where both readers found a row, the template-free one fixes what the template missed:
    a kicker label ("Press Release") read as part of the title, a date it did not find."""
    by_url = {e.url: e for e in generic}
    for entry in entries:
        other = by_url.get(entry.url)
        if other is None:
            continue
        if entry.title and other.title and entry.title != other.title \
                and entry.title.endswith(" " + other.title):
            entry.title = other.title
        if not entry.published and other.published:
            entry.published, entry.date_raw = other.published, other.date_raw


def _entries(doc: etree._Element, url: str, fam: Family, today: date) -> list[ListingEntry]:
    if fam.name == "nextjs":
        return _nextjs_entries(doc, url, today)
    return _family_entries(doc, url, fam, today) if fam.rows else []


# ----------------------------------------------------------------------------- helpers


def _resolve(href: str | None, base: str, link_base: str | None) -> str | None:
    """Absolute canonical URL of a row link.

    documentquery sites print release links relative to /news/ even on listings that live
    elsewhere (/press/, /news without slash), so relative paths go to ``link_base`` unless the
    listing is itself an .aspx page in the right directory.
    """
    if not href:
        return None
    href = href.strip()
    relative_path = href and not re.match(r"^(?:[a-z][a-z0-9+.-]*:|/|\?|#)", href, re.I)
    if link_base and relative_path and not urlsplit(base).path.lower().endswith(".aspx"):
        base = urljoin(base, link_base)
    found = absolute_url(href, base)
    return canonical_url(found) if found else None


def _link_of(row: etree._Element, title_el: etree._Element | None, fam: Family) -> str | None:
    for selector in fam.link:
        for el in select(row, selector):
            if el.get("href"):
                return el.get("href")
    if title_el is not None:
        if title_el.tag == "a" and title_el.get("href"):
            return title_el.get("href")
        inner = title_el.find(".//a[@href]")
        if inner is not None:
            return inner.get("href")
        for ancestor in title_el.iterancestors():  # the whole card is the link (ArticleBlock)
            if ancestor.tag == "a" and ancestor.get("href"):
                return ancestor.get("href")
            if ancestor is row:
                break
    if row.tag == "a" and row.get("href"):
        return row.get("href")
    inner = row.find(".//a[@href]")
    return inner.get("href") if inner is not None else None


def _date_from(node: etree._Element, fam: Family, today: date) -> tuple[date | None, str | None]:
    for selector in fam.date:
        for el in select(node, selector):
            if fam.date_attr and el.get(fam.date_attr):
                found = parse_date(el.get(fam.date_attr), today)
                if found:
                    return found, el.get(fam.date_attr)
            text = text_of(el)
            found = parse_date(text, today) if len(text) <= 80 else None
            if found:
                return found, text
    return None, None


def _row_date(
    row: etree._Element, fam: Family, title: str, today: date
) -> tuple[date | None, str | None]:
    found, raw = _date_from(row, fam, today)
    if found:
        return found, raw
    for sibling in _preceding(row, fam.date_before):
        found, raw = _date_from(sibling, fam, today)
        if found:
            return found, raw
        text = text_of(sibling)
        if text and len(text) <= 40 and (found := parse_date(text, today)):
            return found, text
    # Dates printed inline ("Posted in Press Releases on April 17, 2015 |"): the row's text
    # without its title, so a date inside a title is never taken for the release date.
    rest = text_of(row).replace(title, " ", 1) if title else text_of(row)
    found = find_date_in_text(rest[:_NEAR_TITLE], today)
    return (found, None) if found else (None, None)


def _preceding(row: etree._Element, limit: int) -> Iterator[etree._Element]:
    for count, sibling in enumerate(row.itersiblings(preceding=True)):
        if count >= limit or sibling.tag == row.tag:
            return  # the previous row's heading: anything further belongs to that row
        yield sibling


def _title_of(row: etree._Element, fam: Family) -> tuple[etree._Element | None, str]:
    for selector in fam.title:
        for el in select(row, selector):
            text = text_of(el) or collapse(el.get("title"))
            if text:
                return el, text
    return None, ""


def _entry(row: etree._Element, base: str, fam: Family, today: date) -> ListingEntry | None:
    title_el, title = _title_of(row, fam)
    url = _resolve(_link_of(row, title_el, fam), base, fam.link_base)
    if not url:
        return None
    if not title:
        link = row if row.tag == "a" else row.find(".//a[@href]")
        title = text_of(link) if link is not None else ""
    found, raw = _row_date(row, fam, title, today)
    return ListingEntry(
        url=url,
        title=title or None,
        published=found.isoformat() if found else None,
        date_raw=collapse(raw) if raw else None,
    )


def _unique(entries: Iterable[ListingEntry | None], page_url: str) -> list[ListingEntry]:
    seen = {canonical_url(page_url)}
    out = []
    for entry in entries:
        if entry is None or entry.url in seen:
            continue
        seen.add(entry.url)
        out.append(entry)
    return out


def _outside_chrome(rows: list[etree._Element]) -> list[etree._Element]:
    verdicts: dict[etree._Element, bool] = {}  # rows share parents: judge each parent once
    kept = []
    for row in rows:
        parent = row.getparent()
        if parent not in verdicts:
            verdicts[parent] = in_chrome(row)
        if not verdicts[parent]:
            kept.append(row)
    return kept


def _family_entries(doc: etree._Element, url: str, fam: Family, today: date) -> list[ListingEntry]:
    for selector in fam.rows:
        rows = _outside_chrome(select(doc, selector))
        entries = _unique((_entry(row, url, fam, today) for row in rows), url)
        if entries:
            return entries
    return []


# ------------------------------------------------------------------------------ Next.js

_NEXT_TITLE_KEYS = ("title", "headline", "name")
_NEXT_URL_KEYS = ("url", "href", "link", "permalink", "path", "uri")
_NEXT_DATE_KEYS = ("date", "publishDate", "publishedAt", "published", "datePublished",
                   "releaseDate", "createdAt", "created")


def _json_dicts(value: object) -> Iterator[dict]:
    if isinstance(value, dict):
        yield value
        for child in value.values():
            yield from _json_dicts(child)
    elif isinstance(value, list):
        for child in value:
            yield from _json_dicts(child)


def _nextjs_entries(doc: etree._Element, url: str, today: date) -> list[ListingEntry]:
    """Releases in the #__NEXT_DATA__ JSON: any object with a title, a link and a date."""
    script = select(doc, "script#__NEXT_DATA__")
    try:
        data = json.loads(script[0].text or "") if script else None
    except ValueError:
        return []
    entries = []
    for obj in _json_dicts(data):
        title = next((obj[k] for k in _NEXT_TITLE_KEYS if isinstance(obj.get(k), str)), None)
        href = next((obj[k] for k in _NEXT_URL_KEYS if isinstance(obj.get(k), str)), None)
        if href is None and isinstance(obj.get("slug"), str):
            href = urljoin(url.rstrip("/") + "/", obj["slug"])
        raw = next((obj[k] for k in _NEXT_DATE_KEYS if isinstance(obj.get(k), str)), None)
        found = parse_date(raw, today) if raw else None
        link = absolute_url(href, url) if title and href and found else None
        if link:
            entries.append(ListingEntry(canonical_url(link), collapse(title), found.isoformat(),
                                        raw))
    return _unique(entries, url)


# ---------------------------------------------------------------------------- pagination

_NEXT_TEXT = re.compile(
    r"«?\s*(?:next(?: page| articles?| posts?)?|older(?: entries| posts)?|more (?:releases|news))"
    r"\s*[›»>]*|[›»>]{1,2}",
    re.IGNORECASE,
)
_NOT_NEXT = re.compile(r"\b(?:last|prev|previous|first|newer)\b|‹|«(?!\s*older)", re.IGNORECASE)
_NEXT_CLASSES = (
    "li.pager-next a", "li.pager__item--next a",
    ".pager__item--next a", "li.next a", "a.next", "a.next-page", ".nav-previous a",
    ".pagination-next a", "a.page-numbers.next",
)
_PAGE_PARAMS = {
    "page0": re.compile(r"([?&]page=)(\d+)"),
    "Page": re.compile(r"([?&]Page=)(\d+)"),
    "PageNum_rs": re.compile(r"([?&]PageNum_rs=)(\d+)", re.IGNORECASE),
    "wp": re.compile(r"(/page/)(\d+)(?=/|$|\?)"),
}
_ANY_PAGE = re.compile(r"(?:[?&](?:page|pagenum|pagenum_rs|paged|start)=|/page/)(\d+)", re.I)


def _page_number(url: str) -> int | None:
    found = _ANY_PAGE.search(url)
    return int(found.group(1)) if found else None


def _acceptable(candidate: str | None, current: str) -> bool:
    if not candidate or candidate == current or not is_same_site(candidate, current):
        return False
    now, then = _page_number(current), _page_number(candidate)
    # A "next" link back to an earlier page is a site looping to page 1, not a next page.
    return not (now is not None and then is not None and then <= now)


_SHORT_LINKS = etree.XPath(
    "//a[@href][string-length(normalize-space(.)) <= 25 or @title or @aria-label]"
)


def _is_next_text(a: etree._Element) -> bool:
    text = text_of(a) or collapse(a.get("aria-label")) or collapse(a.get("title"))
    if 0 < len(text) <= 25 and _NEXT_TEXT.fullmatch(text) and not _NOT_NEXT.search(text):
        return True
    return bool(re.fullmatch(r"go to next page|next page", collapse(a.get("title")), re.I))


def _candidate_links(doc: etree._Element, tokens: Tokens) -> Iterator[etree._Element]:
    """Links that may lead to the next page, most trustworthy first."""
    for el in doc.iter("a", "link"):
        if "next" in (el.get("rel") or "").lower().split():
            yield el
    for selector in _NEXT_CLASSES:
        yield from select_page(doc, tokens, selector)
    for a in _SHORT_LINKS(doc):
        if _is_next_text(a):
            yield a


def _constructed_next(doc: etree._Element, current: str, style: str | None) -> str | None:
    """The page-parameter URL one past the current page, if the page links to it."""
    linked = {
        canonical_url(u)
        for a in doc.iter("a")
        if "page" in (href := a.get("href") or "").lower() and (u := absolute_url(href, current))
    }
    if not linked:
        return None
    styles = [style] if style in _PAGE_PARAMS else list(_PAGE_PARAMS)
    for name in styles:
        pattern = _PAGE_PARAMS[name]
        found = pattern.search(current)
        if found:
            start, end = found.span(2)
            candidate = f"{current[:start]}{int(found.group(2)) + 1}{current[end:]}"
        else:
            candidate = _with_page(current, name, 1 if name == "page0" else 2)
        if candidate in linked and _acceptable(candidate, current):
            return candidate
    return None


def _with_page(url: str, style: str, number: int) -> str:
    if style == "wp":
        parts = urlsplit(url)
        path = parts.path.rstrip("/") + f"/page/{number}/"
        return canonical_url(parts._replace(path=path).geturl())
    key = {"page0": "page", "Page": "Page", "PageNum_rs": "PageNum_rs"}[style]
    joiner = "&" if urlsplit(url).query else "?"
    return canonical_url(f"{url}{joiner}{key}={number}")


def next_page_url(
    doc: etree._Element, url: str, fam: Family | None = None, tokens: Tokens | None = None
) -> str | None:
    """The following listing page, never the current one (None on the last page)."""
    current = canonical_url(url)
    for el in _candidate_links(doc, tokens or Tokens(doc)):
        href = absolute_url(el.get("href"), url)
        candidate = canonical_url(href) if href else None
        if _acceptable(candidate, current):
            return candidate
    return _constructed_next(doc, current, fam.pagination if fam else None)
