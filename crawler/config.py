"""Load and validate ``config.yaml``.

Every key has a default (see ``DEFAULTS``), so a file that sets only a few keys is valid. An
unknown or mistyped key, or a value of the wrong type, raises :class:`ConfigError` naming it.
"""

from __future__ import annotations

import copy
import difflib
from pathlib import Path
from typing import Any

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
        "max_articles_per_member": 0,
        "removal_confirm_hours": 6.0,
        "recheck": {
            "every_run_days": 3,
            "daily_until_days": 30,
            "weekly_until_days": 180,
        },
    },
}

# String keys whose empty value means "not used".
MAY_BE_EMPTY = {"raw_database"}

MEMBER_OVERRIDE_KEYS: dict[str, type | tuple[type, ...]] = {
    "press_url": str,
    "rss_url": str,
    "template": str,
    "enabled": bool,
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
        try:
            data = yaml.safe_load(text) or {}
        except yaml.YAMLError as exc:
            raise ConfigError(f"config file {path} is not valid YAML: {exc}") from exc
        if not isinstance(data, dict):
            raise ConfigError(f"config file {path} must be a mapping of keys to values")
    config = merge(DEFAULTS, data, "")
    validate_members(config["members"])
    if config["crawl"]["pages"] < 1:
        raise ConfigError("crawl.pages must be at least 1")
    if config["crawl"]["delay_seconds"] < 0:
        raise ConfigError("crawl.delay_seconds must not be negative")
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
        if key in ("members", "host_groups"):
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
    return value


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
