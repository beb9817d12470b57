"""Which URLs a crawl may fetch: http(s) only, the member's own site, no private addresses.

A member's site is the host (``www.`` ignored) or registered domain of its homepage, press
page and feed, plus configured aliases. For ``*.house.gov`` / ``*.senate.gov`` the member's own
subdomain counts as the registered domain: ``smith.house.gov`` redirecting to
``jones.house.gov`` is another office's site, not Smith's.

Private, loopback, link-local, reserved and cloud-metadata addresses are refused, unless the
roster or config itself names that address (how the tests' simulated Congress on 127.0.0.1
works): a site on the public internet must not make the crawler fetch an internal service.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urlsplit

import tldextract

from crawler.urls import CONGRESS_HOSTS

SCHEMES = ("http", "https")
# Names that resolve to a cloud provider's instance-metadata service.
METADATA_HOSTS = frozenset({"metadata.google.internal", "metadata", "instance-data",
                            "metadata.azure.com"})
# The bundled public-suffix snapshot only: no download, nothing cached in the user's home.
_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


class UrlRefused(ValueError):
    """A URL the crawl will not fetch; the message says why, on one line."""


def check_url(url: object, what: str = "URL") -> str:
    """``url`` if it is an absolute http(s) URL with a host; else UrlRefused naming ``what``."""
    if not isinstance(url, str) or not url.strip():
        raise UrlRefused(f"{what} {url!r} is not a URL")
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        raise UrlRefused(f"{what} {url!r} is not a valid URL ({exc})") from exc
    if parts.scheme.lower() not in SCHEMES:
        scheme = f"scheme {parts.scheme!r}" if parts.scheme else "no scheme"
        raise UrlRefused(f"{what} {url!r} has {scheme}: only http and https URLs are fetched")
    if not parts.hostname:
        raise UrlRefused(f"{what} {url!r} has no host name")
    return url.strip()


def host_of(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower().rstrip(".")
    except ValueError:
        return ""


def port_of(url: str) -> int | None:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    default = {"http": 80, "https": 443}.get(parts.scheme.lower())
    return None if port in (default, 80, 443) else port


def is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def is_private_address(address: str) -> bool:
    """Loopback, private, link-local (169.254.169.254 included), reserved, multicast or
    unspecified — anything that is not a public unicast address."""
    try:
        ip = ipaddress.ip_address(address.strip("[]").split("%", 1)[0])
    except ValueError:
        return False
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


def is_internal_host(host: str) -> bool:
    """A host name or address that points inside the machine or its network."""
    host = host.lower().rstrip(".")
    if host in METADATA_HOSTS or host == "localhost" or host.endswith(".localhost"):
        return True
    return is_private_address(host)


@lru_cache(maxsize=4096)
def site_domain(host: str) -> str:
    """What makes a site: the registered domain, or the member's subdomain of a Congress host,
    or the host itself (addresses, single labels)."""
    host = host.lower().rstrip(".").removeprefix("www.")
    if not host or is_ip(host):
        return host
    for congress in CONGRESS_HOSTS:
        if host.endswith("." + congress):
            return host.removesuffix("." + congress).rsplit(".", 1)[-1] + "." + congress
    return _EXTRACT(host).top_domain_under_public_suffix or host


@dataclass
class SitePolicy:
    """The member's own site(s) and the internal hosts the configuration named."""

    domains: set[tuple[str, int | None]] = field(default_factory=set)  # (site domain, port)
    internal_allowed: frozenset[str] = frozenset()

    @classmethod
    def for_urls(cls, urls: Iterable[str | None], aliases: Iterable[str] = (),
                 internal_allowed: frozenset[str] = frozenset()) -> SitePolicy:
        policy = cls(internal_allowed=internal_allowed)
        for url in urls:
            if isinstance(url, str) and host_of(url):
                policy.domains.add((site_domain(host_of(url)), port_of(url)))
        for alias in aliases:
            policy.domains.add((site_domain(alias), None))
        return policy

    def on_site(self, url: str) -> bool:
        key = (site_domain(host_of(url)), port_of(url))
        # An alias names a domain, whatever the port.
        return key in self.domains or (key[0], None) in self.domains

    def refusal(self, url: str, *, redirected_from: str | None = None) -> str | None:
        """Why ``url`` must not be fetched, or None when it may."""
        try:
            check_url(url)
        except UrlRefused as exc:
            return str(exc)
        host = host_of(url)
        if is_internal_host(host) and host not in self.internal_allowed:
            return f"{url} is an internal address (not named in the roster or config)"
        if redirected_from and self.domains and not self.on_site(url):
            return f"{redirected_from} redirected off the member's site to {url} (not followed)"
        return None


def internal_hosts_named(urls: Iterable[str | None]) -> frozenset[str]:
    """The internal hosts the roster / config name themselves: those stay allowed."""
    hosts = {host_of(u) for u in urls if isinstance(u, str)}
    return frozenset(h for h in hosts if h and is_internal_host(h))
