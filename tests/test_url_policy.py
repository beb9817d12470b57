"""The URL policy: http(s) only, the member's own site, no internal addresses unless named."""

from __future__ import annotations

import pytest

from crawler.config import load_config
from crawler.settings import scrapy_settings
from crawler.urlpolicy import (
    SitePolicy,
    UrlRefused,
    check_url,
    internal_hosts_named,
    is_internal_host,
    site_domain,
)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("file:///etc/passwd", "has scheme 'file': only http and https"),
        ("not a url", "has no scheme"),
        ("12345", "has no scheme"),
        ("ftp://example.org/x", "has scheme 'ftp'"),
        ("http://", "has no host name"),
        ("http://example.org:99999/", "is not a valid URL"),
        (12345, "is not a URL"),
        ("", "is not a URL"),
    ],
)
def test_check_url_refuses_what_is_not_http(url, message):
    with pytest.raises(UrlRefused, match=message):
        check_url(url, "press_url")


def test_check_url_accepts_http_and_https():
    assert check_url(" https://smith.house.gov/news ") == "https://smith.house.gov/news"
    assert check_url("http://127.0.0.1:8080/") == "http://127.0.0.1:8080/"


@pytest.mark.parametrize(
    "host",
    ["127.0.0.1", "127.0.0.2", "10.1.2.3", "192.168.0.1", "172.16.5.5", "169.254.169.254",
     "::1", "fe80::1", "fd00:ec2::254", "0.0.0.0", "localhost", "metadata.google.internal",
     "::ffff:127.0.0.1", "224.0.0.1"],
)
def test_internal_hosts(host):
    assert is_internal_host(host)


@pytest.mark.parametrize("host", ["smith.house.gov", "8.8.8.8", "example.org", "2001:4860::1"])
def test_public_hosts(host):
    assert not is_internal_host(host)


def test_site_domain_is_registered_domain_or_congress_subdomain():
    assert site_domain("www.example.co.uk") == site_domain("news.example.co.uk")
    assert site_domain("smith.house.gov") == "smith.house.gov"
    assert site_domain("www.smith.house.gov") == "smith.house.gov"
    assert site_domain("media.smith.house.gov") == "smith.house.gov"
    assert site_domain("jones.house.gov") != site_domain("smith.house.gov")
    assert site_domain("www.cruz.senate.gov") == "cruz.senate.gov"


def policy(*urls, aliases=()):
    return SitePolicy.for_urls(urls, aliases, internal_hosts_named(urls))


def test_redirects_stay_on_the_members_site():
    p = policy("https://smith.house.gov", "https://smith.house.gov/media/press-releases")
    origin = "https://smith.house.gov/media/press-releases/x"
    assert p.refusal("https://www.smith.house.gov/news/y", redirected_from=origin) is None
    assert p.refusal("http://media.smith.house.gov/y", redirected_from=origin) is None
    refused = p.refusal("https://jones.house.gov/y", redirected_from=origin)
    assert refused == (f"{origin} redirected off the member's site to "
                       "https://jones.house.gov/y (not followed)")
    # A link (not a redirect) to another host is the listing code's business, not a refusal.
    assert p.refusal("https://jones.house.gov/y") is None


def test_aliases_extend_the_site():
    p = policy("https://smith.house.gov", aliases=["smithforcongress.example.org"])
    origin = "https://smith.house.gov/a"
    assert p.refusal("https://www.smithforcongress.example.org/a", redirected_from=origin) is None


def test_internal_addresses_refused_unless_named():
    p = policy("https://smith.house.gov")
    for url in ("http://169.254.169.254/latest/meta-data/", "http://127.0.0.1:8000/",
                "http://localhost/", "http://[::1]/", "http://10.0.0.5/"):
        assert "is an internal address" in p.refusal(url)
    local = policy("http://127.0.0.1:8000/", "http://127.0.0.1:8000/press")
    assert local.refusal("http://127.0.0.1:8000/press/1") is None
    # Named: 127.0.0.1. Not named: 127.0.0.2, nor another port as a redirect (another site).
    assert "internal address" in local.refusal("http://127.0.0.2:8000/")
    assert "off the member's site" in local.refusal("http://127.0.0.1:8001/",
                                                    redirected_from="http://127.0.0.1:8000/a")


def test_bad_schemes_refused_everywhere():
    p = policy("https://smith.house.gov")
    assert "only http and https" in p.refusal("file:///etc/passwd")
    assert "only http and https" in p.refusal("gopher://smith.house.gov/",
                                              redirected_from="https://smith.house.gov/")


def test_unneeded_scrapy_extensions_are_off():
    settings = scrapy_settings(load_config(None)["crawl"])
    assert settings["EXTENSIONS_BASE"] == {
        "scrapy.extensions.corestats.CoreStats": 0, "scrapy.extensions.logcount.LogCount": 0}
    assert settings["EXTENSIONS"]["scrapy.extensions.remote_control.RemoteControl"] is None
    assert settings["EXTENSIONS"]["scrapy.extensions.telnet.TelnetConsole"] is None
    assert settings["REMOTE_CONTROL_ENABLED"] is False
    assert settings["TELNETCONSOLE_ENABLED"] is False


def test_registered_domains_need_no_download_and_write_nothing_home(tmp_path):
    import os
    import subprocess
    import sys

    env = {**os.environ, "HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    code = ("from crawler.urlpolicy import site_domain; "
            "print(site_domain('news.example.co.uk'), site_domain('www.example.org'))")
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.stdout.split() == ["example.co.uk", "example.org"], result.stderr
    assert list(tmp_path.iterdir()) == []
