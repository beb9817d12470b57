"""scheduler.diff: paragraph alignment, word diffs, summary, severity and the three renderings."""

from __future__ import annotations

import pytest

from scheduler.diff import (
    Segment,
    compare_records,
    render_html,
    render_text,
    render_unified,
    word_diff,
)

P1 = "Senator Smith today introduced the Clean Water Act of 2026."
P2 = "The bill would provide $1,000,000 to rural communities for new water pipes."
P3 = "Smith said the funding is long overdue and thanked her colleagues for their support."
P4 = "The measure has been referred to the Committee on Environment and Public Works."
P5 = "For more information, contact the press office."


def rec(paragraphs, title="Smith Introduces Clean Water Act", published="2026-04-01",
        dateline="Washington, D.C.", attachments=()):
    return {"title": title, "published": published, "dateline": dateline,
            "paragraphs": list(paragraphs), "attachments": list(attachments)}


BASE = rec([P1, P2, P3, P4, P5])


def tags(diff):
    return [op.tag for op in diff.paragraph_ops]


# --- word diff ---------------------------------------------------------------------------------


def test_word_diff_marks_only_the_changed_word():
    assert word_diff("the cat sat", "the dog sat") == [
        Segment("equal", "the "), Segment("delete", "cat"), Segment("insert", "dog"),
        Segment("equal", " sat"),
    ]


def test_word_diff_keeps_a_rewritten_phrase_in_one_run():
    # Not aligned on the spaces between unrelated words: one removal, one addition.
    assert word_diff("big red dog", "small blue dog") == [
        Segment("delete", "big red"), Segment("insert", "small blue"), Segment("equal", " dog"),
    ]


def test_word_diff_treats_a_number_as_one_token():
    assert word_diff("$1,000,000 total", "$2,500,000 total") == [
        Segment("equal", "$"), Segment("delete", "1,000,000"), Segment("insert", "2,500,000"),
        Segment("equal", " total"),
    ]


def test_word_diff_of_identical_and_empty_texts():
    assert word_diff("same text", "same text") == [Segment("equal", "same text")]
    assert word_diff("", "") == []
    assert word_diff("", "new words") == [Segment("insert", "new words")]


# --- identical ---------------------------------------------------------------------------------


def test_identical_records_have_no_changes_and_render_nothing():
    diff = compare_records(BASE, rec([P1, P2, P3, P4, P5]))
    assert diff.fields_changed == []
    assert not diff.changed
    assert (diff.words_added, diff.words_removed, diff.paragraphs_changed) == (0, 0, 0)
    assert diff.severity == "none"
    assert diff.summary == "no changes"
    assert render_text(diff) == render_html(diff) == render_unified(diff) == ""


def test_whitespace_quotes_and_invisible_characters_are_not_changes():
    noisy = rec([P1, P2.replace(" ", "\u00a0 "), P3 + "\u200b", "  " + P4, P5, "   "])
    noisy["title"] = "Smith  Introduces Clean\u00adWater Act".replace("Clean\u00adWater",
                                                                    "Clean \u00adWater")
    assert compare_records(BASE, noisy).fields_changed == []
    curly = compare_records(rec(["It's \"new\""]), rec(["It\u2019s \u201cnew\u201d"]))
    assert not curly.changed


# --- one-word change, context and elision ------------------------------------------------------


def test_one_word_typo_fix_is_minor_and_shows_one_paragraph_of_context():
    diff = compare_records(BASE, rec([P1, P2, P3.replace("overdue", "overdeu"), P4, P5]))
    assert diff.fields_changed == ["body"]
    assert tags(diff) == ["equal", "equal", "change", "equal", "equal"]
    assert (diff.words_added, diff.words_removed, diff.paragraphs_changed) == (1, 1, 1)
    assert diff.summary == "body: 1 paragraph changed, +1 / −1 words"
    assert diff.severity == "minor"
    assert render_text(diff) == (
        "…\n\n"
        f"{P2}\n\n"
        "Smith said the funding is long [-overdue-]{+overdeu+} and thanked her colleagues"
        " for their support.\n\n"
        f"{P4}\n\n"
        "…\n"
    )


def test_distant_changes_are_separated_by_an_ellipsis():
    new = rec([P1.replace("today", "Monday"), P2, P3, P4, P5.replace("press", "media")])
    text = render_text(compare_records(BASE, new))
    assert text == (
        "Senator Smith [-today-]{+Monday+} introduced the Clean Water Act of 2026.\n\n"
        f"{P2}\n\n"
        "…\n\n"
        f"{P4}\n\n"
        "For more information, contact the [-press-]{+media+} office.\n"
    )


def test_punctuation_only_change_counts_no_words_but_is_still_a_change():
    diff = compare_records(BASE, rec([P1, P2, P3, P4, P5.replace(".", "!")]))
    assert diff.fields_changed == ["body"]
    assert diff.summary == "body: 1 paragraph changed, +0 / −0 words"
    assert diff.severity == "minor"


# --- added / removed paragraphs ----------------------------------------------------------------

NEW_P = "Clean water is a right, not a privilege."


@pytest.mark.parametrize(
    ("paragraphs", "expected_tags"),
    [
        ([NEW_P, P1, P2, P3, P4, P5], ["insert", "equal", "equal", "equal", "equal", "equal"]),
        ([P1, P2, NEW_P, P3, P4, P5], ["equal", "equal", "insert", "equal", "equal", "equal"]),
        ([P1, P2, P3, P4, P5, NEW_P], ["equal", "equal", "equal", "equal", "equal", "insert"]),
    ],
    ids=["start", "middle", "end"],
)
def test_added_paragraph_anywhere_is_major(paragraphs, expected_tags):
    diff = compare_records(BASE, rec(paragraphs))
    assert tags(diff) == expected_tags
    assert diff.summary == "body: 1 paragraph added, +8 / −0 words"
    assert (diff.words_added, diff.words_removed, diff.paragraphs_changed) == (8, 0, 1)
    assert diff.severity == "major"


def test_added_paragraph_at_end_renders_with_context_before_only():
    diff = compare_records(BASE, rec([P1, P2, P3, P4, P5, NEW_P]))
    assert render_text(diff) == f"…\n\n{P5}\n\n{{+{NEW_P}+}}\n"


def test_removed_paragraph_is_major():
    diff = compare_records(BASE, rec([P1, P2, P4, P5]))
    assert tags(diff) == ["equal", "equal", "delete", "equal", "equal"]
    assert diff.summary == "body: 1 paragraph removed, +0 / −14 words"
    assert diff.severity == "major"
    assert render_text(diff) == f"…\n\n{P2}\n\n[-{P3}-]\n\n{P4}\n\n…\n"


def test_rewritten_paragraph_is_a_removal_and_an_addition_not_an_edit():
    diff = compare_records(BASE, rec([P1, P2, NEW_P, P4, P5]))
    assert tags(diff) == ["equal", "equal", "delete", "insert", "equal", "equal"]
    assert diff.severity == "major"


def test_edited_paragraph_next_to_an_inserted_one_is_still_paired():
    edited = P3.replace("long overdue", "overdue")
    diff = compare_records(BASE, rec([P1, P2, NEW_P, edited, P4, P5]))
    assert tags(diff) == ["equal", "equal", "insert", "change", "equal", "equal"]
    assert diff.summary == "body: 1 paragraph changed, 1 paragraph added, +8 / −1 words"


# --- reorder, split, merge ---------------------------------------------------------------------


def test_reordered_paragraph_is_a_move_without_word_changes():
    diff = compare_records(BASE, rec([P1, P4, P2, P3, P5]))
    assert tags(diff) == ["equal", "move", "equal", "equal", "equal"]
    assert diff.summary == "body: 1 paragraph moved, +0 / −0 words"
    assert (diff.words_added, diff.words_removed) == (0, 0)
    assert diff.severity == "minor"
    assert render_text(diff) == f"{P1}\n\n[moved from paragraph 4] {P4}\n\n{P2}\n\n…\n"


def test_swapped_and_edited_paragraphs_are_moved_with_their_word_diff():
    diff = compare_records(rec([P1, P2, P3]), rec([P1, P3, P2.replace("rural", "remote")]))
    assert tags(diff) == ["equal", "equal", "move"]
    assert diff.summary == "body: 1 paragraph moved, +1 / −1 words"
    assert render_text(diff) == (
        f"…\n\n{P3}\n\n[moved from paragraph 2] The bill would provide $1,000,000 to"
        " [-rural-]{+remote+} communities for new water pipes.\n"
    )


def test_paragraph_split_in_two_is_one_split_with_no_word_changes():
    diff = compare_records(rec([P1, P2 + " " + P3, P5]), rec([P1, P2, P3, P5]))
    assert tags(diff) == ["equal", "split", "equal"]
    op = diff.paragraph_ops[1]
    assert (op.old, op.new) == ([P2 + " " + P3], [P2, P3])
    assert diff.summary == "body: 1 paragraph split, +0 / −0 words"
    assert diff.severity == "minor"
    assert render_text(diff) == f"{P1}\n\n[split into 2 paragraphs] {P2}\n\n{P3}\n\n{P5}\n"


def test_split_with_an_edit_keeps_the_word_diff():
    diff = compare_records(rec([P2 + " " + P3]), rec([P2, P3.replace("long ", "")]))
    assert tags(diff) == ["split"]
    assert (diff.words_added, diff.words_removed) == (0, 1)


def test_two_paragraphs_merged():
    diff = compare_records(BASE, rec([P1, P2 + " " + P3, P4, P5]))
    assert tags(diff) == ["equal", "merge", "equal", "equal"]
    assert diff.summary == "body: 1 paragraph merged, +0 / −0 words"
    assert "[2 paragraphs merged]" in render_text(diff)


# --- new release (empty old) -------------------------------------------------------------------


@pytest.mark.parametrize("old", [None, {}])
def test_empty_old_means_everything_added(old):
    new = rec([P1, P5], attachments=["https://smith.senate.gov/bill.pdf"])
    diff = compare_records(old, new)
    assert diff.fields_changed == ["title", "date", "dateline", "body", "attachments"]
    assert tags(diff) == ["insert", "insert"]
    assert diff.summary == ("title changed; date (none) → 2026-04-01; dateline changed; "
                            "body: 2 paragraphs added, +17 / −0 words; attachments: +1 / −0")
    assert diff.severity == "major"
    assert render_text(diff) == (
        "Title: {+Smith Introduces Clean Water Act+}\n"
        "Date: (none) → 2026-04-01\n"
        "Dateline: {+Washington, D.C.+}\n"
        "Attachment added: https://smith.senate.gov/bill.pdf\n\n"
        f"{{+{P1}+}}\n\n"
        f"{{+{P5}+}}\n"
    )
    assert render_unified(diff) == (
        "--- a\n+++ b\n@@ -0,0 +1,6 @@\n"
        "+Title: Smith Introduces Clean Water Act\n"
        "+Date: 2026-04-01\n"
        "+Dateline: Washington, D.C.\n"
        f"+{P1}\n+{P5}\n"
        "+Attachment: https://smith.senate.gov/bill.pdf\n"
    )


# --- several fields ----------------------------------------------------------------------------


def test_combined_summary_and_header_lines():
    new = rec([P1, P2, P3, P4, P5, NEW_P], title="Smith Unveils Clean Water Act",
              published="2026-04-02", attachments=["https://smith.senate.gov/text.pdf"])
    diff = compare_records(BASE, new)
    assert diff.fields_changed == ["title", "date", "body", "attachments"]
    assert diff.summary == ("title changed; date 2026-04-01 → 2026-04-02; "
                            "body: 1 paragraph added, +8 / −0 words; attachments: +1 / −0")
    assert diff.attachments_added == ["https://smith.senate.gov/text.pdf"]
    assert render_text(diff) == (
        "Title: Smith [-Introduces-]{+Unveils+} Clean Water Act\n"
        "Date: 2026-04-01 → 2026-04-02\n"
        "Attachment added: https://smith.senate.gov/text.pdf\n\n"
        f"…\n\n{P5}\n\n{{+{NEW_P}+}}\n"
    )


def test_attachment_removed():
    diff = compare_records(rec([P1], attachments=["https://x.gov/a.pdf", "https://x.gov/b.pdf"]),
                           rec([P1], attachments=["https://x.gov/a.pdf"]))
    assert diff.fields_changed == ["attachments"]
    assert diff.summary == "attachments: +0 / −1"
    assert render_text(diff) == "Attachment removed: https://x.gov/b.pdf\n"


# --- severity ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "severity"),
    [
        ({"title": "Smith Introduces Clean Water Bill"}, "major"),
        ({"published": "2026-03-31"}, "major"),
        ({"attachments": ["https://x.gov/a.pdf"]}, "major"),
        ({"dateline": "Chicago, Ill."}, "minor"),
    ],
)
def test_severity_of_metadata_changes(change, severity):
    assert compare_records(BASE, {**BASE, **change}).severity == severity


def test_more_than_twenty_changed_words_is_major_even_in_a_long_release():
    filler = [f"Paragraph number {i} of background that stays exactly the same."
              for i in range(60)]
    long_sentence = " ".join(f"word{i}" for i in range(25))
    diff = compare_records(rec(filler + [P3 + " " + long_sentence]), rec(filler + [P3]))
    assert tags(diff)[-1] == "change"
    assert diff.words_removed == 25
    assert diff.severity == "major"


def test_more_than_five_percent_changed_words_is_major():
    # BASE has 56 words: 3 changed is over 5% (2.8), though far fewer than 20.
    edited = P2.replace("$1,000,000 to rural communities", "$2 to urban towns")
    diff = compare_records(BASE, rec([P1, edited, P3, P4, P5]))
    assert (diff.words_added, diff.words_removed) == (3, 3)
    assert diff.severity == "major"


def test_two_changed_words_of_fifty_six_is_minor():
    edited = P2.replace("rural communities", "urban towns")
    diff = compare_records(BASE, rec([P1, edited, P3, P4, P5]))
    assert (diff.words_added, diff.words_removed) == (2, 2)
    assert diff.severity == "minor"


# --- HTML --------------------------------------------------------------------------------------


def test_html_escapes_every_bit_of_scraped_text():
    old = rec([P1, "Watch <b>here</b> & more"], title="A <i>title</i>",
              attachments=["https://x.gov/a.pdf?x=1&y=\"2\""])
    new = rec([P1, "Watch <script>alert(1)</script> & more", "<script>alert(2)</script>"],
              title="A <u>title</u>", dateline="<img src=x onerror=alert(1)>",
              attachments=["javascript:alert(1)"])
    out = render_html(compare_records(old, new))
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in out  # the inserted paragraph, whole
    assert "alert(1)&lt;/script" in out  # the edited one, split across marks
    assert "&lt;img src=x onerror=alert(1)&gt;" in out
    assert "title" in out and "&amp; more" in out
    assert "https://x.gov/a.pdf?x=1&amp;y=&quot;2&quot;" in out
    for raw in ("<script", "<img", "<u>", "<i>", "<b>here", 'href="javascript'):
        assert raw not in out


def test_html_uses_inline_styles_and_not_colour_alone():
    diff = compare_records(BASE, rec([P1, P2, P3.replace("overdue", "overdeu"), P4, P5]))
    out = render_html(diff)
    for forbidden in ("<style", "<ins", "<del", "class="):
        assert forbidden not in out
    assert ('<span style="background:#fdd;color:#900;text-decoration:line-through" '
            'title="removed" role="deletion">overdue</span>') in out
    assert ('<span style="background:#dfd;color:#060;font-weight:bold;'
            'text-decoration:underline" title="added" role="insertion">overdeu</span>') in out
    assert out.count("<p") == 5  # ellipsis, context, change, context, ellipsis
    assert out.startswith('<div style="') and out.endswith("</div>\n")


def test_html_links_only_web_attachments():
    diff = compare_records(rec([P1]), rec([P1], attachments=["https://x.gov/a.pdf", "data:x"]))
    out = render_html(diff)
    assert '<a href="https://x.gov/a.pdf">https://x.gov/a.pdf</a>' in out
    assert "<b>Attachment added:</b> data:x</p>" in out


# --- unified -----------------------------------------------------------------------------------


def test_unified_diff_has_one_line_of_context_and_labels():
    diff = compare_records(BASE, rec([P1, P2, P3.replace("overdue", "overdeu"), P4, P5]))
    assert render_unified(diff, "old/123", "new/123") == (
        "--- old/123\n+++ new/123\n@@ -5,3 +5,3 @@\n"
        f" {P2}\n-{P3}\n+{P3.replace('overdue', 'overdeu')}\n {P4}\n"
    )


def test_unified_diff_shows_title_change():
    diff = compare_records(BASE, {**BASE, "title": "New title"})
    assert render_unified(diff) == (
        "--- a\n+++ b\n@@ -1,2 +1,2 @@\n"
        "-Title: Smith Introduces Clean Water Act\n+Title: New title\n Date: 2026-04-01\n"
    )


def test_word_diff_with_a_repeated_word_marks_one_word():
    # "the" occurs twice; the change must not be smeared across the words between them.
    old = "unless the regime complies with his demands to reopen the Strait"
    new = "unless THE regime complies with his demands to reopen the Strait"
    assert word_diff(old, new) == [
        Segment("equal", "unless "),
        Segment("delete", "the"),
        Segment("insert", "THE"),
        Segment("equal", " regime complies with his demands to reopen the Strait"),
    ]
