"""Build a simulated Congress from the real releases in ``simcongress/data/releases``."""

from __future__ import annotations

import json
import random
import re
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from .data import releases_dir
from .families import FAMILIES, FAMILY_NAMES, Family
from .model import Congress, SimRelease, Site, guess_dateline

MAX_PARAGRAPHS = 120  # two real releases are 1,000+ one-line paragraphs; leave them out

_FIRST = (
    "Alex Jordan Casey Morgan Taylor Riley Jamie Avery Quinn Harper Rowan Emerson Dana Leslie "
    "Robin Terry Shawn Blake Drew Reese Parker Sydney Kendall Logan Cameron Hayden Marion Frances "
    "Tracy Carmen Jesse Kerry Lee Sam Jody Noel Ari Devon Shannon Corey"
).split()
_LAST = (
    "Abernathy Bellweather Castellanos Delacroix Ellingsen Fairweather Galloway Hargrove Ingersoll "
    "Jablonski Kettering Lindqvist Montague Northcutt Oyelaran Pemberton Quintero Rasmussen "
    "Stanhope Thistlewood Underhill Vasquez-Lind Whitcombe Yarborough Zelinski Ashdown Birchfield "
    "Copperfield Dunmore Eastwick Fenwright Glenister Holloway Ironside Juniper Kingsley Lockhart "
    "Merriweather Nettleton Oakhurst Prescott Redgrave Silverton Trelawney Upton Vandermeer "
    "Wakefield Yardley Ashcombe Brightwater"
).split()
STATES = (
    "AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ "
    "NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY"
).split()


@dataclass(frozen=True)
class RealRelease:
    title: str
    published: str
    paragraphs: tuple[str, ...]
    source_url: str


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs of a release text: split on blank lines, stripped, empty ones dropped."""
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


@lru_cache(maxsize=1)
def real_releases() -> tuple[RealRelease, ...]:
    """Every usable real release, once: text present, distinct text and title, sane length."""
    found: list[RealRelease] = []
    texts: set[str] = set()
    titles: set[str] = set()
    for path in sorted(releases_dir().glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            record = json.loads(line)
            text, title, day = record.get("text"), record.get("title"), record.get("date")
            if not text or not title or not day:
                continue
            paragraphs = split_paragraphs(text)
            key = "\n".join(paragraphs)
            title = " ".join(title.split())
            if not paragraphs or len(paragraphs) > MAX_PARAGRAPHS:
                continue
            if key in texts or title in titles:
                continue
            texts.add(key)
            titles.add(title)
            found.append(RealRelease(title, day[:10], tuple(paragraphs), record.get("url", "")))
    found.sort(key=lambda r: (r.published, r.source_url, r.title))
    return tuple(found)


@lru_cache(maxsize=16)
def _pool(seed: int) -> tuple[RealRelease, ...]:
    pool = list(real_releases())
    random.Random(seed).shuffle(pool)
    return tuple(pool)


def _draw(seed: int, t: int) -> tuple[RealRelease, list[str]]:
    """The ``t``-th release of a Congress built with ``seed``: title, date and paragraphs.

    The first pass over the pool uses each real release as it is. Later passes (needed past
    ~950 releases) lead with a release's first paragraph and follow with another release's
    paragraphs, so every body in one Congress stays distinct.
    """
    pool = _pool(seed)
    size = len(pool)
    base = pool[t % size]
    rounds = t // size
    if rounds == 0:
        return base, list(base.paragraphs)
    offset = 1 + (rounds * 7919 + rounds * rounds) % (size - 1)
    partner = pool[(t % size + offset) % size]
    return base, [base.paragraphs[0], *partner.paragraphs]


def slugify(title: str, limit: int = 80) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    if len(slug) > limit:
        slug = slug[:limit].rsplit("-", 1)[0]
    return slug or "release"


def release_for(
    site: Site,
    title: str,
    published: str,
    paragraphs: list[str],
    number: int,
    attachments: list[str] | None = None,
    source_url: str = "",
) -> SimRelease:
    """A release laid out the way ``site``'s family lays out URLs (slug unique on the site)."""
    family: Family = FAMILIES[site.family]
    base_slug = slugify(title)
    taken = {r.slug for r in site.releases}
    slug, k = base_slug, 1
    while slug in taken:
        k += 1
        slug = f"{base_slug}-{k}"
    day = date.fromisoformat(published)
    fields = {
        "slug": slug,
        "y": day.year,
        "m": day.month,
        "mm": f"{day.month:02d}",
        "dd": f"{day.day:02d}",
        "n": number,
    }
    path = family.article_path.format(guid="", **fields)
    guid = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{site.slug}{path}")).upper()
    link_path = family.link_path.format(guid=guid, **fields) if family.link_path else None
    return SimRelease(
        slug=slug,
        path=path,
        title=title,
        published=published,
        paragraphs=list(paragraphs),
        attachments=list(attachments or []),
        dateline=guess_dateline(paragraphs[0]) if paragraphs else None,
        extra_paths=[link_path] if link_path else [],
        link_path=link_path,
        source_url=source_url,
    )


def _attachments(rng: random.Random, site: Site, slug: str) -> list[str]:
    roll = rng.random()
    stems = ["letter", "bill-text"] if roll < 0.05 else ["letter"] if roll < 0.25 else []
    return [f"/files/{site.slug}/{slug}/{stem}.pdf" for stem in stems]


def _drawn_release(site: Site, seed: int, t: int) -> SimRelease:
    base, paragraphs = _draw(seed, t)
    release = release_for(
        site, base.title, base.published, paragraphs, 5000 + t, source_url=base.source_url
    )
    release.attachments = _attachments(random.Random(f"{seed}:{t}"), site, release.slug)
    return release


def build_congress(
    n_sites: int,
    releases_per_site: int = 10,
    seed: int = 0,
    families: list[str] | None = None,
    page_size: int | None = None,
) -> Congress:
    """``n_sites`` sites cycling through ``families`` (default: the 15 of FAMILY_NAMES, so
    n >= 15 covers every default family), each with ``releases_per_site`` real releases, newest
    first. Deterministic by seed.

    About one site in five (never a feed site) is left out of the config overrides, so its
    press page must be discovered from its homepage. Sites of a family cycle through the
    family's real row variants.
    """
    names = families or FAMILY_NAMES
    unknown = [f for f in names if f not in FAMILIES]
    if unknown:
        raise ValueError(f"unknown families: {', '.join(unknown)}")
    rng = random.Random(seed)
    congress = Congress(seed=seed)
    slugs: set[str] = set()
    districts: dict[str, int] = {}
    for i in range(n_sites):
        family = FAMILIES[names[i % len(names)]]
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        slug = re.sub(r"[^a-z]", "", last.lower())
        if slug in slugs:
            slug = f"{slug}{i + 1}"
        slugs.add(slug)
        state = STATES[i % len(STATES)]
        district = None
        if family.chamber == "house":
            districts[state] = districts.get(state, 0) + 1
            district = districts[state]
        site = Site(
            slug=slug,
            bioguide_id=f"X{i + 1:06d}",
            name=f"{first} {last}",
            chamber=family.chamber,
            state=state,
            district=district,
            party=rng.choice(["Democrat", "Republican", "Democrat", "Republican", "Independent"]),
            family=family.name,
            listing_path=family.listing_path,
            page_size=page_size or 10,
            variant=i // len(names),
            press_url_in_config=family.feed_is_source or i % 5 != 4,
        )
        for _ in range(releases_per_site):
            site.releases.append(_drawn_release(site, seed, congress.drawn))
            congress.drawn += 1
        site.releases.sort(key=lambda r: r.published, reverse=True)
        congress.sites.append(site)
    return congress


def add_new_release(congress: Congress, site: Site, published: str | None = None) -> SimRelease:
    """Publish one more real release (never used in this Congress) at the top of ``site``.

    Dated the day after the site's newest release unless ``published`` is given.
    """
    release = _drawn_release(site, congress.seed, congress.drawn)
    congress.drawn += 1
    if published is None:
        newest = max((r.published for r in site.releases), default=release.published)
        published = (date.fromisoformat(newest) + timedelta(days=1)).isoformat()
    if published != release.published:
        fresh = release_for(
            site,
            release.title,
            published,
            release.paragraphs,
            5000 + congress.drawn - 1,
            release.attachments,
            release.source_url,
        )
        release = fresh
    site.releases.insert(0, release)
    return release
