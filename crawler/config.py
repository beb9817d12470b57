"""Load and validate ``config.yaml``.

Every key has a default (see ``DEFAULTS``), so a file that sets only a few keys is valid. An
unknown or mistyped key, or a value of the wrong type, raises :class:`ConfigError` naming it.
"""

from __future__ import annotations

import copy
import difflib
import math
import re
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

DEFAULT_USER_AGENT = (
    "presswatch/0.1 (+https://github.com/presswatch/presswatch; press-release monitor; "
    "contact: presswatch@example.org)"
)

# The single source of truth for config keys, their types and defaults.
DEFAULTS: dict[str, Any] = {
    "database": "presswatch.db",
    # A second SQLite file for the raw HTML of pages; empty: kept in the main file.
    "raw_database": "",
    "roster": "bundled",
    "members": {},
    "crawl": {
        "pages": 1,
        "delay_seconds": 2.0,
        "user_agent": DEFAULT_USER_AGENT,
        "obey_robots_txt": True,
        "timeout_seconds": 30.0,
        "retries": 2,
        "retry_backoff_seconds": 1.0,
        "max_retry_after_seconds": 120.0,
        "max_page_bytes": 10 * 1024 * 1024,
        "concurrent_requests": 16,
        # Hosts ending in a key share that many requests in flight, whatever the host.
        "host_groups": {"house.gov": 4},
        # Release pages fetched per member and run; the rest (still listed) come on later runs.
        "max_articles_per_member": 200,
        # Release links read from one listing page; a page with 100k links is not a listing.
        "max_links_per_listing": 1000,
        # Seconds one member's site may cost in a run (download time, timeouts, parsing; not
        # time queued behind other sites) before its remaining pages wait for a later run.
        "member_budget_seconds": 900.0,
        # Domains every member's redirects may lead to (besides the member's own site).
        "site_aliases": [],
        "removal_confirm_hours": 6.0,
        # Wall-clock budget of one crawl run; past it the crawl is stopped cleanly (aborted).
        "max_run_minutes": 240.0,
        "recheck": {
            "every_run_days": 3,
            "daily_until_days": 30,
            "weekly_until_days": 180,
            # Archive sweep: every known release, whatever its age, is re-checked at least
            # once in this many days, spread evenly over the runs (0 = no sweep).
            "archive_days": 30,
        },
    },
    # Alert emails (scheduler/alerts.py composes them, scheduler/mailer.py sends them).
    "alerts": {
        "smtp": {
            "host": "localhost",
            "port": 25,
            "security": "none",  # none | starttls | ssl
            "username": None,  # None: no login
            # The NAME of an environment variable holding the password: never the password.
            "password_env": None,
            "from": "presswatch@localhost",
            "timeout_seconds": 30.0,
        },
        "subscribers": [],
        "max_changes_per_email": 50,
        # A member failing or blocked this many crawls in a row shows in the health section.
        "health_after_failures": 3,
        # A message the server did not accept waits backoff * 2**(attempts-1), at most 6 h.
        "retry_backoff_minutes": 5.0,
    },
    # The daemon, `presswatch run` (scheduler/daemon.py; docs/daemon.md).
    "schedule": {
        # A cron expression (5 fields: minute hour day month weekday) or "every N{s,m,h,d}".
        "crawl": "0 */6 * * *",
        "timezone": "UTC",  # of the cron expression and the digest times
        "digest_at": ["07:00"],  # HH:MM, when digest subscribers get their email
        # A run the daemon could not start on time (asleep, busy) still starts this late.
        "misfire_grace_minutes": 30.0,
    },
}

SMTP_SECURITY = ("none", "starttls", "ssl")
SUBSCRIBER_MODES = ("immediate", "digest")
ALERT_KINDS = ("new", "edited", "removed", "restored")
# Filters of a subscriber; each a list of strings, empty or missing = no filter.
SUBSCRIBER_FILTERS = ("members", "states", "chambers", "parties", "kinds", "keywords")
SUBSCRIBER_KEYS = ("email", "mode", *SUBSCRIBER_FILTERS)
# String keys whose empty value means "not used".
MAY_BE_EMPTY = {"raw_database"}

MEMBER_OVERRIDE_KEYS: dict[str, type | tuple[type, ...]] = {
    "press_url": str,
    "rss_url": str,
    "template": str,
    "enabled": bool,
    "site_aliases": list,
}

# (minimum, whether the minimum itself is allowed, maximum) of every numeric key; all must be
# finite. Keys another part of presswatch adds are listed here too and checked when present.
RANGES: dict[str, tuple[float, bool, float | None]] = {
    "crawl.pages": (1, True, None),
    "crawl.delay_seconds": (0, True, None),
    "crawl.timeout_seconds": (0, False, None),
    "crawl.retries": (0, True, None),
    "crawl.retry_backoff_seconds": (0, True, None),
    "crawl.max_retry_after_seconds": (0, True, None),
    "crawl.max_page_bytes": (0, False, None),
    "crawl.concurrent_requests": (1, True, None),
    "crawl.max_articles_per_member": (0, True, None),
    "crawl.max_links_per_listing": (1, True, None),
    "crawl.member_budget_seconds": (0, False, None),
    "crawl.max_run_minutes": (0, True, None),  # 0 = no limit
    "crawl.removal_confirm_hours": (0, True, None),
    "crawl.recheck.every_run_days": (0, True, None),
    "crawl.recheck.daily_until_days": (0, True, None),
    "crawl.recheck.weekly_until_days": (0, True, None),
    "crawl.recheck.archive_days": (0, True, None),  # 0 = no archive sweep
    "alerts.smtp.port": (1, True, 65535),
    "alerts.smtp.timeout_seconds": (0, False, None),
    "alerts.max_changes_per_email": (1, True, None),
    "alerts.health_after_failures": (1, True, None),
    "alerts.retry_backoff_minutes": (0, True, None),
    "schedule.misfire_grace_minutes": (0, True, None),
}


class ConfigError(ValueError):
    """A config file that cannot be used; the message names the offending key."""


def load_config(path: str | Path | None) -> dict[str, Any]:
    """Read ``path`` (or nothing: all defaults) and return the merged, validated config."""
    data: Any = {}
    if path is not None:
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"cannot read config file {path}: {exc.strerror or exc}") from exc
        except UnicodeDecodeError as exc:
            raise ConfigError(
                f"config file {path} is not UTF-8 text (byte {exc.start}): save it as UTF-8"
            ) from exc
        try:
            data = yaml.safe_load(text) or {}
        except yaml.YAMLError as exc:
            raise ConfigError(f"config file {path} is not valid YAML: {one_line(exc)}") from exc
        if not isinstance(data, dict):
            raise ConfigError(f"config file {path} must be a mapping of keys to values")
    config = merge(DEFAULTS, data, "")
    validate_members(config["members"])
    validate_ranges(config)
    validate_host_groups(config["crawl"]["host_groups"])
    validate_domains("crawl.site_aliases", config["crawl"]["site_aliases"])
    config["alerts"] = validate_alerts(config["alerts"])
    validate_schedule(config["schedule"])
    if path is not None:
        config["_config_dir"] = str(Path(path).resolve().parent)
    return config


def merge(defaults: dict[str, Any], given: dict[str, Any], prefix: str) -> dict[str, Any]:
    """Overlay ``given`` on ``defaults``, rejecting unknown keys and wrong types."""
    result = copy.deepcopy(defaults)
    for key, value in given.items():
        name = f"{prefix}{key}"
        if key not in defaults:
            raise ConfigError(f"unknown config key '{name}'{suggestion(str(key), defaults)}")
        default = defaults[key]
        if isinstance(default, list):
            result[key] = value  # lists (alerts.subscribers) are checked by their validator
        elif key in ("members", "host_groups"):
            if not isinstance(value, dict):
                raise ConfigError(f"config key '{name}' must be a mapping")
            result[key] = value
        elif isinstance(default, dict):
            if not isinstance(value, dict):
                raise ConfigError(f"config key '{name}' must be a mapping")
            result[key] = merge(default, value, f"{name}.")
        else:
            result[key] = check_type(name, value, default)
    return result


def one_line(exc: Exception) -> str:
    """Errors end up on one terminal line; YAML's messages span several."""
    return " ".join(str(exc).split())


def validate_ranges(config: dict[str, Any]) -> None:
    for name, (minimum, inclusive, maximum) in RANGES.items():
        value = lookup(config, name)
        if isinstance(value, bool) or not isinstance(value, int | float):
            continue  # a key this version does not have (or an optional one left unset)
        if not math.isfinite(value):
            raise ConfigError(f"config key '{name}' must be a finite number, not {value!r}")
        if value < minimum or (value == minimum and not inclusive):
            bound = f"at least {minimum}" if inclusive else f"greater than {minimum}"
            raise ConfigError(f"config key '{name}' must be {bound}, not {value!r}")
        if maximum is not None and value > maximum:
            raise ConfigError(f"config key '{name}' must be at most {maximum}, not {value!r}")


def lookup(config: dict[str, Any], dotted: str) -> Any:
    value: Any = config
    for part in dotted.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def validate_host_groups(groups: dict[Any, Any]) -> None:
    for suffix, limit in groups.items():
        if not isinstance(suffix, str) or not suffix.strip("."):
            raise ConfigError(f"config key 'crawl.host_groups' has a bad host suffix {suffix!r}")
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            raise ConfigError(
                f"config key 'crawl.host_groups.{suffix}' must be a whole number of at least 1,"
                f" not {limit!r}"
            )


def validate_domains(name: str, domains: Any) -> None:
    if not isinstance(domains, list):
        raise ConfigError(f"config key '{name}' must be a list of domain names")
    for domain in domains:
        if not isinstance(domain, str) or not domain.strip(".") or "/" in domain:
            raise ConfigError(
                f"config key '{name}' must list domain names (like example.org), not {domain!r}"
            )


def check_type(name: str, value: Any, default: Any) -> Any:
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ConfigError(f"config key '{name}' must be true or false, not {value!r}")
        return value
    if isinstance(default, float):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"config key '{name}' must be a number, not {value!r}")
        return float(value)
    if isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"config key '{name}' must be a whole number, not {value!r}")
        return value
    if isinstance(default, str):
        if not isinstance(value, str) or (not value and name not in MAY_BE_EMPTY):
            raise ConfigError(f"config key '{name}' must be a non-empty string, not {value!r}")
        return value
    if isinstance(default, list):
        if not isinstance(value, list):
            raise ConfigError(f"config key '{name}' must be a list, not {value!r}")
        return value
    return value


INTERVAL = re.compile(r"every\s+(\d+)\s*([smhd])", re.IGNORECASE)
DIGEST_TIME = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")


def validate_schedule(schedule: dict[str, Any]) -> None:
    """The ``schedule:`` section: the crawl's cron expression or interval, a known timezone,
    HH:MM digest times, a positive misfire grace."""
    crawl = schedule["crawl"].strip()
    interval = INTERVAL.fullmatch(crawl)
    if interval and int(interval.group(1)) < 1:
        raise ConfigError(f"config key 'schedule.crawl' must be at least 'every 1s', not {crawl!r}")
    if not interval and len(crawl.split()) != 5:
        raise ConfigError("config key 'schedule.crawl' must be a cron expression of 5 fields "
                          f"(e.g. '0 */6 * * *') or an interval ('every 6h'), not {crawl!r}")
    try:
        ZoneInfo(schedule["timezone"])
    except (ValueError, ZoneInfoNotFoundError):
        raise ConfigError("config key 'schedule.timezone' must be a time zone name such as "
                          f"'UTC' or 'America/New_York', not {schedule['timezone']!r}") from None
    times = schedule["digest_at"]
    if not isinstance(times, list) or not all(
            isinstance(t, str) and DIGEST_TIME.fullmatch(t.strip()) for t in times):
        raise ConfigError("config key 'schedule.digest_at' must be a list of HH:MM times, "
                          f"not {times!r}")
    grace = schedule["misfire_grace_minutes"]
    if not math.isfinite(grace) or grace <= 0:
        raise ConfigError("config key 'schedule.misfire_grace_minutes' must be a positive "
                          f"number of minutes, not {grace!r}")


def validate_members(members: dict[str, Any]) -> None:
    for bioguide, override in members.items():
        if not isinstance(override, dict):
            raise ConfigError(f"config key 'members.{bioguide}' must be a mapping")
        for key, value in override.items():
            if key not in MEMBER_OVERRIDE_KEYS:
                hint = suggestion(str(key), MEMBER_OVERRIDE_KEYS)
                raise ConfigError(f"unknown config key 'members.{bioguide}.{key}'{hint}")
            if not isinstance(value, MEMBER_OVERRIDE_KEYS[key]):
                raise ConfigError(
                    f"config key 'members.{bioguide}.{key}' has the wrong type: {value!r}"
                )
            if key == "site_aliases":
                validate_domains(f"members.{bioguide}.site_aliases", value)


def validate_alerts(alerts: dict[str, Any]) -> dict[str, Any]:
    """Check ``alerts:`` beyond types: SMTP security, optional strings, each subscriber."""
    smtp = alerts["smtp"]
    if smtp["security"] not in SMTP_SECURITY:
        raise ConfigError(f"config key 'alerts.smtp.security' must be one of "
                          f"{', '.join(SMTP_SECURITY)}, not {smtp['security']!r}")
    for key in ("username", "password_env"):
        if smtp[key] is not None and (not isinstance(smtp[key], str) or not smtp[key]):
            raise ConfigError(f"config key 'alerts.smtp.{key}' must be a non-empty string "
                              f"or null, not {smtp[key]!r}")
    if not 0 < smtp["port"] < 65536:
        raise ConfigError(f"config key 'alerts.smtp.port' must be a TCP port, not {smtp['port']}")
    subscribers = alerts["subscribers"]
    if not isinstance(subscribers, list):
        raise ConfigError("config key 'alerts.subscribers' must be a list")
    alerts["subscribers"] = [validate_subscriber(s, i) for i, s in enumerate(subscribers)]
    emails = [s["email"] for s in alerts["subscribers"]]
    repeated = sorted({e for e in emails if emails.count(e) > 1})
    if repeated:
        raise ConfigError(f"config key 'alerts.subscribers': {repeated[0]} is listed twice")
    return alerts


def validate_subscriber(entry: Any, index: int) -> dict[str, Any]:
    """One subscriber, normalized: every filter a list (empty = no filter)."""
    name = f"alerts.subscribers[{index}]"
    if not isinstance(entry, dict):
        raise ConfigError(f"config key '{name}' must be a mapping with at least 'email'")
    for key in entry:
        if key not in SUBSCRIBER_KEYS:
            hint = suggestion(str(key), dict.fromkeys(SUBSCRIBER_KEYS))
            raise ConfigError(f"unknown config key '{name}.{key}'{hint}")
    email = entry.get("email")
    if not isinstance(email, str) or "@" not in email or any(c in email for c in " \r\n,<>"):
        raise ConfigError(f"config key '{name}.email' must be one email address, not {email!r}")
    mode = entry.get("mode", "digest")
    if mode not in SUBSCRIBER_MODES:
        raise ConfigError(f"config key '{name}.mode' must be one of "
                          f"{', '.join(SUBSCRIBER_MODES)}, not {mode!r}")
    subscriber: dict[str, Any] = {"email": email, "mode": mode}
    for key in SUBSCRIBER_FILTERS:
        value = entry.get(key) or []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise ConfigError(f"config key '{name}.{key}' must be a list of strings")
        subscriber[key] = value
    bad = [k for k in subscriber["kinds"] if k not in ALERT_KINDS]
    if bad:
        raise ConfigError(f"config key '{name}.kinds' must be among {', '.join(ALERT_KINDS)}, "
                          f"not {bad[0]!r}")
    return subscriber


def suggestion(key: str, known: dict[str, Any]) -> str:
    close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.5)
    return f" (did you mean '{close[0]}'?)" if close else ""


def resolve_path(config: dict[str, Any], value: str) -> Path:
    """A path from the config file is relative to the file's own directory."""
    path = Path(value).expanduser()
    if not path.is_absolute() and "_config_dir" in config:
        path = Path(config["_config_dir"]) / path
    return path


def raw_database_path(config: dict[str, Any]) -> Path | None:
    """The raw HTML file (config ``raw_database``), or None when raw HTML stays in the main
    file."""
    value = config["raw_database"]
    return resolve_path(config, value) if value else None
