"""scheduler.alerts: filters and the composed email, on change rows as storage returns them."""

from __future__ import annotations

from datetime import UTC, datetime

from scheduler.alerts import compose, keyword_matches, matches, to_message

NOW = datetime(2026, 12, 5, 7, 0, tzinfo=UTC)
P1 = "WASHINGTON – Today Smith introduced the Clean Water Act of 2026."
P2 = "The bill would provide $1,000,000 to rural communities for new water pipes."
P3 = "Smith said the funding is long overdue."


def change(n: int, kind: str = "new", **extra) -> dict:
    row = {
        "id": n, "kind": kind, "severity": None, "summary": f"summary {n}",
        "detected_at": "2026-12-05T06:00:00Z", "run_id": 2, "alert": 1,
        "fields_changed": [], "diff_text": None, "diff_html": None, "release_id": n,
        "bioguide_id": "A000001", "old_version_id": None, "new_version_id": n,
        "url": f"https://a.house.gov/news/{n}", "title": f"Release {n}", "published": "2026-12-04",
        "body_text": f"{P1}\n\n{P2}", "member_name": "Ann Smith", "chamber": "house",
        "state": "CA", "party": "Democrat",
        "old_title": None, "old_published": None, "old_dateline": None, "old_paragraphs": [],
        "old_attachments": [], "new_title": f"Release {n}", "new_published": "2026-12-04",
        "new_dateline": None, "new_paragraphs": [P1, P2], "new_attachments": [],
    }
    row.update(extra)
    return row


def edit(n: int, old: list[str], new: list[str], severity: str = "minor") -> dict:
    return change(n, "edited", severity=severity, old_version_id=100 + n, fields_changed=["body"],
                  old_title=f"Release {n}", old_published="2026-12-04", old_paragraphs=old,
                  new_paragraphs=new)


def subscriber(**filters) -> dict:
    base = {"email": "x@example.org", "mode": "digest", "members": [], "states": [],
            "chambers": [], "parties": [], "kinds": [], "keywords": []}
    return {**base, **filters}


def test_keyword_matches_what_an_edit_added_or_removed_not_what_stayed():
    edited = edit(1, [P1, P2, P3], [P1, P2.replace("1,000,000", "2,000,000"), P3])
    assert keyword_matches(["2,000,000"], edited)  # added
    assert keyword_matches(["1,000,000"], edited)  # removed
    assert not keyword_matches(["rural"], edited)  # in the changed paragraph, but unchanged
    assert not keyword_matches(["clean water"], edited)  # in another paragraph
    assert keyword_matches(["clean  WATER"], change(2))  # a new release: title and body
    assert not keyword_matches(["wat"], change(2))  # whole words only


def test_filters_combine_and_party_initials_work():
    row = change(1)
    assert matches(subscriber(), row)
    assert matches(subscriber(states=["ca"], chambers=["House"], parties=["D"]), row)
    assert not matches(subscriber(states=["ca"], parties=["Republican"]), row)
    assert not matches(subscriber(kinds=["edited", "removed"]), row)
    assert matches(subscriber(members=["a000001"]), row)
    assert not matches(subscriber(members=["B000002"]), row)


def test_size_cap_says_how_many_more_changes_there_are():
    rows = [change(n) for n in range(1, 8)]
    digest = compose(rows, [], NOW, cap=3)
    assert digest.subject == "presswatch: 7 new — Dec 5"
    assert digest.shown == 3 and digest.change_ids == list(range(1, 8))
    assert "…and 4 more changes" in digest.text and "…and 4 more changes" in digest.html
    assert digest.text.count("https://a.house.gov/news/") == 3


def test_edit_shows_only_changed_paragraphs_and_health_section():
    edited = edit(1, [P1, P2, P3], [P1, P2.replace("1,000,000", "2,000,000"), P3])
    failing = [{"bioguide_id": "B000002", "name": "Bo <b>Jones</b>", "consecutive_failures": 4,
                "last_success_at": "2026-12-01T06:00:00Z", "status": "blocked",
                "error": "listing answered 403", "http_status": 403}]
    digest = compose([edited], failing, NOW, cap=50)
    assert "$[-1,000,000-]{+2,000,000+}" in digest.text
    assert P1 not in digest.text and P3 not in digest.text  # no unchanged context
    assert "SITE HEALTH" in digest.text and "blocked for 4 crawls in a row" in digest.text
    assert "Bo &lt;b&gt;Jones&lt;/b&gt;" in digest.html and "<b>Jones" not in digest.html
    assert "text-decoration:line-through" in digest.html  # not colour alone


def test_order_removals_and_major_edits_then_new_then_minor():
    rows = [change(1), edit(2, [P1], [P1 + " More."]),
            change(3, "removed", severity="major", new_version_id=None, new_paragraphs=[]),
            edit(4, [P2], [P3], severity="major")]
    text = compose(rows, [], NOW, cap=50).text
    positions = [text.index(f"/news/{n}") for n in (3, 4, 1, 2)]
    assert positions == sorted(positions)


def test_message_is_multipart_alternative_with_plain_subject():
    digest = compose([change(1, title="<script>alert(1)</script>")], [], NOW, cap=50)
    message = to_message(digest, "pw@example.org", "x@example.org", "example.org")
    assert message.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
    assert "<script>" not in digest.html and "&lt;script&gt;" in digest.html
    assert message["Message-ID"].endswith("@example.org>")
