"""Template-free article extraction: find the release's title on the page, then the block of
text that follows it.

The title is what we already know (the listing's link text, ``og:title``, the ``<title>``) matched
against the page's headings. The body is the element after the title that holds the most
sentence-like text and the least link text: every paragraph below the title adds its length to
all its ancestors (a sentence adds fully, a short line a little, a line of links subtracts), and
the best-scoring element wins. Text above the title (breadcrumbs, the page heading "Press
Releases", menus) never counts, so a page heading can never become the body.

Plain lxml, one pass over the page: this runs on every release page (see benchmarks/).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from lxml import etree

from crawler.chrome import is_bar, is_date_line, is_end_mark, is_stamp
from crawler.detect import collapse, in_chrome, text_of

_HEADINGS = ("h1", "h2", "h3", "h4")
_WORD = re.compile(r"\w+")
_BLOCK_TAGS = frozenset(
    {
        "p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6", "li",
        "ul", "ol", "dl", "dt", "dd", "blockquote", "pre", "table", "thead", "tbody", "tfoot",
        "tr", "td", "th", "center", "address", "figure", "figcaption", "hr", "details", "summary",
        "header", "footer", "form", "body",
    }
)
_BR = "\ue000"
_BR_BREAK = re.compile(f"{_BR}\\s*{_BR}[\\s{_BR}]*")
_TITLE_MATCH = 0.6  # share of the known title's words a heading must carry
_SENTENCE_WORDS = 8  # a paragraph of this many words, mostly not links, is release text
_LEAF_TAGS = frozenset({"p", "li", "td", "th", "blockquote", "pre", "dd", "h5", "h6", "span"})
_TITLE_MARK = "\ue001"  # stands for the title element while paragraphs are collected
_ATTACHMENT = re.compile(r"\.(?:pdf|docx?)$", re.IGNORECASE)
_NO_LINK, _LINK, _FILE_LINK = 0, 1, 2  # what text sits in (a file link is release content)
_END_MARK_WEIGHT = 60.0  # as much as a sentence: a photo release may have nothing else
_SAYS_NOTHING_MAX = 120  # longer lines are text, whatever they start with


def is_attachment(href: str | None) -> bool:
    """Whether a link points to a document file (a release's letter or bill text)."""
    return bool(href) and bool(_ATTACHMENT.search(href.split("?", 1)[0].strip()))


class Paragraph(NamedTuple):
    text: str
    owner: etree._Element  # the block element the text was flushed from
    link_chars: int


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def similarity(a: str, b: str) -> float:
    """Share of words the two texts have in common, relative to the longer one."""
    wa, wb = set(words(a)), set(words(b))
    if not wa or not wb:
        return 0.0
    return len(wa & wb) / max(len(wa), len(wb))


def find_title(doc: etree._Element, known: list[str]) -> etree._Element | None:
    """The heading that carries the release's title: the best match of a known title, else the
    first heading outside the page chrome."""
    headings = [h for h in doc.iter(*_HEADINGS) if text_of(h) and not in_chrome(h)]
    best, best_score = None, 0.0
    for heading in headings:
        text = text_of(heading)
        score = max((similarity(text, k) for k in known if k), default=0.0)
        rank = _HEADINGS.index(heading.tag)
        if score > best_score + 1e-9 or (
            best is not None and abs(score - best_score) < 1e-9
            and rank < _HEADINGS.index(best.tag)
        ):
            best, best_score = heading, score
    if best is not None and best_score >= _TITLE_MATCH:
        return best
    return next((h for h in headings if h.tag == "h1"), None)


# ------------------------------------------------------------------------- paragraphs


def collect(root: etree._Element) -> list[Paragraph]:
    """Every paragraph under ``root`` in document order, with the block it came from."""
    out: list[Paragraph] = []
    buffer: list[tuple[str, int]] = []
    _walk(root, root, _NO_LINK, buffer, out)
    _flush(buffer, root, out)
    return out


def _walk(
    el: etree._Element, owner: etree._Element, in_link: int,
    buffer: list[tuple[str, int]], out: list[Paragraph],
) -> None:
    tag = el.tag if isinstance(el.tag, str) else ""
    block = tag in _BLOCK_TAGS
    if block:
        _flush(buffer, owner, out)
        owner = el
    if tag == "a" and not in_link:
        in_link = _FILE_LINK if is_attachment(el.get("href")) else _LINK
    if tag == "br":
        buffer.append((_BR, _NO_LINK))
    elif tag in ("td", "th"):
        buffer.append((" ", _NO_LINK))
    if el.text and tag:
        buffer.append((el.text, in_link))
    for child in el:
        _walk(child, owner, in_link, buffer, out)
        if child.tail:
            buffer.append((child.tail, in_link))
    if block:
        _flush(buffer, owner, out)


def _flush(buffer: list[tuple[str, int]], owner: etree._Element, out: list[Paragraph]) -> None:
    if not buffer:
        return
    text = "".join(t for t, _ in buffer)
    # "Read the letter (PDF)" is the release's own line, not a link out of it
    link_chars = sum(len(t.strip()) for t, link in buffer if link == _LINK)
    buffer.clear()
    parts = [collapse(p.replace(_BR, " ")) for p in _BR_BREAK.split(text)]
    parts = [p for p in parts if p]
    total = sum(len(p) for p in parts) or 1
    for part in parts:
        out.append(Paragraph(part, owner, round(link_chars * len(part) / total)))


# ------------------------------------------------------------------------------- body


def _collect_marked(root: etree._Element, title: etree._Element | None) -> list[Paragraph]:
    """``collect``, with the title element standing as a mark (put back afterwards)."""
    if title is None:
        return collect(root)
    text, children = title.text, list(title)
    for child in children:
        title.remove(child)
    title.text = _TITLE_MARK
    try:
        return collect(root)
    finally:
        title.text = text
        for child in children:
            title.append(child)


def _is_sentence(paragraph: Paragraph) -> bool:
    size = len(paragraph.text)
    return len(paragraph.text.split()) >= _SENTENCE_WORDS and paragraph.link_chars < 0.4 * size


def _weight(paragraph: Paragraph) -> float:
    size = len(paragraph.text)
    if size <= _SAYS_NOTHING_MAX and (is_bar(paragraph.text) or is_stamp(paragraph.text)):
        return 0.0  # neither for nor against a block: it may sit in the release's box or not
    if paragraph.link_chars > 0.5 * size:
        return -float(size)  # a line of links: menus, related releases, share bars
    if _is_sentence(paragraph):
        return float(size)
    if size <= 12 and is_end_mark(paragraph.text):
        return _END_MARK_WEIGHT  # "###" ends the release as published: its box is the body
    return 0.2 * size  # a short line: a list item, a heading


def _says_nothing(text: str) -> bool:
    """A share bar, counter, stamp or date line: no text of the release."""
    return len(text) <= _SAYS_NOTHING_MAX and (
        is_bar(text) or is_stamp(text) or is_date_line(text)
    )


def after_title(paragraphs: list[Paragraph]) -> list[Paragraph]:
    """The paragraphs below the title mark (all of them when the mark is not among them)."""
    for index, paragraph in enumerate(paragraphs):
        if _TITLE_MARK in paragraph.text:
            rest = paragraph.text.split(_TITLE_MARK, 1)[1].strip()
            tail = [Paragraph(rest, paragraph.owner, 0)] if rest else []
            return tail + paragraphs[index + 1 :]
    return paragraphs


class Block(NamedTuple):
    paragraphs: list[str]
    element: etree._Element | None  # the block they came from (its links: attachments)
    header: int = 0  # leading lines outside the element that holds the first sentence
    lines: list[str] = []  # every line of the page, above the title too (chrome learning)
    beside_text: frozenset[str] = frozenset()  # <p> lines among the release's own sentences


def main_block(doc: etree._Element, title: etree._Element | None, known: list[str]) -> Block:
    """The paragraphs of the best text block below ``title`` (chrome elements already gone)."""
    body = doc.find(".//body")
    root = body if body is not None else doc
    if title is not None:
        known = [*known, text_of(title)]
    every = _collect_marked(root, title)
    lines = [p.text for p in every if _TITLE_MARK not in p.text]
    paragraphs = after_title(every)
    if not paragraphs:
        return Block([], None, 0, lines)
    scores: dict[etree._Element, float] = {}
    for paragraph in paragraphs:
        # a heading that repeats the title is dropped from the body: it weighs nothing either
        weight = 0.0 if _repeats_title(paragraph, known) else _weight(paragraph)
        for el in (paragraph.owner, *paragraph.owner.iterancestors()):
            scores[el] = scores.get(el, 0.0) + weight
    best = max(scores, key=lambda el: (scores[el], _depth(el)))
    # One paragraph is never the whole release: a one-sentence statement followed by its
    # attachment link is still read from the element that holds both.
    while best.tag in _LEAF_TAGS and best.getparent() is not None:
        parent = best.getparent()
        if scores.get(parent, 0.0) < 0.75 * scores[best]:
            break
        best = parent
    if scores[best] <= 0:
        return Block([], None, 0, lines)
    inside = [p for p in paragraphs if p.owner is best or _inside(p.owner, best)]
    inside = [p for p in inside if not _repeats_title(p, known)]
    return Block([p.text for p in inside], best, _header(inside), lines, _beside_text(inside))


def _beside_text(paragraphs: list[Paragraph]) -> frozenset[str]:
    """Lines that are paragraphs of the element holding the release's sentences: the office
    wrote them, whatever other pages of the site show (a boxed sign-up form sits apart)."""
    first = next((p for p in paragraphs if _is_sentence(p)), None)
    if first is None or first.owner.getparent() is None:
        return frozenset()
    holder = first.owner.getparent()
    return frozenset(
        p.text for p in paragraphs if p.owner.tag == "p" and p.owner.getparent() is holder
    )


def _header(paragraphs: list[Paragraph]) -> int:
    """How many lines open the block outside the element holding its first sentence (or, in a
    release without one — a photo and "###" — its first line that is neither a bar nor a
    date): the page's date line, byline and share bar (a date written into the release text
    sits beside its sentences and is kept)."""
    first = next((p for p in paragraphs if _is_sentence(p)), None)
    if first is None:
        first = next((p for p in paragraphs if not _says_nothing(p.text)), None)
    if first is None:
        return 0
    holder = first.owner.getparent()
    count = 0
    for paragraph in paragraphs:
        if paragraph is first or holder is None or paragraph.owner is holder or _inside(
            paragraph.owner, holder
        ):
            break
        count += 1
    return count


def _repeats_title(paragraph: Paragraph, known: list[str]) -> bool:
    """A second heading with the title (a page heading that repeats it) is not body text."""
    if paragraph.owner.tag not in _HEADINGS:
        return False
    return any(similarity(paragraph.text, k) >= 0.9 for k in known if k)


def _depth(el: etree._Element) -> int:
    return sum(1 for _ in el.iterancestors())  # on a tie the deeper (smaller) block wins


def _inside(el: etree._Element, ancestor: etree._Element) -> bool:
    return any(a is ancestor for a in el.iterancestors())
