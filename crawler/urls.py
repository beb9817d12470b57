"""URL normalization: one release, one URL.

Member sites link the same page as ``http://`` and ``https://``, with tracking query strings,
doubled slashes and HTML-escaped ampersands. ``canonical_url`` folds those variants together while
keeping every query parameter that selects content (``DocumentID``, ``ID``, ``page`` ...).
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

CONGRESS_SUFFIXES = (".house.gov", ".senate.gov")
CONGRESS_HOSTS = ("house.gov", "senate.gov")

# Query keys that only say where a visitor came from; never part of what the page shows.
_TRACKING_KEYS = frozenset(
    {
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "igshid", "twclid",
        "mc_cid", "mc_eid", "_ga", "_gl", "_hsenc", "_hsmi", "hsctatracking", "mkt_tok",
        "ref", "ref_src", "ref_url", "referrer", "cmpid", "cmp", "spm", "s_cid", "trk",
    }
)
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "oly_")
# ``source``/``src`` are tracking only when they name a channel (``?source=rss``).
_CHANNEL_KEYS = frozenset({"source", "src", "from", "via", "share"})
_CHANNELS = frozenset(
    {
        "rss", "feed", "atom", "email", "newsletter", "twitter", "x", "facebook", "fb",
        "linkedin", "social", "share", "homepage", "home", "sidebar", "widget",
    }
)
_UNSAFE_PATH = "/%:@!$&'()*+,;=-._~"
_UNSAFE_QUERY = "/%:@!$&'()*+,;=-._~?"
_SKIP_SCHEMES = ("javascript:", "mailto:", "tel:", "data:", "sms:", "fax:", "file:")
_SLASHES = re.compile(r"/{2,}")
_CONTROL = re.compile(r"[\t\r\n]")


def is_congress_host(host: str) -> bool:
    host = host.lower().rstrip(".")
    return host in CONGRESS_HOSTS or host.endswith(CONGRESS_SUFFIXES)


def _is_tracking(key: str, value: str) -> bool:
    key = key.lower()
    if key in _TRACKING_KEYS or key.startswith(_TRACKING_PREFIXES):
        return True
    return key in _CHANNEL_KEYS and value.lower() in _CHANNELS


def _clean_query(query: str) -> str:
    kept = []
    for part in query.split("&"):
        if not part:
            continue  # "?id=5&" and "a=1&&b=2" are the same query as without the empty part
        key, _, value = part.partition("=")
        if _is_tracking(key, value):
            continue
        kept.append(quote(part, safe=_UNSAFE_QUERY))
    return "&".join(kept)


def _remove_dot_segments(path: str) -> str:
    if "/." not in path:
        return path
    out: list[str] = []
    for segment in path.split("/"):
        if segment == "..":
            if len(out) > 1:
                out.pop()
        elif segment != ".":
            out.append(segment)
    result = "/".join(out)
    if path.endswith(("/.", "/..")):
        result += "/"
    return result if result.startswith("/") else "/" + result


def _netloc(scheme: str, host: str, port: int | None, userinfo: str) -> str:
    default = {"http": 80, "https": 443}.get(scheme)
    netloc = host
    if port is not None and port != default and not (scheme == "https" and port == 80):
        netloc = f"{host}:{port}"
    return f"{userinfo}@{netloc}" if userinfo else netloc


@lru_cache(maxsize=8192)
def canonical_url(url: str) -> str:
    """The comparable form of an absolute URL (see the module docstring)."""
    url = _CONTROL.sub("", url.strip()).replace("&amp;", "&")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url  # not a URL we can take apart; leave it alone rather than guess
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    if not host:
        return url
    if scheme in ("http", "https") and is_congress_host(host):
        scheme = "https"
    userinfo = parts.netloc.rpartition("@")[0] if "@" in parts.netloc else ""
    path = _remove_dot_segments(_SLASHES.sub("/", parts.path or "/"))
    path = quote(path, safe=_UNSAFE_PATH)
    query = _clean_query(parts.query)
    return urlunsplit((scheme, _netloc(scheme, host, port, userinfo), path, query, ""))


def absolute_url(href: str | None, base: str) -> str | None:
    """``href`` resolved against ``base``; None for links that are no page (mailto:, #, js)."""
    if not href:
        return None
    href = href.strip().replace("&amp;", "&")
    # Templates put newlines and tabs inside href values; browsers drop them, so do we.
    href = _CONTROL.sub("", href)
    if not href or href.startswith("#") or href.lower().startswith(_SKIP_SCHEMES):
        return None
    try:
        joined = urljoin(base, href)
    except ValueError:
        return None
    if not joined.lower().startswith(("http://", "https://")):
        return None
    return joined.split("#", 1)[0]


def site_key(url: str) -> tuple[str, int | None]:
    """Host without ``www.`` and the explicit non-default port: what makes a site."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return ("", None)
    host = (parts.hostname or "").lower().rstrip(".").removeprefix("www.")
    if port in (80, 443):
        port = None
    return (host, port)


def is_same_site(a: str, b: str) -> bool:
    """Whether two URLs belong to the same member site (scheme and ``www.`` ignored)."""
    key_a, key_b = site_key(a), site_key(b)
    return bool(key_a[0]) and key_a == key_b
