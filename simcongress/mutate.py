"""Markup mutation: every family's pages rewritten so that no template selector matches.

``Congress.mutation = Mutation(seed, run)`` makes the server rewrite every HTML page it renders:

- **markup** (fixed by ``seed``, per site): every class and id renamed, tables turned into divs
  on some sites and, on some others, listing rows made of ``li`` / ``div`` / ``article``
  turned into ``table > tbody > tr > td`` rows, one more wrapper around list items and
  articles, single-child wrapper divs removed, dates re-spelled in another common spelling
  (on some sites the listing's without the year: "Nov 12");
- **noise** (drawn anew for each ``run``, per site): inside the article's body box, a share bar
  with counters, a comment counter, an ``Updated:`` stamp, "Print this page | Email this page",
  a sign-up block and an office block — a different subset, in different places, each run.

The release itself (title, date, text, attachments) never changes, so a crawl must store it
exactly, and a re-crawl where only the noise changed must record no edit.
"""

from __future__ import annotations

import hashlib
import random
from collections import Counter
from dataclasses import dataclass

import lxml.html


@dataclass
class Mutation:
    seed: int  # which markup each site gets
    run: int = 0  # which noise the article boxes carry: bump it between crawls


DATE_STYLES = ("long", "iso", "slash", "weekday", "ordinal", "dmy", "abbr_dot")


def date_style(mutation: Mutation, site_slug: str) -> str:
    """How the site spells its dates after the redesign (render.RespelledDates)."""
    return _rng(mutation.seed, site_slug, "dates").choice(DATE_STYLES)


YEARLESS_LISTINGS = 0.25  # share of sites whose redesigned listing prints "Nov 12", no year


def listing_date_style(mutation: Mutation, site_slug: str) -> str:
    """How the site's listing rows spell their dates: on some sites without the year (the
    release page keeps its own spelling, year included), else as the rest of the site."""
    if _rng(mutation.seed, site_slug, "listing dates").random() < YEARLESS_LISTINGS:
        return "yearless"
    return date_style(mutation, site_slug)


# ------------------------------------------------------------------------------ noise


_SHARE = (
    '<div class="share-tools"><a href="https://www.facebook.com/sharer.php">f</a> '
    '<a href="https://twitter.com/intent/tweet">t</a> <a href="#">#</a> '
    '<a href="mailto:?subject=x">e</a> Share {a} | Tweet {b}</div>'
)
_COMMENTS = '<div class="meta-line">| {a} comments</div>'
_COMMENTS_PAREN = '<div class="meta-line">Comments ({a})</div>'
_UPDATED = '<div class="stamp">Updated: {mm:02d}/{dd:02d}/2026 {hh:02d}:{mi:02d} PM</div>'
_MODIFIED = '<div class="stamp">Last modified: 2026-{mm:02d}-{dd:02d} {hh:02d}:{mi:02d}</div>'
_PRINT = (
    '<div class="tools"><a href="javascript:window.print()">Print this page</a> | '
    '<a href="mailto:?body=x">Email this page</a></div>'
)
_SIGNUP = (
    '<div class="box-a"><h3>Stay Connected</h3><p>Sign up for my newsletter to get updates from '
    'Washington and home.</p><form action="/newsletter"><input type="email" name="email" />'
    '<button type="submit">Subscribe</button></form></div>'
)
_OFFICE = (
    '<div class="box-b"><h3>Office Locations</h3><div><strong>Washington, D.C. Office</strong>'
    "<p>2310 Rayburn House Office Building, Washington, DC 20515</p><p>Phone: (202) 225-0000"
    "</p></div><div><strong>District Office</strong><p>100 Main Street, Suite 200</p>"
    "<p>Phone: (555) 555-0100</p></div></div>"
)
_BLOCKS = (_SHARE, _COMMENTS, _COMMENTS_PAREN, _UPDATED, _MODIFIED, _PRINT, _SIGNUP, _OFFICE)


def noise_blocks(mutation: Mutation, site_slug: str, page_key: str) -> tuple[str, str]:
    """(before the body, after the body): this run's set of blocks for the site, with counters
    and stamps that change on every page."""
    choice = _rng(mutation.seed, site_slug, "blocks", mutation.run)
    chosen = choice.sample(_BLOCKS, choice.randint(3, len(_BLOCKS)))
    places = [choice.random() < 0.5 for _ in chosen]
    values = _rng(mutation.seed, site_slug, page_key, mutation.run)
    before: list[str] = []
    after: list[str] = []
    for block, first in zip(chosen, places, strict=True):
        html = block.format(
            a=values.randint(0, 999), b=values.randint(0, 999), mm=values.randint(1, 12),
            dd=values.randint(1, 28), hh=values.randint(1, 12), mi=values.randint(0, 59),
        )
        (before if first else after).append(html)
    return "\n".join(before), "\n".join(after)


# ----------------------------------------------------------------------------- markup


def mutate_page(html: str, mutation: Mutation, site_slug: str, listing: bool = False) -> str:
    """The page with its markup rewritten (see the module docstring); text is untouched.
    ``listing``: a listing page, whose rows may become table rows."""
    rng = _rng(mutation.seed, site_slug, "markup")
    tables_to_divs = rng.random() < 0.5
    rows_to_tables = not tables_to_divs and rng.random() < 0.5
    doc = lxml.html.document_fromstring(html)
    for el in list(doc.iter()):
        if not isinstance(el.tag, str):
            continue
        _rename(el, mutation.seed)
        if tables_to_divs and el.tag in ("table", "thead", "tbody", "tfoot", "tr", "td", "th"):
            el.tag = "div"
        if el.tag in ("article", "li"):
            _wrap_children(el)
    for el in list(doc.iter("div")):
        _unwrap_single_child(el)
    if listing and rows_to_tables:
        for parent in _row_groups(doc):
            _to_table(parent)
    return "<!DOCTYPE html>\n" + lxml.html.tostring(doc, encoding="unicode")


_ROW_TAGS = ("li", "div", "article", "section")
_OUTSIDE_ROWS = ("nav", "header", "footer", "aside", "form", "a", "p", "span", "table")


def _row_groups(doc: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    """Elements whose children include three or more rows of one tag (``li``, ``div``,
    ``article``, ``section``), each holding a link, one after another: the listing's rows (and
    any other list of links in the page's content, as a redesign would turn them too).
    Outermost first; a group inside another group's rows is left alone."""
    groups: list[lxml.html.HtmlElement] = []
    for el in doc.iter():
        if not isinstance(el.tag, str) or el.tag in _OUTSIDE_ROWS:
            continue
        if any(a.tag in _OUTSIDE_ROWS or a in groups for a in el.iterancestors()):
            continue
        if len(_rows(el)) >= 3:
            groups.append(el)
    return groups


def _rows(parent: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    """The children of ``parent`` that are its rows: of the commonest row tag among those
    linking one to three URLs, with no other element between them (else none)."""
    linked = [c for c in parent if c.tag in _ROW_TAGS and 1 <= _links(c) <= 3]
    if len(linked) < 3:
        return []
    tag = Counter(c.tag for c in linked).most_common(1)[0][0]
    rows = [c for c in linked if c.tag == tag]
    span = parent[parent.index(rows[0]) : parent.index(rows[-1]) + 1]
    between = [c for c in span if isinstance(c.tag, str) and c not in rows]
    return [] if between else rows


def _links(el: lxml.html.HtmlElement) -> int:
    """How many URLs ``el`` links: a row links one release (and perhaps a topic), a page's
    layout block links many."""
    return len({a.get("href") for a in el.iter("a") if a.get("href")})


def _to_table(parent: lxml.html.HtmlElement) -> None:
    """``parent``'s rows become ``table > tbody > tr > td`` (the table takes the rows' place);
    what else the parent held stays before (a heading) or after (a pager) it."""
    rows = _rows(parent)
    first = parent.index(rows[0])
    before = list(parent[:first])  # a heading above the rows stays above the table
    after = [c for c in parent[first:] if c not in rows]
    table = lxml.html.Element("table")
    body = lxml.html.Element("tbody")
    table.append(body)
    for row in rows:
        tr = lxml.html.Element("tr", dict(row.attrib))
        td = lxml.html.Element("td")
        td.text = row.text
        for child in list(row):
            td.append(child)
        tr.append(td)
        body.append(tr)
    for child in list(parent):
        parent.remove(child)
    for child in [*before, table, *after]:
        parent.append(child)


def _rename(el: lxml.html.HtmlElement, seed: int) -> None:
    if el.get("class"):
        el.set("class", " ".join(_name(seed, "k", t) for t in el.get("class").split()))
    if el.get("id"):
        el.set("id", _name(seed, "i", el.get("id")))


def _name(seed: int, prefix: str, token: str) -> str:
    return prefix + hashlib.md5(f"{seed}:{token}".encode()).hexdigest()[:7]


def _wrap_children(el: lxml.html.HtmlElement) -> None:
    wrapper = lxml.html.Element("div")
    wrapper.text, el.text = el.text, None
    for child in list(el):
        wrapper.append(child)
    el.append(wrapper)


def _unwrap_single_child(el: lxml.html.HtmlElement) -> None:
    """A div around exactly one element and no text of its own goes (its child takes its
    place)."""
    parent = el.getparent()
    children = list(el)
    if parent is None or len(children) != 1 or (el.text or "").strip():
        return
    if (children[0].tail or "").strip():
        return
    child = children[0]
    child.tail = el.tail
    parent.replace(el, child)


def _rng(*parts: object) -> random.Random:
    return random.Random(":".join(str(p) for p in parts))
