"""Text from the web, made safe to store and to print.

A page can carry terminal escape sequences (ANSI colours, "clear screen", an OSC window title)
and other control characters in its title or body. They mean nothing in a press release and can
do harm on a terminal, so they are removed before storage (``clean_text``) and again from every
line the CLI prints (``printable``), which also covers databases written before this existed.
"""

from __future__ import annotations

import re
from dataclasses import replace

from crawler.items import Article

# ESC / C1 sequences first (so their parameters go too), then any control character left.
_SEQUENCES = re.compile(
    r"""
    (?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?          # CSI: colours, cursor moves, clear screen
    | (?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])   # OSC (window title), DCS, SOS, PM, APC ...
      [^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?     # ... up to BEL or ST (or the end)
    | \x1b[ -/]*[0-~]?                          # any other ESC sequence
    """,
    re.VERBOSE,
)
# C0 controls but tab and newline, DEL, C1 controls, and bidi overrides that reorder what a
# terminal shows (the "Trojan source" characters).
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_LINE_BREAKS = re.compile(r"[\t\n]")


def printable(text: str) -> str:
    """``text`` without escape sequences or control characters (tabs and newlines kept)."""
    if text.isprintable():  # the common case, cheaply
        return text
    return _CONTROLS.sub("", _SEQUENCES.sub("", text.replace("\r\n", "\n")))


def clean_text(text: str | None) -> str | None:
    """A scraped one-line field (title, dateline, URL): no controls, no line breaks."""
    if text is None:
        return None
    return _LINE_BREAKS.sub(" ", printable(text)).strip()


def clean_article(article: Article) -> Article:
    """The article with every scraped text field cleaned."""
    return replace(
        article,
        url=clean_text(article.url) or article.url,
        title=clean_text(article.title) or "",
        published=clean_text(article.published),
        dateline=clean_text(article.dateline),
        paragraphs=[p for p in (clean_text(p) for p in article.paragraphs) if p],
        attachments=[a for a in (clean_text(a) for a in article.attachments) if a],
    )
