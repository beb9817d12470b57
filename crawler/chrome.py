"""Chrome that reaches a release body as text: rules for what can occur once, and the per-site
memory of what recurs.

Two kinds of evidence, both at paragraph level (after element-level stripping in article.py):

- **Rules** for chrome a single page can show: runs of one-letter share links (``f t # e``),
  counters (``Share 12``, ``Tweet 3``, ``| 4 comments``, ``Comments (4)``), ``Updated:`` /
  ``Last modified`` stamps, ``Print this page | Email this page``, and — among the paragraphs
  above the first sentence of the release — the visible date line and byline.
- **Recurrence**: a paragraph whose text, digits masked, appears on most release pages of the
  same site (at least four, and 80 % of the five or more a crawl fetched) is chrome: menus,
  sign-up boxes, office addresses, share bars whose counters change on every load.
  ``mask_hash`` is the key; the spider learns per member once all its pages are in, and storage
  keeps the keys per host (``site_chrome``), so a re-check that fetches one page strips what
  earlier crawls learned.

A closing ``###`` (or ``-30-``, ``# # #``) recurs on every release but is part of the text as
published: it is never chrome.
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import urlsplit

from crawler.dates import find_date_in_text, parse_date
from crawler.items import Article

_DIGITS = re.compile(r"\d+")
_SPACE = re.compile(r"\s+")
# The end mark of a release, as published: kept, never learned as chrome.
_END_MARK = re.compile(r"(?:#\s*){3}|-+\s*30\s*-+|\*\s*\*\s*\*|(?:-\s*){3,}")
_SEPARATORS = re.compile(r"\s*[|•·]\s*")

# One part of a share/print/counter bar (the bar is split on | • · first; digits are masked
# as 0 before matching, so "Share 59" and "Share 12" are the same part).
_BAR_PART = re.compile(
    r"(?:(?:f|t|#|e|g\+|in|share|shares|tweet|tweets|email|e-mail|print|facebook|twitter|x"
    r"|linkedin|reddit|pinterest|whatsapp|copy link|like|likes|0|comments?|\(0\))(?:\s+|$))+"
    r"|(?:print|email|e-mail|share|tweet|send)(?: (?:this|it|to a friend|a friend))?"
    r"(?: (?:page|release|article|story|post))?(?: (?:by|via|on) (?:email|e-mail|\w+))?:?"
    r"|(?:share|tweet|like|comments?)\s*:?\s*\(?0\)?"
    r"|0 (?:comments?|shares?|tweets?|likes?|views?)"
    r"|(?:font size|text size)\s*:?\s*[a+-]*",
    re.IGNORECASE,
)
_STAMP = re.compile(
    r"(?:last\s+)?(?:updated|modified|revised|edited)(?:\s+on)?\s*:?\s*.{0,40}"
    r"|last\s+(?:updated|modified)\b.{0,40}"
    r"|page generated.{0,40}",
    re.IGNORECASE,
)
# Words a date line may carry besides the date: labels, separators, a counter.
_DATE_LINE_LABELS = re.compile(
    r"\b(?:posted|published|released|updated|date|dated|issued|on|by|at|press|news|releases?"
    r"|statements?|media|for immediate release|comments?|share|[ap]\.?m\.?|et|edt|est)\b"
    r"|\d{1,2}:\d{2}|[|•·:,–—()-]",
    re.IGNORECASE,
)
_BYLINE = re.compile(r"by\s+[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,4}", re.IGNORECASE)
_RULE_MAX = 120  # a longer paragraph is text, whatever words it starts with


def mask(paragraph: str) -> str:
    """The paragraph with digits masked and space collapsed: counters compare equal."""
    return " ".join(_DIGITS.sub("0", paragraph).split()).lower()


def mask_hash(paragraph: str) -> str:
    """The key a paragraph is remembered by per site (16 hex digits of SHA-256 of the mask)."""
    return hashlib.sha256(mask(paragraph).encode("utf-8")).hexdigest()[:16]


def is_end_mark(paragraph: str) -> bool:
    return bool(_END_MARK.fullmatch(paragraph.strip()))


def is_bar(paragraph: str) -> bool:
    """A share / print / counter bar: every |-separated part is a bar part."""
    if len(paragraph) > _RULE_MAX or not re.search(r"[a-z]", paragraph, re.IGNORECASE):
        return False
    parts = [p for p in _SEPARATORS.split(_DIGITS.sub("0", paragraph).strip()) if p]
    return bool(parts) and all(_BAR_PART.fullmatch(p) for p in parts)


def is_stamp(paragraph: str) -> bool:
    """``Updated: 08/17/2021 04:13 PM``, ``Last modified: 2022-01-15 11:10``."""
    if len(paragraph) > 80 or not _STAMP.fullmatch(paragraph.strip()):
        return False
    return bool(_DIGITS.search(paragraph))


def is_date_line(paragraph: str) -> bool:
    """A short line that is a date among labels, a place or a name, or a byline:
    ``June 9, 2026``, ``Posted on 10/3/22 | Press Release``, ``Washington, D.C., June 15, 2017 |
    comments``, ``By Jane Doe``."""
    text = paragraph.strip()
    if len(text) > 90 or text.endswith((".", "?", "!", "”", '"')) and len(text.split()) > 6:
        return False
    if _BYLINE.fullmatch(text):
        return True
    if find_date_in_text(text) is None and parse_date(text) is None:
        return False
    rest = _DATE_LINE_LABELS.sub(" ", _DATE_WORDS.sub(" ", text)).split()
    # what is left may be a place ("Washington, D.C.") or a name, never a sentence
    return len(rest) <= 4 and all(w[:1].isupper() for w in rest)


_DATE_WORDS = re.compile(
    r"\b(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\b\.?,?"
    r"|\b(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b\.?"
    r"|\d{1,4}(?:st|nd|rd|th)?(?:[./-]\d{1,4})*",
    re.IGNORECASE,
)


_PERMALINK = re.compile(r"(?:permalink|short ?link|link to this page)\s*:?\s*\S+", re.IGNORECASE)


def rule_says_chrome(paragraph: str, leading: bool) -> bool:
    """Whether a single-occurrence rule strips this paragraph; ``leading``: it stands above
    the first sentence of the release (where date lines and bylines are)."""
    if is_bar(paragraph) or is_stamp(paragraph) or _PERMALINK.fullmatch(paragraph.strip()):
        return True
    return leading and is_date_line(paragraph)


# ------------------------------------------------------------------------- site learning

# A paragraph is chrome when one crawl fetched at least CHROME_SAMPLE release pages of a site
# and it is on CHROME_MIN_PAGES of them and on CHROME_SHARE of them. Chrome is on every page;
# release text that repeats ("Read the letter (PDF)") is on some. A re-check run that fetches
# two or three pages learns nothing and applies what earlier crawls learned.
CHROME_SAMPLE = 5
CHROME_MIN_PAGES = 4
CHROME_SHARE = 0.8
_LEARN_MAX = 300  # longer paragraphs are text (an "About the member" boilerplate is the office's)


def site_of(url: str) -> str:
    """The site chrome is learned per: host and port (``www.`` dropped: one site, two names)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    return f"{host}:{parts.port}" if parts.port else host


def learnable(paragraph: str) -> bool:
    """Whether recurrence may make this paragraph chrome. Never the end mark, and never a date:
    masked, every page's date looks alike, and a date written into a release is its text."""
    if not 0 < len(paragraph.strip()) <= _LEARN_MAX or is_end_mark(paragraph):
        return False
    return not is_date_line(paragraph)


def page_lines(article: Article) -> dict[str, str]:
    """key → text of every learnable line of the article's page (its body when the page's
    lines are not known, as for an article built by hand)."""
    if article.page_lines:
        return article.page_lines
    return keyed(article.paragraphs)


def keyed(paragraphs: list[str]) -> dict[str, str]:
    """The lines of a page that may be learned, by key (what ``Article.page_lines`` holds).
    Whether a line is a date is asked only of the few that recur (``SiteLines.learned``)."""
    return {
        mask_hash(p): p for p in paragraphs
        if 0 < len(p) <= _LEARN_MAX and not is_end_mark(p)
    }


class SiteLines:
    """On how many release pages of one site, in one crawl, each line was seen.

    Pages are counted as they arrive and forgotten (only keys are kept, and a sample text for
    lines seen twice), so a crawl holding many members' pages at once stays small."""

    def __init__(self) -> None:
        self.pages: set[str] = set()
        self.counts: dict[str, int] = {}
        self.samples: dict[str, str] = {}

    def add(self, article: Article) -> None:
        if article.url in self.pages:
            return
        self.pages.add(article.url)
        for key, text in page_lines(article).items():
            count = self.counts[key] = self.counts.get(key, 0) + 1
            if count == 2:
                self.samples[key] = text

    def learned(self) -> dict[str, tuple[int, float, str]]:
        """Keys on most pages: key → (pages, share of pages, sample).

        Release text repeats too ("Read the letter (PDF)", "Background:", "Media Contact:") but
        on a few releases, never on most: hence a share, not only a count."""
        total = len(self.pages)
        if total < CHROME_SAMPLE:
            return {}
        return {
            key: (count, count / total, self.samples.get(key, ""))
            for key, count in self.counts.items()
            if count >= CHROME_MIN_PAGES and count / total >= CHROME_SHARE
            and learnable(self.samples.get(key, ""))
        }


def learn(articles: list[Article]) -> dict[str, tuple[int, float, str]]:
    """What a crawl of these pages of one site learns (see ``SiteLines``). Every line of each
    page counts, not only its body: a sidebar heading that the body block takes in on some
    pages only is still on all of them."""
    lines = SiteLines()
    for article in articles:
        lines.add(article)
    return lines.learned()
