"""The simulated Congress: plain data that the renderer and the server read on every request.

Scenarios are mutations of this data between crawls (edit a paragraph, set ``status=404``, turn
``noise`` on, hide a release from the listing...); no code path knows about scenarios.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .mutate import Mutation


@dataclass
class SimRelease:
    """One press release as the member's office publishes it."""

    slug: str
    path: str  # canonical path (what rel=canonical names and a correct crawl stores)
    title: str
    published: str  # ISO YYYY-MM-DD
    paragraphs: list[str]
    attachments: list[str] = field(default_factory=list)  # site-relative paths to .pdf files
    dateline: str | None = None  # e.g. "Washington, D.C."; see guess_dateline()
    status: int = 200  # 404, 410, 503, 301...; a non-200 release is never in expected_releases
    redirect_to: str | None = None  # path or absolute URL; implies 301 when status is 200
    extra_paths: list[str] = field(default_factory=list)  # same page under other URLs
    link_path: str | None = None  # what listings and feeds link to (default: path)
    listed: bool = True  # False: still served, but no longer on the listing (delisted)
    headers: dict[str, str] = field(default_factory=dict)  # extra response headers
    source_url: str = ""  # the real release this text came from (provenance)

    @property
    def href(self) -> str:
        """The path listings and feeds link to."""
        return self.link_path or self.path

    @property
    def all_paths(self) -> list[str]:
        paths = [self.path, *self.extra_paths]
        if self.link_path and self.link_path not in paths:
            paths.append(self.link_path)
        return paths

    def attachment_label(self, attachment: str) -> str:
        """Link text of an attachment: ``Read the letter (PDF)``."""
        stem = attachment.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        return f"Read the {stem.replace('-', ' ').replace('_', ' ')} (PDF)"

    def body_paragraphs(self) -> list[str]:
        """The paragraphs a page shows in its body container: text, then one per attachment."""
        return [*self.paragraphs, *(self.attachment_label(a) for a in self.attachments)]


@dataclass
class Site:
    """One member's press site, served on its own 127.0.0.1 port."""

    slug: str
    bioguide_id: str  # fake (X000001...), never a real member's
    name: str  # official full name
    chamber: str  # "house" | "senate"
    state: str
    district: int | None  # House only
    party: str
    family: str  # key of families.FAMILIES
    listing_path: str  # first listing page (for feed families: the feed)
    releases: list[SimRelease] = field(default_factory=list)  # newest first
    page_size: int = 10
    variant: int = 0  # which of the family's real row variants the listing uses
    press_link_on_homepage: bool = True
    press_url_in_config: bool = True  # False: the crawler must discover it from the homepage
    site_status: int | None = None  # e.g. 403: every request, robots.txt included, gets it
    robots_txt: str = "User-agent: *\nDisallow: /admin/\nDisallow: /search\n"
    noise: bool = False  # every render differs in ways that are never an edit
    delay: float = 0.0  # seconds to wait before answering each request
    conditional: bool = True  # False: articles carry no ETag / Last-Modified and never answer 304
    past_end: str | None = None  # override the family's "loop" | "empty" | "404"
    # A misbehaving server (see server.FAULTS): on every path but robots.txt, or only on
    # ``fault_paths``. ``fault_target`` is where the redirect faults send the crawler.
    fault: str | None = None
    fault_paths: list[str] | None = None
    fault_target: str | None = None
    retry_after: str = "1"  # the Retry-After header of the 503 / 429 faults

    @property
    def first_name(self) -> str:
        return self.name.split()[0]

    @property
    def last_name(self) -> str:
        return self.name.split()[-1]

    def release(self, key: str) -> SimRelease:
        """A release by slug or path."""
        for release in self.releases:
            if key in (release.slug, release.path):
                return release
        raise KeyError(f"{self.slug}: no release {key!r}")

    def listed_releases(self) -> list[SimRelease]:
        return [r for r in self.releases if r.listed]


@dataclass
class Congress:
    sites: list[Site] = field(default_factory=list)
    noise: bool = False  # noise on every site
    noise_seed: int = 0  # mixed into the per-request noise
    seed: int = 0  # the builder's seed
    drawn: int = 0  # real releases drawn so far (build.add_new_release draws the next)
    mutation: Mutation | None = None  # every page's markup rewritten (see mutate.py)

    def site(self, key: str) -> Site:
        """A site by slug or bioguide id."""
        for site in self.sites:
            if key in (site.slug, site.bioguide_id):
                return site
        raise KeyError(f"no site {key!r}")

    def noisy(self, site: Site) -> bool:
        return self.noise or site.noise


_DATELINE = re.compile(
    r"^\s*[\[(]?(?P<place>[^\s\[\]()][^–—\[\]()]{0,45}?)[\])]?,?\s*(?:\([^()]{0,30}\))?\s*"
    r"(?:–|—|--|-(?=\s))"
)
_PLACE_WORD = re.compile(r"[A-Z][A-Za-z.'’]*\.?")


def guess_dateline(first_paragraph: str) -> str | None:
    """The dateline of a release: the place before " – ", " - ", "--" or "—" in its first
    paragraph. The place may be bracketed or parenthesized (``(Houston, TX)—``), and a date in
    parentheses may follow it (``WASHINGTON, D.C. (Nov. 11, 2019) –``).

    Only when it looks like a place: one to three comma-separated parts of one to three
    capitalized words (``WASHINGTON, D.C.``, ``Miami, FL``, ``RED OAK, Iowa``). All-caps words
    are title-cased except abbreviations (``D.C.``, ``FL``): ``WASHINGTON, D.C.`` becomes
    ``Washington, D.C.``.
    """
    match = _DATELINE.match(first_paragraph)
    if not match:
        return None
    place = match.group("place").strip().rstrip(",")
    parts = [p.strip() for p in place.split(",")]
    if not 1 <= len(parts) <= 3 or not all(parts):
        return None
    for part in parts:
        words = part.split()
        if not 1 <= len(words) <= 3 or not all(_PLACE_WORD.fullmatch(w) for w in words):
            return None
    return ", ".join(" ".join(_place_case(w) for w in part.split()) for part in parts)


def _place_case(word: str) -> str:
    letters = word.replace(".", "")
    if not letters.isupper() or "." in word or len(letters) <= 2:
        return word
    return word.capitalize()
