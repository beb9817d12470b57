"""Release dates as member sites print them, turned into ``datetime.date``.

Sites print ``August 6, 2026``, ``August 6th, 2026``, ``08.10.2026``, ``8/5/26``, ISO timestamps,
RFC 822 feed dates and year-less ``Aug 6``. Explicit patterns handle all of these (they are also
far faster than a general parser); ``dateutil`` is only a last resort, and only when the text
names a month and a four-digit year, because it happily invents a date out of any digits.
A date in the future is a misreading, so it is rejected.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

from dateutil import parser as dateutil_parser

from crawler import clock

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}
_MON = (
    r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_ORD = r"(?:st|nd|rd|th)?"
_FLAGS = re.IGNORECASE

ISO = re.compile(r"(?<!\d)(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?!\d)")
MONTH_DAY_YEAR = re.compile(
    rf"\b{_MON}\s*(?P<d>\d{{1,2}}){_ORD}(?!\d)\s*,?\s*(?P<y>\d{{4}})(?!\d)", _FLAGS
)
DAY_MONTH_YEAR = re.compile(rf"(?<![\w.])(?P<d>\d{{1,2}}){_ORD}\s+{_MON},?\s+(?P<y>\d{{4}})(?!\d)",
                            _FLAGS)
NUMERIC = re.compile(r"(?<![\d.])(?P<m>\d{1,2})(?P<sep>[./-])(?P<d>\d{1,2})(?P=sep)"
                     r"(?P<y>\d{4}|\d{2})(?![\d])")
NUMERIC_SLASH = re.compile(r"(?<![\d./])(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4}|\d{2})(?![\d/])")
YEARLESS = re.compile(rf"\b{_MON}\s*(?P<d>\d{{1,2}}){_ORD}(?![\d:])(?!\s*,?\s*\d)", _FLAGS)
_HAS_MONTH = re.compile(rf"\b{_MON}\b", _FLAGS)
_HAS_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")

Builder = Callable[[re.Match[str], date], date | None]


def _year(text: str, today: date) -> int:
    year = int(text)
    if len(text) == 2:
        year += 2000
        if year > today.year + 1:
            year -= 100
    return year


def _safe(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _from_parts(match: re.Match[str], today: date) -> date | None:
    groups = match.groupdict()
    if groups.get("mon"):
        month = _MONTHS[groups["mon"][:3].lower()]
    else:
        month = int(groups["m"])
    day = int(groups["d"])
    if month > 12 and day <= 12 and "mon" not in groups:
        month, day = day, month  # a day-first numeric date; US sites rarely print one
    return _safe(_year(groups["y"], today), month, day)


def _yearless(match: re.Match[str], today: date) -> date | None:
    month = _MONTHS[match.group("mon")[:3].lower()]
    day = int(match.group("d"))
    for year in range(today.year, today.year - 8, -1):  # Feb 29 needs a leap year
        found = _safe(year, month, day)
        if found and found <= today:
            return found
    return None


# (pattern, builder, allowed in free text): free text only gets patterns that carry a year.
_PATTERNS: list[tuple[re.Pattern[str], Builder, bool]] = [
    (ISO, _from_parts, True),
    (MONTH_DAY_YEAR, _from_parts, True),
    (DAY_MONTH_YEAR, _from_parts, True),
    (NUMERIC, _from_parts, False),
    (NUMERIC_SLASH, _from_parts, True),
    (YEARLESS, _yearless, False),
]


def _plausible(found: date | None, today: date) -> date | None:
    if found is None or found.year < 1990 or found > today + timedelta(days=1):
        return None
    return found


_YEARLESS_RANK = next(i for i, (pattern, _, _) in enumerate(_PATTERNS) if pattern is YEARLESS)


def _search(text: str, today: date, free_text: bool) -> date | None:
    found = _search_read(text, today, free_text)
    return found[0] if found else None


def _search_read(text: str, today: date, free_text: bool) -> tuple[date, bool] | None:
    """The earliest date in ``text`` (pattern order breaks ties), and whether the text printed
    its year. A year-less date followed by the same day with its year ("Nov 4 · November 4,
    2024") is that full date: the text itself says which year."""
    best: tuple[int, int, date] | None = None
    for rank, (pattern, build, in_text) in enumerate(_PATTERNS):
        if free_text and not in_text:
            continue
        for match in pattern.finditer(text):
            if best is not None and match.start() >= best[0]:
                break
            found = _plausible(build(match, today), today)
            if found is not None:
                best = (match.start(), rank, found)
                break
    if best is None:
        return None
    if best[1] == _YEARLESS_RANK:
        full = _search_read(text[best[0] + 1 :], today, free_text=True)
        if full and (full[0].month, full[0].day) == (best[2].month, best[2].day):
            return full
        return best[2], False
    return best[2], True


def _dateutil_fallback(text: str, today: date) -> date | None:
    if len(text) > 60 or not (_HAS_MONTH.search(text) and _HAS_YEAR.search(text)):
        return None
    try:
        parsed = dateutil_parser.parse(text, fuzzy=True, default=None)
    except (ValueError, OverflowError, TypeError):
        return None
    found = parsed.date()
    if str(found.year) not in text or not re.search(rf"(?<!\d)0?{found.day}(?!\d)", text):
        return None  # dateutil filled in a part the text never had
    return _plausible(found, today)


def _short_text(text: str | None) -> str | None:
    """``text`` single-spaced, or None when empty or too long to be a date cell."""
    text = " ".join((text or "").split())
    return text if text and len(text) <= 200 else None


def parse_date(text: str | None, today: date | None = None) -> date | None:
    """The date a short piece of text shows (a listing's date cell, a meta value); else None."""
    text = _short_text(text)
    if text is None:
        return None
    today = today or clock.today()
    return _search(text, today, free_text=False) or _dateutil_fallback(text, today)


def printed_year(text: str | None, today: date | None = None) -> bool | None:
    """Whether the date ``parse_date`` reads in ``text`` has its year printed there (False for
    "Nov 12", whose year is the calendar's guess); None when the text shows no date."""
    text = _short_text(text)
    if text is None:
        return None
    today = today or clock.today()
    found = _search_read(text, today, free_text=False)
    if found:
        return found[1]
    return True if _dateutil_fallback(text, today) else None  # it needs a year to say yes


def find_date_in_text(text: str | None, today: date | None = None) -> date | None:
    """The first full date (with a year) written in running text, e.g. below a title."""
    if not text:
        return None
    return _search(" ".join(text.split()), today or clock.today(), free_text=True)


def iso(value: date | None) -> str | None:
    return value.isoformat() if value else None
