"""Dates as member sites print them."""

from __future__ import annotations

from datetime import date

import pytest

from crawler.dates import find_date_in_text, parse_date, printed_year

TODAY = date(2026, 8, 11)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("August 6, 2026", date(2026, 8, 6)),
        ("August 6th, 2026", date(2026, 8, 6)),
        ("Aug 6, 2026", date(2026, 8, 6)),
        ("Aug. 6, 2026", date(2026, 8, 6)),
        ("Sept. 3, 2025", date(2025, 9, 3)),
        ("08.10.2026", date(2026, 8, 10)),
        ("05.19.15", date(2015, 5, 19)),
        ("8/5/26", date(2026, 8, 5)),
        ("08/5/2026", date(2026, 8, 5)),
        ("03/01/13", date(2013, 3, 1)),
        ("2026-08-06", date(2026, 8, 6)),
        ("2026-08-06T10:00:00-04:00", date(2026, 8, 6)),
        ("2026-06-09 00:00:00.0", date(2026, 6, 9)),
        ("Tuesday, June 15, 2017", date(2017, 6, 15)),
        ("Monday, April 15, 2013 - 2:23pm", date(2013, 4, 15)),
        ("Thu, 06 Aug 2026 16:04:36 +0000", date(2026, 8, 6)),
        ("Tue, 28 Jul 2026 04:00:00 GMT", date(2026, 7, 28)),
        ("Thu, 02 May 2013 11:27:00 EST", date(2013, 5, 2)),
        ("Mar 9 2015", date(2015, 3, 9)),  # a Drupal date box read as text
        ("Posted in Press Releases on April 17, 2015 |", date(2015, 4, 17)),
        ("6 August 2026", date(2026, 8, 6)),
    ],
)
def test_formats(text: str, expected: date) -> None:
    assert parse_date(text, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Aug 6", date(2026, 8, 6)),
        ("Jun 15", date(2026, 6, 15)),
        ("June 11", date(2026, 6, 11)),
        ("Aug 12", date(2025, 8, 12)),  # tomorrow's date this year is in the future: last year
        ("Dec 31", date(2025, 12, 31)),
        ("Feb 29", date(2024, 2, 29)),  # the most recent year that has one
    ],
)
def test_yearless_dates_are_the_most_recent_past_one(text: str, expected: date) -> None:
    assert parse_date(text, TODAY) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Thu, 113 Apr 2026",  # malformed feed date
        "December 25, 2026",  # future
        "2027-01-01",
        "hello",
        "",
        None,
        "H.R. 1413",
        "(202) 225-3101",
        "13/45/2026",
        "Press Release",
        "2026",
        "April 2026",
    ],
)
def test_not_a_date(text: str | None) -> None:
    assert parse_date(text, TODAY) is None


def test_one_day_of_clock_skew_is_tolerated() -> None:
    assert parse_date("August 12, 2026", TODAY) == date(2026, 8, 12)
    assert parse_date("August 13, 2026", TODAY) is None


def test_find_date_in_text_takes_the_first_full_date() -> None:
    text = "Washington, DC [2/26/15] – Today, U.S. Rep. Tim Walz, on June 3, 2015, said"
    assert find_date_in_text(text, TODAY) == date(2015, 2, 26)
    assert find_date_in_text("By Staff | June 15, 2017 | 3 comments", TODAY) == date(2017, 6, 15)


def test_find_date_in_text_ignores_yearless_and_bare_numbers() -> None:
    assert find_date_in_text("The vote on May 5 was 230-193 in H.R. 1413.", TODAY) is None
    assert find_date_in_text("", TODAY) is None


def test_a_yearless_date_followed_by_the_same_day_with_its_year_is_that_date() -> None:
    # A row's text "Nov 4 November 4, 2024 Read More": the text itself says which year.
    assert parse_date("Nov 4 November 4, 2024 Read More", TODAY) == date(2024, 11, 4)
    assert printed_year("Nov 4 November 4, 2024 Read More", TODAY) is True
    # another day's full date is not the year of this one
    assert parse_date("Nov 4 · November 3, 2024", TODAY) == date(2025, 11, 4)
    assert printed_year("Nov 4 · November 3, 2024", TODAY) is False


@pytest.mark.parametrize(
    ("text", "printed"),
    [("Nov 12", False), ("Posted Nov 12th | Read more", False), ("Nov 12, 2024", True),
     ("11/12/24", True), ("2024-11-12", True), ("Press Release", None), (None, None)],
)
def test_printed_year_tells_a_guessed_year(text: str | None, printed: bool | None) -> None:
    assert printed_year(text, TODAY) is printed
