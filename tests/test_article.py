"""Real release pages normalize to clean bodies (values read off the saved pages by hand)."""

from __future__ import annotations

from datetime import date

import pytest

from crawler.article import EXTRACTOR_VERSION, extract_dateline, is_chrome_text, parse_article
from crawler.items import ListingEntry
from tests.helpers import PAGES

TODAY = date(2026, 6, 20)

MOORE_URL = (
    "https://barrymoore.house.gov/media/press-releases/"
    "rep-barry-moore-introduces-legislation-relocate-federal-facilities-sanctuary"
)
NORCROSS_GUID_URL = (
    "https://norcross.house.gov/press-releases?ID=75569D64-D213-491F-9009-1E338C792C81"
)
NORCROSS_CANONICAL = (
    "https://norcross.house.gov/2026/6/norcross-forces-house-passage-of-collective-bargaining-"
    "protections"
)


def _chrome_free(paragraphs: list[str], phrases: list[str]) -> None:
    body = "\n".join(paragraphs)
    for phrase in phrases:
        assert phrase not in body, phrase
    assert all(p == " ".join(p.split()) and p for p in paragraphs)


def test_drupal_evo_release() -> None:
    article = parse_article((PAGES / "item_drupal.html").read_bytes(), MOORE_URL, today=TODAY)
    assert article.url == MOORE_URL  # rel=canonical is http://; congress hosts become https
    assert article.title == (
        "Rep. Barry Moore introduces legislation to relocate federal facilities from sanctuary "
        "cities"
    )
    assert (article.published, article.date_source) == ("2026-06-12", "article-meta")
    assert article.dateline == "Washington, D.C."
    # "###" ends the release as published; it is kept (the text as published, not chrome)
    assert len(article.paragraphs) == 4
    assert article.paragraphs[-1] == "###"
    assert article.paragraphs[0] == (
        "Washington, D.C.- Today, Congressman Barry Moore (AL-01) introduced the Terminating "
        "Infrastructure Maintenance and Expenditures for Obstructionist Urban Territories "
        "(TIMEOUT) Act, legislation that would prohibit federal agencies from occupying, "
        "leasing, constructing, or maintaining federal office space in sanctuary jurisdictions "
        "that refuse to cooperate with federal immigration enforcement efforts."
    )
    assert article.paragraphs[-2] == (
        '"Sanctuary cities should not be rewarded for refusing to cooperate with federal law '
        'enforcement," said Rep. Moore. "Communities that actively undermine federal '
        "immigration enforcement should not continue receiving the economic benefits associated "
        "with hosting federal facilities. My legislation ensures that federal resources are "
        "invested in communities that support law enforcement, uphold federal law, and "
        'prioritize the safety and security of the American people."'
    )
    assert article.attachments == [
        "https://files.constantcontact.com/f51033c4801/"
        "1cefd488-e3b5-4085-bc75-b41d5a774682.pdf?rdr=true"
    ]
    _chrome_free(article.paragraphs, [
        "Press Release", "Issues", "Accessibility", "Copyright", "House.gov", "Home",
        "June 12, 2026", "Front view of the Capitol",
    ])


def test_vendor_guid_release() -> None:
    html = (PAGES / "item_guid.html").read_bytes()
    article = parse_article(html, NORCROSS_GUID_URL, today=TODAY)
    assert article.url == NORCROSS_CANONICAL  # rel=canonical, same site
    assert article.title == "Norcross forces House passage of collective bargaining protections"
    assert (article.published, article.date_source) == ("2026-06-09", "article-meta")
    assert article.dateline == "Washington"
    assert len(article.paragraphs) == 11  # <br><br>-separated in one div, then <div>###</div>
    assert article.paragraphs[-1] == "###"
    assert article.paragraphs[0] == (
        "WASHINGTON — Today the U.S. House of Representatives passed Congressman Donald "
        "Norcross’ (NJ-01) Faster Labor Contracts Act (FLCA) in a bipartisan 230-193 vote. The "
        "bill, which would be the single biggest advancement in workers’ rights in nearly a "
        "century, came to the floor after Norcross successfully forced a vote over the "
        "objections of House Republican leadership."
    )
    assert article.paragraphs[-2] == (
        "Full text of Norcross’ bill can be found here, while a one-pager can be found here. His "
        "floor remarks on House floor can be found here while a transcript of his speech as "
        "prepared can be found here."
    )
    assert len(article.attachments) == 4  # five PDF links, one of them twice
    assert article.attachments[0].endswith(".faster-labor-contracts-act-one-pager-5-.pdf")
    assert article.attachments[-1].endswith(
        ".6.9.26---norcross-floor-remarks-on-faster-labor-contracts-act.pdf"
    )
    _chrome_free(article.paragraphs, [
        "Permalink", "Press Releases", "In the News", "Photo Gallery", "Menu",
        "June 9, 2026", "Full Biography",
    ])


def test_family_given_or_detected_gives_the_same_article() -> None:
    html = (PAGES / "item_guid.html").read_bytes()
    detected = parse_article(html, NORCROSS_GUID_URL, today=TODAY)
    given = parse_article(html, NORCROSS_GUID_URL, family="vendor-guid", today=TODAY)
    from_feed_family = parse_article(html, NORCROSS_GUID_URL, family="rss", today=TODAY)
    from_stray_hint = parse_article(html, NORCROSS_GUID_URL, family="media_body", today=TODAY)
    assert detected == given == from_feed_family == from_stray_hint


def test_member_override_picks_another_container() -> None:
    html = (
        "<html><body><h1>Real Title</h1>"
        "<div class='entry-content'>"
        "<p>A teaser of some other release that is long enough.</p></div>"
        "<div class='weird-body'><p>The real release text, which no common container names.</p>"
        "</div></body></html>"
    )
    url = "https://x.house.gov/real"
    plain = parse_article(html, url, family="generic", today=TODAY)
    assert plain.paragraphs == ["A teaser of some other release that is long enough."]
    for overrides in ({"body": "div.weird-body"}, {"body_selector": ["div.weird-body"]}):
        article = parse_article(html, url, family="generic", overrides=overrides, today=TODAY)
        assert article.paragraphs == ["The real release text, which no common container names."]


PLAIN = """<html><head><title>Smith Acts | Rep. Smith</title></head><body>
<nav><a href="/">Home</a></nav>
<main><h1>Smith Acts on Water</h1><p class="byline">Posted on March 3, 2025</p>
<div class="entry-content"><p>MIAMI, FL – Rep. Smith today acted on water quality in the county.</p>
<p>It was a good day for the people of the district and for the water they drink.</p>
<div class="sharedaddy">Share this: Facebook Twitter</div></div></main>
<footer>Office Locations</footer></body></html>"""


def test_date_precedence_listing_then_page_text() -> None:
    url = "https://smith.house.gov/2025/3/smith-acts"
    listed = ListingEntry(url=url, title="Smith Acts on Water", published="2025-03-04",
                          date_raw="March 4, 2025")
    from_listing = parse_article(PLAIN, url, listing=listed, today=TODAY)
    assert (from_listing.published, from_listing.date_source) == ("2025-03-04", "listing")
    from_text = parse_article(PLAIN, url, today=TODAY)
    assert (from_text.published, from_text.date_source) == ("2025-03-03", "article-text")
    assert from_text.dateline == "Miami, FL"
    assert from_text.paragraphs == [
        "MIAMI, FL – Rep. Smith today acted on water quality in the county.",
        "It was a good day for the people of the district and for the water they drink.",
    ]
    with_meta = PLAIN.replace(
        "<head>", '<head><meta property="article:published_time" content="2025-03-02T09:00:00">'
    )
    meta = parse_article(with_meta, url, listing=listed, today=TODAY)
    assert (meta.published, meta.date_source) == ("2025-03-02", "article-meta")


def test_yearless_listing_date_yields_to_the_year_on_the_page() -> None:
    url = "https://smith.house.gov/2025/3/smith-acts"
    listed = ListingEntry(url=url, published="2026-03-03", date_raw="March 3")
    article = parse_article(PLAIN, url, listing=listed, today=TODAY)
    assert (article.published, article.date_source) == ("2025-03-03", "article-text")


def test_unknown_layout_falls_back_to_trafilatura() -> None:
    sentences = " ".join(
        f"Sentence number {i} of the release explains the senator's bill in some detail."
        for i in range(12)
    )
    html = (
        "<html><body><div id='top'><a href='/'>Home</a></div><div class='zz'><h1>A Bill</h1>"
        f"<div class='yy'><p>{sentences}</p><p>{sentences}</p></div></div></body></html>"
    )
    article = parse_article(html, "https://x.senate.gov/a-bill", today=TODAY)
    assert article.title == "A Bill"
    assert article.paragraphs and article.paragraphs[0].startswith("Sentence number 0")


@pytest.mark.parametrize(
    ("paragraph", "place"),
    [
        ("WASHINGTON, D.C. – Today, the senator said", "Washington, D.C."),
        ("Washington, D.C.- Today, Congressman Barry Moore", "Washington, D.C."),
        ("(Washington, DC) – Today the bill passed", "Washington, DC"),
        ("WASHINGTON — Today the House", "Washington"),
        ("WASHINGTON, D.C. (June 15, 2017) – Today", "Washington, D.C."),
        ("NEW ORLEANS, LA – Today, Congressman Troy A. Carter", "New Orleans, LA"),
        ("Noblesville, IN – “Aristotle once said", "Noblesville, IN"),
        ("RED OAK, Iowa – Senator Ernst", "Red Oak, Iowa"),
        ("Washington, DC [2/26/15] – Today, U.S. Rep. Tim Walz", "Washington, DC"),
        ("WINSTON-SALEM, N.C. -- Congresswoman Foxx", "Winston-Salem, N.C."),
        ("Boise, Idaho--U.S. Senators Mike Crapo and Jim Risch", "Boise, Idaho"),
        ("Today, Congressman Smith – who chairs the panel – said", None),
        ("The bill – which passed 230-193 – now goes to the Senate.", None),
        ("No dateline in this one.", None),
    ],
)
def test_dateline(paragraph: str, place: str | None) -> None:
    assert extract_dateline(paragraph) == place


@pytest.mark.parametrize(
    "text",
    ["f t # e", "Share", "Tweet", "Email", "Print", "| comments", "0 comments", "Stay Connected",
     "Sign up for our newsletter", "Office Locations", "Print | Email", "Share this:",
     "Permalink: https://x.house.gov/a", "Share on Facebook", "Leave a comment"],
)
def test_chrome_phrases(text: str) -> None:
    assert is_chrome_text(text)


@pytest.mark.parametrize(
    "text",
    ["Sign up for our newsletter, the senator urged constituents at the town hall on Monday.",
     "Email the office to request a flag.", "The comments period closes on June 1.",
     "Read the letter (PDF)", "Share of households without broadband fell to 9 percent.",
     "###", "# # #", "/X/", "Related News", "In", "X"],
)
def test_real_sentences_are_not_chrome(text: str) -> None:
    assert not is_chrome_text(text)


def test_extractor_version_is_a_string() -> None:
    assert isinstance(EXTRACTOR_VERSION, str) and EXTRACTOR_VERSION
