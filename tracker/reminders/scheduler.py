"""The scheduler process (`flask --app wsgi scheduler run`): APScheduler triggers, the database decides.

Two jobs in Asia/Shanghai: the reminder sweep every SWEEP_INTERVAL_MINUTES (default 15, also at
start-up, so a restart catches up at once) and the outbox delivery every minute (left out with
`--no-deliver` when the outbox sender runs as its own process, as in deploy/). Each job coalesces
missed runs into one and never overlaps itself. After each sweep the scheduler writes its heartbeat
(tracker.reminders.models.Heartbeat), which /readyz and `flask doctor` check. What is due is read from the database on each run,
and every notice is a unique row, so a second scheduler started by mistake creates nothing twice.
"""
from __future__ import annotations

import logging
import os
import socket
import time
from datetime import datetime

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask

from tracker.auth.services import forget_old_attempts
from tracker.core.clock import LOCAL_TZ, utcnow
from tracker.extensions import db
from tracker.reminders.models import Heartbeat
from tracker.reminders.outbox import deliver_pending
from tracker.reminders.sweep import SweepResult, run_sweep

log = logging.getLogger(__name__)
MISFIRE_GRACE_SECONDS = 300
SCHEDULER = "scheduler"


def sweep_job(app: Flask, *, deliver: bool = True, now: datetime | None = None) -> None:
    with app.app_context():
        try:
            started = time.perf_counter()
            result = run_sweep(now)
            record_heartbeat(result, time.perf_counter() - started, now)
            log.info("sweep created %s notices %s", result.created, result.by_channel)
            if deliver:
                deliver_pending()
            # Login attempts of invented accounts would otherwise pile up: a day later none counts.
            forget_old_attempts()
            db.session.commit()
        finally:
            db.session.remove()


def record_heartbeat(result: SweepResult, seconds: float, now: datetime | None = None) -> Heartbeat:
    """The scheduler's row: alive at `now`, its last sweep, and the notices its sweeps created by level."""
    beat = db.session.get(Heartbeat, SCHEDULER) or Heartbeat(name=SCHEDULER, created_total={})
    created = {str(level): count for level, count in sorted(result.by_level.items())}
    totals = dict(beat.created_total or {})
    for level, count in created.items():
        totals[level] = totals.get(level, 0) + count
    beat.beat_at, beat.host, beat.pid = now or utcnow(), socket.gethostname(), os.getpid()
    beat.last_seconds, beat.last_created, beat.created_total = seconds, created, totals
    db.session.add(beat)
    db.session.commit()
    return beat


def deliver_job(app: Flask) -> None:
    with app.app_context():
        try:
            deliver_pending()
        finally:
            db.session.remove()


def build_scheduler(app: Flask, *, deliver: bool = True) -> BlockingScheduler:
    minutes = int(app.config["SWEEP_INTERVAL_MINUTES"])
    scheduler = BlockingScheduler(timezone=LOCAL_TZ)
    # Missed runs collapse into one, a run never overlaps the previous one, and a run late by minutes still runs.
    options = {"coalesce": True, "max_instances": 1, "misfire_grace_time": MISFIRE_GRACE_SECONDS}
    scheduler.add_job(sweep_job, IntervalTrigger(minutes=minutes, timezone=LOCAL_TZ), args=[app], id="sweep",
                      kwargs={"deliver": deliver}, name="reminder sweep", next_run_time=utcnow(), **options)
    if deliver:
        scheduler.add_job(deliver_job, IntervalTrigger(minutes=1, timezone=LOCAL_TZ), args=[app], id="deliver",
                          name="outbox delivery", **options)
    return scheduler
