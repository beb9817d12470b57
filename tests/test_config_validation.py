"""Config and roster validation: every key's type and range, encodings, one-line errors."""

from __future__ import annotations

import subprocess

import pytest
import yaml

from crawler.config import ConfigError, load_config
from crawler.roster import RosterError, load_members
from tests.helpers import PRESSWATCH


def write(tmp_path, text: str | bytes):
    path = tmp_path / "config.yaml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("crawl:\n  timeout_seconds: .inf\n", "'crawl.timeout_seconds' must be a finite number"),
        ("crawl:\n  delay_seconds: .nan\n", "'crawl.delay_seconds' must be a finite number"),
        ("crawl:\n  retries: -3\n", "'crawl.retries' must be at least 0, not -3"),
        ("crawl:\n  timeout_seconds: -1\n", "'crawl.timeout_seconds' must be greater than 0"),
        ("crawl:\n  timeout_seconds: 0\n", "'crawl.timeout_seconds' must be greater than 0"),
        ("crawl:\n  concurrent_requests: 0\n", "'crawl.concurrent_requests' must be at least 1"),
        ("crawl:\n  max_page_bytes: 0\n", "'crawl.max_page_bytes' must be greater than 0"),
        ("crawl:\n  pages: 0\n", "'crawl.pages' must be at least 1"),
        ("crawl:\n  max_links_per_listing: 0\n", "'crawl.max_links_per_listing' must be at least"),
        ("crawl:\n  member_budget_seconds: .inf\n", "'crawl.member_budget_seconds' must be a fin"),
        ("crawl:\n  recheck:\n    daily_until_days: -1\n", "'crawl.recheck.daily_until_days'"),
        ("crawl:\n  retries: 2.5\n", "'crawl.retries' must be a whole number"),
        ("crawl:\n  host_groups:\n    house.gov: four\n", "'crawl.host_groups.house.gov' must"),
        ("crawl:\n  host_groups:\n    house.gov: 0\n", "'crawl.host_groups.house.gov' must"),
        ("crawl:\n  host_groups: [house.gov]\n", "'crawl.host_groups' must be a mapping"),
        ("crawl:\n  host_groups:\n    4: 4\n", "'crawl.host_groups' has a bad host suffix 4"),
        ("crawl:\n  site_aliases: example.org\n", "'crawl.site_aliases' must be a list"),
        ("crawl:\n  site_aliases: [3]\n", "'crawl.site_aliases' must list domain names"),
        ("members:\n  A000370:\n    site_aliases: [http://x/]\n", "must list domain names"),
        ("crawl: [unclosed\n", "not valid YAML"),
    ],
)
def test_bad_values_are_one_line_errors_naming_the_key(tmp_path, text, message):
    with pytest.raises(ConfigError) as err:
        load_config(write(tmp_path, text))
    assert message in str(err.value)
    assert "\n" not in str(err.value)


def test_valid_bounds_are_accepted(tmp_path):
    config = load_config(write(tmp_path, "crawl:\n  retries: 0\n  delay_seconds: 0\n"
                                         "  max_articles_per_member: 0\n"
                                         "  site_aliases: [example.org]\n"))
    assert config["crawl"]["retries"] == 0
    assert config["crawl"]["site_aliases"] == ["example.org"]


def test_config_not_utf8_is_one_line_error(tmp_path):
    with pytest.raises(ConfigError, match="is not UTF-8 text"):
        load_config(write(tmp_path, "database: caf\xe9.db\n".encode("latin-1")))


def roster_config(tmp_path, roster: bytes | str):
    path = tmp_path / "roster.yaml"
    if isinstance(roster, bytes):
        path.write_bytes(roster)
    else:
        path.write_text(roster)
    return load_config(write(tmp_path, f"roster: {path.name}\n"))


def test_roster_not_utf8_is_one_line_error(tmp_path):
    config = roster_config(tmp_path, "- name: {first: Jos\xe9}\n".encode("latin-1"))
    with pytest.raises(RosterError, match="is not UTF-8 text"):
        load_members(config)


def person(**changes):
    entry = {"id": {"bioguide": "A000001"}, "name": {"first": "Ann", "last": "Lee"},
             "terms": [{"type": "rep", "state": "MD", "district": 3, "party": "Democrat",
                        "url": "http://127.0.0.1:9/"}]}
    entry.update(changes)
    return entry


def test_roster_name_as_string_is_one_line_error(tmp_path):
    config = roster_config(tmp_path, yaml.safe_dump([person(name="Ann Lee")]))
    with pytest.raises(RosterError, match="name and terms must be mappings"):
        load_members(config)


def test_roster_url_that_is_a_number_is_kept_for_the_crawl_to_refuse(tmp_path):
    entry = person()
    entry["terms"][0]["url"] = 12345
    (member,) = load_members(roster_config(tmp_path, yaml.safe_dump([entry])))
    assert member.homepage == "12345"


@pytest.mark.parametrize(
    "text",
    ["crawl:\n  timeout_seconds: .inf\n", "crawl:\n  host_groups:\n    house.gov: x\n",
     b"roster: \xff\xfe\n"],
)
@pytest.mark.parametrize("command", ["crawl", "members"])
def test_cli_exits_2_with_one_line(tmp_path, text, command):
    config = write(tmp_path, text)
    result = subprocess.run([PRESSWATCH, command, "--config", str(config)],
                            capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("presswatch: ") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "presswatch.db").exists()


def numeric_keys(tree: dict, prefix: str = "") -> list[str]:
    keys = []
    for key, value in tree.items():
        if f"{prefix}{key}" == "crawl.host_groups":
            continue  # user-named keys, each checked by validate_host_groups
        if isinstance(value, dict):
            keys += numeric_keys(value, f"{prefix}{key}.")
        elif isinstance(value, int | float) and not isinstance(value, bool):
            keys.append(f"{prefix}{key}")
    return keys


def test_every_numeric_key_has_a_range():
    """A key added without a range would accept .inf, .nan or -3: this test names it."""
    from crawler.config import DEFAULTS, RANGES

    assert [k for k in numeric_keys(DEFAULTS) if k not in RANGES] == []


@pytest.mark.parametrize(
    ("roster", "message"),
    [("- name: {first: Jos\xe9}\n".encode("latin-1"), "is not UTF-8 text"),
     (yaml.safe_dump([person(name="Ann Lee")]).encode(), "name and terms must be mappings")],
)
def test_cli_bad_roster_exits_2_with_one_line(tmp_path, roster, message):
    (tmp_path / "roster.yaml").write_bytes(roster)
    config = write(tmp_path, "roster: roster.yaml\n")
    for command in ("crawl", "members"):
        result = subprocess.run([PRESSWATCH, command, "--config", str(config)],
                                capture_output=True, text=True, timeout=60, cwd=tmp_path)
        assert result.returncode == 2, result.stderr
        assert message in result.stderr and result.stderr.count("\n") == 1
    assert not (tmp_path / "presswatch.db").exists()
