"""The roster: who is watched, and where each member's press releases live.

Sources, in order of precedence: ``members:`` overrides in config.yaml, then the bundled
press-page map (``crawler/data/press-pages.csv``), then nothing (the crawler discovers the press
page from the member's homepage).
"""

from __future__ import annotations

import csv
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from crawler.config import ConfigError, resolve_path

try:  # the C loader reads the 1 MB roster ten times faster
    from yaml import CSafeLoader as YamlLoader
except ImportError:  # pragma: no cover - libyaml missing
    from yaml import SafeLoader as YamlLoader  # type: ignore[assignment]


# python-statement's scraper labels (bundled press-pages.csv) → our family names.
HINT_FAMILIES = {
    "media_body": "house-evo",
    "article_newsblocker": "house-documentquery",
    "table_recordlist_date": "recordlist",
    "senate_drupal_newscontent": "newscontent",
    "senate_drupal": "newscontent",
    "tokuda": "newscontent",
    "jet_listing_elementor": "wordpress-jetengine",
    "jetlisting_h2": "wordpress-jetengine",
    "elementor_post_date": "wordpress-elementor",
    "article_span_published": "wordpress-divi",
    "article_block": "senate-articleblock",
    "article_block_h2_date": "senate-articleblock",
    "article_block_h2_p_date": "senate-articleblock",
    "element_post_media": "element",
    "rss": "rss",
    "generic": "generic",
    "react": "generic",
    "joyce": "generic",
    "cornyn": "generic",
}


class RosterError(ValueError):
    """The roster file is missing, unreadable or not in the expected format."""


@dataclass
class Member:
    bioguide_id: str
    name: str
    chamber: str  # "house" | "senate"
    state: str
    district: int | None
    party: str
    homepage: str | None
    press_url: str | None = None
    rss_url: str | None = None
    template: str | None = None  # a hint; the crawler decides from the page's markup
    press_url_source: str = "none"  # "config" | "bundled" | "none" (then discovered)
    enabled: bool = True
    site_aliases: list[str] = field(default_factory=list)  # other domains that are its site
    hints: dict[str, str] = field(default_factory=dict)  # bundled per-member selector hints

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def family_hint(self) -> str | None:
        """The template hint as a family name (bundled hints use python-statement's labels)."""
        if not self.template:
            return None
        return HINT_FAMILIES.get(self.template, self.template)


def data_file(name: str) -> Path:
    return Path(str(resources.files("crawler") / "data" / name))


def load_members(config: dict[str, Any]) -> list[Member]:
    """Roster + press-page map + config overrides, in roster order."""
    source = config["roster"]
    path = data_file("legislators-current.yaml") if source == "bundled" else resolve_path(
        config, source
    )
    members = [member_from_person(p, path) for p in read_roster(path)]
    press_map = bundled_press_map()
    hints = bundled_template_hints()
    for member in members:
        apply_press_map(member, press_map.get(member.bioguide_id))
        member.hints = hints.get(member.bioguide_id, {})
    apply_overrides(members, config["members"])
    return members


def read_roster(path: Path) -> list[dict[str, Any]]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RosterError(f"cannot read roster {path}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise RosterError(
            f"roster {path} is not UTF-8 text (byte {exc.start}): save it as UTF-8"
        ) from exc
    try:
        people = yaml.load(text, Loader=YamlLoader)
    except yaml.YAMLError as exc:
        raise RosterError(f"roster {path} is not valid YAML: {' '.join(str(exc).split())}") from exc
    if not isinstance(people, list) or not people:
        raise RosterError(f"roster {path} must be a non-empty list of people")
    return people


def member_from_person(person: Any, path: Path) -> Member:
    try:
        bioguide = person["id"]["bioguide"]
        name = person["name"]
        term = person["terms"][-1]
        kind = term["type"]
    except (KeyError, IndexError, TypeError, AttributeError) as exc:
        raise RosterError(
            f"roster {path}: an entry lacks id.bioguide, name or terms ({exc})"
        ) from exc
    if kind not in ("rep", "sen"):
        raise RosterError(f"roster {path}: {bioguide} has term type {kind!r}, not rep or sen")
    if not isinstance(name, dict) or not isinstance(term, dict):
        raise RosterError(
            f"roster {path}: {bioguide}'s name and terms must be mappings"
            " (name: {first: ..., last: ...}), not {name!r}"
        )
    full_name = name.get("official_full") or f"{name.get('first', '')} {name.get('last', '')}"
    return Member(
        bioguide_id=str(bioguide),
        name=str(full_name).strip(),
        chamber="house" if kind == "rep" else "senate",
        state=str(term.get("state", "")),
        district=term.get("district") if kind == "rep" else None,
        party=str(term.get("party", "")),
        # Kept as text even when it is no URL (``url: 12345``): the crawl refuses it for this
        # member alone, with a message, instead of the whole roster failing.
        homepage=text_or_none(term.get("url")),
        rss_url=(text_or_none(term.get("rss_url")) or "").replace("&amp;", "&") or None,
    )


def text_or_none(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


@lru_cache(maxsize=1)
def bundled_press_map() -> dict[str, dict[str, str]]:
    with data_file("press-pages.csv").open(encoding="utf-8", newline="") as fh:
        return {row["bioguide_id"]: row for row in csv.DictReader(fh)}


@lru_cache(maxsize=1)
def bundled_template_hints() -> dict[str, dict[str, str]]:
    with data_file("member-templates.csv").open(encoding="utf-8", newline="") as fh:
        return {
            row["bioguide_id"]: {k: v for k, v in row.items() if v and k != "bioguide_id"}
            for row in csv.DictReader(fh)
        }


def same_site(a: str | None, b: str | None) -> bool:
    def host(url: str) -> str:
        try:
            return (urlsplit(url).hostname or "").removeprefix("www.")
        except ValueError:  # e.g. "http://[oops" from a hand-edited roster
            return ""

    return bool(a and b) and host(a) == host(b)


def apply_press_map(member: Member, row: dict[str, str] | None) -> None:
    """Use the bundled map only when it describes this member's own site.

    A custom roster may reuse real bioguide ids for other sites; the map must not send the
    crawler to a site the roster never named.
    """
    if not row:
        return
    if member.homepage and not same_site(row["homepage_url"], member.homepage):
        return
    member.homepage = member.homepage or row["homepage_url"] or None
    member.press_url = row["press_url"] or None
    member.press_url_source = "bundled" if member.press_url else "none"
    member.rss_url = member.rss_url or row["rss_url"] or None
    member.template = row["template_hint"] or None


def apply_overrides(members: list[Member], overrides: dict[str, dict[str, Any]]) -> None:
    by_id = {m.bioguide_id: m for m in members}
    for bioguide, override in overrides.items():
        member = by_id.get(bioguide)
        if member is None:
            raise ConfigError(f"config key 'members.{bioguide}': no such member in the roster")
        if "press_url" in override:
            member.press_url = override["press_url"]
            member.press_url_source = "config"
        if "rss_url" in override:
            member.rss_url = override["rss_url"]
        if "template" in override:
            member.template = override["template"]
        if "enabled" in override:
            member.enabled = override["enabled"]
        if "site_aliases" in override:
            member.site_aliases = list(override["site_aliases"])


def select_members(members: list[Member], wanted: list[str] | None) -> list[Member]:
    """The members named on the command line (all enabled ones when none are named)."""
    if not wanted:
        return [m for m in members if m.enabled]
    by_id = {m.bioguide_id: m for m in members}
    unknown = [w for w in wanted if w not in by_id]
    if unknown:
        raise RosterError(f"no such member in the roster: {', '.join(unknown)}")
    return [by_id[w] for w in wanted]
