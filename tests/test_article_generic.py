"""The generic, title-anchored article path: real pages with every template disabled, the
vendor template whose selectors find the page heading, the template check, single-occurrence
chrome rules."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from crawler.article import choose_body, parse_article, token_f1
from crawler.chrome import is_bar, is_date_line, is_stamp, mask_hash
from crawler.fingerprint import normalize_text
from crawler.mainblock import words
from simcongress import build_congress, render_article

ROOT = Path(__file__).resolve().parent.parent
LABELS = yaml.safe_load((Path(__file__).parent / "fixtures" / "article_labels.yaml").read_text())
TODAY = date(2026, 8, 1)


@pytest.mark.parametrize("name", sorted(LABELS))
def test_generic_path_alone_reads_real_pages(name: str) -> None:
    """Leave one family out: no family selector at all, against hand-written labels."""
    label = LABELS[name]
    html = (ROOT / label["path"]).read_bytes()
    article = parse_article(html, label["url"], today=TODAY, templates=False)
    assert article.parser == "generic"
    assert article.title == label["title"]
    assert article.published == label["published"]
    assert token_f1(words(article.body_text), words(label["body"])) >= 0.95
    assert article.paragraphs[-1] == "###"  # the closing mark stays (see docs/extraction.md)


@pytest.mark.parametrize("name", sorted(LABELS))
def test_template_path_agrees_with_the_labels(name: str) -> None:
    label = LABELS[name]
    article = parse_article((ROOT / label["path"]).read_bytes(), label["url"], today=TODAY)
    assert article.parser == "template"
    assert token_f1(words(article.body_text), words(label["body"])) >= 0.95


def test_vendor_template_heading_is_rejected_for_the_generic_body() -> None:
    # The page heading "Press Releases" sits in the first "article .content": the template
    # body is a heading, so the title-anchored block wins and the disagreement is recorded.
    congress = build_congress(1, releases_per_site=4, seed=1, families=["vendor-post"])
    site = congress.sites[0]
    for index, release in enumerate(site.releases):
        html = render_article(site, release, "http://127.0.0.1:9", noise=index)
        article = parse_article(html, "http://127.0.0.1:9" + release.path, today=TODAY)
        assert (article.parser, article.disagreement) == ("generic", True)
        assert [normalize_text(p) for p in article.paragraphs] == [
            normalize_text(p) for p in release.body_paragraphs()
        ]
        assert normalize_text(article.title) == normalize_text(release.title)
        assert article.published == release.published
        assert any(is_date_line(line) for line in article.stripped)  # "Apr 09 2026"


BODY = [
    "WASHINGTON – Today the senator introduced a bill that would fund rural water systems.",
    "The bill provides grants to small towns and requires a report to Congress every year.",
    "“Clean water is not optional,” the senator said at a press conference on Monday.",
]


def test_template_body_checked_against_the_generic_block() -> None:
    assert choose_body(BODY, BODY) == (BODY, "template", False)
    assert choose_body(["Press Releases"], BODY) == (BODY, "generic", True)  # a heading
    assert choose_body(BODY[:1], BODY) == (BODY, "generic", True)  # much shorter
    other = ["An unrelated teaser of some other release with words we do not share at all."] * 3
    assert choose_body(other, BODY) == (BODY, "generic", True)  # misses most of it
    assert choose_body(None, BODY) == (BODY, "generic", False)  # no template body at all
    # nothing solid to check against: the template stands
    assert choose_body(["Photo release."], ["Photo release."]).parser == "template"


@pytest.mark.parametrize(
    "line",
    ["f t # e Share 59 | Tweet 19", "f t # e", "Share 12", "Tweet 3", "| 4 comments",
     "Comments (4)", "Print this page | Email this page", "Share | Print | Email"],
)
def test_bars_and_counters(line: str) -> None:
    assert is_bar(line)


@pytest.mark.parametrize(
    "line", ["Updated: 08/17/2021 04:13 PM", "Last modified: 2022-01-15 11:10",
             "Last updated on June 3, 2024"],
)
def test_stamps(line: str) -> None:
    assert is_stamp(line)


@pytest.mark.parametrize(
    "line", ["June 9, 2026", "04.08.2026", "Posted on 10/3/22 | Press Release",
             "Washington, D.C., June 15, 2017 | comments", "By Jane Doe", "Apr 07 2026"],
)
def test_date_lines(line: str) -> None:
    assert is_date_line(line)


@pytest.mark.parametrize(
    "line",
    ["Share of households without broadband fell to 9 percent.", "###",
     "The bill passed on June 9, 2026 by a vote of 230-193.",
     "Updated figures show the program served 4,000 veterans last year, the senator said.",
     "Print media reporters may contact the office for a copy of the remarks."],
)
def test_release_sentences_are_no_chrome(line: str) -> None:
    assert not (is_bar(line) or is_stamp(line) or is_date_line(line))


def test_counters_mask_to_one_key() -> None:
    assert mask_hash("f t # e Share 59 | Tweet 19") == mask_hash("f t # e Share 12 | Tweet 3")
    assert mask_hash("Stay Connected") != mask_hash("Office Locations")


def test_date_written_into_the_release_is_kept() -> None:
    # A date paragraph beside the release's sentences is its text; the page's date line above
    # the body (outside the element holding the sentences) is not.
    html = (
        "<html><body><div class='box'><h1>Water Bill</h1><div class='when'>June 9, 2026</div>"
        "<div class='text'><p>June 8, 2026</p>"
        + "".join(f"<p>{p}</p>" for p in BODY)
        + "</div></div></body></html>"
    )
    article = parse_article(html, "https://x.house.gov/water", templates=False, today=TODAY)
    assert article.paragraphs == ["June 8, 2026", *BODY]
    assert article.stripped == ["June 9, 2026"]



SIDEBAR = (
    "<div class='side'><h3>Press Contact</h3><div>Phone: (202) 225-4315 Email: jane.doe@mail"
    ".house.gov</div><h3>Browse Documents by Date or Issue</h3><ul><li><a href='/x'>Newsletter"
    " Archive</a></li><li><a href='/y'>Media Kit</a></li></ul></div>"
)
COUNTERS = (
    "<div class='m1'>Comments (409)</div><div class='m2'><a href='javascript:print()'>Print this"
    " page</a> | <a href='mailto:?body=x'>Email this page</a></div><div class='m3'>Updated: "
    "12/21/2026 05:09 PM</div>"
)
SHARE_BAR = (
    "<div class='m4'><a href='https://www.facebook.com/s'>f</a> <a href='https://twitter.com/t'>"
    "t</a> <a href='#'>#</a> <a href='mailto:?s=x'>e</a> Share 254 | Tweet 144</div>"
)


def test_a_release_without_a_sentence_is_read_whole() -> None:
    # Some releases are only a photo and "###", or a repeated title and the letter's PDF: no
    # sentence for the block to find. The end mark and the attachment line count as the
    # release's text; share bars, counters and stamps count for no block (the share bar has
    # nine "words"), and the short lines of a sidebar do not win.
    title = "Congresswoman Lee Honors Local Veterans with Vietnam Veteran Pins"
    photo = (
        f"<html><body><div class='page'><div class='head'><h1>{title}</h1>"
        f"<span><b>Washington, 3 November 2024</b></span><div class='box'>{COUNTERS}<p>###</p>"
        f"{SHARE_BAR}</div></div>{SIDEBAR}</div></body></html>"
    )
    article = parse_article(photo, "https://x.house.gov/photo", templates=False, today=TODAY)
    assert article.paragraphs == ["###"]
    assert article.published == "2024-11-03"
    statement = "HOUSE DEMOCRATIC LEADERSHIP STATEMENT ON A THREAT TO KILL A WHOLE CIVILIZATION"
    letter = (
        f"<html><body><article><h1>{statement}</h1><p>4/7/2026 | <a href='/press/'>Press "
        f"Releases</a></p><div class='box'>{COUNTERS}<p>Press Releases</p><p>{statement}</p>"
        "<p><a href='/files/letter.pdf'>Read the letter (PDF)</a></p></div></article>"
        f"{SIDEBAR}</body></html>"
    )
    article = parse_article(letter, "https://x.house.gov/letter", templates=False, today=TODAY)
    assert article.paragraphs == ["Press Releases", statement, "Read the letter (PDF)"]
    assert article.attachments == ["https://x.house.gov/files/letter.pdf"]
