"""Each saved page is recognized as the family it belongs to, from its own markup."""

from __future__ import annotations

import pytest

from crawler.detect import decode_html, detect_family
from crawler.templates import all_families, get_family
from tests.helpers import PAGES

FAMILIES = {
    "list_drupal_evo.html": "house-evo",
    "rep-obernolte-press.html": "house-evo",
    "rep-subramanyam-press.html": "house-evo",
    "item_drupal.html": "house-evo",
    "list_aspx_spandate.html": "house-documentquery",
    "brady_press.html": "house-documentquery",
    "item_guid.html": "vendor-guid",
    "sen-cruz-press.html": "senate-articleblock",
    "sen-warner-press.html": "senate-articleblock",
    "sen-blackburn-press.html": "element",
    "rand_paul_press.html": "newscontent",
    "drupal_press.html": "drupal7",
    "butterfield_press.html": "drupal7",
    "sanford_press.html": "drupal7",
    "bill_nelson_press.html": "drupal7",
    "keating_press.html": "joomla",
    "ed_perlmutter_press.html": "joomla",
    "cowan_press.html": "senate-2013",
    "vitter_press.html": "senate-2013",
    "bill_nelson_press-coldfusion.html": "generic",  # one-off Dreamweaver template
    "ruiz_rss.xml": "rss",
    "culberson_rss.xml": "rss",
    "richard_burr.xml": "rss",
    "rep-trahan-press.xml": "rss",
    "sen-hawley-press.xml": "rss",
}


def test_every_fixture_has_an_expected_family() -> None:
    names = {p.name for p in PAGES.iterdir() if p.suffix in (".html", ".xml")}
    assert names == set(FAMILIES)


@pytest.mark.parametrize(("name", "family"), sorted(FAMILIES.items()))
def test_fixture_family(name: str, family: str) -> None:
    body = (PAGES / name).read_bytes()
    assert detect_family(body, "https://example.house.gov/press") == family
    assert detect_family(decode_html(body), "https://example.house.gov/press") == family


@pytest.mark.parametrize("name", ["list_drupal_evo.html", "sen-cruz-press.html"])
def test_a_wrong_hint_does_not_override_markup(name: str) -> None:
    body = (PAGES / name).read_bytes()
    assert detect_family(body, "https://x.house.gov/", hint="wordpress-divi") == FAMILIES[name]


RECORDLIST = """<html><body><table class="recordList"><tr><th>Date</th><th>Title</th></tr>
<tr><td class="recordListDate">8/5/26</td><td class="recordListTitle">
<a href="/press-releases?ID=1">A</a></td></tr></table></body></html>"""


def test_url_and_hint_separate_lookalike_families() -> None:
    # House recordList and Senate ColdFusion pages share their table markup.
    assert detect_family(RECORDLIST, "https://x.house.gov/press-releases") == "recordlist"
    assert detect_family(
        RECORDLIST, "https://www.x.senate.gov/public/index.cfm/press-releases"
    ) == "coldfusion"
    assert detect_family(RECORDLIST, "https://x.house.gov/press-releases",
                         hint="coldfusion") == "coldfusion"


def test_atom_and_unknown() -> None:
    atom = '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title></feed>'
    assert detect_family(atom, "https://x.senate.gov/feed") == "atom"
    assert detect_family("<html><body><p>hi</p></body></html>", "https://x.gov/") == "generic"
    assert detect_family("", "https://x.gov/") == "generic"
    assert detect_family(b"\xff\xfe garbage", "https://x.gov/") == "generic"


def test_utf8_served_as_latin1_is_read_as_utf8() -> None:
    body = (PAGES / "brady_press.html").read_bytes()  # declares iso-8859-1, is UTF-8
    assert "President’s Veto" in decode_html(body)
    assert decode_html("caf\xe9".encode("latin-1")) == "café"


def test_templates_define_the_required_families() -> None:
    names = {f.name for f in all_families()}
    required = {
        "house-evo", "house-documentquery", "recordlist", "vendor-guid", "newscontent",
        "media-digest", "wordpress-divi", "wordpress-elementor", "wordpress-jetengine",
        "senate-articleblock", "coldfusion", "element", "rss", "atom", "generic",
    }
    assert required <= names
    for name in required - {"rss", "atom", "generic"}:
        family = get_family(name)
        assert family.markers and family.rows and family.title, name
    with pytest.raises(KeyError):
        get_family("no-such-family")


def test_overrides_merge_over_the_family() -> None:
    evo = get_family("house-evo")
    merged = evo.merged({"container_selector": ".item.post", "date_sel": "span.date",
                         "title": ["h3"], "unknown": "x"})
    assert merged.rows == (".item.post",)
    assert merged.date == ("span.date",)
    assert merged.title == ("h3",)
    assert merged.body == evo.body
    assert evo.rows != merged.rows  # the cached family itself is untouched


def test_attribute_markers_with_dots_count() -> None:
    # the only structural evidence is a[href*='documentsingle.aspx'] (its ".aspx" is no class)
    html = ("<html><body><article><h2><a href='documentsingle.aspx?DocumentID=1'>A</a></h2>"
            "<time datetime='2026-08-01'>Aug 1</time></article></body></html>")
    assert detect_family(html, "https://x.house.gov/news/") == "house-documentquery"
