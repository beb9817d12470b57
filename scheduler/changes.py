"""Change detection: after a crawl, decide which releases are new, edited, removed or restored.

The crawler only records facts (a version, a 304, a 404); this module interprets them, once per
run, so a crash between crawl and detection loses nothing: a run whose changes were not yet
detected is picked up by the next cycle.
"""

from __future__ import annotations

from typing import Any

from crawler.chrome import site_of
from crawler.clock import parse_timestamp
from crawler.fingerprint import comparable_record, content_hash
from crawler.items import Article
from scheduler.diff import compare_records, render_html, render_text, render_unified
from scheduler.reprocess import extract
from storage.changes import mark_run_detected, record_change, runs_pending_detection
from storage.db import transaction
from storage.members import is_baseline
from storage.releases import (
    get_raw_html,
    get_release,
    list_versions,
    mark_release_removed,
    mark_release_restored,
    new_releases_in_run,
    releases_back_after_removal,
    releases_gone_twice,
    versions_added_in_run,
)
from storage.site_chrome import chrome_keys


def detect_pending(db: Any, now: str, removal_confirm_hours: float) -> list[dict[str, Any]]:
    """Detect changes for every finished run that has not been through detection yet."""
    return [detect_run(db, run_id, now, removal_confirm_hours)
            for run_id in runs_pending_detection(db)]


def detect_run(db: Any, run_id: int, now: str, removal_confirm_hours: float) -> dict[str, Any]:
    """All of one run's events in one transaction: after a crash, none or all are recorded."""
    with transaction(db):
        return _detect_run(db, run_id, now, removal_confirm_hours)


def _detect_run(db: Any, run_id: int, now: str, removal_confirm_hours: float) -> dict[str, Any]:
    for release in new_releases_in_run(db, run_id):
        # A member's first successful crawl is its baseline: kept for history, never alerted.
        record_change(db, release_id=release["id"], kind="new", detected_at=now, run_id=run_id,
                      new_version_id=release["current_version_id"],
                      summary=release["title"] or "",
                      alert=not is_baseline(db, release["bioguide_id"], run_id))
    for version in versions_added_in_run(db, run_id):
        record_edit(db, version, run_id, now)
    for release in releases_gone_twice(db):
        first = parse_timestamp(release["gone_since"])
        last = parse_timestamp(release["last_checked"])
        if (last - first).total_seconds() >= removal_confirm_hours * 3600:
            mark_release_removed(db, release["id"], now)
            record_change(db, release_id=release["id"], kind="removed", detected_at=now,
                          run_id=run_id, old_version_id=release["current_version_id"],
                          summary=f"removed: {release['url']} is gone (confirmed twice)",
                          severity="major")
    for release in releases_back_after_removal(db):
        record_change(db, release_id=release["id"], kind="restored", detected_at=now,
                      run_id=run_id, new_version_id=release["current_version_id"],
                      summary=f"restored: {release['url']} answers again", severity="major")
        mark_release_restored(db, release["id"])
    return mark_run_detected(db, run_id, now)


def record_edit(db: Any, version: dict[str, Any], run_id: int, now: str) -> None:
    versions = list_versions(db, version["release_id"])
    earlier = [v for v in versions if v["version"] < version["version"]]
    previous = earlier[-1]
    if previous["source"] == "import":
        # The first fetch of an imported release: our extraction of the page against the
        # archive's text. Differences are the two extractors', not an edit by the office;
        # this version becomes the baseline later fetches are compared with.
        return
    if extractor_only(db, previous, version):
        return  # our parser changed, the member's office did not
    diff = compare_records(version_record(previous), version_record(version))
    revert = next((v for v in earlier[:-1] if v["content_hash"] == version["content_hash"]), None)
    summary = diff.summary if revert is None else (
        f"reverted to version {revert['version']}: {diff.summary}")
    record_change(
        db, release_id=version["release_id"], kind="edited", detected_at=now, run_id=run_id,
        old_version_id=previous["id"], new_version_id=version["id"],
        fields_changed=diff.fields_changed, summary=summary, severity=diff.severity,
        diff_text=render_text(diff), diff_html=render_html(diff),
        diff_unified=render_unified(diff, f"version {previous['version']}",
                                    f"version {version['version']}"),
        alert=revert is None, revert_of_version_id=revert["id"] if revert else None,
    )


def version_record(version: dict[str, Any]) -> dict[str, Any]:
    """The comparable record of a stored version (a ``list_versions`` row: JSON decoded)."""
    return comparable_record(Article(
        url=version.get("fetched_url") or "",
        title=version["title"] or "",
        published=version["published"],
        date_source=version.get("date_source"),
        dateline=version["dateline"],
        paragraphs=list(version["paragraphs"] or []),
        attachments=list(version["attachments"] or []),
    ))


def extractor_only(db: Any, previous: dict[str, Any], version: dict[str, Any]) -> bool:
    """True when the previous page, read again by today's extractor with what is known today
    of its site's chrome, gives the new content: the difference comes from our parser or from
    chrome learned since (a sign-up box recognized once more pages were seen), not from the
    site. Checked whatever the extractor versions, because learned chrome changes the result
    without a new extractor."""
    if not previous["raw_sha256"]:
        return False
    raw = get_raw_html(db, previous["raw_sha256"])
    if raw is None:
        return False
    release = get_release(db, version["release_id"])
    context = {**previous, "url": release["url"], "family": release["family"]}
    chrome = chrome_keys(db, site_of(release["url"]))
    return content_hash(extract(raw, context, chrome)) == version["content_hash"]
