"""Alert emails end to end: `presswatch crawl` against a simulated Congress on 127.0.0.1, then
`presswatch alerts send` to a real SMTP server (aiosmtpd on a loopback port).

  day 0       first crawl: the baseline, recorded and never emailed
  day 1       a new release titled <script>alert(1)</script>, a word-level edit that adds the
              word "zeppelin", a release answering 404
  day 1 + 7 h the 404 confirmed: removed

Each test copies the database of the phase it needs, so sending in one test does not change
what another sees.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
import yaml

from crawler.config import load_config
from scheduler.mailer import send_pending
from simcongress import add_new_release, build_congress, serve, write_config, write_roster
from tests.helpers import PRESSWATCH, rows
from tests.smtp import Accounts, Collector, free_port, parts, smtp_server
from tests.tls import self_signed, server_context

DAY0 = "2026-04-13T06:00:00Z"
DAY1 = "2026-04-14T06:00:00Z"
DAY1_7H = "2026-04-14T13:00:00Z"
SEND_AT = "2026-04-14T13:30:00Z"
FAMILIES = ["house-evo", "senate-articleblock", "recordlist", "wordpress-elementor"]
SCRIPT_TITLE = "<script>alert(1)</script> Smith & Jones act"
PLANTED = "flibbertigibbet"  # in the edited release from day 0 on: text that merely stays


def presswatch(config: Path, now: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRESSWATCH_NOW": now}
    return subprocess.run([PRESSWATCH, *args, "--config", str(config)], env=env,
                          capture_output=True, text=True, timeout=300)


def subscribers(congress) -> list[dict]:
    s = congress.sites
    return [
        {"email": "all@example.org", "mode": "digest"},
        {"email": "member@example.org", "mode": "immediate", "members": [s[0].bioguide_id]},
        {"email": "state@example.org", "states": [s[2].state.lower()]},
        {"email": "senate@example.org", "chambers": ["senate"]},
        {"email": "party@example.org", "parties": [s[2].party]},
        {"email": "removals@example.org", "kinds": ["removed"]},
        {"email": "keyword@example.org", "keywords": ["Zeppelin"]},
        {"email": "stayed@example.org", "keywords": [PLANTED]},
    ]


def set_smtp_port(config: Path, port: int) -> None:
    data = yaml.safe_load(config.read_text())
    data["alerts"]["smtp"]["port"] = port
    config.write_text(yaml.safe_dump(data, sort_keys=False))


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("alerts")
    congress = build_congress(4, releases_per_site=3, seed=5, families=FAMILIES)
    s = congress.sites
    assert [site.chamber for site in s] == ["house", "senate", "house", "senate"]
    # Released the day before day 0, so every crawl below re-checks them.
    edited, gone = s[2].releases[0], s[1].releases[0]
    for release in (edited, gone):
        release.published = "2026-04-12"
    edited.paragraphs[-1] += f" A {PLANTED} stays here."
    snaps = {}
    with serve(congress) as server:
        roster = write_roster(congress, server, tmp / "roster.yaml")
        config = write_config(
            congress, server, tmp / "config.yaml", roster.name, database="pw.db",
            crawl={"delay_seconds": 0, "retries": 0},
            alerts={"smtp": {"host": "127.0.0.1", "port": free_port(),
                             "from": "presswatch@example.org", "timeout_seconds": 5},
                    "subscribers": subscribers(congress)},
        )
        for name, now in (("day0", DAY0), ("day1", DAY1), ("day1+7h", DAY1_7H)):
            if name == "day1":
                fresh = add_new_release(congress, s[0], "2026-04-14")
                fresh.title = SCRIPT_TITLE
                edited.paragraphs[0] += " The zeppelin landed."
                gone.status = 404
            result = presswatch(config, now, "crawl")
            assert result.returncode == 0, result.stderr[-3000:]
            snaps[name] = tmp / f"{name}.db"
            shutil.copy(tmp / "pw.db", snaps[name])
        yield {"congress": congress, "server": server, "config": config, "snaps": snaps,
               "urls": {"edited": server.url(s[2], edited.path),
                        "gone": server.url(s[1], gone.path),
                        "fresh": server.url(s[0], fresh.path)}}


@pytest.fixture
def site(world, tmp_path: Path):
    """A copy of the config and the day 1 + 7 h database in a fresh directory."""
    config = tmp_path / "config.yaml"
    shutil.copy(world["config"], config)
    shutil.copy(world["snaps"]["day1+7h"], tmp_path / "pw.db")
    return config


def send(config: Path, port: int, *args: str) -> subprocess.CompletedProcess[str]:
    set_smtp_port(config, port)
    return presswatch(config, SEND_AT, "alerts", "send", *args)


def test_baseline_crawl_sends_nothing(world, tmp_path: Path):
    config = tmp_path / "config.yaml"
    shutil.copy(world["config"], config)
    shutil.copy(world["snaps"]["day0"], tmp_path / "pw.db")
    news = rows(tmp_path / "pw.db", "select kind, alert from changes")
    assert len(news) == 12 and {(c["kind"], c["alert"]) for c in news} == {("new", 0)}
    with smtp_server() as (port, collector):
        result = send(config, port)
    assert result.returncode == 0, result.stderr
    assert "sent 0 messages" in result.stdout
    assert collector.received == []
    assert rows(tmp_path / "pw.db", "select count(*) as n from outbox")[0]["n"] == 0


def test_email_arrives_with_subject_recipients_both_parts_escaped(world, site: Path):
    with smtp_server() as (port, collector):
        result = send(site, port)
    assert result.returncode == 0, result.stderr
    [message] = collector.to("all@example.org")
    assert message["Subject"] == "presswatch: 1 new, 1 edited, 1 removed — Apr 14"
    assert message["To"] == "all@example.org"
    assert message["From"] == "presswatch@example.org"
    assert message.get_content_type() == "multipart/alternative"
    text, html = parts(message)
    urls = world["urls"]
    for url in urls.values():
        assert url in text and f'href="{url}"' in html
    # The title is data: as-is in the text part, inert in the HTML part.
    assert SCRIPT_TITLE in text
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Smith &amp; Jones" in html
    # The edit shows its changed words, marked by more than colour.
    assert "{+zeppelin landed.+}" in text or "{+The zeppelin landed.+}" in text
    assert "text-decoration:underline" in html and "zeppelin" in html
    # Removals and major edits come first, then new releases, then minor edits.
    assert text.index("REMOVED, RESTORED") < text.index("NEW RELEASES") < text.index("MINOR EDITS")
    assert "<style" not in html


def test_every_filter_per_subscriber(world, site: Path):
    with smtp_server() as (port, collector):
        send(site, port)
    urls = world["urls"]
    s = world["congress"].sites

    def links(address: str) -> set[str]:
        got = collector.to(address)
        assert len(got) <= 1, address  # one message per subscriber per delivery
        return {name for name, url in urls.items() for m in got if url in parts(m)[0]}

    member_sites = {"fresh": s[0], "gone": s[1], "edited": s[2]}
    assert links("all@example.org") == {"fresh", "gone", "edited"}
    assert links("member@example.org") == {"fresh"}
    assert links("state@example.org") == {n for n, x in member_sites.items()
                                          if x.state == s[2].state}
    assert links("senate@example.org") == {"gone"}
    assert links("party@example.org") == {n for n, x in member_sites.items()
                                          if x.party == s[2].party}
    assert links("removals@example.org") == {"gone"}
    assert links("keyword@example.org") == {"edited"}  # "zeppelin" was added by the edit
    assert collector.to("stayed@example.org") == []  # the planted word merely stayed
    subjects = {m["Subject"] for m in collector.to("removals@example.org")}
    assert subjects == {"presswatch: 1 removed — Apr 14"}


def test_smtp_down_loses_nothing_then_delivers_exactly_once(world, site: Path):
    db = site.parent / "pw.db"
    down = send(site, free_port())
    assert down.returncode == 1 and "failed" in down.stderr
    outbox = rows(db, "select status, attempts, sent_at, last_error from outbox")
    assert outbox and all(r["status"] == "pending" and r["attempts"] == 1 and r["sent_at"] is None
                          and r["last_error"] for r in outbox)
    assert rows(db, "select count(*) as n from changes where alerted_at is not null")[0]["n"] == 0
    with smtp_server() as (port, collector):
        first = send(site, port)
        second = send(site, port)
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    recipients = [r.rcpt_tos[0] for r in collector.received]
    assert sorted(recipients) == sorted(set(recipients))  # each subscriber exactly once
    assert len(recipients) == 7  # everyone but stayed@
    assert "sent 0 messages" in second.stdout
    assert {r["status"] for r in rows(db, "select status from outbox")} == {"sent"}


def test_refused_message_stays_pending(world, site: Path):
    db = site.parent / "pw.db"
    with smtp_server(collector=Collector(refuse=True)) as (port, collector):
        result = send(site, port)
    assert result.returncode == 1
    assert collector.received == []
    assert {r["status"] for r in rows(db, "select status from outbox")} == {"pending"}


def test_dry_run_and_preview_send_and_mark_nothing(world, site: Path):
    db = site.parent / "pw.db"
    with smtp_server() as (port, collector):
        dry = send(site, port, "--dry-run")
        preview = presswatch(site, SEND_AT, "alerts", "preview", "--subscriber",
                             "keyword@example.org", "--html", str(site.parent / "p.html"))
    assert dry.returncode == 0 and "would send 7 messages" in dry.stdout, dry.stdout + dry.stderr
    assert preview.returncode == 0, preview.stderr
    assert "presswatch: 1 edited — Apr 14" in preview.stdout
    assert "zeppelin" in (site.parent / "p.html").read_text()
    assert collector.received == []
    assert {r["status"] for r in rows(db, "select status from outbox")} == {"pending"}


def test_queueing_is_idempotent(world, site: Path):
    db = site.parent / "pw.db"
    before = rows(db, "select subscriber, change_id from outbox order by id")
    with sqlite3.connect(db) as conn:
        assert conn.execute("select count(*) from crawl_runs where alerts_queued_at is null"
                            ).fetchone()[0] == 0
    presswatch(site, SEND_AT, "alerts", "preview")
    assert rows(db, "select subscriber, change_id from outbox order by id") == before


def test_daemon_deliveries_retry_with_backoff_and_by_mode(world, site: Path):
    """send_pending as the daemon calls it: per mode, a failed delivery waits out its backoff."""
    db = site.parent / "pw.db"
    set_smtp_port(site, free_port())  # down
    config = load_config(site)
    down = send_pending(config, db, mode="immediate", now="2026-04-14T14:00:00Z")
    assert [email for email, _ in down.failed] == ["member@example.org"]  # the immediate one
    with smtp_server() as (port, collector):
        set_smtp_port(site, port)
        config = load_config(site)
        early = send_pending(config, db, mode="immediate", now="2026-04-14T14:04:00Z")
        assert early.sent == [] and early.waiting == 1  # 5 minutes of backoff not over
        retry = send_pending(config, db, mode="immediate", now="2026-04-14T14:06:00Z")
        assert retry.sent == [("member@example.org", 1)]
        digest = send_pending(config, db, mode="digest", now="2026-04-15T07:00:00Z")
        assert len(digest.sent) == 6 and "member@example.org" not in dict(digest.sent)
        again = send_pending(config, db, now="2026-04-15T08:00:00Z")
        assert again.sent == [] and again.failed == []
    assert sorted(r.rcpt_tos[0] for r in collector.received) == sorted(
        s["email"] for s in config["alerts"]["subscribers"] if s["email"] != "stayed@example.org")


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_login_uses_the_password_from_the_named_environment_variable(world, site: Path):
    data = yaml.safe_load(site.read_text())
    data["alerts"]["smtp"].update(username="pw", password_env="PW_TEST_SMTP_PASSWORD")
    site.write_text(yaml.safe_dump(data, sort_keys=False))
    assert "s3cret" not in site.read_text()
    accounts = Accounts({"pw": "s3cret"})
    with smtp_server(accounts=accounts) as (port, collector):
        set_smtp_port(site, port)
        unset = presswatch(site, SEND_AT, "alerts", "send")
        assert unset.returncode == 1 and "PW_TEST_SMTP_PASSWORD" in unset.stderr
        os.environ["PW_TEST_SMTP_PASSWORD"] = "wrong"
        try:
            wrong = presswatch(site, SEND_AT, "alerts", "send")
            os.environ["PW_TEST_SMTP_PASSWORD"] = "s3cret"
            right = presswatch(site, SEND_AT, "alerts", "send")
        finally:
            del os.environ["PW_TEST_SMTP_PASSWORD"]
    assert wrong.returncode == 1 and "SMTPAuthenticationError" in wrong.stderr
    assert right.returncode == 0, right.stderr
    assert ("pw", "wrong") in accounts.tried and ("pw", "s3cret") in accounts.tried
    assert len(collector.received) == 7


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_tls_security_modes_deliver_and_verify_the_certificate(world, site: Path, security: str):
    cert, key = self_signed(site.parent)
    context = server_context(cert, key)
    data = yaml.safe_load(site.read_text())
    data["alerts"]["smtp"]["security"] = security
    site.write_text(yaml.safe_dump(data, sort_keys=False))
    tls = {"ssl_context": context} if security == "ssl" else {"starttls_context": context}
    with smtp_server(**tls) as (port, collector):
        set_smtp_port(site, port)
        untrusted = presswatch(site, SEND_AT, "alerts", "send")  # our CA is not trusted yet
        assert untrusted.returncode == 1 and "CERTIFICATE_VERIFY_FAILED" in untrusted.stderr
        assert collector.received == []
        os.environ["SSL_CERT_FILE"] = str(cert)  # now it is: the same code path delivers
        try:
            trusted = presswatch(site, SEND_AT, "alerts", "send")
        finally:
            del os.environ["SSL_CERT_FILE"]
    assert trusted.returncode == 0, trusted.stderr
    assert len(collector.received) == 7
