"""The year of a year-less listing date ("June 9"), from evidence rather than from the calendar.

A listing that prints "Nov 12" says nothing of the year; the date reader (crawler/dates.py)
takes the most recent Nov 12 that is not in the future, which is wrong for a release more than
a year old. Before falling back on that, the listing itself is asked, most direct first:

1. **the release's URL** — a year path segment (``/2022/06/slug``, ``/2024/11/07/slug``,
   ``/2026/8/slug``), taken when the month it names (if any) is the date's, give or take one;
2. **the listing's order** — rows are newest first: when the listing's rows that print a full
   date are in that order, those above and below a year-less row bound its date, and a year
   that fits between them replaces the calendar's guess when that guess does not fit.

The release page (``article:published_time``, ``<time datetime>``, JSON-LD ``datePublished``,
a date printed under its title) is asked later, by the article parser: it outranks any listing
date (crawler/article.py, ``_choose_date``). Only when nothing says otherwise does the crawl
date decide, and a date is never put in the future.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from urllib.parse import urlsplit

from crawler.dates import printed_year
from crawler.items import ListingEntry

_URL_YEAR = re.compile(r"/((?:19|20)\d\d)(?:/(\d{1,2}))?(?=/)")
_YEARS_BACK = 8  # how far back a year-less date may reach (as crawler.dates does)


def is_yearless(raw: str | None, today: date | None = None) -> bool:
    """Whether the date read from this text as printed lacks a year ("June 9", "Nov 12th",
    "Nov 4 Read more"), so that its year is the calendar's guess."""
    return printed_year(raw, today) is False


def year_in_url(url: str) -> tuple[int, int | None] | None:
    """(year, month or None) of the first year segment of the URL's path, if any."""
    found = _URL_YEAR.search(urlsplit(url).path + "/")
    if not found:
        return None
    month = int(found.group(2)) if found.group(2) else None
    return int(found.group(1)), month if month and 1 <= month <= 12 else None


def settle_years(entries: list[ListingEntry], today: date) -> None:
    """Give each year-less listing date the year the evidence shows (see the module
    docstring); entries keep the calendar's reading when nothing says otherwise."""
    dates = [_date(e.published) for e in entries]
    full = [d is not None and not is_yearless(e.date_raw, today)
            for e, d in zip(entries, dates, strict=True)]
    ordered = _newest_first([d for d, f in zip(dates, full, strict=True) if f])
    for index, entry in enumerate(entries):
        guess = dates[index]
        if guess is None or full[index]:
            continue
        upper = _neighbour(dates, full, index, -1) if ordered else None
        lower = _neighbour(dates, full, index, 1) if ordered else None
        settled = _from_url(entry.url, guess, today) or _between(guess, lower, upper, today)
        if settled is not None and settled != guess:
            entry.published = settled.isoformat()


def _date(iso: str | None) -> date | None:
    try:
        return date.fromisoformat(iso) if iso else None
    except ValueError:
        return None


def _newest_first(full_dates: list[date | None]) -> bool:
    """Whether the rows with a printed year run newest first (two of them at least, every
    step non-increasing): only then do they bound the rows between them."""
    known = [d for d in full_dates if d is not None]
    return len(known) >= 2 and all(a >= b for a, b in zip(known, known[1:], strict=False))


def _neighbour(dates: list[date | None], full: list[bool], index: int, step: int) -> date | None:
    """The date of the nearest row above (step -1) or below (step 1) that prints its year."""
    at = index + step
    while 0 <= at < len(dates):
        if full[at]:
            return dates[at]
        at += step
    return None


def _from_url(url: str, guess: date, today: date) -> date | None:
    found = year_in_url(url)
    if found is None:
        return None
    year, month = found
    if month is not None and abs(month - guess.month) > 1:
        return None  # an archive path of something else, or a year boundary: not evidence
    settled = _on(year, guess)
    return settled if settled is not None and settled <= today + timedelta(days=1) else None


def _between(guess: date, lower: date | None, upper: date | None, today: date) -> date | None:
    """The latest date with the guess's month and day that is not after the row above (nor
    after today) and not before the row below; None when none fits (the rows around it are
    not in order after all)."""
    if (lower is None or guess >= lower) and (upper is None or guess <= upper):
        return guess  # the calendar's guess fits the listing: keep it
    ceiling = min(upper, today) if upper is not None else today
    for year in range(ceiling.year, ceiling.year - _YEARS_BACK, -1):
        found = _on(year, guess)
        if found is None or found > ceiling:
            continue
        return found if lower is None or found >= lower else None
    return None


def _on(year: int, guess: date) -> date | None:
    try:
        return guess.replace(year=year)
    except ValueError:  # Feb 29
        return None
