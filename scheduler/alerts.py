"""Alerts: which subscriber gets which change (filters), and the email that tells them.

Data flow: change detection writes ``changes``; :func:`queue_alerts` matches each alerting
change of a newly detected run against every subscriber of ``alerts.subscribers`` and queues
(subscriber, change) rows in the outbox; :func:`compose` turns one subscriber's pending changes
into one email (plain text + HTML). Sending, retries and marking sent are in scheduler/mailer.py.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

from scheduler.changes import version_record
from scheduler.diff import compare_records
from scheduler.diff import render_html as diff_html
from scheduler.diff import render_text as diff_text
from storage.outbox import alertable_changes, queue_run, runs_to_queue

# How much of a new release an email quotes.
FIRST_LINES_CHARS = 300
KIND_ORDER = ("new", "edited", "removed", "restored")


# --- filters -----------------------------------------------------------------------------------


def matches(subscriber: dict[str, Any], change: dict[str, Any]) -> bool:
    """Every filter the subscriber set must accept the change; an empty filter accepts all."""
    checks = (
        ("members", lambda vs: change["bioguide_id"].upper() in {v.upper() for v in vs}),
        ("states", lambda vs: (change["state"] or "").upper() in {v.upper() for v in vs}),
        ("chambers", lambda vs: (change["chamber"] or "").lower() in {v.lower() for v in vs}),
        ("parties", lambda vs: party_matches(change["party"], vs)),
        ("kinds", lambda vs: change["kind"] in vs),
        ("keywords", lambda vs: keyword_matches(vs, change)),
    )
    return all(test(subscriber[key]) for key, test in checks if subscriber.get(key))


def party_matches(party: str | None, wanted: list[str]) -> bool:
    """``Democrat`` matches ``democrat`` and ``D`` (the roster spells parties out)."""
    party = (party or "").lower()
    return any(w.lower() == party or (len(w) == 1 and party.startswith(w.lower()))
               for w in wanted)


def keyword_matches(keywords: list[str], change: dict[str, Any]) -> bool:
    """A keyword (case-insensitive, whole words) matches text the change brought or took away:
    a new or restored release's title and body, a removed release's title and body, or for an
    edit only the words it added or removed — never text that merely stayed."""
    texts = changed_texts(change)
    return any(_keyword_pattern(k).search(t) for k in keywords for t in texts)


def _keyword_pattern(keyword: str) -> re.Pattern[str]:
    words = [re.escape(w) for w in keyword.split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.IGNORECASE)


def changed_texts(change: dict[str, Any]) -> list[str]:
    if change["kind"] != "edited":
        paragraphs = change["new_paragraphs"] or change["old_paragraphs"]
        return [change["title"] or "", *paragraphs]
    diff = compare_records(_record(change, "old"), _record(change, "new"))
    segments = [*diff.title_segments, *diff.dateline_segments]
    for op in diff.paragraph_ops:
        segments += op.segments
    # Removed words and added words are searched apart, so a keyword can't be made of the
    # end of a deleted word and the start of an inserted one.
    texts = [" ".join(s.text for s in segments if s.tag == tag) for tag in ("delete", "insert")]
    return texts + diff.attachments_added + diff.attachments_removed


def changed_paragraphs(change: dict[str, Any], html: bool) -> str:
    """An edit's diff with only the changed paragraphs (and title, date, dateline,
    attachments), word-level marks; HTML escaped by scheduler/diff.py."""
    diff = compare_records(_record(change, "old"), _record(change, "new"))
    return diff_html(diff, context=0) if html else diff_text(diff, context=0)


def _record(change: dict[str, Any], side: str) -> dict[str, Any]:
    return version_record({
        "title": change[f"{side}_title"], "published": change[f"{side}_published"],
        "dateline": change[f"{side}_dateline"], "paragraphs": change[f"{side}_paragraphs"],
        "attachments": change[f"{side}_attachments"],
    })


# --- queueing ----------------------------------------------------------------------------------


def queue_alerts(db: Any, config: dict[str, Any], now: str) -> int:
    """Queue every newly detected run's alerting changes for the subscribers they match.

    Each run is queued once (``crawl_runs.alerts_queued_at``), so calling this again adds
    nothing. Returns the outbox rows added.
    """
    subscribers = config["alerts"]["subscribers"]
    added = 0
    for run_id in runs_to_queue(db):
        changes = alertable_changes(db, run_id) if subscribers else []
        entries = [(s["email"], c["id"], s["mode"])
                   for c in changes for s in subscribers if matches(s, c)]
        added += queue_run(db, run_id, entries, now)
    return added


# --- composing ---------------------------------------------------------------------------------


@dataclass
class Digest:
    """One subscriber's email, before it is an EmailMessage."""

    subject: str
    text: str
    html: str
    change_ids: list[int]  # every change the email covers (the capped ones included)
    shown: int


def subject_line(changes: list[dict[str, Any]], now: datetime) -> str:
    """``presswatch: 3 new, 2 edited, 1 removed — Dec 5`` (kinds with none are left out)."""
    counts = Counter(c["kind"] for c in changes)
    parts = [f"{counts[k]} {k}" for k in KIND_ORDER if counts[k]]
    return f"presswatch: {', '.join(parts)} — {now:%b} {now.day}"


def ordered_sections(changes: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    """Removals, restorations and major edits first, then new releases grouped by member, then
    minor edits."""
    urgent = [c for c in changes if c["kind"] in ("removed", "restored")
              or (c["kind"] == "edited" and c["severity"] == "major")]
    new = sorted((c for c in changes if c["kind"] == "new"),
                 key=lambda c: (c["member_name"] or c["bioguide_id"], c["published"] or "",
                                c["id"]))
    minor = [c for c in changes if c["kind"] == "edited" and c["severity"] != "major"]
    sections = [("Removed, restored and major edits", urgent), ("New releases", new),
                ("Minor edits", minor)]
    return [(title, items) for title, items in sections if items]


def cap_sections(sections: list[tuple[str, list[dict[str, Any]]]], cap: int
                 ) -> tuple[list[tuple[str, list[dict[str, Any]]]], int]:
    """Keep the first ``cap`` changes in section order; return them and how many were left."""
    kept, room = [], cap
    for title, items in sections:
        if room > 0:
            kept.append((title, items[:room]))
        room -= len(items)
    return kept, max(0, -room)


def compose(changes: list[dict[str, Any]], health: list[dict[str, Any]], now: datetime,
            cap: int) -> Digest:
    """The text and HTML of one email about ``changes`` (``change_details`` rows)."""
    sections, more = cap_sections(ordered_sections(changes), cap)
    subject = subject_line(changes, now)
    return Digest(
        subject=subject,
        text=render_text(subject, sections, more, health),
        html=render_html(subject, sections, more, health),
        change_ids=[c["id"] for c in changes],
        shown=sum(len(items) for _, items in sections),
    )


def to_message(digest: Digest, sender: str, recipient: str, domain: str = "presswatch"
               ) -> EmailMessage:
    """A multipart/alternative message: the plain text, then the HTML."""
    message = EmailMessage()
    message["Subject"] = digest.subject
    message["From"] = sender
    message["To"] = recipient
    message["Message-ID"] = make_msgid("presswatch", domain=domain)
    message.set_content(digest.text)
    message.add_alternative(digest.html, subtype="html")
    return message


def first_lines(change: dict[str, Any]) -> str:
    paragraphs = change["new_paragraphs"] or (change["body_text"] or "").split("\n\n")
    text = " ".join(" ".join(paragraphs).split())
    return text if len(text) <= FIRST_LINES_CHARS else text[:FIRST_LINES_CHARS - 1] + "…"


def member_label(change: dict[str, Any]) -> str:
    name = change["member_name"] or change["bioguide_id"]
    extra = "-".join(p for p in ((change["party"] or "")[:1], change["state"] or "") if p)
    return f"{name} ({extra})" if extra else name


# --- the plain-text part -----------------------------------------------------------------------


def render_text(subject: str, sections: list[tuple[str, list[dict[str, Any]]]], more: int,
                health: list[dict[str, Any]]) -> str:
    lines = [subject, ""]
    for title, items in sections:
        lines += [title.upper(), "=" * len(title), ""]
        if title == "New releases":
            lines += _text_new(items)
        else:
            for change in items:
                lines += _text_change(change)
    if more:
        lines += [f"…and {more} more {'change' if more == 1 else 'changes'} "
                  "(see `presswatch changes`).", ""]
    lines += _text_health(health)
    lines += ["--", "Sent by presswatch. Change what you receive in config.yaml, alerts:."]
    return "\n".join(lines) + "\n"


def _text_new(items: list[dict[str, Any]]) -> list[str]:
    lines: list[str] = []
    member = None
    for change in items:
        if change["bioguide_id"] != member:
            member = change["bioguide_id"]
            lines += [member_label(change), ""]
        lines += [f"  * {change['title'] or '(no title)'}",
                  f"    {change['published'] or 'undated'} — {change['url']}",
                  f"    {first_lines(change)}", ""]
    return lines


def _text_change(change: dict[str, Any]) -> list[str]:
    head = f"[{change['kind']}{', ' + change['severity'] if change['kind'] == 'edited' else ''}]"
    lines = [f"{head} {member_label(change)}: {change['title'] or '(no title)'}",
             f"  {change['url']}", f"  {change['summary']}"]
    if change["kind"] == "edited" and change["new_version_id"]:
        lines += [""] + ["  " + line if line else "" for line in
                         changed_paragraphs(change, html=False).rstrip("\n").split("\n")]
    return [*lines, ""]


def _text_health(health: list[dict[str, Any]]) -> list[str]:
    if not health:
        return []
    lines = ["SITE HEALTH", "===========", ""]
    for member in health:
        lines.append(f"  {member['name']} ({member['bioguide_id']}): {_health_line(member)}")
    return [*lines, ""]


def _health_line(member: dict[str, Any]) -> str:
    status = member["status"] or "failing"
    error = f" — {member['error']}" if member["error"] else ""
    since = member["last_success_at"] or "never"
    return (f"{status} for {member['consecutive_failures']} crawls in a row "
            f"(last success: {since}){error}")


# --- the HTML part -----------------------------------------------------------------------------
# Inline styles only (mail clients drop <style>), and every scraped string goes through
# html.escape: a release titled <script>…</script> must arrive as text.

_BODY = ('<div style="font-family:Arial,sans-serif;font-size:14px;line-height:1.5;'
         'color:#222;max-width:720px">')
_H2 = '<h2 style="font-size:17px;margin:24px 0 8px;border-bottom:1px solid #ccc">'
_H3 = '<h3 style="font-size:15px;margin:16px 0 4px">'
_ITEM = '<div style="margin:0 0 16px">'
_MUTED = '<div style="color:#555;font-size:13px">'
_BADGE = ('<span style="font-weight:bold;text-transform:uppercase;font-size:12px;'
          'border:1px solid #555;padding:0 4px;margin-right:6px">')


def esc(text: Any) -> str:
    return html.escape(str(text if text is not None else ""), quote=True)


def link(url: str | None, text: str | None = None) -> str:
    """A link only for web URLs; anything else (javascript:, data:) stays inert text."""
    url = url or ""
    label = esc(text if text is not None else url)
    if url.startswith(("http://", "https://")):
        return f'<a href="{esc(url)}" style="color:#0645ad">{label}</a>'
    return label


def render_html(subject: str, sections: list[tuple[str, list[dict[str, Any]]]], more: int,
                health: list[dict[str, Any]]) -> str:
    parts = ["<!DOCTYPE html>", '<html><head><meta charset="utf-8">',
             f"<title>{esc(subject)}</title></head><body>", _BODY,
             f'<h1 style="font-size:19px;margin:0 0 12px">{esc(subject)}</h1>']
    for title, items in sections:
        parts.append(f"{_H2}{esc(title)}</h2>")
        if title == "New releases":
            parts += _html_new(items)
        else:
            parts += [_html_change(c) for c in items]
    if more:
        parts.append(f"<p><b>…and {more} more {'change' if more == 1 else 'changes'}</b> "
                     "(see <code>presswatch changes</code>).</p>")
    parts += _html_health(health)
    parts += ['<p style="color:#777;font-size:12px;margin-top:24px">Sent by presswatch. '
              "Change what you receive in config.yaml, <code>alerts:</code>.</p>",
              "</div></body></html>"]
    return "\n".join(parts) + "\n"


def _html_new(items: list[dict[str, Any]]) -> list[str]:
    parts: list[str] = []
    member = None
    for change in items:
        if change["bioguide_id"] != member:
            member = change["bioguide_id"]
            parts.append(f"{_H3}{esc(member_label(change))}</h3>")
        parts.append(
            f"{_ITEM}<b>{link(change['url'], change['title'] or '(no title)')}</b>"
            f"{_MUTED}{esc(change['published'] or 'undated')} — {link(change['url'])}</div>"
            f"<div>{esc(first_lines(change))}</div></div>"
        )
    return parts


def _html_change(change: dict[str, Any]) -> str:
    kind = change["kind"] + (f", {change['severity']}" if change["kind"] == "edited" else "")
    edited = change["kind"] == "edited" and change["new_version_id"]
    diff = changed_paragraphs(change, html=True) if edited else ""
    return (
        f"{_ITEM}{_BADGE}{esc(kind)}</span><b>{esc(member_label(change))}:</b> "
        f"{link(change['url'], change['title'] or '(no title)')}"
        f"{_MUTED}{link(change['url'])}</div>"
        f"<div><i>{esc(change['summary'])}</i></div>"
        f'<div style="border-left:3px solid #ccc;padding-left:10px;margin-top:6px">'
        f"{diff or ''}</div></div>"
    )


def _html_health(health: list[dict[str, Any]]) -> list[str]:
    if not health:
        return []
    rows = [f"<li>{esc(m['name'])} ({esc(m['bioguide_id'])}): {esc(_health_line(m))}</li>"
            for m in health]
    return [f"{_H2}Site health</h2>", "<ul>", *rows, "</ul>"]
