import pytest

from crawler.config import DEFAULTS, ConfigError, load_config


def write(tmp_path, text):
    path = tmp_path / "config.yaml"
    path.write_text(text)
    return path


def test_no_file_means_defaults():
    config = load_config(None)
    assert config["database"] == "presswatch.db"
    assert config["crawl"]["delay_seconds"] == 2.0
    assert config["crawl"]["obey_robots_txt"] is True


def test_partial_file_keeps_other_defaults(tmp_path):
    config = load_config(write(tmp_path, "crawl:\n  delay_seconds: 0\n"))
    assert config["crawl"]["delay_seconds"] == 0.0
    assert config["crawl"]["timeout_seconds"] == DEFAULTS["crawl"]["timeout_seconds"]
    assert config["roster"] == "bundled"


def test_bundled_config_file_is_valid_and_matches_defaults():
    config = load_config("config.yaml")
    assert config["crawl"] == DEFAULTS["crawl"]
    assert config["alerts"] == DEFAULTS["alerts"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("databse: x.db\n", "unknown config key 'databse' (did you mean 'database'?)"),
        ("crawl:\n  delay_secs: 1\n", "unknown config key 'crawl.delay_secs'"),
        ("crawl:\n  delay_seconds: soon\n", "'crawl.delay_seconds' must be a number"),
        ("crawl:\n  obey_robots_txt: 1\n", "'crawl.obey_robots_txt' must be true or false"),
        ("crawl: 3\n", "'crawl' must be a mapping"),
        ("members:\n  A000370:\n    press_ur: x\n", "config key 'members.A000370.press_ur'"),
        ("members:\n  A000370:\n    enabled: maybe\n", "'members.A000370.enabled'"),
        ("- a\n- b\n", "must be a mapping"),
        ("crawl: [unclosed\n", "not valid YAML"),
        ("alerts:\n  smtp:\n    security: tls\n", "'alerts.smtp.security' must be one of"),
        ("alerts:\n  smtp:\n    password: hunter2\n", "unknown config key 'alerts.smtp.password'"),
        ("alerts:\n  subscribers: x@y.org\n", "'alerts.subscribers' must be a list"),
        ("alerts:\n  subscribers:\n    - mode: digest\n", "'alerts.subscribers[0].email'"),
        ("alerts:\n  subscribers:\n    - email: a@b.org\n      mode: hourly\n",
         "'alerts.subscribers[0].mode' must be one of immediate, digest"),
        ("alerts:\n  subscribers:\n    - email: a@b.org\n      kinds: [deleted]\n",
         "'alerts.subscribers[0].kinds' must be among"),
        ("alerts:\n  subscribers:\n    - email: a@b.org\n      keyword: [x]\n",
         "unknown config key 'alerts.subscribers[0].keyword' (did you mean 'keywords'?)"),
        ("alerts:\n  subscribers:\n    - email: a@b.org\n    - email: a@b.org\n",
         "a@b.org is listed twice"),
    ],
)
def test_bad_config_names_the_key(tmp_path, text, message):
    with pytest.raises(ConfigError) as err:
        load_config(write(tmp_path, text))
    assert message in str(err.value)


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigError, match="cannot read config file"):
        load_config(tmp_path / "nope.yaml")


def test_subscriber_filters_default_to_empty_lists(tmp_path):
    config = load_config(write(tmp_path, "alerts:\n  subscribers:\n    - email: a@b.org\n"
                                         "      states: CA\n"))
    [subscriber] = config["alerts"]["subscribers"]
    assert subscriber["mode"] == "digest" and subscriber["states"] == ["CA"]
    assert subscriber["keywords"] == [] and subscriber["members"] == []
