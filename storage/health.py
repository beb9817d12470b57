"""Per-member crawl health, read from ``members``, ``member_runs`` and ``releases``."""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

# One row per enabled member: its health columns, its latest member_runs row, and how many
# releases it published (by first_seen) since ``since``.
_HEALTH = """
WITH latest AS (
    SELECT mr.* FROM member_runs mr
    JOIN (SELECT bioguide_id, max(run_id) AS run_id FROM member_runs GROUP BY bioguide_id) last
      ON last.bioguide_id = mr.bioguide_id AND last.run_id = mr.run_id
)
SELECT
    m.bioguide_id, m.name, m.last_success_at, m.last_failure_at,
    m.consecutive_failures, coalesce(m.family, latest.template) AS family,
    latest.run_id AS last_run_id, latest.status AS last_status, latest.parser AS parser,
    latest.finished_at AS last_run_at, latest.error AS last_error,
    latest.releases_found AS last_releases_found, latest.urls_refused AS last_urls_refused,
    (SELECT count(*) FROM releases r
      WHERE r.bioguide_id = m.bioguide_id AND r.first_seen >= :since) AS releases_30d,
    (SELECT max(r.first_seen) FROM releases r WHERE r.bioguide_id = m.bioguide_id)
        AS newest_release_at
FROM members m LEFT JOIN latest ON latest.bioguide_id = m.bioguide_id
WHERE m.enabled = 1 AND (:member IS NULL OR m.bioguide_id = :member)
ORDER BY m.bioguide_id
"""


def member_health_rows(db: Database, since: str, member: str | None = None) -> list[dict[str, Any]]:
    """The raw health facts per enabled member (the verdict is scheduler.health's)."""
    return [dict(row) for row in db.query(_HEALTH, {"since": since, "member": member})]
