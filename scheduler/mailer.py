"""Deliver the alert outbox over SMTP: one message per subscriber per delivery, exactly once.

A row is marked sent only after the SMTP server accepted the message that carries it. When
the server is down or refuses, the rows stay pending with a backoff (``alerts.retry_backoff_
minutes`` doubled per failed attempt, at most 6 h) and are tried again by a later delivery.
``send_pending`` is what both ``presswatch alerts send`` and the daemon call.
"""

from __future__ import annotations

import os
import smtplib
import ssl
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from crawler.clock import format_timestamp, now_iso, parse_timestamp
from scheduler.alerts import Digest, compose, queue_alerts, to_message
from storage.db import open_db
from storage.outbox import (
    change_details,
    due_rows,
    failing_members,
    mark_dropped,
    mark_failed,
    mark_sent,
    pending_subscribers,
    waiting_count,
)

MAX_BACKOFF = timedelta(hours=6)
# Which pending rows a delivery takes: immediate subscribers after each crawl, digest
# subscribers at the digest times; each also retries the other mode's rows that failed before,
# so a failed message does not wait a whole day. None: everything pending.
MODES = {
    "immediate": (("immediate",), ("digest",)),
    "digest": (("digest",), ("immediate",)),
}


class MailError(RuntimeError):
    """The SMTP settings cannot work (e.g. the password variable is not set)."""


@dataclass
class SendReport:
    """What one delivery did."""

    dry_run: bool = False
    sent: list[tuple[str, int]] = field(default_factory=list)  # (subscriber, changes)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (subscriber, error)
    dropped: int = 0  # rows of subscribers no longer in the config
    waiting: int = 0  # pending rows held back by a backoff
    messages: list[EmailMessage] = field(default_factory=list)  # composed (sent or not)
    digests: list[Digest] = field(default_factory=list)

    def line(self) -> str:
        verb = "would send" if self.dry_run else "sent"
        changes = sum(n for _, n in self.sent)
        text = (f"{verb} {len(self.sent)} {_plural(len(self.sent), 'message')} "
                f"({changes} {_plural(changes, 'change')})")
        if self.failed:
            text += f"; {len(self.failed)} failed, left pending"
        if self.waiting:
            text += f"; {self.waiting} waiting to retry"
        if self.dropped:
            text += f"; {self.dropped} dropped (subscriber no longer configured)"
        return text


def _plural(n: int, word: str) -> str:
    return word if n == 1 else word + "s"


def send_pending(config: dict[str, Any], db_path: Path, *, mode: str | None = None,
                 dry_run: bool = False, now: str | None = None,
                 ignore_backoff: bool = False) -> SendReport:
    """Queue what detection found and deliver what is due, one message per subscriber.

    ``mode`` "immediate" (after each crawl), "digest" (at the digest times) or None
    (everything pending). ``dry_run`` composes the messages and marks nothing.
    ``ignore_backoff`` retries failed rows now (a user running ``alerts send`` by hand).
    """
    if mode is not None and mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)} or None, not {mode!r}")
    now = now or now_iso()
    db = open_db(Path(db_path), create=False)
    try:
        queue_alerts(db, config, now)  # idempotent: a run's changes are queued once
        return deliver(db, config, now, mode=mode, dry_run=dry_run,
                       ignore_backoff=ignore_backoff)
    finally:
        db.close()


def deliver(db: Any, config: dict[str, Any], now: str, *, mode: str | None = None,
            dry_run: bool = False, ignore_backoff: bool = False,
            only: str | None = None) -> SendReport:
    """Compose (and unless ``dry_run`` send) the due messages; ``only`` one subscriber."""
    alerts = config["alerts"]
    subscribers = {s["email"]: s for s in alerts["subscribers"]}
    report = SendReport(dry_run=dry_run)
    if not dry_run:
        for gone in set(pending_subscribers(db)) - set(subscribers):
            report.dropped += mark_dropped(db, gone)
    modes, retry_modes = MODES.get(mode, (None, ()))
    rows = due_rows(db, now, modes=modes, retries_only_for=retry_modes,
                    ignore_backoff=ignore_backoff)
    by_subscriber: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        if row["subscriber"] in subscribers and only in (None, row["subscriber"]):
            by_subscriber[row["subscriber"]].append(row)
    health = failing_members(db, alerts["health_after_failures"])
    with Connection(alerts["smtp"], enabled=not dry_run) as smtp:
        for email, queued in by_subscriber.items():
            changes = change_details(db, [r["change_id"] for r in queued])
            digest = compose(changes, health, parse_timestamp(now),
                             alerts["max_changes_per_email"])
            message = to_message(digest, alerts["smtp"]["from"], email,
                                 domain=sender_domain(alerts["smtp"]["from"]))
            report.messages.append(message)
            report.digests.append(digest)
            if dry_run:
                report.sent.append((email, len(changes)))
                continue
            ids = [r["id"] for r in queued]
            try:
                smtp.send(message)
            except (smtplib.SMTPException, OSError, MailError) as exc:
                attempts = max(r["attempts"] for r in queued)
                mark_failed(db, ids, now, describe(exc), retry_at(now, attempts, alerts))
                report.failed.append((email, describe(exc)))
                continue
            mark_sent(db, ids, now, message["Message-ID"])
            report.sent.append((email, len(changes)))
    report.waiting = waiting_count(db, now)
    return report


def retry_at(now: str, attempts_before: int, alerts: dict[str, Any]) -> str:
    """When a row that has failed ``attempts_before + 1`` times may be tried again."""
    wait = timedelta(minutes=alerts["retry_backoff_minutes"] * 2 ** min(attempts_before, 16))
    return format_timestamp(parse_timestamp(now) + min(wait, MAX_BACKOFF))


def sender_domain(sender: str) -> str:
    return sender.rsplit("@", 1)[-1].strip("> ") or "presswatch"


def describe(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return " ".join(f"{type(exc).__name__}: {text}".split())


class Connection:
    """One SMTP session for a whole delivery, opened on first use and re-opened after an
    error (the server may have dropped us)."""

    def __init__(self, settings: dict[str, Any], *, enabled: bool = True) -> None:
        self.settings = settings
        self.enabled = enabled
        self.client: smtplib.SMTP | None = None

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def send(self, message: EmailMessage) -> None:
        if not self.enabled:
            return
        try:
            if self.client is None:
                self.client = connect(self.settings)
            # Raises unless the server accepted the one recipient: then, and only then, sent.
            self.client.send_message(message)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        if self.client is not None:
            try:
                self.client.quit()
            except (smtplib.SMTPException, OSError):
                pass
            self.client = None


def connect(settings: dict[str, Any]) -> smtplib.SMTP:
    """An SMTP session per ``alerts.smtp``: plain, STARTTLS or TLS from the start, with a
    login when ``username`` is set (password from the variable named by ``password_env``)."""
    host, port, timeout = settings["host"], settings["port"], settings["timeout_seconds"]
    password = password_from_env(settings)
    if settings["security"] == "ssl":
        client: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=timeout,
                                                context=ssl.create_default_context())
    else:
        client = smtplib.SMTP(host, port, timeout=timeout)
        if settings["security"] == "starttls":
            client.starttls(context=ssl.create_default_context())
    try:
        if settings["username"]:
            client.login(settings["username"], password or "")
    except BaseException:
        client.close()
        raise
    return client


def password_from_env(settings: dict[str, Any]) -> str | None:
    if not settings["username"]:
        return None
    name = settings["password_env"]
    if not name:
        raise MailError("alerts.smtp.username is set but alerts.smtp.password_env is not")
    if name not in os.environ:
        raise MailError(f"environment variable {name} (alerts.smtp.password_env) is not set")
    return os.environ[name]
