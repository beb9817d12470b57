"""An old House documentsingle.aspx page: no share bar, counter, sign-up or office list in the body.

tests/fixtures/seed_documentsingle.html is built after the ASP.NET House template (the whole page
inside one <form>, #news_text inside .bodycopy, a "Washington, D.C., June 15, 2017 | comments"
line above the body). Its chrome sits both around and inside #news_text, some with telling
classes, some as bare text, so both the element and the text filters are exercised.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from crawler.article import parse_article
from crawler.detect import detect_family

SEED = Path(__file__).parent / "fixtures" / "seed_documentsingle.html"
URL = "http://walden.house.gov/news/documentsingle.aspx?DocumentID=401234"

CHROME = [
    "f t # e", "comments", "Stay Connected", "newsletter", "Sign Up", "Office Locations",
    "Rayburn", "Medford", "Phone", "Related Releases", "FCC Vote", "Print", "Privacy",
    "Press Releases", "Home", "June 15, 2017", "Email address",
]


@pytest.fixture(scope="module")
def article():
    return parse_article(SEED.read_bytes(), URL, today=date(2026, 8, 1))


def test_detected_as_documentquery() -> None:
    assert detect_family(SEED.read_bytes(), URL) == "house-documentquery"


def test_metadata(article) -> None:
    assert article.url == "https://walden.house.gov/news/documentsingle.aspx?DocumentID=401234"
    assert article.title == "Walden Introduces Rural Broadband Mapping Act"
    assert article.published == "2017-06-15"
    assert article.date_source == "article-text"  # the page has no date metadata
    assert article.dateline == "Washington, D.C."


def test_body_is_exactly_the_release(article) -> None:
    assert article.paragraphs == [
        "WASHINGTON, D.C. – Today, Congressman Greg Walden (R-OR) introduced the Rural Broadband "
        "Mapping Act, legislation to require the Federal Communications Commission to publish "
        "accurate, street-level maps of where high-speed internet service is available.",
        "“Families in rural Oregon are told they have broadband when they can barely load an "
        "email,” said Walden. “We cannot close the digital divide with maps that hide it.”",
        "The bill would direct the FCC to: collect coverage data at the address level;",
        "allow consumers to challenge inaccurate coverage claims; and",
        "update the maps every six months.",
        "The full text of the bill is available here, and a section-by-section summary is here.",
        "###",
    ]


@pytest.mark.parametrize("phrase", CHROME)
def test_no_chrome_in_body(article, phrase: str) -> None:
    assert phrase not in article.body_text


def test_attachments(article) -> None:
    assert article.attachments == [
        "https://walden.house.gov/uploadedfiles/rural_broadband_mapping_act.pdf",
        "https://walden.house.gov/uploadedfiles/section_by_section.docx",
    ]


def test_text_filter_alone_catches_classless_chrome() -> None:
    # Same page with every telling class removed: only the text and heading rules remain.
    html = SEED.read_text(encoding="utf-8")
    for name in ("sharebar", "newsletter-signup", "breadcrumb", "sidebar"):
        html = html.replace(f'class="{name}"', "")
    article = parse_article(html, URL, today=date(2026, 8, 1))
    for phrase in ["f t # e", "comments", "Stay Connected", "Office Locations", "Rayburn",
                   "Print"]:
        assert phrase not in article.body_text
    assert len(article.paragraphs) == 7
