"""Site families as data: ``templates.yaml`` says how each family's pages look.

A family lists CSS selectors; where a key holds several, they are alternatives tried in order
(the first that finds something wins). A member whose site deviates a little gets a small
override dict with the same keys, merged over the family (see ``Family.merged``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from functools import cache
from importlib import resources
from typing import Any

import yaml

# Per-member hints use python-statement's column names (crawler/data/member-templates.csv);
# accept them so a hint row can be passed as an override unchanged.
_ALIASES = {
    "container": "rows",
    "container_selector": "rows",
    "row": "rows",
    "title_selector": "title",
    "title_sel": "title",
    "link_selector": "link",
    "link_sel": "link",
    "date_selector": "date",
    "date_sel": "date",
    "url_prefix": "link_base",
    "body_selector": "body",
    "body_selectors": "body",
}


@dataclass(frozen=True)
class Family:
    """How one site family's listing and article pages are read."""

    name: str
    kind: str = "html"  # "html" | "feed" | "generic"
    description: str = ""
    # recognition: CSS selectors, raw-markup substrings, URL substrings
    markers: tuple[str, ...] = ()
    text_markers: tuple[str, ...] = ()
    url_markers: tuple[str, ...] = ()
    # listing rows and the fields inside a row
    rows: tuple[str, ...] = ()
    title: tuple[str, ...] = ()
    link: tuple[str, ...] = ()
    date: tuple[str, ...] = ()
    date_attr: str | None = None  # read the date from this attribute first (e.g. datetime)
    date_before: int = 0  # also look for the date in this many preceding siblings of a row
    link_base: str | None = None  # path that relative release links are relative to
    pagination: str | None = None  # "page0" | "Page" | "PageNum_rs" | "wp" | None (links only)
    # article pages
    article_title: tuple[str, ...] = ()
    article_date: tuple[str, ...] = ()
    body: tuple[str, ...] = ()
    body_broad: tuple[str, ...] = ()

    def restricted(self, keep: Callable[[str], bool]) -> Family:
        """This family without the selectors ``keep`` rules out (for one page, e.g. those
        naming classes the page does not have): fewer selectors to run per row."""
        return replace(self, **{
            name: tuple(sel for sel in getattr(self, name) if keep(sel))
            for name in _SELECTOR_FIELDS
        })

    def merged(self, overrides: dict[str, Any] | None) -> Family:
        """This family with a member's overrides applied (unknown keys are ignored)."""
        if not overrides:
            return self
        return replace(self, **_coerce(overrides))


_FIELDS = {f.name: f for f in fields(Family)}
_SELECTOR_FIELDS = (
    "rows", "title", "link", "date", "article_title", "article_date", "body", "body_broad",
)
_TUPLE_FIELDS = {name for name, f in _FIELDS.items() if str(f.type).startswith("tuple")}


def _coerce(data: dict[str, Any]) -> dict[str, Any]:
    """YAML/override values → Family field values (a single selector may be a plain string)."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        key = _ALIASES.get(key, key)
        if key not in _FIELDS or key == "name" or value is None or value == "":
            continue
        if key in _TUPLE_FIELDS:
            if isinstance(value, str):
                value = [v.strip() for v in value.split("|")] if "|" in value else [value]
            value = tuple(str(v) for v in value if str(v).strip())
        elif key == "date_before":
            value = int(value)
        out[key] = value
    return out


@cache
def _families() -> dict[str, Family]:
    text = resources.files("crawler").joinpath("templates.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    families: dict[str, Family] = {}
    for name, spec in data["families"].items():
        families[name] = Family(name=name, **_coerce(spec or {}))
    return families


def get_family(name: str) -> Family:
    """The family called ``name``; KeyError names the known ones when there is none."""
    try:
        return _families()[name]
    except KeyError:
        raise KeyError(f"unknown site family {name!r}; known: {', '.join(_families())}") from None


def all_families() -> list[Family]:
    """Every family, in templates.yaml order (the order detection breaks ties in)."""
    return list(_families().values())


def family_names() -> list[str]:
    return list(_families())
