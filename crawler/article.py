"""A release page → ``Article``: title, date (and where it came from), dateline, clean paragraphs.

The body is what the office published and nothing else: share bars, comment counters,
newsletter sign-ups, office lists, navigation and related-release sidebars are removed as
elements (by tag and by class/id) and, where their text slips through, as short paragraphs that
match known chrome phrases. Chrome that reaches the body would show up as a false edit.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import urlsplit

from lxml import etree

from crawler import clock
from crawler.chrome import keyed, learnable, mask_hash, rule_says_chrome
from crawler.dates import find_date_in_text, parse_date
from crawler.detect import (
    Tokens,
    collapse,
    decode_html,
    detect_in_document,
    in_chrome,
    parse_document,
    select_page,
    text_of,
)
from crawler.items import Article, ListingEntry
from crawler.mainblock import find_title, is_attachment, main_block, words
from crawler.templates import Family, family_names, get_family
from crawler.urls import absolute_url, canonical_url, is_same_site
from crawler.yearless import is_yearless

EXTRACTOR_VERSION = "3"  # bump whenever extraction output changes for the same page

_STRIP_TAGS = frozenset(
    {
        "script", "style", "noscript", "form", "nav", "aside", "footer", "header", "button",
        "iframe", "svg", "select", "input", "textarea", "label", "object", "embed", "template",
        "dialog", "menu",
    }
)
# Class/id words of chrome: distinctive ones anywhere in a class name ("sharethis-inline",
# "officelocations"), short or common ones only as a whole dash/underscore-separated part.
_CHROME_NAME_PART = re.compile(
    r"share|social|addthis|sharethis|a2a_|disqus|newsletter|signup|sign-up|subscribe"
    r"|breadcrumb|office-?locations?|stay-?connected|printfriendly|screen-reader|sr-only"
    r"|visually-hidden|element-invisible|skip-link|back-to-top"
)
_CHROME_NAME_WORD = re.compile(
    r"(?:^|[-_])(?:comments?|related|recent|sidebar|nav|navbar|navigation|menu|footer|offices"
    r"|print|pager|pagination|tags|issues|post-meta|entry-meta|subscription)(?:[-_]|$)"
)
# Headings of chrome blocks that carry no telling class (an address list under "Office
# Locations"): the heading's whole block goes.
_CHROME_HEADING = re.compile(
    r"(?:office locations?|our offices|district offices|stay connected|connect with (?:me|us)"
    r"|follow (?:me|us)|(?:e-?)?newsletter(?: sign[- ]?up)?|sign up for (?:our|my|the) "
    r"(?:e-?)?newsletters?|subscribe(?: to (?:our|my|the) (?:e-?)?newsletters?)?"
    r"|(?:related|recent|more|latest) (?:press )?(?:releases|news|posts|articles|links|stories)"
    r"|share this(?: page| release)?)\s*:?",
    re.IGNORECASE,
)
_CHROME_BLOCK_MAX = 1500  # a block under a chrome heading longer than this is not chrome
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_BLOCK_TAGS = frozenset(
    {
        "p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6", "li",
        "ul", "ol", "dl", "dt", "dd", "blockquote", "pre", "table", "thead", "tbody", "tfoot",
        "tr", "center", "address", "figure", "figcaption", "hr", "details", "summary",
    }
)
_BR = "\ue000"  # stands for <br> until paragraphs are split; never occurs in page text
_BR_BREAK = re.compile(f"{_BR}\\s*{_BR}[\\s{_BR}]*")

# Short paragraphs that are site chrome, never release text (matched against the whole
# paragraph, case-insensitively, so a real sentence that mentions these words is kept).
_CHROME_TEXT = re.compile(
    r"(?=.*[a-z])(?:(?:f|t|#|e|g\+|share|tweet|email|e-mail|print|facebook|twitter|linkedin"
    r"|reddit|pinterest|whatsapp|copy link|copy url|[|•·])(?:\s+|$))+"
    r"|(?:share|print|email|e-mail|tweet|send)(?: (?:this|to a friend|a friend)"
    r"(?: page| release| article| story| post)?| on \w+| via \w+| friendly| version)?:?"
    r"|\|?\s*(?:\d+\s+)?comments?\s*(?:\(\d+\))?\s*\|?"
    r"|(?:leave a|add a|add|post a|view|show|hide) comments?|comments are closed|no comments"
    r"|stay connected|connect with (?:me|us)|follow (?:me|us)(?: on \w+)?"
    r"|(?:sign up|subscribe)(?: (?:for|to) (?:our|my|the|email|e-mail)?\s*"
    r"(?:e-?)?(?:newsletters?|updates|mailing list|email updates))?(?: here)?[.!]?"
    r"|(?:e-?)?newsletter(?: sign[- ]?up)?|get (?:email )?updates|email updates"
    r"|office locations?|our offices|district offices?"
    r"|back to (?:top|press releases|news|all news|all press releases)|read more|continue reading"
    r"|(?:previous|next) (?:post|article|release|story)|skip to (?:main )?content"
    r"|(?:tags?|issues?|categories|category|filed under|permalink)\s*:.*",
    re.IGNORECASE,
)
_CHROME_TEXT_MAX = 90
_SECTION_LABELS = re.compile(
    r"(?:press releases?|news(?: releases?)?|newsroom|media(?: center)?|statements?"
    r"|press|releases?|blog|latest news)",
    re.IGNORECASE,
)
# meta names/properties/itemprops that state the publication date, most specific first
_META_DATES = (
    "article:published_time", "datepublished", "og:published_time", "pubdate", "publish-date",
    "publication_date", "dcterms.date", "dc.date.issued", "date",
)
# en/em dash, a double hyphen, or a hyphen next to a space (never the one in Winston-Salem)
_DATELINE_DASH = re.compile(r"\s*(?:[–—]|--|-(?=\s)|(?<=\s)-)")
_DATELINE_WORD = re.compile(r"[A-Z][A-Za-z.'’-]*\.?")
# Capitalized words that open sentences, not datelines ("Today, Congressman Smith – who...").
_NOT_PLACES = frozenset(
    {
        "Today", "TODAY", "Yesterday", "Tonight", "This", "The", "THE", "On", "In", "As",
        "After", "Rep.", "Sen.", "Senator", "SENATOR", "Congressman", "CONGRESSMAN",
        "Congresswoman", "CONGRESSWOMAN", "Representative", "Statement", "President", "Leader",
    }
)


# ---------------------------------------------------------------------------- entry point


def parse_article(
    html: str | bytes,
    url: str,
    family: str | None = None,
    listing: ListingEntry | None = None,
    overrides: dict | None = None,
    today: date | None = None,
    templates: bool = True,
) -> Article:
    """Normalize one release page (see the module docstring).

    ``templates=False`` ignores every family selector: the generic, title-anchored path alone
    (what a site we have never seen gets; used to test that path on known pages).
    """
    raw = decode_html(html)
    today = today or clock.today()
    doc = parse_document(raw)
    tokens = Tokens(doc)
    # A feed's family says nothing about pages; an unknown name (a stray hint) says nothing.
    if family in (None, "rss", "atom") or family not in family_names():
        family = detect_in_document(doc, raw, url, tokens=tokens)
    page = _Page(doc, tokens, _metas(doc))
    fam = get_family(family).merged(overrides) if templates else _NO_TEMPLATE
    generic = get_family("generic") if templates else _NO_TEMPLATE

    meta_date = _meta_date(page, today)
    known = _known_titles(page, listing)
    heading = find_title(doc, known)
    title = _title(page, fam, generic, listing, heading)
    container, broad = _container(page, fam, generic)
    visible_date = _visible_date(page, fam, container, title, today, heading)
    _strip_page_chrome(doc, tokens, keep=(heading, container))
    block = main_block(doc, heading, known)
    template = None
    if container is not None:
        _drop_title_heading(container, title)
        _strip_chrome(container)
        template = _paragraphs(container)
    body = choose_body(template, block.paragraphs, broad)
    paragraphs = body.paragraphs or _trafilatura_paragraphs(raw)
    parser = body.parser if body.paragraphs else "trafilatura"
    header = block.header if parser == "generic" else 0
    paragraphs, stripped = _drop_chrome_text(paragraphs, header)
    published, source = _choose_date(meta_date, listing, visible_date, today)
    return Article(
        url=_canonical(doc, url),
        title=title,
        published=published,
        date_source=source,
        dateline=extract_dateline(paragraphs[0]) if paragraphs else None,
        paragraphs=paragraphs,
        attachments=_attachments(container if body.parser == "template" else block.element, url),
        parser=parser,
        disagreement=body.disagreement,
        stripped=stripped,
        page_lines=keyed(block.lines),
        own_lines=block.beside_text,
    )


_NO_TEMPLATE = Family(name="none", kind="generic")


def _known_titles(page: _Page, listing: ListingEntry | None) -> list[str]:
    """What we know the release is called before reading the page's headings."""
    known = [collapse(listing.title)] if listing and listing.title else []
    known.append(page.metas.get("og:title", ""))
    page_title = text_of(page.doc.find(".//title"))
    if page_title:
        known.append(re.split(r"\s+[|–—-]\s+", page_title)[0])
    return [k for k in known if k]


class Body(NamedTuple):
    paragraphs: list[str]
    parser: str  # "template" | "generic"
    disagreement: bool


def choose_body(template: list[str] | None, generic: list[str], broad: bool = False) -> Body:
    """The template's body unless the generic block shows it is wrong: a heading, much shorter
    than the generic text block, or missing most of it. Then the generic block wins. A broad
    container (``main``, ``article``) is no template: the title-anchored block is finer, and
    wins whenever it holds a real body."""
    if not template:
        return Body(generic, "generic", bool(template is not None and generic))
    if template == generic:  # the common case: both read the same block
        return Body(template, "generic" if broad else "template", False)
    template_words = words(" ".join(template))
    generic_words = words(" ".join(generic))
    if broad and generic:
        return Body(generic, "generic", token_f1(template_words, generic_words) < 0.8)
    if len(generic_words) < _SHORT_BODY_WORDS:
        return Body(template, "template", False)  # nothing solid to check against
    heading = len(template) <= 2 and len(template_words) <= 12
    shorter = len(template_words) < 0.5 * len(generic_words)
    missing = _recall(generic_words, template_words) < 0.5
    if heading or shorter or missing:
        return Body(generic, "generic", True)
    return Body(template, "template", token_f1(template_words, generic_words) < 0.8)


def token_f1(got: list[str], want: list[str]) -> float:
    """Bag-of-words F1 between two token lists (1.0 when both are empty)."""
    if not got and not want:
        return 1.0
    common = sum((Counter(got) & Counter(want)).values())
    if not common:
        return 0.0
    precision, recall = common / len(got), common / len(want)
    return 2 * precision * recall / (precision + recall)


def _recall(want: list[str], got: list[str]) -> float:
    return sum((Counter(got) & Counter(want)).values()) / len(want) if want else 1.0


def _drop_chrome_text(paragraphs: list[str], header: int) -> tuple[list[str], list[str]]:
    """The body without chrome lines, and what was dropped (Article.stripped).

    The first ``header`` paragraphs are the generic block's header matter (outside the element
    that holds the release's sentences): a date line or byline there is the page's, not the
    release's."""
    kept: list[str] = []
    stripped: list[str] = []
    for index, paragraph in enumerate(paragraphs):
        leading = index < header
        if is_chrome_text(paragraph) or rule_says_chrome(paragraph, leading):
            stripped.append(paragraph)
            continue
        kept.append(paragraph)
    return kept, stripped


def _strip_page_chrome(
    doc: etree._Element, tokens: Tokens,
    keep: tuple[etree._Element | None, etree._Element | None],
) -> None:
    """Chrome elements (by tag, class, id, hidden) anywhere on the page, except the title,
    the template's container and what encloses them: the generic block is chosen without
    menus, sidebars and share bars."""
    body = doc.find(".//body")
    if body is None:
        return
    spared: set[etree._Element] = set()
    for el in keep:
        if el is not None:
            spared.add(el)
            spared.update(el.iterancestors())
    doomed = [
        el for el in _chrome_candidates(body, tokens)
        if el.tag not in _NEVER_PAGE_CHROME and el not in spared and _is_chrome(el)
    ]
    doomed.extend(_heading_blocks(body, spared))
    for el in doomed:
        if el.getparent() is not None:
            el.drop_tree()


def _chrome_candidates(body: etree._Element, tokens: Tokens) -> list[etree._Element]:
    """The elements that may be chrome: chrome tags, hidden ones, and those carrying one of the
    page's class or id names that reads as chrome (each name is tested once, not per element)."""
    classes = {name for name in tokens.classes if _chrome_name(name.lower())}
    ids = {name for name in tokens.ids if _chrome_name(name.lower())}
    found = []
    for el in body.iterdescendants():
        tag = el.tag
        if not isinstance(tag, str):
            continue
        if tag in _STRIP_TAGS:
            found.append(el)
            continue
        attrib = el.attrib
        if not attrib:
            continue
        names = attrib.get("class")
        if (
            (names and not classes.isdisjoint(names.split())) or attrib.get("id") in ids
            or "hidden" in attrib or "aria-hidden" in attrib or "style" in attrib
        ):
            found.append(el)
    return found


@lru_cache(maxsize=8192)
def _chrome_name(name: str) -> bool:
    return bool(_CHROME_NAME_PART.search(name) or _CHROME_NAME_WORD.search(name))


def _heading_blocks(body: etree._Element, spared: set[etree._Element]) -> list[etree._Element]:
    """Blocks under a chrome heading ("Stay Connected", "Office Locations") anywhere on the
    page: the heading's parent when it holds little else, else the heading and the short
    blocks after it."""
    found: list[etree._Element] = []
    for heading in body.iter("h2", "h3", "h4", "h5", "h6"):
        if heading in spared or not _CHROME_HEADING.fullmatch(text_of(heading)):
            continue
        parent = heading.getparent()
        if parent is not None and parent not in spared and len(text_of(parent)) <= 600:
            found.append(parent)
        else:
            found.append(heading)
            found.extend(s for s in heading.itersiblings() if len(text_of(s)) < 400)
    return found


# The whole page sits in one <form> on ASP.NET sites; a <header> may hold the title.
_NEVER_PAGE_CHROME = frozenset({"form", "header", "main", "article"})
_SHORT_BODY_WORDS = 25  # under this a body is reported (member_runs.articles_short)


def strip_learned(article: Article, keys: frozenset[str] | set[str]) -> Article:
    """The article without paragraphs its site repeats (never down to nothing: a page whose
    every line is "chrome" is a page we do not understand, left as it is)."""
    if not keys:
        return article
    kept = [
        p for p in article.paragraphs
        if p in article.own_lines or not (learnable(p) and mask_hash(p) in keys)
    ]
    if not kept or len(kept) == len(article.paragraphs):
        return article
    dropped = [p for p in article.paragraphs if p not in kept]
    return replace(
        article,
        paragraphs=kept,
        dateline=extract_dateline(kept[0]),
        stripped=[*article.stripped, *dropped],
    )


# --------------------------------------------------------------------------------- title


def _usable_title(el: etree._Element, text: str) -> bool:
    if not text or _SECTION_LABELS.fullmatch(text) or in_chrome(el):
        return False
    # A masthead <h1><a href="/">Senator X</a></h1> is the site's name, not the release's.
    link = el.find(".//a[@href]") if el.tag != "a" else el
    if link is not None and text_of(link) == text:
        path = urlsplit(link.get("href", "").strip()).path
        if path.rstrip("/") in ("", "/home", "/index.html", "/index.php", "/index.cfm"):
            return False
    return True


def _first_title(page: _Page, selectors: tuple[str, ...]) -> str:
    for selector in selectors:
        for el in select_page(page.doc, page.tokens, selector):
            text = text_of(el)
            if _usable_title(el, text):
                return text
    return ""


def _title(
    page: _Page, fam: Family, generic: Family, listing: ListingEntry | None,
    heading: etree._Element | None,
) -> str:
    doc = page.doc
    og = page.metas.get("og:title", "")
    if og and any(text_of(h) == og for h in doc.iter("h1", "h2") if not in_chrome(h)):
        return og  # the page's own metadata agrees with a visible heading
    title = _first_title(page, fam.article_title) or _first_title(page, generic.article_title)
    if title:
        return title
    if heading is not None and _usable_title(heading, text_of(heading)):
        return text_of(heading)  # the heading that matched what we know of the title
    if og:
        return og
    if listing and listing.title:
        return collapse(listing.title)
    page_title = text_of(doc.find(".//title"))
    return re.split(r"\s+[|–—-]\s+", page_title)[0] if page_title else ""


class _Page(NamedTuple):
    doc: etree._Element
    tokens: Tokens
    metas: dict[str, str]


def _metas(doc: etree._Element) -> dict[str, str]:
    """<meta> values by lower-cased property / name / itemprop (the first of each wins)."""
    metas: dict[str, str] = {}
    for meta in doc.iter("meta"):
        key = meta.get("property") or meta.get("name") or meta.get("itemprop")
        content = collapse(meta.get("content"))
        if key and content:
            metas.setdefault(key.strip().lower(), content)
    return metas


def _canonical(doc: etree._Element, url: str) -> str:
    for link in doc.iter("link"):
        if "canonical" not in link.get("rel", "").lower().split():
            continue
        found = absolute_url(link.get("href"), url)
        if found and is_same_site(found, url):
            return canonical_url(found)
    return canonical_url(url)


# --------------------------------------------------------------------------------- dates


def _json_ld_date(doc: etree._Element, today: date) -> date | None:
    for script in doc.iter("script"):
        text = script.text or ""
        if script.get("type") != "application/ld+json" or "datePublished" not in text:
            continue
        found = re.search(r'"datePublished"\s*:\s*"([^"]+)"', text)
        if found:
            return parse_date(found.group(1), today)
    return None


def _meta_date(page: _Page, today: date) -> date | None:
    """The date the page's metadata states (meta tags, <time datetime>, JSON-LD)."""
    for key in _META_DATES:
        found = parse_date(page.metas.get(key), today)
        if found:
            return found
    for el in page.doc.iter("time"):
        if el.get("datetime") and not in_chrome(el):
            found = parse_date(el.get("datetime"), today)
            if found:
                return found
    return _json_ld_date(page.doc, today)


def _visible_date(
    page: _Page, fam: Family, container: etree._Element | None, title: str, today: date,
    heading: etree._Element | None = None,
) -> date | None:
    """A date printed on the page: the family's date element, else text near the title."""
    for selector in fam.article_date:
        for el in select_page(page.doc, page.tokens, selector):
            if in_chrome(el):
                continue
            text = text_of(el)
            found = parse_date(text, today) if len(text) <= 120 else None
            if found:
                return found
    return find_date_in_text(_text_near_title(page.doc, container, title, heading), today)


def _text_near_title(
    doc: etree._Element, container: etree._Element | None, title: str,
    found: etree._Element | None = None,
) -> str:
    """Text right after the title heading(s) and at the top of the body (a byline, a dateline).

    Every heading that carries the title counts, first h1 first: a page header may repeat the
    title in an h1 above the article's own heading and its date line."""
    parts: list[str] = []
    headings = [h for h in doc.iter("h1") if text_of(h) == title]
    headings += [h for h in doc.iter("h2", "h3") if text_of(h) == title]
    if found is not None and found not in headings:
        headings.append(found)
    for heading in headings:
        parts.extend(_after(heading, 4))
        if heading.getparent() is not None:
            parts.extend(_after(heading.getparent(), 2))
    if container is not None:
        parts.append(text_of(container)[:300])
    return " ".join(parts)


def _after(el: etree._Element, count: int) -> list[str]:
    """The text of the next ``count`` siblings of ``el`` (scripts left out)."""
    texts: list[str] = []
    for sibling in el.itersiblings():
        if len(texts) >= count:
            break
        if sibling.tag not in ("script", "style"):
            texts.append(text_of(sibling)[:200])
    return texts


def _choose_date(
    meta: date | None, listing: ListingEntry | None, visible: date | None, today: date
) -> tuple[str | None, str | None]:
    if meta:
        return meta.isoformat(), "article-meta"
    listed = parse_date(listing.published, today) if listing and listing.published else None
    same_day = bool(listed and visible) and (visible.month, visible.day) == (
        listed.month, listed.day
    )
    if same_day and listing is not None and is_yearless(listing.date_raw, today):
        return visible.isoformat(), "article-text"  # the page knows the year the list left out
    if listed:
        return listed.isoformat(), "listing"
    if visible:
        return visible.isoformat(), "article-text"
    return None, None


# ---------------------------------------------------------------------------------- body


def _container(page: _Page, fam: Family, generic: Family) -> tuple[etree._Element | None, bool]:
    """The element holding the release text — family selectors, then the common containers —
    and whether it is only a broad one (``main``, ``article``).

    A named container is trusted with any text (a photo release may say only "###"); a broad
    one must hold some text, or an empty one would hide the real body from the fallbacks.
    """
    for selectors, min_text in ((fam.body, 1), (generic.body, 1), (generic.body_broad, 40)):
        for selector in selectors:
            for el in select_page(page.doc, page.tokens, selector):
                if not in_chrome(el) and len(text_of(el)) >= min_text:
                    return el, selectors is generic.body_broad
    return None, False


def _is_chrome(el: etree._Element) -> bool:
    if el.tag in _STRIP_TAGS:
        return True
    if not el.attrib:
        return False  # most elements: nothing more to look at
    if el.get("hidden") is not None:
        return True
    if el.get("aria-hidden") == "true" or _HIDDEN_STYLE.search(el.get("style", "")):
        return True
    names = f"{el.get('class', '')} {el.get('id', '')}".lower()
    if _CHROME_NAME_PART.search(names):
        return True
    return any(_CHROME_NAME_WORD.search(name) for name in names.split())


def _chrome_block(heading: etree._Element, container: etree._Element) -> etree._Element | None:
    """The block a chrome heading ("Office Locations") titles, or None if it is no chrome."""
    if not _CHROME_HEADING.fullmatch(text_of(heading)):
        return None
    parent = heading.getparent()
    if parent is None or parent is container:
        return heading
    return parent if len(text_of(parent)) <= _CHROME_BLOCK_MAX else heading


def _strip_chrome(container: etree._Element) -> None:
    doomed = [
        el for el in container.iterdescendants() if isinstance(el.tag, str) and _is_chrome(el)
    ]
    for el in container.iter("h2", "h3", "h4", "h5", "h6"):
        block = _chrome_block(el, container)
        if block is not None:
            doomed.append(block)
            if block is el and el.getparent() is container:
                # a chrome section of the container itself: the heading and what follows it
                doomed.extend(sib for sib in el.itersiblings() if len(text_of(sib)) < 400)
    for el in doomed:
        if el.getparent() is not None:
            el.drop_tree()  # keeps the element's tail text, which belongs to its parent


def _walk(el: etree._Element, buffer: list[str], out: list[str]) -> None:
    tag = el.tag if isinstance(el.tag, str) else ""
    block = tag in _BLOCK_TAGS
    if block:
        _flush(buffer, out)
    if tag == "br":
        buffer.append(_BR)
    elif tag in ("td", "th"):
        buffer.append(" ")
    if el.text and tag:
        buffer.append(el.text)
    for child in el:
        _walk(child, buffer, out)
        if child.tail:
            buffer.append(child.tail)
    if block:
        _flush(buffer, out)
    elif tag in ("td", "th"):
        buffer.append(" ")


def _flush(buffer: list[str], out: list[str]) -> None:
    if not buffer:
        return
    text = "".join(buffer)
    buffer.clear()
    for part in _BR_BREAK.split(text):
        paragraph = collapse(part.replace(_BR, " "))
        if paragraph:
            out.append(paragraph)


def _paragraphs(container: etree._Element) -> list[str]:
    """One paragraph per block element (and per <br><br>), inline text joined as rendered."""
    out: list[str] = []
    buffer: list[str] = []
    if container.text:
        buffer.append(container.text)
    for child in container:
        _walk(child, buffer, out)
        if child.tail:
            buffer.append(child.tail)
    _flush(buffer, out)
    return out


def _trafilatura_paragraphs(raw: str) -> list[str]:
    """Last resort for layouts no selector knows (imported lazily: it is slow to load)."""
    import trafilatura

    text = trafilatura.extract(
        raw, include_comments=False, include_tables=False, favor_precision=True
    )
    return [collapse(line) for line in (text or "").split("\n") if line.strip()]


def is_chrome_text(paragraph: str) -> bool:
    """Whether a paragraph is a share bar, comment counter, sign-up prompt or the like."""
    return len(paragraph) <= _CHROME_TEXT_MAX and bool(_CHROME_TEXT.fullmatch(paragraph))


def _drop_title_heading(container: etree._Element, title: str) -> None:
    """A broad container (main article) holds the page's own title heading: not body text."""
    for heading in container.iter("h1", "h2"):
        if text_of(heading) == title:
            heading.drop_tree()
            return


def _attachment_links(container: etree._Element) -> Iterator[etree._Element]:
    """Links of the (already cleaned) body, then of the article around it minus its chrome."""
    yield from container.iter("a")
    area = next(container.iterancestors("article"), None)
    if area is None:
        return
    for link in area.iter("a"):
        ancestors = list(link.iterancestors())
        if container in ancestors:
            continue  # already seen
        inside = ancestors[: ancestors.index(area)] if area in ancestors else []
        if not any(_is_chrome(el) for el in inside):
            yield link


def _attachments(container: etree._Element | None, url: str) -> list[str]:
    """PDF / Word files linked from the body or the article around it, in order."""
    if container is None:
        return []
    found: list[str] = []
    for link in _attachment_links(container):
        href = absolute_url(link.get("href"), url)
        if href and is_attachment(href):
            absolute = canonical_url(href)
            if absolute not in found:
                found.append(absolute)
    return found


# ------------------------------------------------------------------------------ dateline


def _place_case(word: str) -> str:
    """WASHINGTON → Washington; abbreviations (D.C., DC, FL) stay as printed."""
    letters = word.replace(".", "")
    if not letters.isupper() or "." in word or len(letters) <= 2:
        return word
    return "-".join(part.capitalize() for part in word.split("-"))


def _place(text: str) -> str | None:
    text = text.strip()
    if text[:1] in "([" and text[-1:] in ")]":
        text = text[1:-1].strip()
    # "WASHINGTON, D.C. (June 15, 2017) –", "Washington, DC [2/26/15] –"
    text = re.sub(r"\s*[\(\[][^\)\]]*\d[^\)\]]*[\)\]]$", "", text).strip().rstrip(",").strip()
    parts = [p.strip() for p in text.split(",")]
    if not 1 <= len(parts) <= 3 or not all(parts):
        return None
    for part in parts:
        words = part.split()
        if not 1 <= len(words) <= 3 or not all(_DATELINE_WORD.fullmatch(w) for w in words):
            return None
        if any(w in _NOT_PLACES for w in words):
            return None
    return ", ".join(" ".join(_place_case(w) for w in part.split()) for part in parts)


def extract_dateline(first_paragraph: str) -> str | None:
    """The place before the dash that opens a release ("WASHINGTON, D.C. – Today...")."""
    head = first_paragraph[:90]
    dash = _DATELINE_DASH.search(head)
    if not dash or dash.start() == 0:
        return None
    return _place(head[: dash.start()])
