"""Template-free listing reading: the repeated blocks of a page that link its releases.

No class or id name is trusted (a redesign renames them all). A listing is found from what
every listing has: many same-site links to pages of one URL shape, each in a block of the same
shape as its neighbours, most with a date in the block's own text. The steps:

1. candidate links: same-site, outside page chrome (nav, header, footer, sidebars), not a
   pager, not the listing itself or a section above it, not a category label repeated on
   every row;
2. each link's row: the largest ancestor that holds no other candidate URL;
3. rows are grouped by tag path, parent class and alike classes (or inner layout), so rows
   split over several tables or boxes under month headers form one group, while a carousel or
   a sidebar list of another shape forms its own (docs/extraction.md tells the details);
4. each group is read (URL, title without kicker labels, date from the row's own text) and
   scored: rows with a real title, dated rows, one URL shape. The best group is the listing.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlsplit

from lxml import etree

from crawler.dates import find_date_in_text, parse_date
from crawler.detect import collapse
from crawler.items import ListingEntry
from crawler.urls import absolute_url, canonical_url, is_same_site

_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_ALWAYS_CHROME = frozenset({"nav", "aside", "script", "style", "noscript", "select"})
# header/footer are page chrome at page level, but a row's own <header> holds its title.
_PAGE_CHROME = frozenset({"header", "footer"})
_ROW_LIKE = frozenset({"article", "li", "tr", "td"})
_CHROME_NAME = re.compile(
    r"(?:^|[-_])(?:footer|sidebar|side-bar|office-locations?|offices|breadcrumbs?|navbar|menu"
    r"|nav|navigation|social|share|skip)(?:[-_]|$)",
    re.IGNORECASE,
)
_PAGER_URL = re.compile(
    r"[?&](?:page|pagenum|pagenum_rs|paged|start|offset|p)=\d*|/page/\d+/?$", re.IGNORECASE
)
_NOT_PAGES = re.compile(
    r"\.(?:jpe?g|png|gif|svg|webp|ico|css|js|mp3|mp4|zip)$|^/(?:search|login|contact)\b",
    re.IGNORECASE,
)
_MASK_DIGITS = re.compile(r"\d+")
_READ_MORE = re.compile(  # link texts that say "go to the release", not what it is
    r"(?:(?:read|learn|see|view) more|continue reading|click here|here|more|details"
    r"|(?:read (?:the )?)?full (?:release|story|statement|text))\W*$",
    re.IGNORECASE,
)
_ZEBRA = re.compile(r"(?:^|[-_])(?:odd|even|first|last|active|current|is-active|alt)$")
_MIN_ROWS = 3
_MIN_TITLE_WORDS = 2  # "Statement" alone is a label; titles have a few words
_MAX_DATE_TEXT = 48  # a piece of row text this short that reads as a date is the date
_NEAR_TITLE = 160  # a date in the running text of a row counts only near its start
_MAX_SIBLINGS = 3  # flat layouts: how far from a row's heading its date may sit


Dated = tuple[date, str]  # a date and the text it was read from (ListingEntry.date_raw)


@dataclass
class _Row:
    element: etree._Element
    url: str
    position: int  # page order of the row's first link
    links: list[etree._Element] = field(default_factory=list)

    @property
    def weight(self) -> int:
        """Length of the row's longest link text: the title link beats a teaser's link."""
        return max(len(link_text(a)) for a in self.links)


@dataclass
class GroupResult:
    """One group of rows as read, with what its score is made of."""

    entries: list[ListingEntry]
    score: float


# ------------------------------------------------------------------------ candidate links


def _is_chrome(el: etree._Element, in_row: bool) -> bool:
    tag = el.tag
    if tag in _ALWAYS_CHROME or (tag in _PAGE_CHROME and not in_row):
        return True
    if el.get("role") in ("navigation", "banner", "contentinfo", "menu", "menubar"):
        return True
    names = f"{el.get('class', '')} {el.get('id', '')}"
    return bool(names.strip()) and any(_CHROME_NAME.search(n) for n in names.split())


def _content_links(body: etree._Element) -> Iterator[etree._Element]:
    """Every <a href> outside page chrome, in page order (one walk, chrome subtrees skipped)."""
    stack: list[tuple[etree._Element, bool]] = [(body, False)]
    while stack:
        el, in_row = stack.pop()
        if el.tag == "a":
            if el.get("href"):
                yield el
            continue  # nested links are invalid HTML; the outer one is the link
        children = [c for c in el if isinstance(c.tag, str)]
        for child in reversed(children):  # popped in page order
            if not _is_chrome(child, in_row):
                stack.append((child, in_row or child.tag in _ROW_LIKE))


def _ancestor_path(path: str, page_path: str) -> bool:
    """Whether ``path`` is the listing's own section or one above it (/news, /media)."""
    path, page_path = path.rstrip("/"), page_path.rstrip("/")
    return page_path == path or page_path.startswith(path + "/")


def link_text(a: etree._Element, labels: frozenset[str] = frozenset()) -> str:
    """A link's text without kicker/category labels and date lines (see ``link_parts``)."""
    return link_parts(a, labels)[0]


def link_parts(a: etree._Element, labels: frozenset[str] = frozenset(),
               today: date | None = None) -> tuple[str, Dated | None]:
    """A link's title text and the date printed inside it, if any.

    Whole-card links hold a kicker ("News"), a date line and the title: child elements whose
    text is one of ``labels`` or only a date are left out of the title, parts are joined with
    spaces so split spans do not run together.
    """
    parts: list[str] = []
    found: list[Dated] = []

    def walk(el: etree._Element) -> None:
        parts.append(el.text or "")
        for child in el:
            if isinstance(child.tag, str):
                inner = spaced_text(child)
                if inner in labels:
                    pass
                elif (when := dateish(inner, today)) is not None:
                    found.append((when, inner))
                else:
                    walk(child)
            parts.append(child.tail or "")

    walk(a)
    text = collapse(" ".join(parts)) or collapse(a.get("title")) or collapse(a.get("aria-label"))
    return text, (found[0] if found else None)


_DATE_WORDS = frozenset(
    "jan january feb february mar march apr april may jun june jul july aug august sep sept "
    "september oct october nov november dec december mon monday tue tues tuesday wed wednesday "
    "thu thur thurs thursday fri friday sat saturday sun sunday st nd rd th on posted published "
    "date am pm et est edt of".split()
)


def dateish(text: str, today: date | None = None) -> date | None:
    """The date a piece of text consists of (nothing but date words), else None: a title
    such as "Statement on June 9" is not a date line."""
    if not text or len(text) > _MAX_DATE_TEXT:
        return None
    if any(w.lower() not in _DATE_WORDS for w in re.findall(r"[A-Za-z]+", text)):
        return None
    return parse_date(text, today)


def spaced_text(el: etree._Element) -> str:
    return collapse(" ".join(el.itertext()))


def _candidates(doc: etree._Element, page_url: str) -> list[tuple[etree._Element, str]]:
    body = doc.find("body")
    page = canonical_url(page_url)
    page_path = urlsplit(page).path or "/"
    found: list[tuple[etree._Element, str]] = []
    for a in _content_links(body if body is not None else doc):
        href = a.get("href", "").strip()
        if not href or href.startswith("#"):
            continue
        absolute = absolute_url(href, page_url)
        if not absolute or not is_same_site(absolute, page_url):
            continue
        url = canonical_url(absolute)
        parts = urlsplit(url)
        if url == page or _PAGER_URL.search(url) or _NOT_PAGES.search(parts.path):
            continue
        if not parts.query and _ancestor_path(parts.path or "/", page_path):
            continue
        found.append((a, url))
    return _without_labels(found)


def _without_labels(found: list[tuple[etree._Element, str]]) -> list[tuple[etree._Element, str]]:
    """Keep the links that can be a release's: a URL some link names with a title-like text
    (a few words), not a category / topic label repeated under the same text in many rows."""
    texts: dict[str, list[str]] = {}
    for a, url in found:
        names = (link_text(a), collapse(a.get("title")), collapse(a.get("aria-label")))
        texts.setdefault(url, []).append(max(names, key=len))
    kept = set()
    for url, seen in texts.items():
        if max(len(t.split()) for t in seen) < _MIN_TITLE_WORDS and not any(
            _READ_MORE.match(t) for t in seen
        ):
            continue  # "Home", "2", "Next": menus and pagers
        if len(seen) >= 3 and len(set(seen)) == 1 and len(seen[0].split()) <= 4:
            continue  # "In the Press" under every row
        kept.add(url)
    return [(a, url) for a, url in found if url in kept]


# ---------------------------------------------------------------------------------- rows


def _rows(candidates: list[tuple[etree._Element, str]], root: etree._Element) -> list[_Row]:
    """Each link's row: its largest ancestor holding no other candidate URL."""
    owners: dict[etree._Element, set[str]] = {}
    for a, url in candidates:
        for el in a.iterancestors():
            owners.setdefault(el, set()).add(url)
            if el is root:
                break
    rows: dict[etree._Element, _Row] = {}
    for position, (a, url) in enumerate(candidates):
        row = a
        for parent in a.iterancestors():
            if parent is root or len(owners.get(parent, ())) > 1:
                break
            row = parent
        rows.setdefault(row, _Row(row, url, position)).links.append(a)
    return list(rows.values())


def _position(row: _Row) -> int:
    return row.position


def _class_key(el: etree._Element | None) -> str:
    """An element's class without what differs between siblings (odd/even, row-3)."""
    if el is None:
        return ""
    tokens = el.get("class", "").split()
    return " ".join(sorted(_MASK_DIGITS.sub("0", t) for t in tokens if not _ZEBRA.search(t)))


def _tag_path(row: etree._Element, tree: etree._ElementTree) -> str:
    return re.sub(r"\[\d+\]", "", tree.getpath(row))


_Shape = tuple[frozenset[str], tuple[tuple[str, str], ...]]


def _shape(el: etree._Element) -> _Shape:
    """A row's class names, and its children's tags and classes."""
    children = tuple((c.tag, _class_key(c)) for c in el if isinstance(c.tag, str))
    return frozenset(_class_key(el).split()), children


def _alike(a: _Shape, b: _Shape) -> bool:
    """Rows of one list share most of their class names, or, when a redesign renamed the
    ones that tell rows apart (odd/even → x1/x2, row-3 → x7f2), their inner layout."""
    (classes_a, inner_a), (classes_b, inner_b) = a, b
    if (classes_a or classes_b) and len(classes_a & classes_b) * 2 >= len(classes_a | classes_b):
        return True
    if not classes_a and not classes_b:
        return True
    return bool(inner_a) and inner_a == inner_b


def _by_key(rows: list[_Row], tree: etree._ElementTree) -> dict[tuple, list[_Row]]:
    """Rows of one listing: same tag path, parents of the same class (the list, or each
    month's table), and alike classes of their own."""
    groups: dict[tuple, list[_Row]] = {}
    shapes: dict[tuple, list[_Shape]] = {}
    for row in rows:
        key = (_tag_path(row.element, tree), _class_key(row.element.getparent()))
        shape = _shape(row.element)
        known = shapes.setdefault(key, [])
        index = next((i for i, seen in enumerate(known) if _alike(seen, shape)), None)
        if index is None:
            index = len(known)
            known.append(shape)
        groups.setdefault((*key, index), []).append(row)
    return groups


def _group_of(block: etree._Element, tree: etree._ElementTree, key: tuple) -> bool:
    """Whether ``block`` has the shape of the rows grouped under ``key``."""
    return key[:2] == (_tag_path(block, tree), _class_key(block.getparent()))


def _groups(rows: list[_Row], tree: etree._ElementTree, root: etree._Element) -> list[list[_Row]]:
    """Rows grouped by shape.

    A row whose block also links something else (a topic link, a link in its teaser) stops
    below the block its neighbours fill; so each group climbs while its rows have separate
    parents, and groups that meet at the same blocks merge: one block, one row, for the URL
    with the longest link text (the title, not the topic)."""
    for group in _by_key(rows, tree).values():
        if len(group) >= 2:
            _climb_together(group, root)
    groups = _by_key(_one_per_block(rows), tree)
    _adopt_strays(groups, tree)
    return list(_by_key(_one_per_block(r for g in groups.values() for r in g), tree).values())


def _one_per_block(rows: Iterable[_Row]) -> list[_Row]:
    by_element: dict[etree._Element, _Row] = {}
    for row in rows:
        kept = by_element.get(row.element)
        if kept is None or row.weight > kept.weight:
            by_element[row.element] = row
    return sorted(by_element.values(), key=_position)


def _adopt_strays(groups: dict[tuple, list[_Row]], tree: etree._ElementTree) -> None:
    """A row inside a block shaped like the rows of a larger group becomes that block's row
    (its block also linked something else, so it stopped climbing below it)."""
    parents: dict[etree._Element, tuple] = {}
    for key, rows in sorted(groups.items(), key=lambda item: len(item[1])):
        if len(rows) >= 2:
            parents.update((row.element.getparent(), key) for row in rows)  # larger wins
    for key, rows in groups.items():
        for row in rows:
            for ancestor in row.element.iterancestors():
                target = parents.get(ancestor.getparent())
                if target is not None:
                    if target != key and len(groups[target]) > len(rows) \
                            and _group_of(ancestor, tree, target):
                        row.element = ancestor
                    break


def _climb_together(group: list[_Row], root: etree._Element) -> None:
    for _ in range(4):
        parents = [row.element.getparent() for row in group]
        if any(p is None or p is root for p in parents) or len(set(parents)) < len(parents):
            return
        for row, parent in zip(group, parents, strict=True):
            row.element = parent

# ------------------------------------------------------------------------- titles, dates


def _labels(group: list[_Row]) -> frozenset[str]:
    """Kicker / category texts inside title links: short child texts repeated across rows."""
    counts: Counter[str] = Counter()
    for row in group:
        seen = set()
        for a in row.links:
            for child in a.iterdescendants():
                if isinstance(child.tag, str) and not len(child):  # leaves: a kicker span
                    text = spaced_text(child)
                    if text and len(text.split()) <= 4 and not dateish(text):
                        seen.add(text)
        counts.update(seen)
    need = max(2, len(group) // 3)
    return frozenset(text for text, n in counts.items() if n >= need)


def _title(
    row: _Row, labels: frozenset[str], today: date
) -> tuple[str, etree._Element | None, Dated | None]:
    """The row's title, the element it came from (kept out of the date search) and a date
    printed inside the title link (whole-card links)."""
    best, best_el, inner_date = "", None, None
    for a in row.links:
        heading = next((h for h in a.iter(*_HEADINGS) if spaced_text(h)), None)
        if heading is not None:  # a card link: its heading is the title
            text, el, when = spaced_text(heading), heading, None
        else:
            (text, when), el = link_parts(a, labels, today), a
        if len(text) > len(best):
            best, best_el, inner_date = text, el, when
    if len(best.split()) < _MIN_TITLE_WORDS or _READ_MORE.match(best):
        # "Read more" links: the title is the row's heading, or its first line of text.
        found = _unlinked_title(row.element, today)
        if found is not None:
            return spaced_text(found), found, inner_date
    return best, best_el, inner_date


def _unlinked_title(row: etree._Element, today: date) -> etree._Element | None:
    heading = next((h for h in row.iter(*_HEADINGS) if spaced_text(h)), None)
    if heading is not None:
        return heading
    for el in row.iter():
        if not isinstance(el.tag, str) or el.tag == "a" or len(el):
            continue  # leaves only: the line itself, not a block holding the teaser too
        text = spaced_text(el)
        if 3 <= len(text.split()) <= 30 and not dateish(text, today):
            return el
    return None


def _date_in(el: etree._Element, skip: etree._Element | None, today: date) -> Dated | None:
    """A date in ``el``'s own text, outside the title element ``skip``."""
    for node in el.iter("time"):
        raw = node.get("datetime") or spaced_text(node)
        found = parse_date(raw, today)
        if found:
            return found, raw
    title = set(skip.iter()) if skip is not None else set()
    above_title = set(skip.iterancestors()) if skip is not None else set()
    pieces = []
    for node in el.iter():
        if not isinstance(node.tag, str):
            continue
        if node in title:
            if node is skip:
                pieces.append(collapse(node.tail))
            continue
        text = _text_without(node, title) if node in above_title else spaced_text(node)
        if text and len(text) <= _MAX_DATE_TEXT:
            found = parse_date(text, today)
            if found:
                return found, text
        pieces.append(collapse(node.text))
        pieces.append(collapse(node.tail) if node is not el else "")
    # "Posted in In the Press on October 25, 2022 |": a full date in the row's running text.
    running = " ".join(p for p in pieces if p)[:_NEAR_TITLE]
    found = find_date_in_text(running, today)
    return (found, running) if found else None


def _text_without(node: etree._Element, title: set[etree._Element]) -> str:
    """The text of ``node`` without the title element's (``title``: its subtree)."""
    parts = []
    for el in node.iter():
        if el in title:
            if el.getparent() not in title:  # the title element itself: its tail is ours
                parts.append(el.tail or "")
            continue
        parts.append(el.text or "")
        if el is not node:
            parts.append(el.tail or "")
    return collapse(" ".join(parts))


def _sibling_date(row: etree._Element, step: str, rows: set, today: date) -> Dated | None:
    """Flat layouts (<span date/><h2><a/></h2><p/>): the date in a sibling of the row."""
    siblings = row.itersiblings(preceding=(step == "before"))
    for count, sibling in enumerate(siblings):
        if count >= _MAX_SIBLINGS or sibling in rows or not isinstance(sibling.tag, str):
            return None
        text = spaced_text(sibling)
        if len(text) > 200:
            return None
        found = parse_date(text, today) if len(text) <= _MAX_DATE_TEXT else None
        if found := found or find_date_in_text(text[:_NEAR_TITLE], today):
            return found, text
    return None


# ------------------------------------------------------------------------------- groups


def url_shape(url: str) -> str:
    """/media/press-releases/<slug> → "/media/press-releases/*"; query keys without values."""
    parts = urlsplit(url)
    segments = parts.path.rstrip("/").split("/")
    path = "/".join([*segments[:-1], "*"]) if len(segments) > 1 else "/*"
    keys = sorted(p.split("=", 1)[0].lower() for p in parts.query.split("&") if p)
    return _MASK_DIGITS.sub("0", path) + ("?" + "&".join(keys) if keys else "")


def plausibility(entries: list[ListingEntry]) -> float:
    """How much a list of rows looks like a release listing: rows with a real title, plus
    dated rows, discounted when titles repeat or URLs have no common shape."""
    if not entries:
        return 0.0
    titled = [e for e in entries if e.title and len(e.title.split()) >= _MIN_TITLE_WORDS]
    dated = sum(1 for e in titled if e.published)
    distinct = len({e.title for e in titled}) / len(titled) if titled else 0.0
    shapes = Counter(url_shape(e.url) for e in entries)
    top = sum(n for _, n in shapes.most_common(2)) / len(entries)  # vendors mix two shapes
    return (len(titled) + dated) * distinct * top


def _read_group(group: list[_Row], page_url: str, today: date) -> list[ListingEntry]:
    labels = _labels(group)
    elements = {row.element for row in group}
    titles = [_title(row, labels, today) for row in group]
    dates = [inner or _date_in(row.element, el, today)
             for row, (_, el, inner) in zip(group, titles, strict=True)]
    if sum(1 for d in dates if d is None) * 2 > len(dates):
        dates = _flat_dates(group, elements, dates, today)
    seen = {canonical_url(page_url)}
    entries = []
    for row, (title, _, _), dated in zip(group, titles, dates, strict=True):
        if row.url in seen or not title:
            continue
        seen.add(row.url)
        published, raw = (dated[0].isoformat(), dated[1]) if dated else (None, None)
        entries.append(ListingEntry(url=row.url, title=title, published=published, date_raw=raw))
    return entries


def _flat_dates(
    group: list[_Row], elements: set, dates: list[Dated | None], today: date
) -> list[Dated | None]:
    """Dates beside the rows rather than in them: whichever side dates more rows."""
    best = dates
    for step in ("before", "after"):
        found = [d or _sibling_date(row.element, step, elements, today)
                 for row, d in zip(group, dates, strict=True)]
        if sum(1 for d in found if d) > sum(1 for d in best if d):
            best = found
    return best


def best_group(doc: etree._Element, page_url: str, today: date) -> GroupResult:
    """The page's most listing-like group of rows (empty when nothing looks like one)."""
    candidates = _candidates(doc, page_url)
    body = doc.find("body")
    rows = _rows(candidates, body if body is not None else doc)
    best = GroupResult([], 0.0)
    tree = doc.getroottree()
    for group in _groups(rows, tree, body if body is not None else doc):
        if len(group) < 2:
            continue
        entries = _read_group(group, page_url, today)
        dated = sum(1 for e in entries if e.published)
        if len(entries) < _MIN_ROWS and not (len(entries) == 2 and dated == 2):
            continue
        score = plausibility(entries)
        if score > best.score:
            best = GroupResult(entries, score)
    return best


def generic_entries(doc: etree._Element, page_url: str, today: date) -> list[ListingEntry]:
    """The releases a page lists, read without any site template."""
    return best_group(doc, page_url, today).entries
