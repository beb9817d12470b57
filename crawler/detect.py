"""What a page is: decoding, parsing once, and recognizing its site family from its own markup.

The document helpers live here because every parser starts the same way: bytes → text → one
lxml tree. lxml is used directly (not through BeautifulSoup): building a BeautifulSoup tree costs
5–15 ms per 50 KB page and its CSS engine is pure Python, which alone would blow the crawl's
parsing budget; lxml parses the same page in under 1 ms and runs compiled selectors in C.
"""

from __future__ import annotations

import re
from functools import lru_cache

import lxml.html
from lxml import etree
from lxml.cssselect import CSSSelector

from crawler.templates import Family, all_families

_PARSER = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, collect_ids=False)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", re.IGNORECASE)
_SPACE = re.compile(r"\s+")
_FEED_ROOT = re.compile(r"<(rss|feed|rdf:RDF)\b", re.IGNORECASE)
_CSS_HITS = 2  # a selector marker is structural evidence; a text or URL marker is a hint


def decode_html(body: bytes | str, encoding: str | None = None) -> str:
    """Page bytes as text: UTF-8 when the bytes are UTF-8, whatever the page declares.

    Old member pages declare iso-8859-1 and serve UTF-8; decoding by the declaration turns
    every curly quote into mojibake. Real Latin-1 bytes are rarely valid UTF-8, so UTF-8 first.
    """
    if isinstance(body, str):
        return body
    if body.startswith(b"\xef\xbb\xbf"):
        body = body[3:]
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = encoding
    if not declared:
        found = _META_CHARSET.search(body[:4096])
        declared = found.group(1).decode("ascii") if found else None
    if not declared or declared.lower() in ("iso-8859-1", "latin-1", "latin1", "us-ascii"):
        declared = "cp1252"  # what browsers do with those labels
    try:
        return body.decode(declared, errors="replace")
    except LookupError:
        return body.decode("cp1252", errors="replace")


def parse_document(html: bytes | str) -> lxml.html.HtmlElement:
    """One lxml tree for the page (an empty <html> for an empty or unparsable page)."""
    text = _XML_DECL.sub("", decode_html(html), count=1)
    if not text.strip():
        return lxml.html.document_fromstring("<html><body></body></html>")
    try:
        return lxml.html.document_fromstring(text, parser=_PARSER)
    except (etree.ParserError, ValueError):
        return lxml.html.document_fromstring("<html><body></body></html>")


@lru_cache(maxsize=2048)
def css(selector: str) -> CSSSelector:
    """A compiled selector (compiling costs far more than running one)."""
    return CSSSelector(selector, translator="html")


def select(node: etree._Element, selector: str) -> list[etree._Element]:
    try:
        return css(selector)(node)
    except Exception:  # a bad selector in a member override must not crash the crawl
        return []


def first(node: etree._Element, selectors: tuple[str, ...] | list[str]) -> etree._Element | None:
    for selector in selectors:
        found = select(node, selector)
        if found:
            return found[0]
    return None


def collapse(text: str | None) -> str:
    # str.split() splits where \s matches (str.isspace), and is several times faster
    return " ".join(text.split()) if text else ""


def text_of(node: etree._Element | None) -> str:
    return collapse(node.text_content()) if node is not None else ""


CHROME_TAGS = frozenset({"footer", "nav", "aside", "header", "script", "style", "noscript"})
_CHROME_TOKEN = re.compile(
    r"(?:^|[-_])(?:footer|sidebar|office-locations?|offices|breadcrumbs?|navbar|menu)(?:[-_]|$)"
)


def in_chrome(node: etree._Element) -> bool:
    """Whether a node sits in the page's footer, navigation or a sidebar (office lists...)."""
    for ancestor in node.iterancestors():
        tag = ancestor.tag
        if tag in ("body", "html"):
            return False
        if tag in CHROME_TAGS:
            return True
        names = f"{ancestor.get('class', '')} {ancestor.get('id', '')}".lower().split()
        if any(_CHROME_TOKEN.search(name) for name in names):
            return True
    return False


def looks_like_feed(text: str) -> str | None:
    """"rss" or "atom" when the body is a feed rather than a page."""
    head = text.lstrip("\ufeff \t\r\n")[:2000]
    if not head.startswith("<"):
        return None
    match = _FEED_ROOT.search(head)
    if not match or re.search(r"<html\b", head[: match.start()], re.IGNORECASE):
        return None
    if not (head.startswith("<?xml") or head.startswith(("<rss", "<feed", "<rdf", "<!--"))):
        return None
    return "atom" if match.group(1).lower() == "feed" else "rss"


_CLASS_TOKEN = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
_ID_TOKEN = re.compile(r"#(-?[_a-zA-Z][\w-]*)")


@lru_cache(maxsize=1024)
def _required_tokens(selector: str) -> tuple[frozenset[str], frozenset[str]]:
    """Classes and ids a selector cannot match without (none known for a selector list)."""
    if "," in selector:
        return frozenset(), frozenset()
    bare = re.sub(r"\[[^\]]*\]|\([^)]*\)", "", selector)  # dots in [href*='x.aspx'] are no class
    return frozenset(_CLASS_TOKEN.findall(bare)), frozenset(_ID_TOKEN.findall(bare))


_ALL_CLASSES = etree.XPath("//@class", smart_strings=False)
_ALL_IDS = etree.XPath("//@id", smart_strings=False)


class Tokens:
    """Every class and id in a page: most selectors are ruled out without running them."""

    def __init__(self, doc: etree._Element) -> None:
        self.classes = set(" ".join(_ALL_CLASSES(doc)).split())
        self.ids = set(_ALL_IDS(doc))

    def may_match(self, selector: str) -> bool:
        classes, ids = _required_tokens(selector)
        return classes <= self.classes and ids <= self.ids


def select_page(doc: etree._Element, tokens: Tokens, selector: str) -> list[etree._Element]:
    """``select`` over a whole page, skipping selectors that name classes the page lacks."""
    return select(doc, selector) if tokens.may_match(selector) else []


def _hit(doc: etree._Element, tokens: Tokens, selector: str) -> bool:
    return bool(select_page(doc, tokens, selector))


def _score(family: Family, doc: etree._Element, tokens: Tokens, raw: str, url: str) -> int:
    css_hits = sum(1 for marker in family.markers if _hit(doc, tokens, marker))
    if not css_hits:
        return 0  # text and URL markers alone are too weak to claim a page
    text_hits = sum(1 for marker in family.text_markers if marker in raw)
    url_hits = sum(1 for marker in family.url_markers if marker.lower() in url.lower())
    return css_hits * _CSS_HITS + text_hits + url_hits


def detect_in_document(
    doc: etree._Element, raw: str, url: str, hint: str | None = None,
    tokens: Tokens | None = None,
) -> str:
    """Family of an already parsed page (see ``detect_family``)."""
    best: list[str] = []
    best_score = 0
    tokens = tokens or Tokens(doc)
    for family in all_families():
        if family.kind != "html":
            continue
        score = _score(family, doc, tokens, raw, url)
        if score > best_score:
            best, best_score = [family.name], score
        elif score and score == best_score:
            best.append(family.name)
    if not best:
        return "generic"
    return hint if hint in best else best[0]


def detect_family(html: str | bytes, url: str, hint: str | None = None) -> str:
    """The site family of a page, from its own markup; the hint only breaks ties.

    "rss" / "atom" for feeds, "generic" when no family's markers are present.
    """
    raw = decode_html(html)
    feed = looks_like_feed(raw)
    if feed:
        return feed
    return detect_in_document(parse_document(raw), raw, url, hint)
