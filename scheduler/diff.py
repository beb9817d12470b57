"""What changed between two versions of a release, and three renderings of that one diff.

Pure functions over comparable records (see `crawler.fingerprint.comparable_record`): no I/O, so the
mailer, the CLI and the tests all see the same diff. The body is aligned paragraph by paragraph
first (edits, inserts, deletes, moves, splits, merges), then each changed paragraph word by word,
because an alert should show the sentence that changed, not a wall of re-flowed text.
"""

from __future__ import annotations

import difflib
import html
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from crawler.fingerprint import normalize_text

FIELDS = ("title", "date", "dateline", "body", "attachments")

# Numbers keep their separators (1,000.50) and words their apostrophes and hyphens, so a changed
# figure reads as one replaced token; punctuation runs are tokens of their own. Each token carries
# the whitespace after it: with spaces as separate tokens, difflib either aligns unrelated words
# on the spaces between them or (spaces as junk) cannot match across them at all.
_TOKEN = re.compile(r"(?:\d+(?:[.,:]\d+)*\w*|\w+(?:['\-]\w+)*|[^\w\s]+|^)\s*")
_WORD = re.compile(r"\w")

PAIR_THRESHOLD = 0.5  # in place, sharing half the words makes it an edit, not a new paragraph
MOVE_THRESHOLD = 0.8  # elsewhere in the text, only a near-copy counts as the same paragraph moved
MAX_GROUP = 3  # a paragraph split into up to 3 (or 3 merged into 1) is recognised as such
GROUP_LIMIT = 1600  # beyond this many old x new paragraphs in one block, try 1:1 pairs only
BREAK = "\n\n"  # joins the paragraphs of a split/merge group; the word diff keeps it as-is

# Word-count thresholds of a "major" edit (see _severity).
MAJOR_WORDS = 20
MAJOR_SHARE = 0.05

_BODY_KINDS = (
    ("change", "changed"), ("insert", "added"), ("delete", "removed"),
    ("move", "moved"), ("split", "split"), ("merge", "merged"),
)


class Segment(NamedTuple):
    """A run of text in a word diff."""

    tag: str  # "equal" | "delete" | "insert"
    text: str


@dataclass
class ParagraphOp:
    """One step of the paragraph alignment, with its word diff."""

    tag: str  # "equal" | "change" | "insert" | "delete" | "move" | "split" | "merge"
    old_index: int | None  # 0-based position of the (first) old paragraph
    new_index: int | None  # 0-based position of the (first) new paragraph
    old: list[str]
    new: list[str]
    segments: list[Segment]

    @property
    def words_added(self) -> int:
        return _count_words(self.segments, "insert")

    @property
    def words_removed(self) -> int:
        return _count_words(self.segments, "delete")


@dataclass
class RecordDiff:
    """Everything the renderers need; `old`/`new` are the normalized records."""

    old: dict[str, Any]
    new: dict[str, Any]
    fields_changed: list[str]
    paragraph_ops: list[ParagraphOp]  # every paragraph, "equal" ones included (for context)
    title_segments: list[Segment]
    dateline_segments: list[Segment]
    attachments_added: list[str]
    attachments_removed: list[str]
    words_added: int  # body only
    words_removed: int
    paragraphs_changed: int  # non-"equal" paragraph ops
    summary: str
    severity: str  # "major" | "minor" | "none" (identical records)

    @property
    def changed(self) -> bool:
        return bool(self.fields_changed)


# --- comparing ---------------------------------------------------------------------------------


def compare_records(old: Mapping[str, Any] | None, new: Mapping[str, Any]) -> RecordDiff:
    """Diff two comparable records; `old` may be None or {} for a release never seen before."""
    old_rec, new_rec = _normalized(old or {}), _normalized(new)
    ops = paragraph_ops(old_rec["paragraphs"], new_rec["paragraphs"])
    added = sorted(set(new_rec["attachments"]) - set(old_rec["attachments"]))
    removed = sorted(set(old_rec["attachments"]) - set(new_rec["attachments"]))
    fields = _fields_changed(old_rec, new_rec)
    diff = RecordDiff(
        old=old_rec, new=new_rec, fields_changed=fields, paragraph_ops=ops,
        title_segments=word_diff(old_rec["title"], new_rec["title"]),
        dateline_segments=word_diff(old_rec["dateline"], new_rec["dateline"]),
        attachments_added=added, attachments_removed=removed,
        words_added=sum(op.words_added for op in ops),
        words_removed=sum(op.words_removed for op in ops),
        paragraphs_changed=sum(op.tag != "equal" for op in ops),
        summary="", severity="none",
    )
    diff.summary = _summary(diff)
    diff.severity = _severity(diff)
    return diff


def _normalized(record: Mapping[str, Any]) -> dict[str, Any]:
    # Idempotent on comparable_record output; also tolerates {} and hand-built records, so a
    # whitespace- or quote-only difference can never surface as an edit here.
    paragraphs = [normalize_text(p) for p in record.get("paragraphs") or []]
    attachments = record.get("attachments") or []
    return {
        "title": normalize_text(record.get("title")),
        "published": record.get("published") or "",
        "dateline": normalize_text(record.get("dateline")),
        "paragraphs": [p for p in paragraphs if p],
        "attachments": sorted({a.strip() for a in attachments if a and a.strip()}),
    }


def _fields_changed(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    keys = {"title": "title", "date": "published", "dateline": "dateline",
            "body": "paragraphs", "attachments": "attachments"}
    return [name for name in FIELDS if old[keys[name]] != new[keys[name]]]


def word_diff(old: str, new: str) -> list[Segment]:
    """Word-level diff of two texts as equal/delete/insert runs (adjacent runs coalesced)."""
    a, b = _tokens(old), _tokens(new)
    # Match on the words alone; the whitespace after a changed run stays outside its marks.
    matcher = difflib.SequenceMatcher(
        None, [t.rstrip() for t in a], [t.rstrip() for t in b], autojunk=False
    )
    segments: list[Segment] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        old_text, new_text = "".join(a[i1:i2]), "".join(b[j1:j2])
        if tag == "equal":
            _append(segments, "equal", new_text)
            continue
        old_core, new_core = old_text.rstrip(), new_text.rstrip()
        _append(segments, "delete", old_core)
        _append(segments, "insert", new_core)
        _append(segments, "equal", (new_text or old_text)[len(new_core or old_core):])
    return segments


def _tokens(text: str) -> list[str]:
    return [t for t in _TOKEN.findall(text) if t]


def _append(segments: list[Segment], tag: str, text: str) -> None:
    if not text:
        return
    if segments and segments[-1].tag == tag:
        segments[-1] = Segment(tag, segments[-1].text + text)
    else:
        segments.append(Segment(tag, text))


def _count_words(segments: list[Segment], tag: str) -> int:
    # Punctuation alone is not a word: "." → "!" is a change but +0 / −0 words.
    return sum(
        1 for s in segments if s.tag == tag for tok in _TOKEN.findall(s.text) if _WORD.search(tok)
    )


# --- paragraph alignment -----------------------------------------------------------------------


def paragraph_ops(old: list[str], new: list[str]) -> list[ParagraphOp]:
    """Align two paragraph lists: equal runs from difflib, then pair up what it calls replaced."""
    bags = ([_bag(p) for p in old], [_bag(p) for p in new])
    ops: list[ParagraphOp] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            ops += [_op("equal", old, new, i1 + k, j1 + k, 1, 1) for k in range(i2 - i1)]
        else:
            ops += _align(old, new, bags, (i1, i2, j1, j2))
    return _find_moves(ops, bags)


def _bag(text: str) -> Counter[str]:
    return Counter(t.lower() for t in _TOKEN.findall(text) if not t.isspace())


def _similarity(a: Counter[str], b: Counter[str], floor: float = 0.0) -> float:
    # Dice coefficient on token multisets: order-blind, but cheap enough to try every pairing.
    ta, tb = a.total(), b.total()
    if not ta + tb:
        return 1.0
    if 2 * min(ta, tb) / (ta + tb) < floor:  # the length ratio alone rules the pair out
        return 0.0
    return 2 * (a & b).total() / (ta + tb)


def _align(
    old: list[str], new: list[str], bags: tuple[list[Counter[str]], ...],
    block: tuple[int, int, int, int],
) -> list[ParagraphOp]:
    """Pair up a replaced block: 1:1 edits, splits and merges, the rest deleted / inserted."""
    i1, i2, j1, j2 = block
    choice = _best_alignment(bags, block)
    ops: list[ParagraphOp] = []
    i, j = i1, j1
    while i < i2 or j < j2:
        ko, kn = choice[i - i1][j - j1]
        tag = {(1, 0): "delete", (0, 1): "insert", (1, 1): "change"}.get(
            (ko, kn), "split" if ko == 1 else "merge")
        ops.append(_op(tag, old, new, i if ko else None, j if kn else None, ko, kn))
        i, j = i + ko, j + kn
    return ops


def _best_alignment(
    bags: tuple[list[Counter[str]], ...], block: tuple[int, int, int, int]
) -> list[list[tuple[int, int]]]:
    """DP over the block: at each (old, new) offset, the step (old count, new count) to take.

    A pair earns its similarity above PAIR_THRESHOLD, so one close match beats two weak ones and
    an exact split (1 old : 2 new) beats pairing the old paragraph with one of its halves.
    """
    i1, i2, j1, j2 = block
    n, m = i2 - i1, j2 - j1
    # Groups cost n*m*shapes similarity checks: on a huge rewritten block, settle for 1:1.
    k_max = MAX_GROUP if n * m <= GROUP_LIMIT else 1
    ks = range(2, k_max + 1)
    shapes = [(1, 1)] + [(1, k) for k in ks] + [(k, 1) for k in ks]
    old_bags, new_bags = _group_bags(bags[0][i1:i2], k_max), _group_bags(bags[1][j1:j2], k_max)
    score = [[0.0] * (m + 1) for _ in range(n + 1)]
    choice = [[(0, 0)] * (m + 1) for _ in range(n + 1)]
    for i in range(n, -1, -1):
        for j in range(m, -1, -1):
            options = []  # pairs first: on a tie, pairing wins, and 1:1 over groups
            for ko, kn in shapes:
                if i + ko <= n and j + kn <= m:
                    sim = _similarity(old_bags[i, ko], new_bags[j, kn], PAIR_THRESHOLD)
                    gain = sim - PAIR_THRESHOLD
                    if gain >= 0:
                        options.append((score[i + ko][j + kn] + gain, (ko, kn)))
            if i < n:
                options.append((score[i + 1][j], (1, 0)))  # deletes before inserts, as difflib
            if j < m:
                options.append((score[i][j + 1], (0, 1)))
            if options:
                best = max(options, key=lambda option: option[0])  # first of equals wins
                score[i][j], choice[i][j] = best
    return choice


def _group_bags(bags: list[Counter[str]], k_max: int) -> dict[tuple[int, int], Counter[str]]:
    """Token bag of every run of 1..k_max consecutive paragraphs, keyed (start, length)."""
    return {(i, k): sum(bags[i:i + k], Counter())
            for i in range(len(bags)) for k in range(1, k_max + 1) if i + k <= len(bags)}


def _find_moves(ops: list[ParagraphOp], bags: tuple[list[Counter[str]], ...]) -> list[ParagraphOp]:
    """Turn a deleted paragraph that reappears elsewhere into one "move" at its new place."""
    deletes = [k for k, op in enumerate(ops) if op.tag == "delete"]
    inserts = [k for k, op in enumerate(ops) if op.tag == "insert"]
    scored = sorted(
        ((_similarity(bags[0][ops[d].old_index], bags[1][ops[i].new_index]), d, i)
         for d in deletes for i in inserts),
        reverse=True,
    )
    used: set[int] = set()
    for score, d, i in scored:
        if score < MOVE_THRESHOLD:
            break
        if d in used or i in used:
            continue
        used |= {d, i}
        old_text, new_text = ops[d].old[0], ops[i].new[0]
        ops[i] = ParagraphOp("move", ops[d].old_index, ops[i].new_index, [old_text], [new_text],
                             word_diff(old_text, new_text))
    return [op for k, op in enumerate(ops) if not (k in used and op.tag == "delete")]


def _op(tag: str, old: list[str], new: list[str], i: int | None, j: int | None,
        ko: int, kn: int) -> ParagraphOp:
    olds = old[i:i + ko] if i is not None else []
    news = new[j:j + kn] if j is not None else []
    return ParagraphOp(tag, i, j, olds, news, word_diff(BREAK.join(olds), BREAK.join(news)))


# --- summary and severity ----------------------------------------------------------------------


def _summary(diff: RecordDiff) -> str:
    parts = []
    if "title" in diff.fields_changed:
        parts.append("title changed")
    if "date" in diff.fields_changed:
        parts.append(f"date {_date(diff.old)} → {_date(diff.new)}")
    if "dateline" in diff.fields_changed:
        parts.append("dateline changed")
    if "body" in diff.fields_changed:
        counts = Counter(op.tag for op in diff.paragraph_ops)
        kinds = [f"{counts[tag]} {_plural(counts[tag], 'paragraph')} {verb}"
                 for tag, verb in _BODY_KINDS if counts[tag]]
        words = f"+{diff.words_added} / −{diff.words_removed} words"
        parts.append("body: " + ", ".join([*kinds, words]))
    if "attachments" in diff.fields_changed:
        parts.append(f"attachments: +{len(diff.attachments_added)}"
                     f" / −{len(diff.attachments_removed)}")
    return "; ".join(parts) or "no changes"


def _severity(diff: RecordDiff) -> str:
    if not diff.fields_changed:
        return "none"
    if {"title", "date", "attachments"} & set(diff.fields_changed):
        return "major"
    if any(op.tag in ("insert", "delete") for op in diff.paragraph_ops):
        return "major"
    changed = max(diff.words_added, diff.words_removed)
    total = max(_word_total(diff.old), _word_total(diff.new))
    if changed > MAJOR_WORDS or changed > MAJOR_SHARE * total:
        return "major"
    return "minor"  # typo fixes, a dateline, moved / split / merged paragraphs


def _word_total(record: dict[str, Any]) -> int:
    return _count_words([Segment("equal", p) for p in record["paragraphs"]], "equal")


def _date(record: dict[str, Any]) -> str:
    return record["published"] or "(none)"


def _plural(n: int, word: str) -> str:
    return word if n == 1 else word + "s"


# --- rendering ---------------------------------------------------------------------------------


def _hunks(ops: list[ParagraphOp], context: int = 1) -> list[ParagraphOp | None]:
    """Changed ops with ``context`` neighbours either side; None where paragraphs are elided."""
    keep = sorted({k + d for k, op in enumerate(ops) if op.tag != "equal"
                   for d in range(-context, context + 1) if 0 <= k + d < len(ops)})
    out: list[ParagraphOp | None] = []
    prev = -1
    for k in keep:
        if k > prev + 1:
            out.append(None)
        out.append(ops[k])
        prev = k
    if keep and prev < len(ops) - 1:
        out.append(None)
    return out


def _label(op: ParagraphOp) -> str:
    if op.tag == "move":
        return f"[moved from paragraph {op.old_index + 1}]"
    if op.tag == "split":
        return f"[split into {len(op.new)} paragraphs]"
    if op.tag == "merge":
        return f"[{len(op.old)} paragraphs merged]"
    return ""


def _marked_text(segments: list[Segment]) -> str:
    marks = {"equal": "{}", "delete": "[-{}-]", "insert": "{{+{}+}}"}
    return "".join(marks[s.tag].format(s.text) for s in segments)


def render_text(diff: RecordDiff, context: int = 1) -> str:
    """Plain text with [-removed-]{+added+} marks; "" when nothing changed. ``context``
    unchanged paragraphs are shown around each changed one (emails use 0)."""
    if not diff.changed:
        return ""
    head = []
    if "title" in diff.fields_changed:
        head.append("Title: " + _marked_text(diff.title_segments))
    if "date" in diff.fields_changed:
        head.append(f"Date: {_date(diff.old)} → {_date(diff.new)}")
    if "dateline" in diff.fields_changed:
        head.append("Dateline: " + _marked_text(diff.dateline_segments))
    head += [f"Attachment added: {url}" for url in diff.attachments_added]
    head += [f"Attachment removed: {url}" for url in diff.attachments_removed]
    blocks = ["\n".join(head)] if head else []
    for op in _hunks(diff.paragraph_ops, context):
        if op is None:
            blocks.append("…")
        else:
            blocks.append(" ".join(filter(None, [_label(op), _marked_text(op.segments)])))
    return "\n\n".join(blocks) + "\n"


# Strike-through / underline+bold carry the meaning without colour; role and title name it for
# assistive tech. Inline styles only: mail clients strip <style>, <ins> and <del>.
_HTML_MARKS = {
    "delete": '<span style="background:#fdd;color:#900;text-decoration:line-through"'
              ' title="removed" role="deletion">',
    "insert": '<span style="background:#dfd;color:#060;font-weight:bold;'
              'text-decoration:underline" title="added" role="insertion">',
}
_P = '<p style="margin:0 0 12px">'
_P_CONTEXT = '<p style="margin:0 0 12px;color:#555">'


def _marked_html(segments: list[Segment]) -> str:
    out = []
    for s in segments:
        text = html.escape(s.text).replace(BREAK, "<br><br>")  # scraped text: always escaped
        out.append(text if s.tag == "equal" else f"{_HTML_MARKS[s.tag]}{text}</span>")
    return "".join(out)


def _link(url: str) -> str:
    # Only web links become clickable; anything else (javascript:, data:) stays inert text.
    if url.startswith(("http://", "https://")):
        return f'<a href="{html.escape(url)}">{html.escape(url)}</a>'
    return html.escape(url)


def _html_head(diff: RecordDiff) -> list[str]:
    rows = []
    if "title" in diff.fields_changed:
        rows.append(f"<b>Title:</b> {_marked_html(diff.title_segments)}")
    if "date" in diff.fields_changed:
        # "(none)" is our placeholder, not scraped text: don't mark it as removed or added.
        dates = [Segment("delete" if diff.old["published"] else "equal", _date(diff.old)),
                 Segment("equal", " → "),
                 Segment("insert" if diff.new["published"] else "equal", _date(diff.new))]
        rows.append(f"<b>Date:</b> {_marked_html(dates)}")
    if "dateline" in diff.fields_changed:
        rows.append(f"<b>Dateline:</b> {_marked_html(diff.dateline_segments)}")
    rows += [f"<b>Attachment added:</b> {_link(u)}" for u in diff.attachments_added]
    rows += [f"<b>Attachment removed:</b> {_link(u)}" for u in diff.attachments_removed]
    return [f"{_P}{row}</p>" for row in rows]


def render_html(diff: RecordDiff, context: int = 1) -> str:
    """An HTML fragment for email (inline styles, all scraped text escaped); "" if unchanged.
    ``context`` as in :func:`render_text`."""
    if not diff.changed:
        return ""
    parts = ['<div style="font-family:Arial,sans-serif;font-size:14px;line-height:1.5">']
    parts += _html_head(diff)
    for op in _hunks(diff.paragraph_ops, context):
        if op is None:
            parts.append(f"{_P_CONTEXT}…</p>")
        elif op.tag == "equal":
            parts.append(f"{_P_CONTEXT}{_marked_html(op.segments)}</p>")
        else:
            label = _label(op)
            label = f"<em>{label}</em> " if label else ""
            parts.append(f"{_P}{label}{_marked_html(op.segments)}</p>")
    parts.append("</div>")
    return "\n".join(parts) + "\n"


def _unified_lines(record: dict[str, Any]) -> list[str]:
    # Title, date and attachments ride along as lines, so the unified form shows them too.
    lines = [f"Title: {record['title']}"] if record["title"] else []
    lines += [f"Date: {record['published']}"] if record["published"] else []
    lines += [f"Dateline: {record['dateline']}"] if record["dateline"] else []
    return lines + record["paragraphs"] + [f"Attachment: {a}" for a in record["attachments"]]


def render_unified(diff: RecordDiff, old_label: str = "a", new_label: str = "b") -> str:
    """A unified diff (one paragraph per line, 1 line of context); "" when nothing changed."""
    lines = difflib.unified_diff(_unified_lines(diff.old), _unified_lines(diff.new),
                                 old_label, new_label, n=1, lineterm="")
    return "".join(line + "\n" for line in lines)
