"""Every saved listing page and feed in simcongress/data/pages yields its real releases.

Expected values were read off the saved HTML/XML by hand (row count, first and last row's
title, date and link), not copied from parser output.
"""

from __future__ import annotations

from datetime import date

import pytest

from crawler.listing import parse_listing
from tests.helpers import PAGES

TODAY_2026_06 = date(2026, 6, 20)  # the 2026-06 captures show year-less dates
TODAY = date(2026, 8, 11)


CASES = [
    # file, listing URL, family, rows, (first title, date, url), (last ...), next page
    (
        "list_drupal_evo.html", "https://meeks.house.gov/media/press-releases", "house-evo", 10,
        ("House Foreign Affairs Ranking Member Meeks, Smith, Himes Demand Briefing on U.S.-Iran "
         "Memorandum of Understanding", "2026-06-17",
         "https://meeks.house.gov/media/press-releases/house-foreign-affairs-ranking-member-meeks"
         "-smith-himes-demand-briefing-us-iran"),
        ("House Foreign Affairs Ranking Member Meeks Delivers Opening Statement at Rubio’s Budget "
         "Hearing at HFAC", "2026-06-03",
         "https://meeks.house.gov/media/press-releases/house-foreign-affairs-ranking-member-meeks"
         "-delivers-opening-statement-rubios-0"),
        "https://meeks.house.gov/media/press-releases?page=1",
    ),
    (
        "list_aspx_spandate.html",
        "https://houlahan.house.gov/news/documentquery.aspx?DocumentTypeID=27",
        "house-documentquery", 10,
        ("Beyer, Fitzpatrick, Houlahan Reintroduce Legislation to Provide Paid Family and Medical "
         "Leave for Federal Employees", "2026-06-11",
         "https://houlahan.house.gov/news/documentsingle.aspx?DocumentID=5092"),
        ("Military Personnel Subcommittee Democrats Call for Urgent Oversight Hearing on Military "
         "Health System", "2026-04-23",
         "https://houlahan.house.gov/news/documentsingle.aspx?DocumentID=5011"),
        "https://houlahan.house.gov/press/documentquery.aspx?DocumentTypeID=27&Page=2",
    ),
    (
        "rep-obernolte-press.html", "https://obernolte.house.gov/media/press-releases",
        "house-evo", 3,
        ("Energy and Commerce Members Obernolte, Palmer and Pfluger Introduce Bills to Stop "
         "California’s Costly Emissions Mandates", "2026-08-06",
         "https://obernolte.house.gov/media/press-releases/energy-and-commerce-members-obernolte"
         "-palmer-and-pfluger-introduce-bills-stop"),
        ("Obernolte Introduces ReCement Act to Support Domestic Cement Manufacturing",
         "2026-06-11",
         "https://obernolte.house.gov/media/press-releases/obernolte-introduces-recement-act"
         "-support-domestic-cement-manufacturing"),
        None,
    ),
    (
        "rep-subramanyam-press.html", "https://subramanyam.house.gov/media/press-releases",
        "house-evo", 3,
        ("Subramanyam, Beyer, Walkinshaw Conduct Unannounced Oversight Visit at Chantilly ICE "
         "Facility", "2026-08-07",
         "https://subramanyam.house.gov/media/press-releases/subramanyam-beyer-walkinshaw-conduct"
         "-unannounced-oversight-visit-chantilly-ice"),
        ("Rep. Subramanyam Pushes IRS to Fix Married Filing Jointly Issues", "2026-07-31",
         "https://subramanyam.house.gov/media/press-releases/rep-subramanyam-pushes-irs-fix"
         "-married-filing-jointly-issues"),
        None,
    ),
    (
        "sen-cruz-press.html", "https://www.cruz.senate.gov/newsroom/press-releases",
        "senate-articleblock", 3,
        ("Sens. Cruz, Gillibrand Lead Senate Passage of the John Barnes Act to Strengthen "
         "Benefits for Public Safety Officers", "2026-08-10",
         "https://www.cruz.senate.gov/newsroom/press-releases/sens-cruz-gillibrand-lead-senate"
         "-passage-of-the-john-barnes-act-to-strengthen-benefits-for-public-safety-officers"),
        ("Sen. Cruz Delivers Opening Remarks on Muslim Brotherhood Threat", "2026-08-05",
         "https://www.cruz.senate.gov/newsroom/press-releases/sen-cruz-delivers-opening-remarks"
         "-on-muslim-brotherhood-threat"),
        None,
    ),
    (
        "sen-warner-press.html", "https://www.warner.senate.gov/newsroom/press-releases",
        "senate-articleblock", 3,
        ("Warner, Cortez Masto, Colleagues Introduce Legislation to Support Construction Worker "
         "Mental Health", "2026-08-07",
         "https://www.warner.senate.gov/newsroom/press-releases/warner-cortez-masto-colleagues"
         "-introduce-legislation-to-support-construction-worker-mental-health/"),
        ("New Data: Black Lung Rate in Appalachia Highest in Nearly 50 Years", "2026-08-05",
         "https://www.warner.senate.gov/newsroom/press-releases/new-data-black-lung-rate-in"
         "-appalachia-highest-in-nearly-50-years/"),
        None,
    ),
    (
        "sen-blackburn-press.html", "https://www.blackburn.senate.gov/press-releases", "element",
        3,
        ("Blackburn & Blumenthal Celebrate Commerce Committee Passage of Bipartisan Kids Online "
         "Safety Act", "2026-08-05",
         "https://www.blackburn.senate.gov/2026/8/blackburn-blumenthal-celebrate-commerce"
         "-committee-passage-of-bipartisan-kids-online-safety-act"),
        ("Blackburn Statement on Senate Judiciary Committee Advancing Todd Blanche Nomination for "
         "U.S. Attorney General", "2026-08-04",
         "https://www.blackburn.senate.gov/2026/8/blackburn-statement-on-senate-judiciary"
         "-committee-advancing-todd-blanche-nomination-for-u-s-attorney-general"),
        None,
    ),
    (
        "brady_press.html",
        "http://kevinbrady.house.gov/news/documentquery.aspx?DocumentTypeID=2657",
        "house-documentquery", 10,
        ("TPA Will Benefit American Business, Consumers and Economy", "2015-04-17",
         "https://kevinbrady.house.gov/news/documentsingle.aspx?DocumentID=398977"),
        ("Brady Applauds Passage of Medicare Payment Fix", "2015-03-26",
         "https://kevinbrady.house.gov/news/documentsingle.aspx?DocumentID=398914"),
        "https://kevinbrady.house.gov/news/documentquery.aspx?DocumentTypeID=2657&Page=2",
    ),
    (
        "drupal_press.html", "http://walz.house.gov/media-center/press-releases?page=0",
        "drupal7", 10,
        ("Walz Calls for Passage of the Paycheck Fairness Act on Equal Pay Day", "2015-04-14",
         "https://walz.house.gov/media-center/press-releases/walz-calls-for-passage-of-the"
         "-paycheck-fairness-act-on-equal-pay-day-0"),
        ("Rep. Walz Lauds Net Neutrality Ruling, Pledges to Continue Fighting to Keep Internet "
         "Free and Open for All", "2015-02-26",
         "https://walz.house.gov/media-center/press-releases/rep-walz-lauds-net-neutrality-ruling"
         "-pledges-to-continue-fighting-to"),
        "https://walz.house.gov/media-center/press-releases?page=1",
    ),
    (
        "butterfield_press.html", "http://butterfield.house.gov/media-center/press-releases",
        "drupal7", 10,
        ("North Carolina Delegation Introduces Bipartisan Highway Bill for Military Corridor",
         "2015-04-16",
         "https://butterfield.house.gov/media-center/press-releases/north-carolina-delegation"
         "-introduces-bipartisan-highway-bill-for"),
        ("Butterfield to Join Dept. of Health & Human Services for Panel on Impact of Affordable "
         "Care Act on North Carolina Women for ACA 5th Anniversary", "2015-03-20",
         "https://butterfield.house.gov/media-center/press-releases/butterfield-to-join-dept-of"
         "-health-human-services-for-panel-on-impact-of"),
        "https://butterfield.house.gov/media-center/press-releases?page=1",
    ),
    (
        "sanford_press.html", "http://sanford.house.gov/media-center/press-releases", "drupal7",
        10,
        ("Sanford Announces Public Schedule for April 18th - 19th", "2015-04-17",
         "https://sanford.house.gov/media-center/press-releases/sanford-announces-public-schedule"
         "-for-april-18th-19th"),
        ("SANFORD RECEIVES TRANSPORTATION AND INFRASTRUCTURE SUBCOMMITTEE ASSIGNMENTS",
         "2015-01-30",
         "https://sanford.house.gov/media-center/press-releases/sanford-receives-transportation"
         "-and-infrastructure-subcommittee"),
        "https://sanford.house.gov/media-center/press-releases?page=1",
    ),
    (
        "bill_nelson_press.html",
        "https://www.billnelson.senate.gov/newsroom/press-releases?page=1", "drupal7", 10,
        ("Lawmakers seek tougher penalties for ID thieves", "2015-03-09",
         "https://www.billnelson.senate.gov/newsroom/press-releases/lawmakers-seek-tougher"
         "-penalties-for-id-thieves"),
        ("Lawmakers call on feds to investigate use of supercookies", "2015-02-06",
         "https://www.billnelson.senate.gov/newsroom/press-releases/lawmakers-call-on-feds-to"
         "-investigate-use-of-supercookies"),
        "https://www.billnelson.senate.gov/newsroom/press-releases?page=2",
    ),
    (
        "bill_nelson_press-coldfusion.html",
        "http://billnelson.senate.gov/news/media.cfm?year=2013", "generic", 26,
        ("Crackdown on fraud against elderly gains steam against backdrop of congressional probe",
         "2013-04-24", "https://billnelson.senate.gov/news/details.cfm?id=341529"),
        ("Nelson begins third term in U.S. Senate", "2013-01-03",
         "https://billnelson.senate.gov/news/details.cfm?id=338190"),
        None,
    ),
    (
        "cowan_press.html", "http://www.cowan.senate.gov/press", "senate-2013", 15,
        ("$248,000 in FEMA Grants to Assist First Responders in Orleans, Sudbury and Winthrop",
         "2013-05-01",
         "https://www.cowan.senate.gov/newsroom/press/248000-in-fema-grants-to-assist-first"
         "-responders-in-orleans-sudbury-and-winthrop"),
        ("Senator William “Mo” Cowan Statement on Being Sworn In As U.S. Senator for "
         "Massachusetts", "2013-02-07",
         "https://www.cowan.senate.gov/newsroom/press/senator-william-mo-cowan-statement-on"
         "-being-sworn-in-as-us-senator-for-massachusetts-"),
        None,
    ),
    (
        "vitter_press.html", "http://www.vitter.senate.gov/newsroom/press?year=2013",
        "senate-2013", 20,
        ("Vitter: BP to Pay $340 Million of $1 Billion in Early Restoration Fines", "2013-04-30",
         "https://www.vitter.senate.gov/newsroom/press/vitter-bp-to-pay-340-million-of-1-billion"
         "-in-early-restoration-fines"),
        ("Lesson from Vote-A-Rama: Senate Supports Energy Production, Opposes Carbon Tax",
         "2013-03-22",
         "https://www.vitter.senate.gov/newsroom/press/lesson-from-vote-a-rama-senate-supports"
         "-energy-production-opposes-carbon-tax"),
        "https://www.vitter.senate.gov/newsroom/press?PageNum_rs=2&year=2013",
    ),
    (
        "rand_paul_press.html", "http://www.paul.senate.gov/news/press?PageNum_rs=1",
        "newscontent", 20,
        ("Sens. Rand Paul & Mark Warner Introduce the Bonuses for Cost-Cutters Act of 2015",
         "2015-05-19",
         "https://www.paul.senate.gov/news/press/sens-rand-paul-and-mark-warner-introduce-the"
         "-bonuses-for-cost-cutters-act-of-2015"),
        ("Sens. Paul, McConnell, Heller, and Capito Introduce Legislation to Help America’s Rural "
         "Communities", "2015-03-26",
         "https://www.paul.senate.gov/news/press/sens-paul-mcconnell-heller-and-capito-introduce"
         "-legislation-to-help-americas-rural-communities"),
        "https://www.paul.senate.gov/news/press?PageNum_rs=2",
    ),
    (
        "keating_press.html",
        "http://keating.house.gov/index.php?option=com_content&view=category&id=14", "joomla",
        161,
        ("Keating Announces EPA Grant for New Bedford", "2015-03-13",
         "https://keating.house.gov/index.php?option=com_content&view=article&id=314:keating"
         "-announces-epa-grant-for-new-bedford&catid=14&Itemid=13"),
        ("Keating: NOAA's Overhaul Doesn't Go Far Enough", "2011-03-16",
         "https://keating.house.gov/index.php?option=com_content&view=article&id=6:keating-noaas"
         "-overhaul-doesnt-go-far-enough&catid=14&Itemid=13"),
        None,
    ),
    (
        "ed_perlmutter_press.html",
        "http://perlmutter.house.gov/index.php/media-center/press-releases-86821", "joomla", 445,
        ("Polis, Perlmutter Host Fed Reserve Chief for Roundtable with Cannabis Businesses",
         "2015-04-10",
         "https://perlmutter.house.gov/index.php/media-center/press-releases-86821/1505-polis"
         "-perlmutter-host-fed-reserve-chief-for-roundtable-with-cannabis-businesses"),
        ("Rep. Perlmutter Commemorates Hispanic Heritage Month", "2009-09-17",
         "https://perlmutter.house.gov/index.php/media-center/press-releases-86821/334-rep"
         "-perlmutter-commemorates-hispanic-heritage-month"),
        None,
    ),
    # feeds go through the same entry point
    (
        "ruiz_rss.xml", "http://ruiz.house.gov/rss.xml", "rss", 10,
        ("Dr. Ruiz Highlights First 100 Days in Congress", "2013-04-15",
         "https://ruiz.house.gov/media-center/press-releases/dr-ruiz-highlights-first-100-days"
         "-in-congress"),
        ("Rep. Ruiz Statement on the President’s State of the Union Address", "2013-02-13",
         "https://ruiz.house.gov/media-center/press-releases/rep-ruiz-statement-on-the-president"
         "-s-state-of-the-union-address"),
        None,
    ),
    (
        "culberson_rss.xml", "http://culberson.house.gov/feed/", "rss", 10,
        ("Culberson Statement on The REAL Space Act", None,
         "https://culberson.house.gov/culberson-statement-on-the-real-space-act/"),
        ("Rep. Culberson to Chair Hearing with Joint Chiefs of Staff", None,
         "https://culberson.house.gov/rep-culberson-to-chair-hearing-with-joint-chiefs-of-staff/"),
        None,
    ),
    (
        "richard_burr.xml", "http://www.burr.senate.gov/public/index.cfm?FuseAction=RSS.Feed",
        "rss", 25,
        ("Senator Burr Congratulates Rep. Mel Watt On His Nomination As FHFA Director",
         "2013-05-02",
         "https://www.burr.senate.gov/public/index.cfm?FuseAction=PressOffice.PressReleases"
         "&Type=Press%20Release&ContentRecord_id=65dbea38-d64c-6208-ef8f-2b000e899b3a"),
        ("Senator Burr Statement on the State of the Union Address", "2013-02-13",
         "https://www.burr.senate.gov/public/index.cfm?FuseAction=PressOffice.PressReleases"
         "&Type=Press%20Release&ContentRecord_id=d3ffaeda-a2af-186e-a4e8-bac2286b0d03"),
        None,
    ),
    (
        "rep-trahan-press.xml", "https://trahan.house.gov/news/rss.aspx", "rss", 2,
        ("What They’re Saying: Broad Coalition Lauds Bipartisan FRONTIER Act", "2026-07-28",
         "https://trahan.house.gov/news/documentsingle.aspx?DocumentID=3825"),
        ("Trahan, Obernolte Introduce Bipartisan FRONTIER Act to Strengthen Oversight of Advanced "
         "AI", "2026-07-23", "https://trahan.house.gov/news/documentsingle.aspx?DocumentID=3823"),
        None,
    ),
    (
        "sen-hawley-press.xml", "https://www.hawley.senate.gov/feed/", "rss", 2,
        ("Hawley, Banks, Tuberville File Amendment to Protect State Laws Banning Men in Women’s "
         "Sports", "2026-08-06",
         "https://www.hawley.senate.gov/hawley-banks-tuberville-file-amendment-to-protect-state"
         "-laws-banning-men-in-womens-sports/"),
        ("Hawley Bill Banning Bonuses for Postmaster General Passes Committee", "2026-08-06",
         "https://www.hawley.senate.gov/hawley-bill-banning-bonuses-for-postmaster-general-passes"
         "-committee/"),
        None,
    ),
]

LISTING_FILES = {case[0] for case in CASES}


def _today(name: str) -> date:
    return TODAY_2026_06 if name.startswith("list_") else TODAY


def _parse(name: str, url: str, family: str | None = None):
    return parse_listing((PAGES / name).read_bytes(), url, family=family, today=_today(name))


def test_every_listing_fixture_is_covered() -> None:
    manifest = (PAGES / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()[1:]
    listed = {line.split("\t")[0] for line in manifest if line.split("\t")[4] in ("listing", "rss")}
    assert listed == LISTING_FILES


@pytest.mark.parametrize(
    ("name", "url", "family", "count", "first", "last", "next_url"), CASES,
    ids=[case[0] for case in CASES],
)
def test_listing_fixture(name, url, family, count, first, last, next_url) -> None:
    listing = _parse(name, url)
    assert listing.family == family
    assert len(listing.entries) == count
    head, tail = listing.entries[0], listing.entries[-1]
    assert (head.title, head.published, head.url) == first
    assert (tail.title, tail.published, tail.url) == last
    assert listing.next_url == next_url


@pytest.mark.parametrize("name", sorted(LISTING_FILES))
def test_entries_are_unique_absolute_and_titled(name: str) -> None:
    url = next(case[1] for case in CASES if case[0] == name)
    entries = _parse(name, url).entries
    urls = [e.url for e in entries]
    assert len(urls) == len(set(urls))
    assert all(u.startswith(("http://", "https://")) for u in urls)
    assert all(e.title and e.title == " ".join(e.title.split()) for e in entries)


# Legacy layouts must also be readable without their family: the generic fallback finds the
# repeated dated block on its own.
GENERIC_CASES = [case for case in CASES if case[0].endswith(".html")]


@pytest.mark.parametrize(
    ("name", "url", "family", "count", "first", "last", "next_url"), GENERIC_CASES,
    ids=[case[0] for case in GENERIC_CASES],
)
def test_generic_fallback_reads_every_html_fixture(
    name, url, family, count, first, last, next_url
) -> None:
    listing = _parse(name, url, family="generic")
    assert listing.family == "generic"
    assert len(listing.entries) == count
    assert (listing.entries[0].published, listing.entries[0].url) == first[1:]
    assert (listing.entries[-1].published, listing.entries[-1].url) == last[1:]


def test_yearless_dates_take_the_most_recent_past_year() -> None:
    # Houlahan's list shows "June 11" ... "April 23" without a year.
    url = "https://houlahan.house.gov/news/documentquery.aspx?DocumentTypeID=27"
    early = parse_listing((PAGES / "list_aspx_spandate.html").read_bytes(), url,
                          today=date(2027, 5, 1))
    assert early.entries[0].published == "2026-06-11"  # June 11, 2027 would be in the future
    assert early.entries[-1].published == "2027-04-23"
    assert early.entries[0].date_raw == "June 11"


def test_documentquery_links_resolve_against_news_even_from_another_listing_path() -> None:
    html = (PAGES / "brady_press.html").read_bytes()
    listing = parse_listing(html, "https://kevinbrady.house.gov/press", today=TODAY)
    assert listing.entries[0].url == (
        "https://kevinbrady.house.gov/news/documentsingle.aspx?DocumentID=398977"
    )


def test_next_page_never_points_back_and_ends_on_the_last_page() -> None:
    evo = (PAGES / "list_drupal_evo.html").read_text(encoding="utf-8")
    # Served as page 5 (?page=4): the saved rel=next link (?page=1) would go backwards and the
    # pager links nothing past ?page=4, so there is no next page.
    last = parse_listing(evo, "https://meeks.house.gov/media/press-releases?page=4",
                         today=TODAY_2026_06)
    assert last.next_url is None
    # Served as page 2 (?page=1): rel=next names the page itself; the pager's ?page=2 is next.
    second = parse_listing(evo, "https://meeks.house.gov/media/press-releases?page=1",
                           today=TODAY_2026_06)
    assert second.next_url == "https://meeks.house.gov/media/press-releases?page=2"
