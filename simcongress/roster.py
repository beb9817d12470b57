"""What the crawler is given (roster, config overrides) and what it must find (ground truth)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.robotparser import RobotFileParser

import yaml

from .families import FAMILIES
from .model import Congress, Site
from .server import SimServer


def _person(site: Site, base_url: str, index: int) -> dict[str, Any]:
    term: dict[str, Any] = {
        "type": "rep" if site.chamber == "house" else "sen",
        "start": "2025-01-03",
        "end": "2027-01-03" if site.chamber == "house" else "2031-01-03",
        "state": site.state,
    }
    if site.chamber == "house":
        term["district"] = site.district
    else:
        term["class"] = index % 3 + 1
    term["party"] = site.party
    term["url"] = base_url
    return {
        "id": {"bioguide": site.bioguide_id},
        "name": {"first": site.first_name, "last": site.last_name, "official_full": site.name},
        "bio": {"gender": "F" if index % 2 else "M"},
        "terms": [term],
    }


def roster_people(congress: Congress, server: SimServer) -> list[dict[str, Any]]:
    return [_person(s, server.base_url(s), i) for i, s in enumerate(congress.sites)]


def write_roster(congress: Congress, server: SimServer, path: str | Path) -> Path:
    """A legislators-current.yaml-format roster whose homepages are the simulated sites."""
    path = Path(path)
    path.write_text(
        yaml.safe_dump(roster_people(congress, server), sort_keys=False, allow_unicode=True),
        encoding="utf-8",
    )
    return path


def config_overrides(congress: Congress, server: SimServer) -> dict[str, Any]:
    """``members:`` overrides for config.yaml.

    Sites with ``press_url_in_config`` get their listing URL; the others (about one in five)
    get nothing, so the crawler must discover the press page from the homepage. Feed sites get
    ``press_url`` = ``rss_url`` = the feed URL and ``template: rss``.
    """
    members: dict[str, dict[str, Any]] = {}
    for site in congress.sites:
        if not site.press_url_in_config:
            continue
        url = server.url(site, site.listing_path)
        if FAMILIES[site.family].feed_is_source:
            members[site.bioguide_id] = {"press_url": url, "rss_url": url, "template": "rss"}
        else:
            members[site.bioguide_id] = {"press_url": url}
    return {"members": members}


def write_config(
    congress: Congress, server: SimServer, path: str | Path, roster: str | Path, **extra: Any
) -> Path:
    """A config.yaml naming ``roster`` and the overrides; ``extra`` adds top-level keys."""
    path = Path(path)
    config = {"roster": str(roster), **config_overrides(congress, server), **extra}
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


def _robots(site: Site) -> RobotFileParser:
    parser = RobotFileParser()
    parser.parse(site.robots_txt.splitlines())
    return parser


def normalize_ws(text: str) -> str:
    return " ".join(text.split())


def expected_releases(
    congress: Congress, server: SimServer, pages: int = 1
) -> list[dict[str, Any]]:
    """What a correct crawl of the first ``pages`` listing pages (feeds: 10 items) must store.

    Left out: blocked sites (``site_status``), sites whose press page can be neither read from
    the config nor discovered on the homepage, pages robots.txt forbids, and releases that do
    not answer 200 (404/410/503/redirected). ``paragraphs`` are the body container's paragraphs,
    whitespace-normalized, attachment links ("Read the letter (PDF)") included; ``url`` is the
    canonical URL, ``link_url`` the one the listing links to.
    """
    expected: list[dict[str, Any]] = []
    for site in congress.sites:
        family = FAMILIES[site.family]
        if site.site_status or not (site.press_url_in_config or site.press_link_on_homepage):
            continue
        robots = _robots(site)
        base = server.base_url(site)
        if not robots.can_fetch("*", base + site.listing_path):
            continue
        listed = site.listed_releases()
        shown = listed[:10] if family.feed_is_source else listed[: pages * site.page_size]
        for release in shown:
            if release.status != 200 or release.redirect_to:
                continue
            if not robots.can_fetch("*", base + release.href):
                continue
            paragraphs = [normalize_ws(p) for p in release.body_paragraphs()]
            expected.append(
                {
                    "bioguide_id": site.bioguide_id,
                    "site": site.slug,
                    "family": site.family,
                    "url": base + release.path,
                    "link_url": base + release.href,
                    "title": normalize_ws(release.title),
                    "published": release.published,
                    "dateline": release.dateline,
                    "paragraphs": [p for p in paragraphs if p],
                    "attachments": [base + a for a in release.attachments],
                }
            )
    return expected
