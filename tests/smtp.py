"""A real SMTP server for the tests: aiosmtpd on a loopback port, keeping what it receives."""

from __future__ import annotations

import email
import email.policy
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


@dataclass
class Received:
    rcpt_tos: list[str]
    message: EmailMessage


@dataclass
class Collector:
    """aiosmtpd handler: accepts every message (or refuses all with ``refuse``)."""

    received: list[Received] = field(default_factory=list)
    refuse: bool = False

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd API
        if self.refuse:
            return "554 5.7.1 refused by the test"
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.received.append(Received(list(envelope.rcpt_tos), message))
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [r.message for r in self.received if address in r.rcpt_tos]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Accounts:
    """aiosmtpd authenticator: accepts only these (user, password) pairs, records attempts."""

    valid: dict[str, str]
    tried: list[tuple[str, str]] = field(default_factory=list)

    def __call__(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        user, password = auth_data.login.decode(), auth_data.password.decode()
        self.tried.append((user, password))
        # handled=False: aiosmtpd itself answers 535 to a failed login.
        return AuthResult(success=self.valid.get(user) == password, handled=False)


@contextmanager
def smtp_server(port: int | None = None, collector: Collector | None = None,
                accounts: Accounts | None = None, *, ssl_context: ssl.SSLContext | None = None,
                starttls_context: ssl.SSLContext | None = None,
                ) -> Iterator[tuple[int, Collector]]:
    collector = collector or Collector()
    port = port or free_port()
    # Login over plain text is for this loopback test only (aiosmtpd refuses it by default).
    auth = {"authenticator": accounts, "auth_require_tls": False, "auth_required": True} \
        if accounts else {}
    if ssl_context:  # TLS from the first byte
        auth["ssl_context"] = ssl_context
    if starttls_context:
        auth.update(tls_context=starttls_context, require_starttls=True)
    controller = Controller(collector, hostname="127.0.0.1", port=port, **auth)
    controller.start()
    try:
        yield port, collector
    finally:
        controller.stop()


def parts(message: EmailMessage) -> tuple[str, str]:
    """The (text, html) parts of a multipart/alternative message."""
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None and html is not None, message.get_content_type()
    return text.get_content(), html.get_content()
