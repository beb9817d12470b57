"""``presswatch feed``: recent changes as an Atom feed, built with feedgen (a well-kept
library that escapes and serializes correctly) rather than hand-made XML."""

from __future__ import annotations

import re
from typing import Any

from feedgen.feed import FeedGenerator

from crawler.clock import now_iso

# XML 1.0 forbids most control characters, and scraped text may contain them: lxml would
# refuse the whole feed, so they are dropped from every string that goes in.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
KIND_VERBS = {"new": "New", "edited": "Edited", "removed": "Removed", "restored": "Restored"}


def xml_safe(text: str | None) -> str:
    return _NOT_XML.sub("", text or "")


def feed_id(kinds: list[str] | None, member: str | None) -> str:
    """A stable id per selection, so a reader keeps its place when the file is regenerated."""
    parts = ["changes", *sorted(kinds or []), *([member.upper()] if member else [])]
    return "urn:presswatch:feed:" + ":".join(parts)


def entry_id(change_id: int) -> str:
    return f"urn:presswatch:change:{change_id}"


def build_feed(
    changes: list[dict[str, Any]],
    *,
    kinds: list[str] | None = None,
    member: str | None = None,
    self_url: str | None = None,
) -> bytes:
    """The Atom document (UTF-8 bytes) for ``changes`` (rows of ``storage.feed``), newest
    first."""
    fg = FeedGenerator()
    fg.id(feed_id(kinds, member))
    fg.title(xml_safe(feed_title(kinds, member)))
    fg.author({"name": "presswatch"})
    fg.subtitle("New, edited and removed press releases of members of the U.S. Congress")
    if self_url:
        fg.link(href=self_url, rel="self")
    # updated: the newest change, so the document only looks new when something happened.
    fg.updated(changes[0]["detected_at"] if changes else now_iso())
    for change in changes:
        add_entry(fg, change)
    return fg.atom_str(pretty=True)


def feed_title(kinds: list[str] | None, member: str | None) -> str:
    what = " and ".join(sorted(kinds)) if kinds else "all"
    return f"presswatch: {what} changes" + (f" of {member.upper()}" if member else "")


def add_entry(fg: FeedGenerator, change: dict[str, Any]) -> None:
    entry = fg.add_entry(order="append")
    entry.id(entry_id(change["id"]))
    who = change["member_name"] or change["bioguide_id"]
    entry.title(xml_safe(f"{KIND_VERBS[change['kind']]}: {change['title'] or change['url']}"
                         f" ({who})"))
    entry.link(href=change["url"], rel="alternate")
    entry.updated(change["detected_at"])
    if change["published"]:
        entry.published(change["published"] + "T00:00:00Z")
    entry.author({"name": xml_safe(who)})
    entry.summary(xml_safe(describe(change)))
    if change["diff_html"]:  # edits: the marked-up diff, as in alert emails
        entry.content(xml_safe(change["diff_html"]), type="html")


def describe(change: dict[str, Any]) -> str:
    """What changed, in one line."""
    if change["kind"] == "new":
        return f"New release by {change['member_name'] or change['bioguide_id']}: " \
               f"{change['summary']}"
    severity = f" ({change['severity']})" if change["severity"] else ""
    return f"{KIND_VERBS[change['kind']]}{severity}: {change['summary']}"
