"""``presswatch run``: crawl on a schedule and send alerts, until stopped.

APScheduler 3's BlockingScheduler runs two kinds of job from the config's ``schedule:``:
the crawl (a cron expression or an interval) and one digest job per ``digest_at`` time. Jobs
never overlap: each job kind has ``max_instances=1`` and ``coalesce=True`` (runs missed while
one was going become one), and all jobs share one work lock, so a digest waits for a crawl.
Every crawl runs in its child process under the crawl lock and ``crawl.max_run_minutes``
(scheduler.jobs). SIGTERM / SIGINT stop the scheduler, cut the running crawl short (its run
is closed as ``aborted``, change detection done) and exit 0.
"""

from __future__ import annotations

import logging
import signal
import threading
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.events import (
    EVENT_JOB_ERROR,
    EVENT_JOB_EXECUTED,
    EVENT_JOB_MAX_INSTANCES,
    EVENT_JOB_MISSED,
    EVENT_SCHEDULER_STARTED,
)
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers import SchedulerNotRunningError
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from crawler.clock import parse_timestamp
from crawler.config import INTERVAL, ConfigError
from crawler.roster import RosterError
from scheduler.jobs import CrawlRequest, StopRequest, run_crawl
from scheduler.mailer import send_pending
from storage.db import StorageError
from storage.lock import CrawlBusy

log = logging.getLogger("presswatch.daemon")
UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def crawl_trigger(schedule: dict[str, Any]) -> BaseTrigger:
    """``every 6h`` → an interval from the daemon's start; anything else → a cron expression."""
    zone = ZoneInfo(schedule["timezone"])
    text = schedule["crawl"].strip()
    interval = INTERVAL.fullmatch(text)
    if interval:
        unit = UNITS[interval.group(2).lower()]
        return IntervalTrigger(**{unit: int(interval.group(1))}, timezone=zone)
    try:
        return CronTrigger.from_crontab(text, timezone=zone)
    except ValueError as exc:
        raise ConfigError(f"config key 'schedule.crawl' is not a valid cron expression: "
                          f"{text!r} ({exc})") from None


def digest_triggers(schedule: dict[str, Any]) -> dict[str, CronTrigger]:
    zone = ZoneInfo(schedule["timezone"])
    triggers = {}
    for at in schedule["digest_at"]:
        hour, minute = (int(part) for part in at.strip().split(":"))
        triggers[f"{hour:02d}:{minute:02d}"] = CronTrigger(hour=hour, minute=minute, timezone=zone)
    return triggers


class Daemon:
    """The scheduler, its jobs, and a clean stop."""

    def __init__(self, config: dict[str, Any], config_path: str | None, db_path: Path):
        self.config = config
        self.config_path = config_path
        self.db_path = db_path
        self.stop = StopRequest()
        self.work = threading.Lock()  # one job at a time, whatever its kind
        schedule = config["schedule"]
        self.scheduler = BlockingScheduler(
            timezone=ZoneInfo(schedule["timezone"]),
            executors={"default": ThreadPoolExecutor(2)},
            job_defaults={
                "max_instances": 1,
                "coalesce": True,
                # APScheduler's default grace is 1 s: a late wake-up would skip the run.
                "misfire_grace_time": int(schedule["misfire_grace_minutes"] * 60),
            },
        )
        self.scheduler.add_job(self.crawl_job, crawl_trigger(schedule), id="crawl", name="crawl")
        for at, trigger in digest_triggers(schedule).items():
            self.scheduler.add_job(self.digest_job, trigger, id=f"digest {at}",
                                   name=f"digest {at}")
        self.scheduler.add_listener(self.on_event, EVENT_SCHEDULER_STARTED | EVENT_JOB_EXECUTED
                                    | EVENT_JOB_ERROR | EVENT_JOB_MISSED | EVENT_JOB_MAX_INSTANCES)

    def run(self) -> None:
        """Block until SIGTERM / SIGINT; then wait for the running job to end cleanly."""
        previous = {sig: signal.signal(sig, self.on_signal)
                    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)}
        try:
            self.scheduler.start()
        finally:
            with self.work:  # the running job, if any, has been told to stop: let it finish
                pass
            for sig, old in previous.items():
                signal.signal(sig, old)
        log.info("presswatch daemon stopped: %s", self.stop.reason or "the scheduler ended")

    def on_signal(self, signum: int, frame: Any) -> None:
        name = signal.Signals(signum).name
        log.info("%s received: stopping (a running crawl is cut short and closed as aborted)",
                 name)
        self.stop.request(f"stopped by {name} (daemon shutting down)", signum)
        try:
            self.scheduler.shutdown(wait=False)
        except SchedulerNotRunningError:
            pass

    # -- jobs ---------------------------------------------------------------------------------

    def crawl_job(self) -> None:
        with self.work:
            if self.stop.is_set():
                return
            request = CrawlRequest(config_path=self.config_path, db_path=str(self.db_path),
                                   stop=self.stop)
            try:
                run = run_crawl(request)
            except CrawlBusy as exc:
                log.warning("crawl skipped: %s", exc)
                return
            except (ConfigError, RosterError, StorageError) as exc:
                log.error("crawl not run: %s", exc)
                return
            log.info("crawl run %s %s in %ss: %s members ok, %s error; %s new releases%s",
                     run["id"], run["status"], run.get("seconds"), run["members_ok"],
                     run["members_error"], run["releases_new"],
                     f"; {run['error']}" if run.get("error") else "")
            if not self.stop.is_set():
                self.send("immediate")

    def digest_job(self) -> None:
        with self.work:
            if not self.stop.is_set():
                self.send("digest")

    def send(self, mode: str) -> None:
        try:
            report = send_pending(self.config, self.db_path, mode=mode)
        except (StorageError, ConfigError) as exc:
            log.error("%s alerts not sent: %s", mode, exc)
            return
        log.info("%s alerts: %s", mode, report.line())

    # -- logging ------------------------------------------------------------------------------

    def on_event(self, event: Any) -> None:
        if event.code == EVENT_SCHEDULER_STARTED:
            log.info("presswatch daemon started (database %s)", self.db_path)
            for job in self.scheduler.get_jobs():
                log.info("next %s at %s", job.name, when(job.next_run_time))
            return
        job_id = getattr(event, "job_id", None)
        if job_id is None:
            return
        job = self.scheduler.get_job(job_id)
        if event.code == EVENT_JOB_ERROR:
            log.error("%s failed: %r", job_id, event.exception)
        elif event.code == EVENT_JOB_MISSED:
            log.warning("%s due at %s was missed (later than the misfire grace)", job_id,
                        when(event.scheduled_run_time))
        elif event.code == EVENT_JOB_MAX_INSTANCES:
            log.info("%s due now skipped: the previous one is still running", job_id)
            return  # its next run time is logged when the running one ends
        if job is not None and job.next_run_time is not None and not self.stop.is_set():
            log.info("next %s at %s", job.name, when(job.next_run_time))


def when(moment: datetime | None) -> str:
    return moment.isoformat(timespec="seconds") if moment else "(not scheduled)"


def next_runs(config: dict[str, Any], last_crawl_started: str | None,
              now: datetime) -> dict[str, datetime | None]:
    """When the daemon's jobs fire next, as far as the config tells: a cron expression and the
    digest times exactly; an interval counted from the last crawl's start (None before any)."""
    schedule = config["schedule"]
    trigger = crawl_trigger(schedule)
    if isinstance(trigger, IntervalTrigger):
        if last_crawl_started is None:
            crawl = None
        else:
            crawl = max(parse_timestamp(last_crawl_started) + trigger.interval, now)
    else:
        crawl = trigger.get_next_fire_time(None, now)
    result: dict[str, datetime | None] = {"crawl": crawl}
    for at, digest in digest_triggers(schedule).items():
        result[f"digest {at}"] = digest.get_next_fire_time(None, now)
    return result
