"""The presswatch SQLite file: schema (migrations), and every write to it.

The schema is a public interface, documented in docs/schema.md.
"""

from storage.db import StorageError, open_db, transaction, utc_now
from storage.members import get_member, record_member_health, update_member_listing, upsert_members
from storage.releases import (
    SaveResult,
    get_raw_html,
    get_release,
    list_versions,
    mark_release_checked,
    mark_release_removed,
    mark_releases_seen,
    record_release_gone,
    save_release,
)
from storage.runs import (
    finish_run,
    get_run,
    list_member_runs,
    mark_stale_runs_interrupted,
    record_member_run,
    start_run,
)

__all__ = [
    "SaveResult",
    "StorageError",
    "finish_run",
    "get_member",
    "get_raw_html",
    "get_release",
    "get_run",
    "list_member_runs",
    "list_versions",
    "mark_release_checked",
    "mark_release_removed",
    "mark_releases_seen",
    "mark_stale_runs_interrupted",
    "open_db",
    "record_member_health",
    "record_member_run",
    "record_release_gone",
    "save_release",
    "start_run",
    "transaction",
    "update_member_listing",
    "upsert_members",
    "utc_now",
]
