"""HTML and feeds of a simulated site, rendered from the model's current state.

Every function is pure: the same site state, base URL and ``noise`` seed give the same bytes.
``noise=None`` renders without noise; any integer renders one of many noisy variants that differ
only in ways that are never an edit (see ``Noise``).
"""

from __future__ import annotations

import calendar
import html
import math
import random
import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path

from .data import fixture_path
from .families import (
    CHROMES,
    COMMENTS,
    FAMILIES,
    FEEDS,
    FOOTER_NOTE,
    HOMEPAGE,
    NEWSLETTER,
    OFFICES,
    RELATED,
    RELATED_ITEM,
    SHARE,
    STYLESHEET,
    Family,
)
from .model import SimRelease, Site
from .mutate import Mutation, date_style, listing_date_style, mutate_page, noise_blocks

esc = html.escape
OURS = Path(__file__).resolve().parent / "chrome"


@dataclass(frozen=True)
class Dates:
    """One date in every format the families show."""

    d: date

    @property
    def iso(self) -> str:  # 2026-08-06
        return self.d.isoformat()

    @property
    def long(self) -> str:  # August 6, 2026
        return f"{calendar.month_name[self.d.month]} {self.d.day}, {self.d.year}"

    @property
    def long_pad(self) -> str:  # August 06, 2026
        return f"{calendar.month_name[self.d.month]} {self.d.day:02d}, {self.d.year}"

    @property
    def abbr(self) -> str:  # Aug 6, 2026
        return f"{calendar.month_abbr[self.d.month]} {self.d.day}, {self.d.year}"

    @property
    def abbr_noyear(self) -> str:  # Aug 6
        return f"{calendar.month_abbr[self.d.month]} {self.d.day}"

    @property
    def month_span(self) -> str:  # June <span>11</span> (documentquery: no year)
        return f"{calendar.month_name[self.d.month]} <span>{self.d.day:02d}</span>"

    @property
    def mon(self) -> str:  # Aug
        return calendar.month_abbr[self.d.month]

    @property
    def dd(self) -> str:  # 06
        return f"{self.d.day:02d}"

    @property
    def yyyy(self) -> str:  # 2026
        return str(self.d.year)

    @property
    def dotted(self) -> str:  # 08.10.2026
        return f"{self.d.month:02d}.{self.d.day:02d}.{self.d.year}"

    @property
    def dotted_short(self) -> str:  # 05.19.15
        return f"{self.d.month:02d}.{self.d.day:02d}.{self.d.year % 100:02d}"

    @property
    def slash_element(self) -> str:  # 08/5/2026
        return f"{self.d.month:02d}/{self.d.day}/{self.d.year}"

    @property
    def slash_short(self) -> str:  # 8/5/26
        return f"{self.d.month}/{self.d.day}/{self.d.year % 100:02d}"

    @property
    def ordinal(self) -> str:  # August 7th, 2026
        day = self.d.day
        suffix = "th" if 11 <= day <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
        return f"{calendar.month_name[self.d.month]} {day}{suffix}, {self.d.year}"

    @property
    def weekday(self) -> str:  # Tuesday, April 7, 2026
        return f"{calendar.day_name[self.d.weekday()]}, {self.long}"

    @property
    def rfc822(self) -> str:  # Tue, 07 Apr 2026 16:00:00 +0000
        return f"{self._rfc_day()} 16:00:00 +0000"

    @property
    def rfc822_midnight(self) -> str:  # Tue, 07 Apr 2026 04:00:00 GMT (midnight Eastern)
        return f"{self._rfc_day()} 04:00:00 GMT"

    @property
    def atom(self) -> str:  # 2026-04-07T16:00:00Z
        return f"{self.iso}T16:00:00Z"

    @property
    def meta(self) -> str:  # 2026-04-07T12:00:00-04:00 (article:published_time)
        return f"{self.iso}T12:00:00-04:00"

    def _rfc_day(self) -> str:
        return (
            f"{calendar.day_abbr[self.d.weekday()]}, {self.d.day:02d} "
            f"{calendar.month_abbr[self.d.month]} {self.d.year}"
        )


def spell(d: date, style: str) -> str:
    """A date in one of the spellings a redesigned site may use (see mutate.DATE_STYLES)."""
    month = calendar.month_name[d.month]
    if style == "iso":
        return d.isoformat()
    if style == "slash":
        return f"{d.month}/{d.day}/{d.year}"
    if style == "weekday":
        return f"{calendar.day_name[d.weekday()]}, {month} {d.day}, {d.year}"
    if style == "ordinal":
        suffix = "th" if 11 <= d.day <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(d.day % 10, "th")
        return f"{month} {d.day}{suffix}, {d.year}"
    if style == "dmy":
        return f"{d.day} {month} {d.year}"
    if style == "yearless":
        return f"{calendar.month_abbr[d.month]} {d.day}"
    if style == "abbr_dot":
        return f"{calendar.month_abbr[d.month]}. {d.day}, {d.year}"
    return f"{month} {d.day}, {d.year}"


@dataclass(frozen=True)
class RespelledDates(Dates):
    """Every human-readable date of a template in the mutated site's spelling (machine formats
    such as ``iso``, ``meta`` and feed dates stay as they are)."""

    style: str = "long"

    def _spelled(self) -> str:
        return spell(self.d, self.style)

    long = long_pad = abbr = abbr_noyear = month_span = property(_spelled)
    dotted = dotted_short = slash_element = slash_short = property(_spelled)
    ordinal = weekday = property(_spelled)


def dates_for(site: Site, d: date, mutation: Mutation | None, listing: bool = False) -> Dates:
    """``d`` as the site's pages show it; ``listing``: in a listing row."""
    if mutation is None:
        return Dates(d)
    style = listing_date_style if listing else date_style
    return RespelledDates(d, style(mutation, site.slug))


class Noise:
    """What changes between renders of unchanged content, driven by one seed.

    Share and comment counts, a footer timestamp, a CSRF token, the related-releases sidebar,
    a cache-busting stylesheet URL, the HTML's indentation, and in body text and the article's
    headline ``&nbsp;`` for some spaces and curly for straight quotes (or back). ``Noise(None)``
    is no noise at all.
    """

    def __init__(self, seed: int | None) -> None:
        self.rng = random.Random(seed) if seed is not None else None

    def count(self) -> int:
        return self.rng.randint(0, 999) if self.rng else 0

    def token(self) -> str:
        return f"{self.rng.getrandbits(64):016x}" if self.rng else "static"

    def stamp(self) -> str:
        moment = datetime(2026, 4, 30, 12, 0, 0)
        if self.rng:
            moment += timedelta(seconds=self.rng.randint(0, 10**7))
        return moment.isoformat(sep=" ")

    def related(self, candidates: list[SimRelease]) -> list[SimRelease]:
        if self.rng and len(candidates) > 3:
            return self.rng.sample(candidates, 3)
        return candidates[:3]

    def text(self, paragraph: str) -> str:
        """A paragraph as escaped HTML, with noise in its spaces and quotes."""
        if not self.rng:
            return esc(paragraph)
        if self.rng.random() < 0.5:
            paragraph = _straight_to_curly(paragraph)
        else:
            paragraph = paragraph.translate(_CURLY_TO_STRAIGHT)
        spaces = [m.start() for m in re.finditer(" ", paragraph)]
        chars = list(paragraph)
        for index in self.rng.sample(spaces, min(len(spaces), 3)):
            chars[index] = "\u00a0"
        return esc("".join(chars)).replace("\u00a0", "&nbsp;")

    def reindent(self, page: str) -> str:
        if not self.rng:
            return page
        unit = self.rng.choice(["  ", "    ", "\t", " "])
        rng = self.rng
        lines = page.split("\n")
        return "\n".join(unit * rng.randint(0, 4) + line.lstrip(" \t") for line in lines)


_CURLY_TO_STRAIGHT = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def _straight_to_curly(text: str) -> str:
    text = re.sub(r'"(?=\w)', "\u201c", text)
    return text.replace('"', "\u201d").replace("'", "\u2019")


# --------------------------------------------------------------------------------------------
# Chrome


@dataclass(frozen=True)
class _ChromeParts:
    parts: tuple[str, ...]  # literal, slot name, literal, slot name, ..., literal
    balance: int  # <div> opens minus closes in the region the content slot replaced


_HEAD_JUNK = re.compile(
    r"<title>.*?</title>\s*"
    r"|<link[^>]*rel=\"(?:canonical|shortlink)\"[^>]*>\s*"
    r"|<meta[^>]*(?:og:(?:title|url|description|updated_time)|article:|twitter:(?:title|description)"
    r"|name=\"(?:description|date)\"|itemprop=)[^>]*>\s*",
    re.I | re.S,
)
_SLOT = re.compile("⟦(\\w+)⟧")


@cache
def _chrome(name: str) -> _ChromeParts:
    spec = CHROMES[name]
    path = OURS / spec.fixture if spec.ours else fixture_path(spec.fixture)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    text = re.sub(r"charset=iso-8859-1", "charset=utf-8", text, flags=re.I)
    start = text.index(spec.start)
    end = start + len(spec.start)
    for marker in spec.end:
        end = text.index(marker, end) + len(marker)
    balance = _div_balance(text[start:end])
    text = text[:start] + "⟦content⟧" + text[end:]
    for old, new in spec.subs:
        text = text.replace(old, new)
    head_end = text.lower().index("</head>")
    head = _HEAD_JUNK.sub("", text[:head_end])
    text = head + "⟦head⟧" + text[head_end:]
    body_end = text.lower().rindex("</body>")
    text = text[:body_end] + "⟦tail⟧" + text[body_end:]
    return _ChromeParts(tuple(_SLOT.split(text)), balance)


def _div_balance(markup: str) -> int:
    return len(re.findall(r"<div\b", markup, re.I)) - len(re.findall(r"</div\s*>", markup, re.I))


def fill_chrome(name: str, slots: dict[str, str]) -> str:
    """The chrome ``name`` with its slots filled; the content keeps the page's div nesting."""
    chrome = _chrome(name)
    content = slots.get("content", "")
    pad = chrome.balance - _div_balance(content)
    if pad > 0:
        content = '<div class="region">' * pad + content
    elif pad < 0:
        content += "</div>" * -pad
    values = {**slots, "content": content}
    return "".join(
        part if i % 2 == 0 else values.get(part, "") for i, part in enumerate(chrome.parts)
    )


def _head(title: str | None, noise: Noise, extra: str = "") -> str:
    version = f"{noise.rng.getrandbits(32):08x}" if noise.rng else "1"
    title_tag = f"<title>{esc(title)}</title>\n" if title else ""
    return f"{title_tag}{extra}{STYLESHEET.format(version=version)}\n"


def _tail(noise: Noise) -> str:
    return FOOTER_NOTE.format(stamp=noise.stamp(), csrf=noise.token()) + "\n"


# --------------------------------------------------------------------------------------------
# Pages


def release_guid(release: SimRelease) -> str:
    """The vendor platform's GUID of a release (from its ``?ID=`` link, else from its path)."""
    match = re.search(r"[?&]ID=([0-9A-Fa-f-]{36})", release.href)
    if match:
        return match.group(1)
    return str(uuid.uuid5(uuid.NAMESPACE_URL, release.path)).upper()


def release_number(release: SimRelease) -> int:
    """A numeric id (post id, document id) for templates that show one."""
    match = re.search(r"DocumentID=(\d+)|/(\d+)-[^/]*$", release.path)
    if match:
        return int(match.group(1) or match.group(2))
    return uuid.uuid5(uuid.NAMESPACE_URL, release.path).int % 90000 + 1000


def teaser(release: SimRelease, words: int = 24) -> str:
    text = " ".join(release.paragraphs[0].split()) if release.paragraphs else ""
    parts = text.split(" ")
    return text if len(parts) <= words else " ".join(parts[:words]) + "..."


def page_url(family: Family, listing_path: str, index: int) -> str:
    """Path of listing page ``index`` (0 = the first page)."""
    if index == 0:
        return listing_path
    return family.page_url.format(path=listing_path, n=index + family.first_page)


def page_index(family: Family, listing_path: str, target: str) -> int | None:
    """Which listing page (0-based) ``target`` asks for, or None if it is no listing page."""
    if target == listing_path:
        return 0
    pattern = re.escape(family.page_url.format(path="\x00", n="\x01"))
    pattern = pattern.replace("\x00", re.escape(listing_path)).replace("\x01", r"(-?\d+)")
    match = re.fullmatch(pattern, target)
    if not match:
        return None
    return max(int(match.group(1)) - family.first_page, 0)


def last_page(site: Site) -> int:
    return max(math.ceil(len(site.listed_releases()) / max(site.page_size, 1)) - 1, 0)


def render_listing(
    site: Site, index: int, base_url: str, noise: int | None = None,
    mutation: Mutation | None = None,
) -> str | None:
    """Listing page ``index`` (0-based); None when the family answers 404 past the end.
    ``mutation``: the page after a redesign (see mutate.py)."""
    family = FAMILIES[site.family]
    if family.feed_is_source:
        raise ValueError(f"{site.slug}: a {family.name} site has a feed, not a listing page")
    nz = Noise(noise)
    last = last_page(site)
    if index > last:
        mode = site.past_end or family.past_end
        if mode == "404":
            return None
        if mode == "loop":
            index = 0
    listed = site.listed_releases()
    shown = listed[index * site.page_size : (index + 1) * site.page_size] if index <= last else []
    row_template = family.rows[site.variant % len(family.rows)]
    wrappers = (family.listing, *family.listing_variants)
    wrapper = wrappers[site.variant % len(wrappers)]
    rows = "".join(
        row_template.format(**_row_fields(site, release, i, base_url, mutation))
        for i, release in enumerate(shown)
    )
    next_html = ""
    if index < last:
        href = page_url(family, site.listing_path, index + 1)
        query = href.removeprefix(site.listing_path)
        next_html = family.next.format(next_href=esc(href), next_query=esc(query))
    pager = family.pager.format(next=next_html, page1=index + 1, cur_n=index + family.first_page)
    content = wrapper.format(rows=rows, pager=pager, page1=index + 1)
    page = fill_chrome(
        family.listing_chrome,
        {
            "content": content,
            "head": _head(f"Press Releases | {site.name}", nz),
            "tail": _tail(nz),
            "title": "Press Releases",
        },
    )
    if mutation is not None:
        page = mutate_page(page, mutation, site.slug, listing=True)
    return nz.reindent(page)


def _row_fields(
    site: Site, release: SimRelease, i: int, base_url: str, mutation: Mutation | None = None
) -> dict[str, object]:
    return {
        "link": esc(release.href),
        "link_rel": esc(release.href.removeprefix(site.listing_path.rsplit("/", 1)[0] + "/")),
        "url": esc(base_url + release.href),
        "base": esc(base_url),
        "title": esc(release.title),
        "teaser": esc(teaser(release)),
        "date": dates_for(site, date.fromisoformat(release.published), mutation, listing=True),
        "i": i,
        "i1": i + 1,
        "parity": "odd" if i % 2 == 0 else "even",
        "listing": esc(site.listing_path),
        "guid": release_guid(release),
        "n": release_number(release),
    }


def body_html(release: SimRelease, noise: Noise) -> str:
    """The ``<p>`` paragraphs of the body container, attachments last in their own paragraphs."""
    paragraphs = [f"<p>{noise.text(p)}</p>" for p in release.paragraphs]
    paragraphs += [
        f'<p><a href="{esc(a)}">{esc(release.attachment_label(a))}</a></p>'
        for a in release.attachments
    ]
    return "\n".join(paragraphs)


def render_article(
    site: Site, release: SimRelease, base_url: str, noise: int | None = None,
    mutation: Mutation | None = None,
) -> str:
    """A release page; ``mutation``: after a redesign, with this run's noise blocks in the
    body box (see mutate.py)."""
    family = FAMILIES[site.family]
    nz = Noise(noise)
    dates = dates_for(site, date.fromisoformat(release.published), mutation)
    body = body_html(release, nz)
    if mutation is not None:
        before, after = noise_blocks(mutation, site.slug, release.path)
        body = f"{before}\n{body}\n{after}"
    url = base_url + release.path
    others = [r for r in site.releases if r is not release and r.listed]
    related = "".join(
        RELATED_ITEM.format(link=esc(r.href), title=esc(r.title)) for r in nz.related(others)
    )
    shown_title = nz.text(release.title)  # the page's own headline: quote / &nbsp; noise too
    content = family.article.format(
        title=shown_title,
        date=dates,
        body=body,
        share=SHARE.format(url=esc(url), title=esc(release.title), shares=nz.count()),
        comments=COMMENTS.format(count=nz.count()),
        related=RELATED.format(items=related),
        newsletter=NEWSLETTER.format(csrf=nz.token()),
        offices=OFFICES,
        url=esc(url),
        listing=esc(site.listing_path),
        guid=release_guid(release),
        n=release_number(release),
    )
    meta = (
        f'<link rel="canonical" href="{esc(url)}" />\n'
        f'<meta property="og:title" content="{esc(release.title)}" />\n'
        f'<meta property="og:url" content="{esc(url)}" />\n'
    )
    if family.article_meta_date:
        meta += f'<meta property="article:published_time" content="{dates.meta}" />\n'
    page = fill_chrome(
        family.article_chrome,
        {
            "content": content,
            "head": _head(f"{release.title} | {site.name}", nz, meta),
            "tail": _tail(nz),
            "title": shown_title,
        },
    )
    if mutation is not None:
        page = mutate_page(page, mutation, site.slug)
    return nz.reindent(page)


def render_homepage(
    site: Site, base_url: str, noise: int | None = None, mutation: Mutation | None = None
) -> str:
    family = FAMILIES[site.family]
    nz = Noise(noise)
    press = (
        f'<li><a href="{esc(site.listing_path)}">Press Releases</a></li>'
        if site.press_link_on_homepage
        else ""
    )
    feed_link = ""
    if family.feed_path:
        kind = "atom" if family.feed == "atom" else "rss"
        feed_link = (
            f'<link rel="alternate" type="application/{kind}+xml" title="Press Releases" '
            f'href="{esc(family.feed_path)}" />\n'
        )
    latest = "".join(
        f'<li><a href="{esc(r.href)}">{esc(r.title)}</a></li>' for r in site.listed_releases()[:3]
    )
    office = "Congressman" if site.chamber == "house" else "Senator"
    page = HOMEPAGE.format(
        name=esc(site.name),
        office=office,
        state=esc(site.state),
        press_link=press,
        feed_link=feed_link,
        latest=latest,
    )
    slots = {"head": _head(None, nz), "tail": _tail(nz)}
    page = "".join(
        part if i % 2 == 0 else slots.get(part, "") for i, part in enumerate(_SLOT.split(page))
    )
    if mutation is not None:
        page = mutate_page(page, mutation, site.slug)
    return nz.reindent(page)


def render_feed(site: Site, base_url: str, limit: int = 10) -> tuple[str, str]:
    """(content type, body) of the site's RSS or Atom feed: its newest ``limit`` releases."""
    family = FAMILIES[site.family]
    spec = FEEDS[family.feed or "rss-drupal"]
    releases = site.listed_releases()[:limit]
    common = {
        "base": esc(base_url),
        "feed": esc(family.feed_path or site.listing_path),
        "name": esc(site.name),
        "office": "Congressman" if site.chamber == "house" else "Senator",
        "state": esc(site.state),
        "slug": esc(site.slug),
        "updated": Dates(date.fromisoformat(releases[0].published)).atom if releases else "",
    }
    items = "".join(
        spec["item"].format(
            **common,
            title=esc(r.title),
            title_raw=r.title.replace("]]>", "]]&gt;"),
            url=esc(base_url + r.href),
            teaser=esc(teaser(r, 40)),
            teaser_raw=teaser(r, 40).replace("]]>", "]]&gt;"),
            date=Dates(date.fromisoformat(r.published)),
            guid=release_guid(r),
            n=release_number(r),
        )
        for r in releases
    )
    return spec["content_type"], spec["head"].format(**common) + items + spec["tail"]
