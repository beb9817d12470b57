"""Serve a simulated Congress over real HTTP: one 127.0.0.1 port per site.

All listening sockets share one selector thread; each accepted connection gets its own thread
(``ThreadingHTTPServer``), so 537 sites cost 537 sockets, not 537 idle threads. Every request is
rendered from the Congress's current state, so a test mutates the model between crawls.
"""

from __future__ import annotations

import calendar
import gzip
import hashlib
import io
import itertools
import json
import re
import selectors
import socket
import struct
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, NamedTuple

from . import render
from .families import BLOCKED_PAGE, FAMILIES, NOT_FOUND_PAGE
from .model import Congress, SimRelease, Site

HTML = "text/html; charset=utf-8"
REDIRECTS = (301, 302, 303, 307, 308)
HEADERS_OF_INTEREST = (
    "User-Agent",
    "If-None-Match",
    "If-Modified-Since",
    "Accept",
    "Accept-Encoding",
    "Cache-Control",
    "Referer",
)
# What a hostile or broken server does, by Site.fault name (see _fault_response / _serve_raw).
FAULTS = (
    "500", "503", "429", "403", "cdn-block-200", "reset", "timeout", "slow-drip", "truncated",
    "oversized", "gzip-bomb", "windows-1252", "invalid-utf8", "redirect-loop", "redirect",
    "huge-listing",
)
RAW_FAULTS = ("reset", "slow-drip", "truncated")
FAULT_DELAY = 5.0  # seconds "timeout" waits and "slow-drip" drips: above a test's timeout
OVERSIZED_BYTES = 12 * 1024 * 1024
BOMB_BYTES = 64 * 1024 * 1024  # decompressed size of the gzip bomb (about 64 KB on the wire)
HUGE_LISTING_LINKS = 100_000
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


class LoggedRequest(NamedTuple):
    site: str  # slug
    method: str
    path: str  # request target, query included
    status: int
    headers: dict[str, str]  # the request headers of interest that were sent
    timestamp: float  # time.time() when the request arrived


@dataclass
class Response:
    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""


class _SiteServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128
    sim: SimServer
    site_slug: str


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "SimCongress/1.0"
    sys_version = ""
    timeout = 60  # idle keep-alive connections close after this

    server: _SiteServer

    def setup(self) -> None:
        super().setup()
        self.server.sim._connections_add(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        except OSError:
            pass  # a fault closed or reset the connection already
        finally:
            self.server.sim._connections_discard(self.connection)

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self.server.sim._handle(self, head=False)

    def do_HEAD(self) -> None:  # noqa: N802
        self.server.sim._handle(self, head=True)

    def do_POST(self) -> None:  # noqa: N802
        self.server.sim._handle(self, head=False)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass  # silence the default stderr logging


class SimServer:
    """The running simulation; see ``serve``."""

    def __init__(self, congress: Congress, host: str = "127.0.0.1") -> None:
        self.congress = congress
        self.host = host
        self.request_log: list[LoggedRequest] = []
        self.errors: list[str] = []  # tracebacks of requests the simulator failed to answer
        self._lock = threading.Lock()
        self._servers: dict[str, _SiteServer] = {}
        self._in_flight: dict[str, int] = {}
        self._max_in_flight: dict[str, int] = {}
        self._total_in_flight = 0
        self._max_total = 0
        self._versions: dict[tuple[str, str], tuple[str, int]] = {}
        self._counter = itertools.count()
        self._connections: set[socket.socket] = set()
        self._selector = selectors.DefaultSelector()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # ---- public API -------------------------------------------------------------------------

    def base_url(self, site: Site | str) -> str:
        """``http://127.0.0.1:PORT`` of a site (a Site, its slug or its bioguide id)."""
        slug = self._slug(site)
        return f"http://{self.host}:{self._servers[slug].server_address[1]}"

    def url(self, site: Site | str, path: str) -> str:
        return self.base_url(site) + path

    def port(self, site: Site | str) -> int:
        return int(self._servers[self._slug(site)].server_address[1])

    def requests_for(self, site: Site | str) -> list[LoggedRequest]:
        slug = self._slug(site)
        with self._lock:
            return [r for r in self.request_log if r.site == slug]

    def max_concurrency_seen(self, site: Site | str | None = None) -> int:
        """Most requests in flight at once on one site, or on all sites together (None)."""
        with self._lock:
            if site is None:
                return self._max_total
            return self._max_in_flight.get(self._slug(site), 0)

    def reset_log(self) -> None:
        """Forget logged requests and concurrency maxima (between crawls)."""
        with self._lock:
            self.request_log.clear()
            self._max_in_flight.clear()
            self._max_total = 0

    # ---- lifecycle --------------------------------------------------------------------------

    def start(self) -> None:
        for site in self.congress.sites:
            server = _SiteServer((self.host, 0), _Handler)
            server.sim = self
            server.site_slug = site.slug
            server.socket.setblocking(False)
            self._servers[site.slug] = server
            self._selector.register(server.socket, selectors.EVENT_READ, server)
        self._thread = threading.Thread(target=self._accept_loop, name="simcongress", daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=5)
        with self._lock:
            connections = list(self._connections)
        for conn in connections:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        for server in self._servers.values():
            server.server_close()
        self._selector.close()

    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            for key, _ in self._selector.select(timeout=0.1):
                server: _SiteServer = key.data
                try:
                    request, address = server.get_request()
                except OSError:
                    continue
                try:
                    server.process_request(request, address)
                except Exception:  # pragma: no cover - thread start failure
                    server.handle_error(request, address)
                    server.shutdown_request(request)

    def _connections_add(self, conn: socket.socket) -> None:
        with self._lock:
            self._connections.add(conn)

    def _connections_discard(self, conn: socket.socket) -> None:
        with self._lock:
            self._connections.discard(conn)

    # ---- requests ---------------------------------------------------------------------------

    def _slug(self, site: Site | str) -> str:
        if isinstance(site, Site):
            return site.slug
        if site in self._servers:
            return site
        return self.congress.site(site).slug

    def _handle(self, handler: _Handler, head: bool) -> None:
        slug = handler.server.site_slug
        arrived = time.time()
        with self._lock:
            self._in_flight[slug] = self._in_flight.get(slug, 0) + 1
            self._total_in_flight += 1
            self._max_in_flight[slug] = max(self._max_in_flight.get(slug, 0), self._in_flight[slug])
            self._max_total = max(self._max_total, self._total_in_flight)
        status = 500
        try:
            site = self.congress.site(slug)
            if site.delay:
                time.sleep(site.delay)
            fault = _fault_of(site, handler.path)
            if fault in RAW_FAULTS:
                status = _serve_raw(handler, fault)
                return
            if handler.command == "POST":
                response = Response(405, [("Allow", "GET, HEAD")])
            elif fault:
                response = self._fault_response(site, fault, handler.path, handler.headers)
            else:
                try:
                    response = self.respond(site, handler.path, handler.headers)
                except Exception:
                    error = traceback.format_exc()
                    with self._lock:
                        self.errors.append(f"{slug} {handler.path}\n{error}")
                    response = Response(500, [("Content-Type", "text/plain")], error.encode())
            status = response.status
            try:
                self._send(handler, response, head)
            except (ConnectionError, TimeoutError):
                pass  # the client gave up (a size cap, a timeout): nothing left to tell it
        finally:
            sent = {k: v for k in HEADERS_OF_INTEREST if (v := handler.headers.get(k)) is not None}
            with self._lock:
                self._in_flight[slug] -= 1
                self._total_in_flight -= 1
                self.request_log.append(
                    LoggedRequest(slug, handler.command, handler.path, status, sent, arrived)
                )

    @staticmethod
    def _send(handler: _Handler, response: Response, head: bool) -> None:
        handler.send_response(response.status)
        names = {name.lower() for name, _ in response.headers}
        for name, value in response.headers:
            handler.send_header(name, value)
        if response.status != 304 and "content-length" not in names:
            handler.send_header("Content-Length", str(len(response.body)))
        handler.end_headers()
        if not head and response.status != 304:
            handler.wfile.write(response.body)

    def respond(self, site: Site, target: str, headers: Any = None) -> Response:
        """The response to GET ``target`` on ``site`` (``headers``: anything with ``.get``)."""
        get: Callable[[str], str | None] = headers.get if headers is not None else {}.get
        family = FAMILIES[site.family]
        base = self.base_url(site)
        noise = None
        if self.congress.noisy(site):
            noise = hash((self.congress.noise_seed, next(self._counter))) & 0xFFFFFFFF
        if site.site_status:
            return _blocked(site.site_status, base, target)
        path = target.split("?", 1)[0]
        if path == "/robots.txt":
            return Response(
                200, [("Content-Type", "text/plain; charset=utf-8")], site.robots_txt.encode()
            )
        if path in ("/", "/index.html"):
            return _html(render.render_homepage(site, base, noise, self.congress.mutation))
        if family.feed_path and path == family.feed_path.split("?", 1)[0]:
            content_type, body = render.render_feed(site, base)
            return Response(200, [("Content-Type", content_type)], body.encode())
        release = _find_release(site, target)
        if release is not None:
            return self._article(site, release, base, noise, get)
        if not family.feed_is_source:
            index = render.page_index(family, site.listing_path, target)
            if index is not None:
                page = render.render_listing(site, index, base, noise, self.congress.mutation)
                return _html(page) if page is not None else _html(NOT_FOUND_PAGE, 404)
        if path.endswith(".pdf") and any(path in r.attachments for r in site.releases):
            return Response(200, [("Content-Type", "application/pdf")], PDF)
        return _html(NOT_FOUND_PAGE, 404)

    def _fault_response(self, site: Site, fault: str, target: str, headers: Any) -> Response:
        base = self.base_url(site)
        if fault in ("500", "503", "429"):
            wait = [("Retry-After", site.retry_after)] if fault != "500" else []
            return _html(NOT_FOUND_PAGE.replace("Page not found", "Server error"), int(fault),
                         wait)
        if fault == "403":
            return _blocked(403, base, target)
        if fault == "cdn-block-200":
            return _blocked(200, base, target)
        if fault == "timeout":
            time.sleep(FAULT_DELAY)
        if fault == "oversized":
            return Response(200, [("Content-Type", HTML)], b" " * OVERSIZED_BYTES)
        if fault == "gzip-bomb":
            return Response(200, [("Content-Type", HTML), ("Content-Encoding", "gzip")],
                            _gzip_bomb())
        if fault == "redirect-loop":
            hop = "1" if target.endswith("?hop=0") else "0"
            return Response(302, [("Location", base + target.split("?")[0] + "?hop=" + hop)])
        if fault == "redirect":
            target_url = site.fault_target or "/"
            location = target_url if "://" in target_url else base + target_url
            return Response(302, [("Location", location), ("Content-Type", HTML)], b"Moved")
        response = self.respond(site, target, headers)
        if fault == "windows-1252":
            response = _as_windows_1252(response)
        elif fault == "invalid-utf8":
            response.body = response.body.replace(b"<body", b"<!-- \xff\xfe\xc3( --><body", 1)
        elif fault == "huge-listing":
            links = "".join(f'<li><a href="/press/extra-{i}">Extra {i}</a></li>'
                            for i in range(HUGE_LISTING_LINKS))
            response.body = response.body.replace(b"</body>", f"<ul>{links}</ul></body>".encode())
        return response

    def _article(
        self,
        site: Site,
        release: SimRelease,
        base: str,
        noise: int | None,
        get: Callable[[str], str | None],
    ) -> Response:
        extra = list(release.headers.items())
        if release.redirect_to or release.status in REDIRECTS:
            target = release.redirect_to or "/"
            location = target if "://" in target else base + target
            status = release.status if release.status in REDIRECTS else 301
            return Response(
                status,
                [("Location", location), ("Content-Type", HTML), *extra],
                b"<html><body>Moved</body></html>",
            )
        if release.status != 200:
            if release.status == 503 and "Retry-After" not in release.headers:
                extra.append(("Retry-After", "60"))
            return _html(NOT_FOUND_PAGE, release.status, extra)
        key = json.dumps(
            [
                release.title,
                release.published,
                release.paragraphs,
                release.attachments,
                release.dateline,
            ],
            ensure_ascii=False,
        )
        digest = hashlib.sha1(key.encode()).hexdigest()[:20]
        if not site.conditional:  # like many servers: no validators, every answer a full page
            page = render.render_article(site, release, base, noise, self.congress.mutation)
            return _html(page, 200, extra)
        etag = f'W/"{digest}"' if noise is not None else f'"{digest}"'
        modified = self._last_modified(site, release, digest)
        validators = [("ETag", etag), ("Last-Modified", formatdate(modified, usegmt=True))]
        if _not_modified(get, digest, modified):
            return Response(304, validators + extra)
        body = render.render_article(site, release, base, noise, self.congress.mutation)
        return _html(body, 200, validators + extra)

    def _last_modified(self, site: Site, release: SimRelease, digest: str) -> int:
        """When this version of the release first appeared (the date itself for the first)."""
        key = (site.slug, release.path)
        with self._lock:
            previous = self._versions.get(key)
            if previous is None:
                day = time.strptime(release.published, "%Y-%m-%d")
                stamp = calendar.timegm(day) + 16 * 3600
                self._versions[key] = (digest, stamp)
                return stamp
            if previous[0] != digest:
                stamp = max(int(time.time()), previous[1] + 1)
                self._versions[key] = (digest, stamp)
                return stamp
            return previous[1]


def _fault_of(site: Site, target: str) -> str | None:
    path = target.split("?", 1)[0]
    if not site.fault:
        return None
    if site.fault_paths is None:  # the whole site but robots.txt, unless named
        return None if path == "/robots.txt" else site.fault
    return site.fault if path in site.fault_paths else None


def _serve_raw(handler: Any, fault: str) -> int:
    """Faults below HTTP: a connection reset, a body dripping in too slowly, a short body."""
    connection = handler.connection
    handler.close_connection = True
    if fault == "reset":  # SO_LINGER 0: close() sends RST instead of FIN
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        connection.close()
        return 0
    body = b"<html><body>" + b"<p>drip</p>" * 200 + b"</body></html>"
    head = (f"HTTP/1.1 200 OK\r\nContent-Type: {HTML}\r\n"
            f"Content-Length: {len(body) + (1000 if fault == 'truncated' else 0)}\r\n"
            "Connection: close\r\n\r\n").encode()
    try:
        connection.sendall(head)
        if fault == "truncated":
            connection.sendall(body[: len(body) // 2])
        else:
            end = time.monotonic() + FAULT_DELAY
            for i in range(len(body)):
                if time.monotonic() > end:
                    break
                connection.sendall(body[i : i + 1])
                time.sleep(0.05)
        connection.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # the crawler gave up first
    return 200


_BOMB: list[bytes] = []


def _gzip_bomb() -> bytes:
    if not _BOMB:
        out = io.BytesIO()
        with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=9) as fh:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(BOMB_BYTES // len(chunk)):
                fh.write(chunk)
        _BOMB.append(out.getvalue())
    return _BOMB[0]


def _as_windows_1252(response: Response) -> Response:
    """The same page in windows-1252, with no charset in the headers or the markup."""
    text = response.body.decode("utf-8")
    text = re.sub(r"<meta[^>]*charset[^>]*>", "", text, flags=re.I)
    headers = [(k, "text/html" if k.lower() == "content-type" else v)
               for k, v in response.headers]
    body = text.encode("cp1252", errors="xmlcharrefreplace")
    return Response(response.status, headers, body)


def _find_release(site: Site, target: str) -> SimRelease | None:
    path = target.split("?", 1)[0]
    for release in site.releases:
        if target in release.all_paths:
            return release
    for release in site.releases:  # tracking query strings on a path without a query
        if path != target and path in release.all_paths and "?" not in release.path:
            return release
    return None


def _not_modified(get: Callable[[str], str | None], digest: str, modified: int) -> bool:
    if_none_match = get("If-None-Match")
    if if_none_match:
        tags = [t.strip().removeprefix("W/").strip('"') for t in if_none_match.split(",")]
        return "*" in tags or digest in tags
    if_modified_since = get("If-Modified-Since")
    if if_modified_since:
        try:
            since = parsedate_to_datetime(if_modified_since).timestamp()
        except (TypeError, ValueError):
            return False
        return modified <= since
    return False


def _html(body: str, status: int = 200, headers: list[tuple[str, str]] | None = None) -> Response:
    return Response(status, [("Content-Type", HTML), *(headers or [])], body.encode("utf-8"))


def _blocked(status: int, base: str, target: str) -> Response:
    host = base.split("://", 1)[1]
    body = BLOCKED_PAGE.format(host=host, path=target.lstrip("/"))
    return Response(
        status, [("Content-Type", "text/html"), ("Server", "AkamaiGHost")], body.encode()
    )


@contextmanager
def serve(congress: Congress, host: str = "127.0.0.1") -> Iterator[SimServer]:
    """Serve every site of ``congress`` on its own port until the block ends."""
    server = SimServer(congress, host)
    server.start()
    try:
        yield server
    finally:
        server.close()
