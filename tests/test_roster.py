import pytest
import yaml

from crawler.config import ConfigError, load_config
from crawler.roster import RosterError, load_members, select_members


def config_with(tmp_path, text):
    path = tmp_path / "config.yaml"
    path.write_text(text)
    return load_config(path)


def test_bundled_roster_has_every_member_and_press_urls():
    members = load_members(load_config(None))
    assert len(members) == 537
    assert sum(1 for m in members if m.chamber == "senate") == 100
    assert sum(1 for m in members if m.press_url) >= 530
    adams = {m.bioguide_id: m for m in members}["M001212"]
    assert adams.press_url == "https://barrymoore.house.gov/media/press-releases"
    assert adams.press_url_source == "bundled"
    assert adams.family_hint() == "house-evo"
    assert (adams.chamber, adams.state, adams.district) == ("house", "AL", 1)


def test_overrides_apply(tmp_path):
    config = config_with(
        tmp_path,
        "members:\n  M001212:\n    press_url: https://barrymoore.house.gov/news\n"
        "    template: generic\n    enabled: false\n",
    )
    moore = {m.bioguide_id: m for m in load_members(config)}["M001212"]
    assert moore.press_url == "https://barrymoore.house.gov/news"
    assert moore.press_url_source == "config"
    assert moore.family_hint() == "generic"
    assert moore.enabled is False
    assert "M001212" not in [m.bioguide_id for m in select_members(load_members(config), [])]


def test_override_for_unknown_member_is_an_error(tmp_path):
    config = config_with(tmp_path, "members:\n  Z999999:\n    enabled: false\n")
    with pytest.raises(ConfigError, match="Z999999"):
        load_members(config)


def person(bioguide, url, kind="rep"):
    term = {"type": kind, "state": "MD", "party": "Democrat", "url": url}
    if kind == "rep":
        term["district"] = 3
    return {"id": {"bioguide": bioguide}, "name": {"first": "Ann", "last": "Lee"},
            "terms": [term]}


def test_custom_roster_ignores_bundled_map_for_other_sites(tmp_path):
    roster = tmp_path / "roster.yaml"
    # A real bioguide id, but a different site: the bundled press URL must not be used.
    roster.write_text(yaml.safe_dump([person("M001212", "http://127.0.0.1:9/")]))
    config = config_with(tmp_path, f"roster: {roster.name}\n")
    (member,) = load_members(config)
    assert member.press_url is None
    assert member.press_url_source == "none"
    assert member.name == "Ann Lee"
    assert member.homepage == "http://127.0.0.1:9/"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{}", "non-empty list"),
        ("- {name: {first: A}}\n", "lacks id.bioguide"),
        ("- [unclosed\n", "not valid YAML"),
    ],
)
def test_bad_roster_is_a_clear_error(tmp_path, content, message):
    roster = tmp_path / "roster.yaml"
    roster.write_text(content)
    with pytest.raises(RosterError, match=message):
        load_members(config_with(tmp_path, "roster: roster.yaml\n"))


def test_missing_roster_file(tmp_path):
    with pytest.raises(RosterError, match="cannot read roster"):
        load_members(config_with(tmp_path, "roster: missing.yaml\n"))


def test_select_unknown_member():
    with pytest.raises(RosterError, match="X0"):
        select_members(load_members(load_config(None)), ["X0"])
